"""Cache-Control as Django sends it: public pages for shared caches, nothing personal."""

import datetime

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from tests.conftest import add_draft, add_live

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(catalogue, agency):
    return add_live(catalogue, CatalogueItemPage(
        title="关于公布2026年道路养护计划的通知", slug="notice", agency=agency,
        published_date=datetime.date(2026, 3, 1)))


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def is_public(response) -> bool:
    return "public" in cache_control(response) and "private" not in cache_control(response)


def test_public_pages_listings_feeds_and_search_are_public_for_shared_caches(
        client, item, settings):
    settings.GOVINFO_CACHE_MAX_AGE = 900
    for url in ("/xxgk/notice/", "/xxgk/", "/xxgk/?page=2", "/xxgk/feed/rss/",
                "/xxgk/feed/atom/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert cache_control(response) == {"public", "max-age=0", "s-maxage=900"}, url
    for url in ("/govinfo/search/?q=道路", "/govinfo/api/search/?q=养护"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert cache_control(response) == {"public", "max-age=0", "s-maxage=60"}, url


def test_a_browser_lifetime_is_never_longer_than_the_shared_one(client, item, settings):
    settings.GOVINFO_CACHE_MAX_AGE = 30
    settings.GOVINFO_CACHE_BROWSER_MAX_AGE = 300
    assert cache_control(client.get("/xxgk/notice/")) == {"public", "max-age=30",
                                                          "s-maxage=30"}


def test_a_zero_lifetime_marks_nothing_public(client, item, settings):
    settings.GOVINFO_CACHE_MAX_AGE = 0
    response = client.get("/xxgk/notice/")
    assert not is_public(response) and "no-store" in cache_control(response)


def test_a_logged_in_visitor_gets_a_private_page(client, item, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "a@example.org", "pw")
    client.force_login(user)
    response = client.get("/xxgk/notice/")
    assert response.status_code == 200
    assert not is_public(response)
    assert {"private", "no-store"} <= cache_control(response)


def test_pages_with_view_restrictions_are_private_even_when_let_in(
        client, catalogue, agency, django_user_model):
    page = add_live(catalogue, CatalogueItemPage(title="内部通知", slug="internal",
                                                 agency=agency))
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS)
    group = Group.objects.create(name="内部")
    restriction.groups.add(group)
    response = client.get("/xxgk/internal/")
    assert response.status_code == 302 and not is_public(response)

    user = django_user_model.objects.create_user("staff", "s@example.org", "pw")
    user.groups.add(group)
    client.force_login(user)
    response = client.get("/xxgk/internal/")
    assert response.status_code == 200 and not is_public(response)

    password = add_live(catalogue, CatalogueItemPage(title="密码页", slug="pw", agency=agency))
    PageViewRestriction.objects.create(page=password, password="secret",
                                       restriction_type=PageViewRestriction.PASSWORD)
    client.logout()
    response = client.get("/xxgk/pw/")
    assert response.status_code == 200 and not is_public(response)  # the password form


def test_drafts_previews_admin_and_errors_are_not_public(client, catalogue, django_user_model):
    draft = add_draft(catalogue, CatalogueItemPage(title="草稿", slug="draft"))
    response = client.get("/xxgk/draft/")
    assert response.status_code == 404 and not is_public(response)
    assert not is_public(client.get("/xxgk/feed/nothing/"))

    client.force_login(django_user_model.objects.create_superuser("admin", "a@e.org", "pw"))
    response = client.get(f"/admin/pages/{draft.pk}/edit/preview/")
    assert not is_public(response)
    response = client.get("/admin/")
    assert not is_public(response)


def test_a_page_whose_template_uses_a_csrf_token_is_not_public(rf, item):
    from django.middleware.csrf import get_token
    from django.template.response import TemplateResponse

    from govinfo_wagtail.core.frontcache import mark_public

    request = rf.get("/xxgk/notice/")
    response = TemplateResponse(request, "govinfo_catalogue/catalogue_item_page.html",
                                {"page": item, "self": item})
    mark_public(request, response)
    get_token(request)  # as {% csrf_token %} does while the template renders
    response.render()
    assert "public" not in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
