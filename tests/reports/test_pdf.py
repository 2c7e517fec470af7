"""The annual report PDF: real WeasyPrint output checked with poppler's tools and pypdf."""

import http.server
import io
import subprocess
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from pypdf import PdfReader

from govinfo_wagtail.core.release import ReleaseReason, release
from govinfo_wagtail.pdf.fetcher import SiteOnlyURLFetcher
from govinfo_wagtail.pdf.render import render_pdf
from govinfo_wagtail.reports.models import SECTIONS, AnnualReportPage, AnnualReportPDF
from govinfo_wagtail.reports.pdf import build_report_pdf, site_url

ARTIFACTS = settings.ARTIFACTS_DIR / "pdf"

# Labels in cells wide enough not to wrap (pdftotext splits a wrapped cell's lines).
TABLE_LABELS = ["第二十条第（一）项", "第二十条第（九）项", "本年新制作数量", "行政事业性收费",
                "政府集中采购", "采购总金额", "申请人情况", "法人或其他组织",
                "一、本年新收政府信息公开申请数量", "重复申请", "属于国家秘密",
                "四、结转下年度继续办理", "行政复议", "行政诉讼", "未经复议直接起诉"]


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def write(name: str, content: bytes) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(content)
    return path


@pytest.mark.django_db
def test_demo_report_pdf_has_the_text_tables_and_an_embedded_chinese_font(demo_reports):
    report = demo_reports[2019]
    path = write("demo-2019.pdf", build_report_pdf(report))

    text = run("pdftotext", "-layout", str(path), "-")
    flat = "".join(text.split())
    for _name, heading in SECTIONS:
        assert heading in flat
    for label in TABLE_LABELS:
        assert label in flat, label
    assert "2020年1月21日" in flat and "海丰县交通运输局" in flat
    assert "您访问的链接即将离开" not in flat  # website chrome is not report text
    assert "示例数据" in flat
    assert "—1—" in flat and "—3—" in flat  # page numbers

    fonts = run("pdffonts", str(path)).splitlines()[2:]
    assert fonts, "no fonts in the PDF"
    for line in fonts:
        # Only the packaged Noto Serif SC, embedded: no system font was needed.
        assert "GovInfo-Serif-SC" in line and " yes yes yes " in line, line

    pages = len(PdfReader(path).pages)
    assert pages >= 3
    prefix = ARTIFACTS / "demo-2019"
    run("pdftoppm", "-png", "-r", "60", str(path), str(prefix))
    assert len(list(ARTIFACTS.glob("demo-2019-*.png"))) == pages
    page = PdfReader(path).pages[0]
    # A4 portrait, in points.
    assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842


@pytest.mark.django_db
def test_report_with_two_years_has_both_charts_in_the_pdf(demo_reports):
    path = write("demo-2020.pdf", build_report_pdf(demo_reports[2020]))
    text = "".join(run("pdftotext", str(path), "-").split())
    # Bars carry each year's requests received: 66 in 2019, 76 in 2020.
    assert "2019" in text and "2020" in text and "76" in text


@pytest.mark.django_db
def test_pdf_is_generated_on_release_and_regenerated_on_re_release(
    demo_reports, admin_user, django_capture_on_commit_callbacks
):
    report = demo_reports[2019]
    record = AnnualReportPDF.objects.get(page=report)
    assert record.status == AnnualReportPDF.Status.READY and record.file
    assert record.revision_id == report.live_revision_id
    first_name = record.file.name

    response = Client().get(report.url + report.reverse_subpage("pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    assert "/xxgk/" in Client().get(report.url).content.decode()  # link shown on the page

    report.title = "海丰县交通运输局2019年政府信息公开工作年度报告（修订）"
    revision = report.save_revision(user=admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        release(revision, reason=ReleaseReason.TEST, user=admin_user)
    record.refresh_from_db()
    assert record.revision_id == revision.pk
    assert record.file.name != first_name
    text = "".join(PdfReader(io.BytesIO(record.file.read())).pages[0].extract_text().split())
    assert "（修订）" in text

    # Taken down: the PDF leaves public media storage with it.
    storage, name = record.file.storage, record.file.name
    AnnualReportPage.objects.get(pk=report.pk).unpublish(user=admin_user)
    assert not storage.exists(name)
    assert not AnnualReportPDF.objects.filter(page=report).exists()


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def outside_server():
    """A real HTTP server 'on another host': it must receive no request."""
    _Recorder.hits = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _Recorder.hits
    server.shutdown()


def hostile_html(outside: str) -> str:
    return (
        '<p>正文 <a href="file:///etc/passwd">passwd</a></p>'
        '<link rel="attachment" href="file:///etc/passwd">'
        '<p><a rel="attachment" href="file:///etc/passwd">附件</a></p>'
        f'<p><a rel="attachment" href="{outside}/secret.txt">远程附件</a></p>'
        f'<link rel="stylesheet" href="{outside}/style.css">'
        f'<p><img src="{outside}/x.png" alt="外站图片"><img src="file:///etc/hostname" alt=""></p>'
        '<object data="file:///etc/passwd"></object>'
    )


def assert_no_embedded_files(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.attachments == {}
    assert b"/EmbeddedFile" not in pdf and b"root:" not in pdf


@pytest.mark.django_db
def test_hostile_rich_text_embeds_nothing_and_fetches_nothing_outside(
    catalogue, agency, outside_server, tmp_path
):
    outside, hits = outside_server
    report = AnnualReportPage(title="恶意年报", slug="evil", year=2021, agency=agency,
                              overview=hostile_html(outside), other_matters=hostile_html(outside),
                              live=False)
    catalogue.add_child(instance=report)
    fetcher = SiteOnlyURLFetcher(site_url(report))
    pdf = build_report_pdf(report, fetcher=fetcher)
    path = write("hostile.pdf", pdf)

    assert_no_embedded_files(pdf)
    assert "0 embedded files" in run("pdfdetach", "-list", str(path)).lower() or \
        run("pdfdetach", "-list", str(path)).strip().startswith("0")
    assert hits == []
    # Everything read came from the site itself (fonts are packaged, not fetched by URL).
    assert all(url.startswith(("govinfo-font:", "data:")) for url in fetcher.served)
    assert "正文" in "".join(run("pdftotext", str(path), "-").split())


@pytest.mark.django_db
def test_the_fetcher_alone_refuses_files_and_other_hosts(outside_server, root_page):
    """Defence in depth: unsanitised HTML straight to WeasyPrint through the fetcher."""
    outside, hits = outside_server
    fetcher = SiteOnlyURLFetcher("http://localhost/")
    html = f"<html><body><p>测试</p>{hostile_html(outside)}" \
           '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">' \
           '<img src="/static/../../../../etc/passwd" alt="">' \
           '<img src="/media/../settings.py" alt="">' \
           '<img src="/media/original_images/not-in-the-library.png" alt=""></body></html>'
    pdf = render_pdf(html, site_url="http://localhost/", fetcher=fetcher)

    assert_no_embedded_files(pdf)
    assert hits == []
    requested = " ".join(fetcher.requested)
    assert "file:///etc/passwd" in requested  # WeasyPrint asked for it …
    assert not any(url.startswith(("file:", outside)) for url in fetcher.served)  # … in vain
    assert any(url.startswith("data:") for url in fetcher.served)
    assert not any("/media/" in url or "/static/" in url for url in fetcher.served)


def test_the_check_would_catch_weasyprints_default_fetcher():
    """The same assertion fails against WeasyPrint's stock fetcher, which embeds the file."""
    from weasyprint import HTML

    html = '<p>x</p><link rel="attachment" href="file:///etc/passwd">'
    pdf = HTML(string=html, base_url="http://localhost/").write_pdf()
    with pytest.raises(AssertionError):
        assert_no_embedded_files(pdf)


@pytest.mark.django_db
def test_a_failed_pdf_is_recorded_and_shown_to_editors(catalogue, agency, client, admin_user):
    from django.urls import reverse

    from govinfo_wagtail.reports.tasks import generate_report_pdf
    from tests.conftest import add_draft

    page = add_draft(catalogue, AnnualReportPage(title="草稿年报", slug="d", year=2021,
                                                 agency=agency))
    generate_report_pdf.enqueue(page.pk, None)  # a draft has no public PDF
    record = AnnualReportPDF.objects.get(page=page)
    assert record.status == AnnualReportPDF.Status.FAILED and record.error
    assert not record.file
    assert Client().get(page.url + page.reverse_subpage("pdf") if page.url else "/x/") \
        .status_code == 404
    client.force_login(admin_user)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert 'class="govinfo-pdf-status" data-status="failed"' in html


def _structure_types(node, found=None) -> set[str]:
    found = set() if found is None else found
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, dict):
        if "/S" in node:
            found.add(str(node["/S"]))
        kids = node.get("/K")
        if kids is not None:
            for kid in kids if isinstance(kids, list) else [kids]:
                _structure_types(kid, found)
    return found


def test_pdf_is_tagged_and_headings_are_set_in_the_packaged_bold():
    from govinfo_wagtail.pdf.fonts import font_stack, packaged_fonts

    assert "serif-bold" in packaged_fonts(), "the bold weight ships with the package"
    html = ('<html lang="zh-Hans"><head><title>年度报告</title></head><body>'
            '<h1>海丰县交通运输局年度报告堃</h1><h2>一、总体情况</h2><p>正文堃。</p>'
            '<table><tr><th>项目</th><td>1</td></tr></table></body></html>')
    css = f"html {{ font-family: {font_stack()}; }} h1, h2 {{ font-weight: bold; }}"
    path = write("tagged-bold.pdf", render_pdf(html, site_url="http://testserver/", css=css))
    fonts = run("pdffonts", str(path)).splitlines()[2:]
    names = {line.split()[0].split("+", 1)[1] for line in fonts}
    assert names == {"GovInfo-Serif-SC", "GovInfo-Serif-SC-Bold"}, fonts
    assert all(" yes yes yes " in line for line in fonts), fonts
    # A character outside GB 2312 keeps its (bold) glyph in the heading: nothing is dropped.
    text = "".join(run("pdftotext", str(path), "-").split())
    assert "海丰县交通运输局年度报告堃" in text and "正文堃" in text
    root = PdfReader(path).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and root["/Lang"] == "zh-Hans"
    assert {"/H1", "/H2", "/P", "/Table"} <= _structure_types(root["/StructTreeRoot"])
