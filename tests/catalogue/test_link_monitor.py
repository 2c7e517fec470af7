"""The broken-link monitor: the checker against a real HTTP server on 127.0.0.1 (200, 404,
500, redirects, a redirect loop, a slow answer, a server dripping its headers, redirects to
a private address or another scheme), the refusal of private and local addresses by
default, the site check of pages, documents, addresses on the site and external addresses,
and the report in the admin."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from wagtail.documents import get_document_model

from govinfo_wagtail.catalogue.link_fetch import LinkChecker
from govinfo_wagtail.catalogue.link_monitor import BrokenLink, LinkCheckRun, check_site
from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.core.agencies import Agency
from govinfo_wagtail.core.release import ReleaseReason, release
from tests.conftest import add_draft, add_live, grant_permission

LOOPBACK = ["127.0.0.0/8"]


class Handler(BaseHTTPRequestHandler):
    hits: list = []

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 — http.server's name
        Handler.hits.append((self.path, time.monotonic()))
        path = self.path.split("?")[0]
        if path in ("/ok", "/%E9%80%9A%E7%9F%A5/a%20b"):  # /通知/a b, as sent
            return self._answer(200, body=b"x" * 5_000_000)  # never read by the checker
        if path == "/missing":
            return self._answer(404)
        if path == "/error":
            return self._answer(500)
        if path == "/redirect":
            return self._answer(302, location="/ok")
        if path == "/loop":
            return self._answer(301, location="/loop")
        if path == "/to-private":
            return self._answer(302, location="http://169.254.169.254/latest/meta-data/")
        if path == "/to-ftp":
            return self._answer(302, location="ftp://127.0.0.1/file")
        if path == "/slow":
            time.sleep(3)
            return self._answer(200)
        if path == "/drip":  # answers at once, then one header byte every 0.4 s
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            self.wfile.flush()
            for byte in b"X-Slow: " + b"a" * 40:
                time.sleep(0.4)
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    return None
            return None
        return self._answer(404)

    def _answer(self, status, location="", body=b""):
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    Handler.hits = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_checker_answers_of_a_local_server(server):
    checker = LinkChecker(allowed_networks=LOOPBACK, timeout=1)
    ok = checker.check(f"{server}/ok")
    assert (ok.status, ok.error, ok.broken) == (200, "", False)
    assert (checker.check(f"{server}/missing").status, checker.check(f"{server}/missing").broken
            ) == (404, True)
    assert checker.check(f"{server}/error").status == 500
    assert checker.check(f"{server}/error").broken
    moved = checker.check(f"{server}/redirect")
    assert not moved.broken and moved.final_url == f"{server}/ok"
    assert checker.check(f"{server}/loop").error == "too_many_redirects"
    # Addresses as pasted (a Chinese path, a space) are sent encoded and answered.
    assert checker.check(f"{server}/通知/a b").status == 200
    assert checker.check(f"{server}/%E9%80%9A%E7%9F%A5/a%20b").status == 200
    started = time.monotonic()
    slow = checker.check(f"{server}/slow")
    assert slow.error == "timeout" and slow.broken  # not the 200 the server sends at 3 s
    assert time.monotonic() - started < 2.9
    started = time.monotonic()
    drip = checker.check(f"{server}/drip")  # each byte within the timeout, the whole not
    assert drip.error == "timeout"
    assert time.monotonic() - started < 8  # the 2 s deadline (a loaded machine), not 16 s


def test_redirects_to_private_addresses_or_other_schemes_are_refused(server):
    checker = LinkChecker(allowed_networks=LOOPBACK, timeout=1)
    private = checker.check(f"{server}/to-private")
    assert private.error == "redirect_refused" and private.broken
    assert private.final_url == "http://169.254.169.254/latest/meta-data/"
    assert checker.check(f"{server}/to-ftp").error == "redirect_refused"


def test_private_and_local_addresses_are_refused_by_default(server):
    checker = LinkChecker(timeout=1)  # nothing allowed: the default
    assert checker.check(f"{server}/ok").error == "address_refused"
    port = server.rsplit(":", 1)[1]
    for url in (f"http://localhost:{port}/ok", f"http://[::1]:{port}/ok",
                f"http://[::ffff:127.0.0.1]:{port}/ok", f"http://0.0.0.0:{port}/ok",
                "http://10.1.2.3/", "http://192.168.1.1/", "http://172.16.0.1/",
                "http://169.254.169.254/latest/meta-data/", "http://100.64.0.1/",
                "http://[fd00::1]/", "http://[fe80::1]/", "http://224.0.0.1/",
                # IPv6 addresses that reach a private IPv4 address: NAT64, 6to4, Teredo,
                # IPv4-compatible; and site-local.
                "http://[64:ff9b::a9fe:a9fe]/", "http://[64:ff9b:1::a00:1]/",
                "http://[2002:a9fe:a9fe::1]/", "http://[::a9fe:a9fe]/",
                "http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/", "http://[fec0::1]/"):
        assert checker.check(url).error == "address_refused", url
    assert Handler.hits == []  # no request reached the server
    for url in ("ftp://example.org/", "file:///etc/passwd", "gopher://127.0.0.1:70/"):
        assert checker.check(url).error == "unsupported_scheme"
    # An allowed network opens only itself.
    assert LinkChecker(allowed_networks=["10.0.0.0/8"], timeout=1).check(
        f"{server}/ok").error == "address_refused"


def document(name="附件.pdf", keep_file=True):
    doc = get_document_model()(title=name)
    doc.file.save(name, ContentFile(b"%PDF-1.4 test"), save=False)
    doc.save()
    if not keep_file:
        doc.file.storage.delete(doc.file.name)
    return doc


@pytest.fixture
def linked_site(catalogue, agency, server, settings, django_user_model):
    settings.GOVINFO_LINK_CHECK_ALLOWED_NETWORKS = LOOPBACK
    settings.GOVINFO_LINK_CHECK_TIMEOUT = 1
    settings.GOVINFO_LINK_CHECK_HOST_INTERVAL = 0.3
    other = Agency.objects.create(name="海丰县财政局", index_code="007000002")
    target = add_live(catalogue, CatalogueItemPage(title="目标页面", agency=agency))
    draft = add_draft(catalogue, CatalogueItemPage(title="未发布页面", agency=agency))
    gone = add_live(catalogue, CatalogueItemPage(title="已删除页面", agency=agency))
    gone_id = gone.pk
    gone.delete()
    good_doc, lost_doc = document("通知.pdf"), document("丢失.pdf", keep_file=False)
    body = (
        f'<p><a linktype="page" id="{target.pk}">好</a>'
        f' <a linktype="page" id="{draft.pk}">草稿</a> <a linktype="page" id="{gone_id}">删</a>'
        f' <a linktype="document" id="{good_doc.pk}">文</a>'
        f' <a linktype="document" id="{lost_doc.pk}">失</a> <a href="/xxgk/">目录</a>'
        f' <a href="/xxgk/no-such-page/">无</a> <a href="http://localhost/xxgk/gone/">绝对</a>'
        f' <a href="{server}/ok">外好</a> <a href="{server}/missing">外坏</a>'
        f' <a href="{server}/redirect">外转</a> <a href="mailto:office@example.gov.cn">信</a>'
        f' <a href="#top">顶</a></p>'
    )
    editor = django_user_model.objects.create_user("xinxiyuan", "x@example.gov.cn", "pw")
    page = CatalogueItemPage(title="有链接的页面", agency=agency, body=body, owner=editor)
    page = add_live(catalogue, page)
    page.get_latest_revision().__class__.objects.filter(
        object_id=str(page.pk)).update(user=editor)
    finance = add_live(catalogue, CatalogueItemPage(
        title="财政局页面", agency=other,
        body=f'<p><a href="{server}/error">坏</a> <a href="{server}/missing">同一个</a></p>'))
    # A draft of a live page adds a broken link: only the live content is checked.
    finance.body = f'<p><a href="{server}/missing?draft">草稿里的坏链接</a></p>'
    finance.save_revision()
    return {"page": page, "finance": finance, "editor": editor, "agency": agency,
            "other": other, "server": server, "lost_doc": lost_doc}


@pytest.mark.django_db
def test_site_check_records_broken_links_per_page_with_agency_and_editor(linked_site):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    run = check_site(site)
    server = linked_site["server"]
    page = linked_site["page"]
    rows = {b.url: b for b in BrokenLink.objects.filter(page=page)}
    problems = {url: (b.kind, b.status, b.error) for url, b in rows.items()}
    draft_id = CatalogueItemPage.objects.get(title="未发布页面").pk
    assert problems[str(draft_id)] == ("page", None, "page_not_live")
    assert problems[str(linked_site["lost_doc"].pk)] == ("document", None, "file_missing")
    assert problems["/xxgk/no-such-page/"] == ("internal", None, "not_found")
    assert problems["http://localhost/xxgk/gone/"] == ("internal", None, "not_found")
    assert problems[f"{server}/missing"] == ("external", 404, "")
    assert len([u for u in problems if problems[u][2] == "page_missing"]) == 1
    assert len(rows) == 6  # the good page, document, path, 200 and redirect are not broken
    assert {b.agency for b in rows.values()} == {linked_site["agency"]}
    assert {b.editor for b in rows.values()} == {linked_site["editor"]}
    finance = BrokenLink.objects.filter(page=linked_site["finance"])
    assert [(b.url, b.status, b.agency) for b in finance] == [
        (f"{server}/error", 500, linked_site["other"]),
        (f"{server}/missing", 404, linked_site["other"])]
    assert not any("draft" in path for path, _t in Handler.hits)  # drafts never checked
    assert (run.broken, run.external_checked) == (8, True)
    # Each external address once (two pages link /missing), the same host's requests apart.
    paths = [p for p, _t in Handler.hits]
    assert paths.count("/missing") == 1 and paths.count("/error") == 1
    times = sorted(t for _p, t in Handler.hits if not _p.startswith("/ok"))
    assert all(b - a >= 0.25 for a, b in zip(times, times[1:], strict=False))

    # Checked again: still broken links keep when they were first seen; fixed ones go.
    first_seen = rows[f"{server}/missing"].first_seen
    page.body = page.body.replace(f"{server}/missing", f"{server}/ok")
    release(page.save_revision(), reason=ReleaseReason.TEST)
    check_site(site)
    assert not BrokenLink.objects.filter(url=f"{server}/missing", page=page).exists()
    assert BrokenLink.objects.get(url="/xxgk/no-such-page/").first_seen <= first_seen
    # External checks off: nothing fetched, internal problems still found.
    Handler.hits.clear()
    run = check_site(site, external=False)
    assert Handler.hits == [] and not run.external_checked
    assert not BrokenLink.objects.filter(kind="external").exists()
    assert BrokenLink.objects.filter(kind="internal").count() == 2


@pytest.mark.django_db
def test_private_link_in_content_is_refused_by_default(catalogue, agency, server):
    from wagtail.models import Site

    add_live(catalogue, CatalogueItemPage(
        title="内网链接", agency=agency, body=f'<p><a href="{server}/ok">内网</a></p>'))
    check_site(Site.objects.get(is_default_site=True))
    row = BrokenLink.objects.get()
    assert row.error == "address_refused" and Handler.hits == []


@pytest.mark.django_db
def test_report_in_the_admin_per_page_and_agency(linked_site, client, django_user_model):
    from wagtail.models import Site

    check_site(Site.objects.get(is_default_site=True))
    url = reverse("govinfo_broken_links")
    staff = django_user_model.objects.create_user("staff", "s@example.gov.cn", "pw")
    grant_permission(staff, "wagtailadmin.access_admin")
    client.force_login(staff)
    assert client.get(url).status_code in (302, 403)
    grant_permission(staff, "govinfo_catalogue.view_link_report")
    html = client.get(url).content.decode()
    assert "有链接的页面" in html and "财政局页面" in html and "xinxiyuan" in html
    assert "/xxgk/no-such-page/" in html
    assert reverse("wagtailadmin_pages:edit", args=[linked_site["page"].pk]) in html
    only = client.get(url, {"agency": linked_site["other"].pk}).content.decode()
    assert "财政局页面" in only and "有链接的页面" not in only
    assert client.get(url, {"agency": "x"}).status_code == 200  # a bad value: no 500
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-broken-links="8"' in dashboard
    assert LinkCheckRun.objects.count() == 1


@pytest.mark.django_db
def test_command_runs_and_can_skip_external_links(linked_site, capsys):
    call_command("govinfo_check_links", "--no-external")
    out = capsys.readouterr().out
    assert "broken" in out or "失效" in out
    assert Handler.hits == []
    call_command("govinfo_check_links", "--enqueue")  # the immediate backend in tests
    assert BrokenLink.objects.filter(kind="external").count() == 3

