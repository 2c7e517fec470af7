"""A disclosure page's URL is kept per the values it is made of
(``ReleasedPageMixin.get_url_parts``): it must be the one Wagtail makes, whatever changed."""

import pytest
from django.test import RequestFactory
from django.urls import include, path, set_script_prefix, set_urlconf
from wagtail import urls as wagtail_urls
from wagtail.models import Page, Site

from govinfo_wagtail.catalogue.models import CatalogueIndexPage, CatalogueItemPage
from tests.conftest import add_live

pytestmark = pytest.mark.django_db

# A URL configuration with the site under a prefix (set_urlconf in a test).
urlpatterns = [path("portal/", include(wagtail_urls))]


@pytest.fixture(autouse=True)
def _forget_sites():
    """Wagtail keeps the sites' root paths in the cache, which the rollback of a test that
    changed the sites does not reach."""
    yield
    Site.clear_site_root_paths_cache()


def wagtails(page, request=None):
    return Page.get_url_parts(page, request)


@pytest.fixture
def item(catalogue, agency):
    return add_live(catalogue, CatalogueItemPage(title="事项", slug="item", agency=agency))


def request_for(host="localhost"):
    return RequestFactory().get("/", HTTP_HOST=host)


def test_a_kept_url_is_wagtails_and_follows_a_move_and_a_new_slug(item, catalogue, root_page):
    request = request_for()
    assert item.get_url_parts(request) == wagtails(item, request)
    other = add_live(root_page, CatalogueIndexPage(title="另一目录", slug="other"))
    item.move(other, pos="last-child")
    moved = CatalogueItemPage.objects.get(pk=item.pk)
    assert moved.get_url_parts(request_for()) == wagtails(moved, request_for())
    assert "/other/item/" in moved.get_url(request_for())
    moved.slug = "renamed"
    moved.set_url_path(moved.get_parent())
    assert moved.get_url(request_for()).endswith("/other/renamed/")


def test_a_kept_url_follows_the_sites(item, root_page):
    assert item.get_url(request_for()) == wagtails(item, request_for())[2]
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "xxgk.example.gov.cn", 443
    site.save()
    fresh = CatalogueItemPage.objects.get(pk=item.pk)
    assert fresh.get_url_parts() == wagtails(fresh)
    assert fresh.full_url.startswith("https://xxgk.example.gov.cn/")
    # A second site on another host: from there, the page's URL is a full one.
    other_root = root_page.get_parent().add_child(instance=Page(title="乡镇", slug="town"))
    Site.objects.create(hostname="town.example.gov.cn", port=80, root_page=other_root)
    fresh = CatalogueItemPage.objects.get(pk=item.pk)
    from_town = request_for("town.example.gov.cn")
    assert fresh.get_url(from_town).startswith("https://xxgk.example.gov.cn/")
    assert fresh.get_url(request_for("xxgk.example.gov.cn")).startswith("/")


def test_a_kept_url_follows_the_script_prefix_and_the_url_configuration(item):
    plain = item.get_url(request_for())
    try:
        set_script_prefix("/gov/")
        assert item.get_url(request_for()) == "/gov" + plain
        set_script_prefix("/")
        set_urlconf(__name__)
        assert item.get_url(request_for()) == "/portal" + plain
        assert item.get_url_parts() == wagtails(item)
    finally:
        set_urlconf(None)
        set_script_prefix("/")
    assert item.get_url(request_for()) == plain


def test_a_page_in_two_sites_gets_the_url_of_the_site_asked_from(item, root_page):
    """Sites can overlap (one rooted above another): Wagtail then takes the request's site."""
    Site.objects.create(hostname="all.example.gov.cn", port=80,
                        root_page=root_page.get_parent())
    fresh = CatalogueItemPage.objects.get(pk=item.pk)
    for host in ("localhost", "all.example.gov.cn", "localhost"):
        request = request_for(host)
        assert fresh.get_url_parts(request) == wagtails(fresh, request), host
    assert fresh.get_url_parts(request_for("all.example.gov.cn"))[1] != fresh.get_url_parts(
        request_for("localhost"))[1]


class LanguagePrefixedURLs:
    """A URL configuration with the site under a language prefix (i18n_patterns)."""

    from django.conf.urls.i18n import i18n_patterns

    urlpatterns = i18n_patterns(path("", include(wagtail_urls)))


def test_a_kept_url_follows_the_active_language_of_a_language_prefix(item):
    from django.utils import translation

    set_urlconf(LanguagePrefixedURLs)
    try:
        urls = {}
        for language in ("zh-hans", "en", "zh-hans"):
            with translation.override(language):
                urls[language] = item.get_url(request_for())
                assert item.get_url_parts() == wagtails(item), language
        assert urls["zh-hans"].startswith("/zh-hans/") and urls["en"].startswith("/en/")
    finally:
        set_urlconf(None)


def test_a_url_asked_again_is_not_reversed_again(item, monkeypatch):
    import wagtail.models.pages

    from govinfo_wagtail.core import models

    models._URL_PARTS.clear()  # the release may have asked for it already (the front cache)
    calls = []
    reverse = wagtail.models.pages.reverse

    def counting_reverse(*args, **kwargs):
        calls.append(args)
        return reverse(*args, **kwargs)

    monkeypatch.setattr(wagtail.models.pages, "reverse", counting_reverse)
    first = item.get_url(request_for())
    assert len(calls) == 1
    assert CatalogueItemPage.objects.get(pk=item.pk).get_url(request_for()) == first
    assert len(calls) == 1
