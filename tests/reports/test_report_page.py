"""The public annual report page, its downloads, and the demo report."""

import csv
import io
import json

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from openpyxl import load_workbook

from govinfo_wagtail.catalogue.models import CatalogueIndexPage
from govinfo_wagtail.core.release import ReleaseReason, release
from govinfo_wagtail.reports.demo import SEED
from govinfo_wagtail.reports.formats import get_format, validate
from govinfo_wagtail.reports.models import SECTIONS, AnnualReportPage
from tests.conftest import add_draft


def soup_of(url: str) -> BeautifulSoup:
    response = Client().get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def download(report, ext: str):
    response = Client().get(report.url + report.reverse_subpage("tables", args=(ext,)))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return response


@pytest.mark.django_db
def test_format_is_chosen_by_year_and_can_be_overridden(catalogue, agency):
    assert AnnualReportPage(year=2019).report_format.key == "2019"
    assert AnnualReportPage(year=2020).report_format.key == "2019"
    assert AnnualReportPage(year=2021).report_format.key == "2021"
    assert AnnualReportPage(year=2020, format_key="2021").report_format.key == "2021"
    assert AnnualReportPage.can_create_at(catalogue)
    assert AnnualReportPage in CatalogueIndexPage.allowed_subpage_models()


@pytest.mark.django_db
def test_demo_report_has_the_seed_text_verbatim_and_passes_validation(demo_reports):
    report = demo_reports[2019]
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    soup = soup_of(report.url)
    text = soup.get_text("\n")
    body = [line for line in lines[:-3] if line not in dict(SECTIONS).values()]
    for paragraph in body:
        assert paragraph in text
    section_six = soup.find(id="section-other_matters").get_text()
    assert "海丰县交通运输局\n2020年1月21日" not in section_six
    assert "2020年1月21日" not in section_six
    # The seed's last line is website chrome, not report content (the site's own exit
    # dialog, outside the main content, carries that sentence).
    assert "您访问的链接即将离开" not in soup.find("main").get_text()
    signature = soup.select_one(".govinfo-signature").get_text()
    assert "海丰县交通运输局" in signature and "2020年1月21日" in signature
    assert "示例数据" in soup.select_one(".govinfo-example").get_text()
    # Published 2020-01-21, before the department's deadline of 31 January.
    deadline = soup.select_one(".govinfo-meta [data-deadline]")
    assert deadline["data-deadline"] == "2020-01-31" and not deadline.get("data-deadline-missed")
    for year, page in demo_reports.items():
        previous = demo_reports.get(year - 1)
        issues = validate(page.report_format, page.tables, previous.tables if previous else None)
        assert [i for i in issues if i.is_error or i.code == "cross_year"] == []


@pytest.mark.django_db
def test_public_page_has_six_sections_and_accessible_tables(demo_reports):
    report = demo_reports[2019]
    soup = soup_of(report.url)
    headings = [h.get_text() for h in soup.select(".govinfo-report-section > h2")]
    assert headings == [heading for _name, heading in SECTIONS]
    tables = soup.select("table.govinfo-report-table")
    fmt = get_format("2019")
    assert len(tables) == sum(len(t.blocks) for t in fmt.tables)
    ids = {th["id"] for th in soup.select("table.govinfo-report-table th")}
    cells = soup.select("table.govinfo-report-table td[headers]")
    assert len(cells) == len(list(fmt.cells()))
    for td in cells:
        refs = list(td["headers"])
        assert set(refs) <= ids, refs
    # The cell of 属于国家秘密 / 自然人 names its row, its groups and its column headers.
    applications = soup.find(id="t-applications-applications")
    row = applications.find("th", string="1.属于国家秘密").find_parent("tr")
    first = row.find("td")
    names = [applications.find(id=i).get_text() for i in first["headers"]]
    assert names == ["申请人情况", "自然人", "三、本年度办理结果", "（三）不予公开",
                     "1.属于国家秘密"]
    for th in soup.select("table.govinfo-report-table thead th"):
        assert th["scope"] in {"col", "colgroup"}
    for th in soup.select("table.govinfo-report-table tbody th"):
        assert th["scope"] in {"row", "rowgroup"}


@pytest.mark.django_db
def test_charts_appear_when_an_earlier_report_exists(demo_reports):
    assert soup_of(demo_reports[2019].url).select("figure.govinfo-chart svg") == []
    charts = soup_of(demo_reports[2020].url).select("figure.govinfo-chart svg")
    assert len(charts) == 2
    received = charts[0]
    assert received["role"] == "img" and received.find("title").get_text()
    bars = {r.find("title").get_text() for r in received.select("rect") if r.find("title")}
    assert any(t.startswith("2019") and t.endswith(": 66") for t in bars)
    assert any(t.startswith("2020") and t.endswith(": 76") for t in bars)
    outcomes = {r.find("title").get_text() for r in charts[1].select("rect") if r.find("title")}
    assert any("2020" in t and "予以公开" in t and t.endswith(": 38") for t in outcomes)


def received_bars(url: str) -> set[str]:
    received = soup_of(url).select("figure.govinfo-chart svg")[0]
    return {r.find("title").get_text() for r in received.select("rect") if r.find("title")}


@pytest.mark.django_db
def test_a_chart_shows_an_earlier_report_as_it_was_released_last(demo_reports):
    """The figures of the agency's other reports are kept per live revision: a new one
    released shows at once, a draft never."""
    assert any(t.startswith("2019") and t.endswith(": 66") for t in received_bars(
        demo_reports[2020].url))
    earlier = AnnualReportPage.objects.get(pk=demo_reports[2019].pk)
    earlier.tables["applications"]["new_requests"]["total"] = 70
    draft = earlier.save_revision()
    assert any(t.startswith("2019") and t.endswith(": 66") for t in received_bars(
        demo_reports[2020].url))
    release(draft, reason=ReleaseReason.TEST)
    bars = received_bars(demo_reports[2020].url)
    assert any(t.startswith("2019") and t.endswith(": 70") for t in bars), bars


@pytest.mark.django_db
def test_a_chart_reads_the_figures_it_has_not_kept_in_one_query(demo_reports):
    """The agency section reads its reports without their tables; the figures a chart has
    not kept yet come in one query, whatever the number of reports, and then from memory."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from govinfo_wagtail.reports import charts
    from tests.conftest import add_live

    earlier = demo_reports[2019]
    for year in (2021, 2022, 2023):
        latest = add_live(earlier.get_parent(), AnnualReportPage(
            title=f"{year}年报告", slug=f"r{year}", year=year, agency=earlier.agency,
            tables=earlier.tables))
    url = latest.url
    client = Client()
    client.get(url)
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    charts._LIVE_FIGURES.clear()
    with CaptureQueriesContext(connection) as cold:
        bars = received_bars(url)
    assert len(cold) == len(warm) + 1
    assert {t[:4] for t in bars if t.endswith(": 66")} == {"2019", "2021", "2022", "2023"}


@pytest.mark.django_db
def test_agency_reports_are_listed_by_year(demo_reports):
    soup = soup_of(demo_reports[2019].url)
    items = [li.get_text() for li in soup.select(".govinfo-other-reports li")]
    assert [i[:4] for i in items] == ["2020", "2019"]
    assert soup.select_one('.govinfo-other-reports [aria-current="page"]')


@pytest.mark.django_db
def test_tables_download_as_csv_json_and_xlsx(demo_reports):
    report = demo_reports[2019]
    fmt = report.report_format
    count = len(list(fmt.cells()))

    rows = list(csv.DictReader(io.StringIO(download(report, "csv").content.decode("utf-8-sig"))))
    assert len(rows) == count
    secret = next(r for r in rows if r["row"] == "withheld_state_secret"
                  and r["column"] == "total")
    assert secret["row_label"] == "三、本年度办理结果 （三）不予公开 1.属于国家秘密"
    amount = next(r for r in rows if r["column"] == "procurement_amount")
    assert amount["value"] == "326.5"

    payload = json.loads(download(report, "json").content)
    assert payload["year"] == 2019 and payload["format"]["key"] == "2019"
    assert payload["illustrative"] is True
    assert payload["tables"]["applications"]["rows"]["new_requests"]["total"] == 66
    assert len(payload["cells"]) == count

    book = load_workbook(io.BytesIO(download(report, "xlsx").content))
    assert book.sheetnames == ["二", "三", "四", "data"]
    sheet = book["三"]
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "申请人情况" in values and "1.属于国家秘密" in values
    assert any(str(r) for r in sheet.merged_cells.ranges)
    assert book["data"].max_row == count + 1
    assert Client().get(report.url + "tables/exe/").status_code == 404


@pytest.mark.django_db
def test_rich_text_is_sanitised_on_the_page(catalogue, agency):
    page = add_draft(catalogue, AnnualReportPage(
        title="年报", slug="r", year=2021, agency=agency,
        overview='<p onclick="x()">文字<a href="javascript:alert(1)">链接</a>'
                 '<a href="file:///etc/passwd" rel="attachment">附件</a></p>'
                 '<script>alert(1)</script><link rel="attachment" href="file:///etc/passwd">'))
    from govinfo_wagtail.reports.views import report_context

    html = str(report_context(page, None)["sections"][0]["html"])
    assert html == '<p>文字<a>链接</a><a>附件</a></p>'
