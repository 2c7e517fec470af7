"""export_catalogue: the import format, so that export -> import round-trips."""

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from django.core.management import call_command
from wagtail.models import Page

from govinfo_wagtail.catalogue.exporting import EXPORT_COLUMNS, export_catalogue
from govinfo_wagtail.catalogue.importing import read_table, validate
from govinfo_wagtail.catalogue.models import CatalogueIndexPage, CatalogueItemPage
from govinfo_wagtail.core.models import Topic
from tests.conftest import add_draft, add_live

FIELDS = ["title", "agency_id", "topic_id", "document_number", "written_date", "published_date",
          "validity", "validity_changed_on", "keywords", "summary", "body"]


@pytest.fixture
def items(catalogue, agency, topic):
    child = Topic.objects.create(name="通知", parent=topic)
    add_draft(catalogue, CatalogueItemPage(
        title="关于做好2021年春运工作的通知", agency=agency, topic=child,
        document_number="海交〔2021〕3号", written_date=date(2021, 2, 1),
        published_date=date(2021, 2, 3), keywords="春运、交通", summary="部署春运工作。",
        body='<p>第一段，<b>加粗</b>。</p><p>第二段：<a href="https://www.gd.gov.cn/">链接</a></p>',
    ))
    add_draft(catalogue, CatalogueItemPage(
        title="=1+1 不是公式", agency=agency, topic=topic, validity="repealed",
        validity_changed_on=date(2022, 5, 6), written_date=date(2019, 12, 30),
        summary="-以减号开头的摘要", keywords="@提及",
    ))
    add_draft(catalogue, CatalogueItemPage(title="无分类无日期", agency=agency))
    return CatalogueItemPage.objects.child_of(catalogue).order_by("path")


def values(pages):
    return [tuple(getattr(p, f) for f in FIELDS) for p in pages]


def test_xlsx_has_the_chinese_headers_and_typed_cells(items):
    data = export_catalogue(items, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [c.label for c in EXPORT_COLUMNS]
    header = {label: i for i, label in enumerate(rows[0])}
    first, second, third = rows[1:]
    assert first[header["标题"]] == "关于做好2021年春运工作的通知"
    assert first[header["主题分类"]] == "政策文件/通知"
    assert first[header["发布机构"]] == "海丰县交通运输局"
    assert first[header["成文日期"]] == datetime(2021, 2, 1)
    assert first[header["有效性"]] == "有效" and first[header["类型"]] == "item"
    assert second[header["有效性"]] == "废止"
    assert second[header["有效性变更日期"]] == datetime(2022, 5, 6)
    assert third[header["成文日期"]] is None and third[header["主题分类"]] is None
    # Text that looks like a formula stays text: never run by a spreadsheet.
    cell = sheet.cell(row=3, column=header["标题"] + 1)
    assert cell.value == "=1+1 不是公式" and cell.data_type == "s"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_export(items, encoding):
    data = export_catalogue(items, "csv", encoding=encoding)
    text = data.decode(encoding)
    lines = text.splitlines()
    assert lines[0].split(",")[:3] == ["标题", "发布机构", "主题分类"]
    assert "'=1+1 不是公式" in text and "'-以减号开头的摘要" in text  # protected from Excel
    assert "2021-02-01" in text and "废止" in text
    if encoding == "utf-8-sig":
        assert data.startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_round_trips(tmp_path, items, root_page, fmt):
    target = CatalogueIndexPage(title="第二目录", slug="second")
    add_live(root_page, target)
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(export_catalogue(items, fmt))
    call_command("govinfo_import", str(path), "--catalogue", str(target.pk), "--no-progress",
                 stdout=io.StringIO())
    copies = CatalogueItemPage.objects.child_of(target).order_by("path")
    assert values(copies) == values(items)
    assert all(not p.live for p in copies)


def test_live_pages_export_their_index_numbers(tmp_path, catalogue, agency, topic):
    page = add_live(catalogue, CatalogueItemPage(title="已公开", agency=agency, topic=topic,
                                                 published_date=date(2020, 3, 1)))
    qs = CatalogueItemPage.objects.filter(pk=page.pk)
    path = tmp_path / "live.xlsx"
    path.write_bytes(export_catalogue(qs))
    table = read_table(path.read_bytes(), path.name)
    first = next(iter(table.rows))
    assert first[1][table.headers.index("索引号")] == page.index_number
    # As drafts the number is refused; as a migration into this same site it is taken.
    drafts = validate(read_table(path.read_bytes(), path.name), parent=catalogue)
    assert [(p.row, p.code) for p in drafts.problems] == [(2, "index_number_not_allowed")]
    moved = validate(read_table(path.read_bytes(), path.name), parent=catalogue, publish=True)
    assert [(p.row, p.code) for p in moved.problems] == [(2, "index_number_exists")]


def test_any_page_queryset_and_unknown_format(items, catalogue):
    data = export_catalogue(Page.objects.child_of(catalogue), "csv")
    assert len(data.decode("utf-8-sig").strip().splitlines()) == 4
    with pytest.raises(ValueError):
        export_catalogue(items, "ods")


def test_csv_export_protects_a_leading_tab_or_carriage_return(catalogue, agency, root_page,
                                                              tmp_path):
    """Some spreadsheets skip a leading tab or carriage return before deciding that a cell is
    a formula: such cells get the protecting apostrophe too, and import back unchanged."""
    add_draft(catalogue, CatalogueItemPage(title="\t=HYPERLINK(\"http://x\")", agency=agency,
                                           summary="\r+1+1", keywords="\t普通主题词"))
    add_draft(catalogue, CatalogueItemPage(title="中间有\t制表符", agency=agency))
    pages = CatalogueItemPage.objects.child_of(catalogue).order_by("path")
    data = export_catalogue(pages, "csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    header = rows[0]
    first, second = rows[1], rows[2]
    assert first[header.index("标题")] == "'\t=HYPERLINK(\"http://x\")"
    assert first[header.index("摘要")] == "'\r+1+1"
    assert first[header.index("主题词")] == "'\t普通主题词"
    assert second[header.index("标题")] == "中间有\t制表符"  # only a leading one
    for row in rows[1:]:
        assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in row)
    # Imported again, the apostrophe goes (and the leading white space, as on any import).
    target = add_live(root_page, CatalogueIndexPage(title="第二目录", slug="second"))
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    call_command("govinfo_import", str(path), "--catalogue", str(target.pk), "--no-progress",
                 stdout=io.StringIO())
    copies = CatalogueItemPage.objects.child_of(target).order_by("path")
    assert [(p.title, p.summary, p.keywords) for p in copies] == [
        ("=HYPERLINK(\"http://x\")", "+1+1", "普通主题词"), ("中间有\t制表符", "", "")]
