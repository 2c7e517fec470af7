"""Every refused way to publish a disclosure page from the admin says why, where the user
acted (issue 12, "clear refusals"), and the page stays not live.

Messages are compared with their translation in the test language (zh-hans), so each test
proves the user reads the package's reason; ``test_the_reasons_read_in_chinese`` checks that
the catalogue has the Chinese for each of them.
"""

import pytest
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.review import admin_refusals
from tests.conftest import add_draft, add_live
from tests.review.conftest import is_live, submit

ROLES = ["editor", "political", "siteadmin", "superuser"]


def zh(text_fn, *args, **kwargs) -> str:
    """What the user reads: the message in the test language."""
    with translation.override("zh-hans"):
        return str(text_fn(*args, **kwargs))


def shown(response, message: str) -> bool:
    return escape(message) in response.content.decode()


def form(page, **extra):
    data = {"title": page.title, "slug": page.slug, "agency": page.agency_id,
            "validity": "valid", "disclosure_method": "proactive",
            "attachments": streamfield([]), "body": rich_text("")}
    data.update(extra)
    return nested_form_data(data)


def not_published_on_edit(title):
    return gettext("“%(title)s” was not published: disclosure pages go live only through "
                   "review (three gates). Your changes were saved as a draft; submit it for "
                   "review.") % {"title": title}


def updated_message(title):
    return gettext("Page '%(page_title)s' has been updated.") % {"page_title": title}


# --- The edit view ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ROLES)
def test_a_publish_posted_from_the_edit_view_is_saved_as_a_draft_and_refused_with_the_reason(
    client, users, draft, who
):
    if who == "political":
        submit(draft, users["editor"])  # a reviewer reaches the editor at their own gate
    client.force_login(users[who])
    response = client.post(f"/admin/pages/{draft.pk}/edit/",
                           form(draft, title="改过的标题", **{"action-publish": "action-publish"}),
                           follow=True)
    assert response.status_code == 200
    assert response.resolver_match.url_name == "edit"
    assert not is_live(draft)
    assert Page.objects.get(pk=draft.pk).get_latest_revision().content["title"] == "改过的标题"
    assert shown(response, zh(not_published_on_edit, "改过的标题"))
    # Not the green "updated" alone, which read as if the publish had worked.
    assert not shown(response, zh(updated_message, "改过的标题"))


def test_a_publish_posted_on_a_live_page_changes_nothing_live(client, users, catalogue, agency):
    live = add_live(catalogue, CatalogueItemPage(title="已发布事项", agency=agency))
    client.force_login(users["siteadmin"])
    response = client.post(f"/admin/pages/{live.pk}/edit/",
                           form(live, title="未经审核的改动",
                                **{"action-publish": "action-publish"}), follow=True)
    live.refresh_from_db()
    assert live.live and live.title == "已发布事项"
    assert shown(response, zh(not_published_on_edit, "未经审核的改动"))


def test_saving_a_draft_shows_no_refusal(client, users, draft):
    client.force_login(users["editor"])
    response = client.post(f"/admin/pages/{draft.pk}/edit/", form(draft, title="草稿"),
                           follow=True)
    assert shown(response, zh(updated_message, "草稿"))
    assert not shown(response, zh(not_published_on_edit, "草稿"))


# --- The create view ----------------------------------------------------------------------------


def created_as_draft(title):
    return gettext("“%(title)s” was created as a draft, not published: disclosure pages go "
                   "live only through review (three gates). Submit it for review.") % {
        "title": title}


@pytest.mark.parametrize("who", ["editor", "siteadmin", "superuser"])
def test_a_publish_posted_from_the_create_view_creates_a_draft_and_says_why(
    client, users, catalogue, agency, who
):
    client.force_login(users[who])
    url = f"/admin/pages/add/govinfo_catalogue/catalogueitempage/{catalogue.pk}/"
    response = client.post(url, nested_form_data({
        "title": "新事项", "slug": "new-item", "agency": agency.pk, "validity": "valid",
        "disclosure_method": "proactive", "attachments": streamfield([]), "body": rich_text(""),
        "action-publish": "action-publish"}), follow=True)
    assert response.status_code == 200
    page = CatalogueItemPage.objects.get(slug="new-item")
    assert not page.live and not page.index_number
    assert response.resolver_match.url_name == "edit"
    assert shown(response, zh(created_as_draft, "新事项"))


def test_a_reviewer_cannot_create_pages_at_all(client, users, catalogue, agency):
    client.force_login(users["political"])
    url = f"/admin/pages/add/govinfo_catalogue/catalogueitempage/{catalogue.pk}/"
    response = client.post(url, {"title": "x", "slug": "x", "action-publish": "1"})
    assert response.status_code in (302, 403)
    assert not CatalogueItemPage.objects.filter(slug="x").exists()


# --- Bulk publish -------------------------------------------------------------------------------


def bulk_refusal(title):
    return gettext("“%(title)s” was not published: %(reason)s") % {
        "title": title, "reason": admin_refusals.review_only_reason()}


@pytest.mark.parametrize("who", ROLES)
def test_bulk_publish_names_each_refused_page_with_the_reason(client, users, catalogue, agency,
                                                             who):
    first = add_draft(catalogue, CatalogueItemPage(title="事项甲", agency=agency))
    second = add_draft(catalogue, CatalogueItemPage(title="事项乙", agency=agency))
    client.force_login(users[who])
    url = f"/admin/bulk/wagtailcore/page/publish/?id={first.pk}&id={second.pk}"

    confirm = client.get(url)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "data-govinfo-refusal" in html and "事项甲" in html and "事项乙" in html
    assert escape(zh(admin_refusals.review_only_reason)) in html

    response = client.post(url, {"include_descendants": ""}, follow=True)
    assert response.status_code == 200
    assert not is_live(first) and not is_live(second)
    assert shown(response, zh(bulk_refusal, "事项甲"))
    assert shown(response, zh(bulk_refusal, "事项乙"))
    with translation.override("zh-hans"):
        zero = translation.ngettext("%(num_parent_objects)d page has been published",
                                    "%(num_parent_objects)d pages have been published", 0) % {
            "num_parent_objects": 0}
    assert not shown(response, zero)


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_bulk_publish_with_subpages_says_which_disclosure_pages_it_left_out(
    client, users, catalogue, draft, who
):
    client.force_login(users[who])
    response = client.post(f"/admin/bulk/wagtailcore/page/publish/?id={catalogue.pk}"
                           f"&next=/admin/pages/{catalogue.pk}/",
                           {"include_descendants": "on"}, follow=True)
    assert response.status_code == 200
    assert not is_live(draft)
    with translation.override("zh-hans"):
        expected = translation.ngettext(
            "%(count)d disclosure page under “%(title)s” was not published: %(reason)s",
            "%(count)d disclosure pages under “%(title)s” were not published: %(reason)s",
            1) % {"count": 1, "title": catalogue.title,
                  "reason": admin_refusals.review_only_reason()}
    assert shown(response, expected)


# --- Copy: publish the copy, or make an alias ---------------------------------------------------


@pytest.fixture
def live_item(catalogue, agency):
    return add_live(catalogue, CatalogueItemPage(title="已发布事项", agency=agency))


def copy_post(client, page, **extra):
    data = {"new_title": "副本", "new_slug": "fuben", "new_parent_page": page.get_parent().pk}
    data.update(extra)
    return client.post(f"/admin/pages/{page.pk}/copy/", data)


def publish_copies_refusal():
    return gettext(
        "Copies of disclosure pages are not published with the copy: each copy goes live "
        "only through its own review (three gates) and gets its own index number. Untick "
        "this option to copy as a draft.")


@pytest.mark.parametrize("who", ["editor", "siteadmin", "superuser"])
def test_copy_and_publish_is_refused_on_the_copy_form_with_the_reason(client, users,
                                                                      live_item, who):
    client.force_login(users[who])
    response = copy_post(client, live_item, publish_copies="on")
    assert response.status_code == 200
    assert "wagtailadmin/pages/copy.html" in [t.name for t in response.templates]
    assert shown(response, zh(publish_copies_refusal))
    assert 'value="fuben"' in response.content.decode()  # the form as entered
    assert not Page.objects.filter(slug="fuben").exists()
    assert is_live(live_item)


@pytest.mark.parametrize("who", ["editor", "siteadmin", "superuser"])
def test_alias_in_copy_is_refused_on_the_copy_form_with_the_reason(client, users, live_item,
                                                                   who):
    client.force_login(users[who])
    response = copy_post(client, live_item, alias="on")
    assert response.status_code == 200
    assert shown(response, zh(admin_refusals.alias_reason))
    assert not Page.objects.filter(alias_of=live_item).exists()
    assert not Page.objects.filter(slug="fuben").exists()


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_aliasing_a_section_with_disclosure_pages_is_refused(client, users, root_page,
                                                           catalogue, draft, who):
    from govinfo_wagtail.catalogue.models import CatalogueIndexPage

    client.force_login(users[who])
    response = client.post(f"/admin/pages/{catalogue.pk}/copy/", {
        "new_title": "目录别名", "new_slug": "xxgk-alias", "new_parent_page": root_page.pk,
        "copy_subpages": "on", "alias": "on"})
    assert response.status_code == 200
    assert shown(response, zh(admin_refusals.alias_reason))
    assert "待审事项" in response.content.decode()  # names the disclosure page concerned
    assert not CatalogueIndexPage.objects.filter(slug="xxgk-alias").exists()
    assert not Page.objects.filter(alias_of=draft).exists()


def test_a_plain_copy_is_still_made_as_a_draft(client, users, live_item):
    client.force_login(users["siteadmin"])
    response = copy_post(client, live_item)
    assert response.status_code == 302
    copy = CatalogueItemPage.objects.get(slug="fuben")
    assert not copy.live


def test_a_reviewer_cannot_copy(client, users, live_item):
    client.force_login(users["political"])
    response = copy_post(client, live_item, publish_copies="on")
    assert response.status_code in (302, 403)
    assert not Page.objects.filter(slug="fuben").exists()


# --- Convert alias ------------------------------------------------------------------------------


@pytest.fixture
def old_alias(live_item):
    """An alias made before aliases of disclosure pages were refused (written directly)."""
    from wagtail.actions.copy_page import CopyPageAction

    copy = CopyPageAction(live_item, update_attrs={"slug": "old-alias", "title": "旧别名"},
                          keep_live=False).execute()
    Page.objects.filter(pk=copy.pk).update(alias_of=live_item)
    return Page.objects.get(pk=copy.pk)


def convert_refusal(title):
    return gettext(
        "“%(title)s” is an alias of a disclosure page and cannot be converted into an "
        "ordinary page: it would keep the original's index number and go live without its "
        "own review. Copy the original instead (the copy is reviewed and gets its own index "
        "number), then delete this alias.") % {"title": title}


@pytest.mark.parametrize("who", ["editor", "siteadmin", "superuser"])
def test_converting_an_alias_of_a_disclosure_page_says_why_not(client, users, old_alias, who):
    client.force_login(users[who])
    url = f"/admin/pages/{old_alias.pk}/convert_alias/"
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 403
        assert response.templates[0].name == "govinfo_review/refused.html"
        assert shown(response, zh(convert_refusal, "旧别名"))
    assert Page.objects.get(pk=old_alias.pk).alias_of_id is not None
    assert not is_live(old_alias)


# --- The catalogue ------------------------------------------------------------------------------


def test_the_reasons_read_in_chinese():
    """Passes once the msgids listed in the report are in the zh_Hans catalogue."""
    reasons = [
        zh(not_published_on_edit, "x"), zh(created_as_draft, "x"), zh(bulk_refusal, "x"),
        zh(publish_copies_refusal), zh(admin_refusals.alias_reason), zh(convert_refusal, "x"),
        zh(admin_refusals.review_only_reason),
    ]
    assert all("审" in reason for reason in reasons), reasons
