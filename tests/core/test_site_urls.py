"""Addresses on a portal of several sites (core.site_urls): an absolute address is read on the
site of its host name and port, a path on the site it is read from, and a host that is none
of the sites is not the project's. The link monitor and the error-report form both read
addresses this way."""

import pytest
from wagtail.models import Page, Site

from govinfo_wagtail.catalogue.link_monitor import BrokenLink, check_site
from govinfo_wagtail.catalogue.models import CatalogueIndexPage, CatalogueItemPage
from govinfo_wagtail.core.agencies import Agency
from govinfo_wagtail.core.error_reports import agency_for_url
from govinfo_wagtail.core.site_urls import MAX_DEPTH, site_address
from tests.conftest import add_live

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(catalogue, agency):
    """The default site (localhost:80, its catalogue /xxgk/), the education bureau's site
    (jyj.example) with its own notices column, and a staging site on localhost:8080 whose
    root has a catalogue of another slug."""
    top = Page.get_first_root_node()
    education = Agency.objects.create(name="海丰县教育局", index_code="007040011")
    jyj_root = top.add_child(instance=Page(title="教育局网站", slug="jyj-home"))
    Site.objects.create(hostname="jyj.example", port=80, root_page=jyj_root)
    notices = add_live(jyj_root, CatalogueIndexPage(title="通知公告", slug="tzgg"))
    notice = add_live(notices, CatalogueItemPage(title="招生通知", slug="zs", agency=education))
    staging_root = top.add_child(instance=Page(title="预发布", slug="staging-home"))
    Site.objects.create(hostname="localhost", port=8080, root_page=staging_root)
    add_live(staging_root, CatalogueIndexPage(title="目录", slug="ml"))
    own = add_live(catalogue, CatalogueItemPage(title="本站页面", slug="bz", agency=agency))
    yield {"education": education, "notice": notice, "own": own, "jyj_root": jyj_root}
    # The sites go with the test's transaction; Wagtail's cached site root paths would not.
    Site.clear_site_root_paths_cache()


def test_an_address_is_read_on_the_site_of_its_host_and_port(portal):
    default = Site.objects.get(is_default_site=True)
    jyj = Site.objects.get(hostname="jyj.example")
    staging = Site.objects.get(port=8080)
    assert site_address("http://jyj.example/tzgg/zs/").site == jyj
    assert site_address("HTTPS://JYJ.example:443/tzgg/").site == jyj  # the only jyj site
    assert site_address("http://localhost:8080/ml/").site == staging
    assert site_address("http://localhost/xxgk/").site == default
    assert site_address("/tzgg/", site=jyj).site == jyj  # a path: the site it is read from
    assert site_address("/xxgk/").site == default
    assert site_address("/%E9%80%9A%E7%9F%A5/a").segments == ("通知", "a")
    for outside in ("http://evil.example/xxgk/", "ftp://localhost/xxgk/", "//localhost/xxgk/",
                    "mailto:office@example.gov.cn", "xxgk/", "http://[::1", "http://localhost:x/",
                    "javascript:alert(1)", ""):
        assert site_address(outside) is None, outside


def test_a_deep_address_looks_up_no_more_prefixes_than_the_tree_can_hold(portal):
    address = site_address("/" + "a/" * 10_000)
    assert len(address.prefixes()) == MAX_DEPTH + 1
    assert [page.pk for _n, page in address.pages()] == [address.site.root_page_id]


def test_error_reports_find_the_agency_on_the_site_the_address_names(portal, agency):
    assert agency_for_url("http://jyj.example/tzgg/zs/") == portal["education"].pk
    assert agency_for_url("http://jyj.example/tzgg/zs/?from=footer#top") \
        == portal["education"].pk
    # The same path on the default site is not the education bureau's page.
    assert agency_for_url("http://localhost/tzgg/zs/") is None
    assert agency_for_url("/xxgk/bz/") == agency.pk
    assert agency_for_url("http://jyj.example/xxgk/bz/") is None
    assert agency_for_url("http://localhost:8080/xxgk/bz/") is None


def test_link_monitor_resolves_links_to_other_sites_against_their_own_pages(portal, catalogue):
    body = ('<p><a href="http://jyj.example/tzgg/zs/">教育局通知</a>'
            ' <a href="http://jyj.example/xxgk/bz/">教育局站上没有</a>'
            ' <a href="http://localhost:8080/ml/">预发布目录</a>'
            ' <a href="http://localhost:8080/xxgk/">预发布站上没有</a>'
            ' <a href="http://localhost/xxgk/bz/">本站</a></p>')
    page = add_live(catalogue, CatalogueItemPage(title="有链接的页面", slug="links", body=body,
                                                 agency=portal["own"].agency))
    check_site(Site.objects.get(is_default_site=True), external=False)
    broken = {b.url: (b.kind, b.error) for b in BrokenLink.objects.filter(page=page)}
    assert broken == {"http://jyj.example/xxgk/bz/": ("internal", "not_found"),
                      "http://localhost:8080/xxgk/": ("internal", "not_found")}


def test_a_link_to_a_page_of_another_site_that_is_not_live_is_reported(portal, catalogue):
    notice = portal["notice"]
    notice.unpublish()
    page = add_live(catalogue, CatalogueItemPage(
        title="链接到下线页面", slug="gone", agency=portal["own"].agency,
        body='<p><a href="http://jyj.example/tzgg/zs/">教育局通知</a></p>'))
    check_site(Site.objects.get(is_default_site=True), external=False)
    assert [(b.url, b.error) for b in BrokenLink.objects.filter(page=page)] == [
        ("http://jyj.example/tzgg/zs/", "page_not_live")]
