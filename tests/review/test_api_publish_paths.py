"""Wagtail's APIs are publish paths too: API v3 (django-ninja, bearer tokens) and the admin
API's page actions (Django REST framework, session). Each test first proves the endpoint is
live by publishing a page that is not a disclosure page through it, then that the same call
cannot make a disclosure page live, for every role, superusers included, without a 500."""

import pytest
from wagtail.models import APIToken, Page

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.core.release import ReleaseRefused
from tests.conftest import add_draft, add_live
from tests.example_extension.models import PlainPage
from tests.review.conftest import is_live

ROLES = ["editor", "political", "siteadmin", "superuser"]
V3_PROBLEM = "application/problem+json"


def v3(client, user):
    """Requests to API v3 as ``user``: v3 trusts only bearer tokens, never the session."""
    _, plaintext = APIToken.create_token(user=user, name="tests")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {plaintext}"
    return client


def assert_refused(response):
    # Refused with a clean client error: neither a success nor a server error page.
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    return response


@pytest.fixture
def plain_draft(root_page):
    """A page of a type that is not a released type (the test app's own plain page; the
    catalogue's pages, collections and the search page are released types): Wagtail's
    usual publishing applies to it."""
    return add_draft(root_page, PlainPage(title="办事指引", slug="banshi"))


# Controls: the endpoints are mounted and do publish, for pages the guard does not cover.

def test_control_v3_publish_action_publishes_a_plain_page(client, users, plain_draft):
    response = v3(client, users["superuser"]).post(
        f"/api/v3/pages/{plain_draft.pk}/actions/publish/", content_type="application/json")
    assert response.status_code == 200, response.content[:300]
    assert response.json()["id"] == plain_draft.pk
    assert is_live(plain_draft)


def test_control_v3_update_with_publish_publishes_a_plain_page(client, users, plain_draft):
    response = v3(client, users["superuser"]).patch(
        f"/api/v3/pages/{plain_draft.pk}/",
        {"meta": {"action": "publish"}, "title": "办事指引（新）"},
        content_type="application/json")
    assert response.status_code == 200, response.content[:300]
    assert is_live(plain_draft)
    assert Page.objects.get(pk=plain_draft.pk).title == "办事指引（新）"


def test_control_v3_create_with_publish_publishes_a_plain_page(client, users, root_page):
    response = v3(client, users["superuser"]).post("/api/v3/pages/", {
        "meta": {"type": "example_extension.PlainPage",
                 "parent_id": root_page.pk, "action": "publish"},
        "title": "联系我们", "slug": "contact",
    }, content_type="application/json")
    assert response.status_code == 201, response.content[:300]
    assert PlainPage.objects.get(slug="contact").live


def test_control_admin_api_publish_action_publishes_a_plain_page(client, users, plain_draft):
    client.force_login(users["superuser"])
    response = client.post(f"/admin/api/main/pages/{plain_draft.pk}/action/publish/", {},
                           content_type="application/json")
    assert response.status_code == 200, response.content[:300]
    assert is_live(plain_draft)


# The same calls on a disclosure page: refused for everyone, and nothing goes live.

@pytest.mark.parametrize("who", ROLES)
def test_v3_publish_action_is_refused(client, users, draft, who):
    response = assert_refused(v3(client, users[who]).post(
        f"/api/v3/pages/{draft.pk}/actions/publish/", content_type="application/json"))
    assert response["Content-Type"] == V3_PROBLEM
    assert not is_live(draft)


@pytest.mark.parametrize("who", ROLES)
def test_v3_update_with_publish_is_refused(client, users, draft, who):
    response = assert_refused(v3(client, users[who]).patch(
        f"/api/v3/pages/{draft.pk}/", {"meta": {"action": "publish"}, "title": "改过的标题"},
        content_type="application/json"))
    assert response["Content-Type"] == V3_PROBLEM
    assert not is_live(draft)
    assert Page.objects.get(pk=draft.pk).live_revision_id is None


@pytest.mark.parametrize("who", ROLES)
def test_v3_create_with_publish_is_refused(client, users, catalogue, agency, who):
    response = assert_refused(v3(client, users[who]).post("/api/v3/pages/", {
        "meta": {"type": "govinfo_catalogue.CatalogueItemPage", "parent_id": catalogue.pk,
                 "action": "publish"},
        "title": "经接口新建的事项", "slug": "via-api", "agency": agency.pk,
    }, content_type="application/json"))
    assert response["Content-Type"] == V3_PROBLEM
    assert not CatalogueItemPage.objects.filter(slug="via-api", live=True).exists()


@pytest.mark.parametrize("who", ROLES)
def test_admin_api_publish_action_is_refused(client, users, draft, who):
    client.force_login(users[who])
    assert_refused(client.post(f"/admin/api/main/pages/{draft.pk}/action/publish/", {},
                               content_type="application/json"))
    assert not is_live(draft)


# Copying a live page with keep_live publishes the copy: here the model-level guard itself
# raises ReleaseRefused (a PermissionDenied), and both APIs must turn it into a 403.

@pytest.fixture
def live_item(catalogue, agency):
    return add_live(catalogue, CatalogueItemPage(title="已发布事项", slug="released",
                                                 agency=agency))


def test_control_v3_copy_keep_live_makes_a_live_copy_of_a_plain_page(client, users, root_page):
    plain = PlainPage(title="办事指引", slug="banshi")
    root_page.add_child(instance=plain)
    plain.save_revision().publish()
    response = v3(client, users["superuser"]).post(
        f"/api/v3/pages/{plain.pk}/actions/copy/", {"slug": "banshi-copy", "keep_live": True},
        content_type="application/json")
    assert response.status_code == 201, response.content[:300]
    assert PlainPage.objects.get(slug="banshi-copy").live


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_v3_copy_keep_live_of_a_disclosure_page_is_refused(client, users, live_item, who):
    response = assert_refused(v3(client, users[who]).post(
        f"/api/v3/pages/{live_item.pk}/actions/copy/", {"slug": "copy", "keep_live": True},
        content_type="application/json"))
    # The model-level guard's own refusal, as a 403 problem response.
    assert response.status_code == 403
    assert response.json()["detail"] == str(ReleaseRefused(live_item))
    assert not CatalogueItemPage.objects.filter(slug="copy").exists()


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_admin_api_copy_keep_live_of_a_disclosure_page_is_refused(client, users, live_item, who):
    client.force_login(users[who])
    response = assert_refused(client.post(
        f"/admin/api/main/pages/{live_item.pk}/action/copy/",
        {"destination_page_id": live_item.get_parent().pk, "slug": "copy", "keep_live": True},
        content_type="application/json"))
    assert response.status_code == 403
    assert response.json()["detail"] == str(ReleaseRefused(live_item))
    assert not CatalogueItemPage.objects.filter(slug="copy").exists()


def test_v3_saves_disclosure_drafts_so_the_refusals_are_about_publishing(
        client, users, catalogue, agency, draft):
    """Without ``action: publish`` the same requests succeed: what is refused above is going
    live, not the request."""
    api = v3(client, users["superuser"])
    created = api.post("/api/v3/pages/", {
        "meta": {"type": "govinfo_catalogue.CatalogueItemPage", "parent_id": catalogue.pk},
        "title": "经接口新建的事项", "slug": "via-api", "agency": agency.pk,
    }, content_type="application/json")
    assert created.status_code == 201, created.content[:300]
    updated = api.patch(f"/api/v3/pages/{draft.pk}/", {"title": "改过的标题"},
                        content_type="application/json")
    assert updated.status_code == 200, updated.content[:300]
    assert Page.objects.get(pk=draft.pk).get_latest_revision().content["title"] == "改过的标题"
    assert not CatalogueItemPage.objects.get(slug="via-api").live
    assert not is_live(draft)
