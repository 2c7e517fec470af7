"""The edge of the documented layout, with the real binaries: visitors → nginx
(deploy/nginx/govinfo.conf, TLS) → Varnish (deploy/varnish/default.vcl) → the live server.

- Nobody can purge or ban from outside: nginx answers PURGE and BAN with 405, and Varnish
  takes PURGE only on its purge listener, never on the one nginx forwards to, even from
  127.0.0.1. The package's own purges (to the purge listener) still reach visitors.
- Every spelling of the host (upper case, a trailing dot, a port) is one cached copy, and a
  take-down removes it whichever spelling a visitor uses.
- Behind nginx and Varnish, the 找错 form's limit is per visitor (GOVINFO_TRUSTED_PROXIES)
  and a visitor's own X-Forwarded-For does not change it.
"""

import datetime
import re
import time

import pytest
from django.core import signing
from wagtail.models import Site

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.core.error_report_views import SALT
from govinfo_wagtail.core.release import ReleaseReason, release
from tests.conftest import add_live
from tests.frontcache.conftest import raw_request

pytestmark = [pytest.mark.django_db(transaction=True)]
SITE = "xxgk.example.gov.cn"


def hit(headers) -> bool:
    return headers.get("X-Cache") == "HIT"


def until(fetch, predicate, seconds=1.0):
    started = time.monotonic()
    while True:
        status, headers, body = fetch()
        if predicate(status, body):
            return
        assert time.monotonic() - started < seconds, (status, dict(headers))
        time.sleep(0.05)


@pytest.fixture
def item(catalogue, agency):
    return add_live(catalogue, CatalogueItemPage(
        title="关于公布道路养护计划的通知", slug="notice", agency=agency,
        published_date=datetime.date(2026, 3, 1), body="<p>养护计划全文</p>"))


@pytest.fixture
def public_site(varnish):
    """The site under its public name on port 443 (as behind nginx): page URLs and purges
    name the host alone, as in production."""
    Site.objects.filter(is_default_site=True).update(hostname=SITE, port=443)
    Site.clear_site_root_paths_cache()
    yield SITE


def test_purge_and_ban_through_nginx_are_refused_and_change_nothing(nginx, varnish, item,
                                                                    public_site):
    def get():
        return nginx.request("GET", "/xxgk/notice/", host=SITE)

    get()
    status, headers, body = get()
    assert status == 200 and hit(headers) and "养护计划全文" in body

    for method in ("PURGE", "BAN"):
        status, _headers, _body = nginx.request(method, "/xxgk/notice/", host=SITE)
        assert status == 405, method
        # The port-80 server (the redirect to HTTPS) refuses them too.
        status, _headers, _body = raw_request(nginx.plain_port, method, "/xxgk/notice/",
                                              host=SITE)
        assert status == 405, method
    # Straight at Varnish's public listener, from 127.0.0.1 (where nginx connects from):
    # refused too, so a proxy that forwarded the method would not open it.
    for method in ("PURGE", "BAN"):
        status, _headers, _body = raw_request(varnish.port, method, "/xxgk/notice/", host=SITE)
        assert status == 405, method
    status, headers, _body = get()
    assert status == 200 and hit(headers), "a refused purge removed the page"


def test_the_packages_own_purge_reaches_visitors_through_nginx(nginx, item, public_site):
    def get():
        return nginx.request("GET", "/xxgk/notice/", host=SITE)

    get()
    assert hit(get()[1])
    page = CatalogueItemPage.objects.get(pk=item.pk)
    page.title = "关于调整道路养护计划的通知"
    release(page.save_revision(), reason=ReleaseReason.TEST)
    until(get, lambda status, body: "调整道路养护计划" in body)
    CatalogueItemPage.objects.get(pk=item.pk).unpublish()
    until(get, lambda status, body: status == 404)


def test_every_spelling_of_the_host_is_one_copy_and_goes_with_a_take_down(varnish, item,
                                                                          public_site):
    """Straight at Varnish (a load balancer may stand in front instead of nginx): the VCL
    makes the host lower case without the port and a trailing dot."""
    spellings = [SITE, SITE.upper(), SITE + ".", "Xxgk.Example.Gov.CN.:443",
                 f"{SITE}:{varnish.port}", f"{SITE}:8080"]

    def get(host):
        return raw_request(varnish.port, "GET", "/xxgk/notice/", host=host)

    status, _headers, _body = get(SITE)
    assert status == 200
    for host in spellings:
        status, headers, body = get(host)
        assert status == 200 and hit(headers) and "养护计划全文" in body, host
    CatalogueItemPage.objects.get(pk=item.pk).unpublish()
    for host in spellings:
        until(lambda host=host: get(host), lambda status, body: status == 404)


def test_every_spelling_of_the_host_through_nginx_too(nginx, item, public_site):
    spellings = [SITE, SITE.upper(), SITE + ".", "XXGK.example.gov.cn.:443"]

    def get(host):
        return nginx.request("GET", "/xxgk/notice/", host=host)

    get(SITE)
    for host in spellings:
        status, headers, _body = get(host)
        assert status == 200 and hit(headers), host
    CatalogueItemPage.objects.get(pk=item.pk).unpublish()
    for host in spellings:
        until(lambda host=host: get(host), lambda status, body: status == 404)


def test_the_error_form_limit_is_per_visitor_behind_nginx_and_varnish(nginx, settings, db):
    """Visitors on other loopback addresses (127.0.0.5, 127.0.0.6) than the proxies'
    (127.0.0.1): the proxies are trusted, the visitors' own X-Forwarded-For is not."""
    from govinfo_wagtail.core.error_reports import ErrorReport

    settings.GOVINFO_TRUSTED_PROXIES = ["127.0.0.1"]

    def report(source, forwarded=None):
        status, headers, body = nginx.request("GET", "/govinfo/report-error/", source=source)
        assert status == 200, body[-500:]
        cookie = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"]).group(1)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        form = {"csrfmiddlewaretoken": csrf, "kind": "link", "page_url": "/xxgk/",
                "description": "附件链接打不开。", "website": "",
                "token": signing.dumps(int(time.time()) - 10, salt=SALT)}
        from urllib.parse import urlencode

        headers = {"Cookie": f"csrftoken={cookie}",
                   "Content-Type": "application/x-www-form-urlencoded",
                   "Referer": f"https://127.0.0.1:{nginx.port}/govinfo/report-error/"}
        if forwarded:
            headers["X-Forwarded-For"] = forwarded
        status, _headers, body = nginx.request("POST", "/govinfo/report-error/",
                                               source=source, headers=headers,
                                               body=urlencode(form))
        return status

    for _ in range(5):
        assert report("127.0.0.5") == 200
    assert report("127.0.0.5") == 429
    assert report("127.0.0.6") == 200  # another visitor is not locked out
    assert report("127.0.0.5", forwarded="203.0.113.9") == 429  # nor is a forged header read
    assert ErrorReport.objects.count() == 6


def test_a_purge_sent_to_the_public_listener_is_refused_and_logged_with_the_fix(
        varnish, item, settings, caplog):
    """A site that upgraded the VCL but still points LOCATION at the public listener: the
    purge is refused, the release goes on, and the log names the purge listener."""
    settings.WAGTAILFRONTENDCACHE = {"varnish": {
        "BACKEND": "govinfo_wagtail.core.frontcache.HTTPBackend", "LOCATION": varnish.url}}
    varnish.get("/xxgk/notice/")
    page = CatalogueItemPage.objects.get(pk=item.pk)
    page.title = "关于调整道路养护计划的通知"
    release(page.save_revision(), reason=ReleaseReason.TEST)
    assert CatalogueItemPage.objects.get(pk=item.pk).title == "关于调整道路养护计划的通知"
    assert "405" in caplog.text and "purge listener" in caplog.text
    status, headers, body = varnish.get("/xxgk/notice/")
    assert hit(headers) and "调整道路养护计划" not in body  # still the old copy
