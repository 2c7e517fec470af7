"""Catalogue roots and sections (``CatalogueIndexPage``), collections
(``CatalogueCollectionPage``) and the search page (``DisclosureSearchPage``) carry a public
introduction: like disclosure pages they go live only through the release service (the three
gates, or another recorded reason), and the public sees them only while their live revision
has a release record. Each path a site administrator (or a superuser, or code) could take
around that is tried here, for the three page types."""

import importlib
import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.html import escape
from wagtail.actions.copy_page import CopyPageAction
from wagtail.models import APIToken, Page, PageLogEntry, Revision, Workflow
from wagtail.test.utils.form_data import nested_form_data, rich_text

from govinfo_wagtail.catalogue.models import CatalogueCollectionPage, CatalogueIndexPage
from govinfo_wagtail.core.models import ReleaseRecord
from govinfo_wagtail.core.release import ReleaseBlocked, ReleaseReason, ReleaseRefused, release
from govinfo_wagtail.review import admin_refusals
from govinfo_wagtail.search.models import DisclosureSearchPage
from tests.catalogue.test_statutory_release import released, zh
from tests.conftest import add_draft, add_live
from tests.review.conftest import is_live, pass_gate, submit

KINDS = ["index", "collection", "search"]
MODELS = {"index": CatalogueIndexPage, "collection": CatalogueCollectionPage,
          "search": DisclosureSearchPage}
# The data migration that gave each type's pages live before the upgrade their record.
UPGRADE_MIGRATIONS = {
    "index": "govinfo_wagtail.catalogue.migrations.0012_release_records_for_containers",
    "collection": "govinfo_wagtail.catalogue.migrations.0012_release_records_for_containers",
    "search": "govinfo_wagtail.search.migrations.0007_release_records_for_search_pages",
}
LEAK = "<p>未经审核的文字，联系人身份证号 11010519491231002X。</p>"


def new_page(kind, **extra):
    fields = {
        "index": dict(title="工作动态", slug="gzdt", intro="<p>本栏目发布本机关的工作动态。</p>"),
        "collection": dict(title="现行有效文件", slug="xxyx",
                           intro="<p>本页列出现行有效的规范性文件。</p>"),
        "search": dict(title="站内搜索", slug="sousuo", intro="<p>输入关键词检索公开信息。</p>"),
    }[kind]
    fields.update(extra)
    return MODELS[kind](**fields)


def parent_of(kind, catalogue, root_page):
    """Sections and collections sit in a catalogue; the search page under the home page."""
    return root_page if kind == "search" else catalogue


def admin_form(page, **extra):
    """The page editor's form of ``page``, as posted."""
    data = {"title": page.title, "slug": page.slug, "intro": rich_text(page.intro)}
    data.update(extra)
    return nested_form_data(data)


@pytest.fixture(params=KINDS)
def kind(request):
    return request.param


@pytest.fixture
def parent(kind, catalogue, root_page, setup_done):
    """Where the page is added. govinfo_setup gives the site administrators their page
    permissions (publish included) on the catalogue; for the search page, under the home
    page, they get the same there, as a site would give its administrators."""
    if kind == "search":
        from django.contrib.auth.models import Group, Permission
        from wagtail.models import GroupPagePermission

        from govinfo_wagtail.conf import govinfo_settings

        group = Group.objects.get(name=govinfo_settings.ADMIN_GROUP)
        for action in ("add", "change", "publish"):
            GroupPagePermission.objects.get_or_create(
                group=group, page=root_page, permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=f"{action}_page"))
    return parent_of(kind, catalogue, root_page)


@pytest.fixture
def page_draft(kind, parent, setup_done):
    return add_draft(parent, new_page(kind))


@pytest.fixture
def page_live(kind, parent, setup_done):
    return add_live(parent, new_page(kind))


# --- code -----------------------------------------------------------------------------------


def test_it_is_a_released_type(kind):
    from govinfo_wagtail.core.models import ReleasedPageMixin
    from govinfo_wagtail.core.released import released_page_models
    from govinfo_wagtail.review.workflow_rules import standalone_released_models

    assert issubclass(MODELS[kind], ReleasedPageMixin)
    assert MODELS[kind] in released_page_models()
    assert MODELS[kind] in standalone_released_models()


def test_revision_publish_in_code_is_refused(page_draft):
    with pytest.raises(ReleaseRefused):
        page_draft.get_latest_revision().publish()
    with pytest.raises(ReleaseRefused):
        page_draft.save_revision().publish()
    assert not is_live(page_draft)


def test_saving_the_page_live_is_refused_whatever_its_class(page_draft):
    page_draft.live = True
    with pytest.raises(ReleaseRefused):
        page_draft.save()
    generic = Page.objects.get(pk=page_draft.pk)
    generic.live, generic.live_revision = True, page_draft.get_latest_revision()
    with pytest.raises(ReleaseRefused):
        generic.save()
    assert not is_live(page_draft)


def test_creating_the_page_live_is_refused(kind, parent, setup_done):
    page = new_page(kind)  # Wagtail's pages are live unless told otherwise
    with pytest.raises(ReleaseRefused):
        parent.add_child(instance=page)
    assert not MODELS[kind].objects.filter(slug=page.slug).exists()


def test_changing_the_live_intro_in_code_is_refused(page_live):
    page = type(page_live).objects.get(pk=page_live.pk)
    page.intro = LEAK
    with pytest.raises(ReleaseRefused):
        page.save()
    assert "未经审核" not in type(page_live).objects.get(pk=page_live.pk).intro
    with pytest.raises(ReleaseRefused):
        page.save_revision().publish()
    assert "未经审核" not in type(page_live).objects.get(pk=page_live.pk).intro


def test_copy_keeping_it_live_is_refused_and_a_draft_copy_has_no_record(page_live):
    attrs = {"slug": "copy", "title": "副本"}
    with pytest.raises(ReleaseRefused):
        CopyPageAction(page_live, update_attrs=attrs, keep_live=True).execute()
    assert not Page.objects.filter(slug="copy").exists()
    copy = CopyPageAction(page_live, update_attrs=attrs, keep_live=False).execute()
    assert not copy.live
    assert not ReleaseRecord.objects.filter(page_id=copy.pk).exists()


def test_a_schedule_set_outside_review_never_goes_live(page_draft):
    past = timezone.now() - timedelta(minutes=5)
    page = type(page_draft).objects.get(pk=page_draft.pk)
    page.intro = LEAK
    page.go_live_at = past
    revision = page.save_revision(approved_go_live_at=past)
    # Cleared when saved: the release service did not approve it.
    assert Revision.objects.get(pk=revision.pk).approved_go_live_at is None
    Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=past)  # a raw write
    try:
        call_command("publish_scheduled", verbosity=0)
    except ReleaseRefused:
        pass  # the guard stops it; what matters is that nothing went live
    assert not is_live(page_draft)


def test_a_fixture_with_live_true_is_refused(tmp_path, page_draft):
    row = Page.objects.filter(pk=page_draft.pk).values()[0]
    fields = {k: v for k, v in row.items() if k != "id"}
    fields.update(live=True, live_revision=page_draft.latest_revision_id)
    fields = {k.removesuffix("_id") if k.endswith("_id") else k: v for k, v in fields.items()}
    fixture = tmp_path / "pages.json"
    fixture.write_text(json.dumps(
        [{"model": "wagtailcore.page", "pk": page_draft.pk, "fields": fields}], default=str))
    with pytest.raises(Exception):  # noqa: B017 (loaddata wraps the guard's refusal)
        call_command("loaddata", str(fixture), verbosity=0)
    assert not is_live(page_draft)


def test_the_release_service_releases_it_and_the_public_sees_it(client, page_draft):
    url = f"{page_draft.get_parent().url}{page_draft.slug}/"
    assert client.get(url).status_code == 404
    live = release(page_draft.get_latest_revision(), reason=ReleaseReason.TEST)[0]
    assert released(live)
    response = client.get(live.url)
    assert response.status_code == 200
    assert "<p>" in live.intro and live.intro.removeprefix("<p>").removesuffix("</p>") \
        in response.content.decode()


def test_the_automated_checks_read_the_intro(page_draft):
    page = type(page_draft).objects.get(pk=page_draft.pk)
    page.intro = LEAK
    assert "intro" in page.checked_texts()
    with pytest.raises(ReleaseBlocked):
        release(page.save_revision(), reason=ReleaseReason.TEST)
    assert not is_live(page)


# --- the public: no record, no page --------------------------------------------------------


def test_live_without_a_release_record_is_not_served(client, page_draft, users):
    """A write around Django (QuerySet.update, raw SQL) puts it live: the public gets a 404
    and the administrators' dashboard lists it."""
    revision = page_draft.get_latest_revision()
    Page.objects.filter(pk=page_draft.pk).update(live=True, live_revision=revision)
    page = Page.objects.get(pk=page_draft.pk)
    assert client.get(page.url).status_code == 404
    client.force_login(users["superuser"])
    dashboard = client.get("/admin/").content.decode()
    assert f"/admin/pages/{page.pk}/" in dashboard


def test_a_live_catalogue_without_a_record_serves_no_feed(client, catalogue, setup_done):
    ReleaseRecord.objects.filter(page_id=catalogue.pk).delete()
    assert client.get(catalogue.url).status_code == 404
    assert client.get(catalogue.url + "feed/rss/").status_code == 404


# --- the admin ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_publish_in_the_editor_saves_a_draft_and_says_why(client, users, page_draft, who):
    client.force_login(users[who])
    response = client.post(f"/admin/pages/{page_draft.pk}/edit/",
                           admin_form(page_draft, title="改过的标题",
                                      **{"action-publish": "action-publish"}), follow=True)
    assert response.status_code == 200
    assert not is_live(page_draft)
    latest = Page.objects.get(pk=page_draft.pk).get_latest_revision()
    assert latest.content["title"] == "改过的标题"
    assert escape(zh(lambda: translation.gettext(
        "“%(title)s” was not published: disclosure pages go live only through review "
        "(three gates). Your changes were saved as a draft; submit it for review.")
        % {"title": "改过的标题"})) in response.content.decode()


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_publish_of_a_changed_intro_changes_nothing_live(client, users, page_live, who):
    client.force_login(users[who])
    client.post(f"/admin/pages/{page_live.pk}/edit/",
                admin_form(page_live, intro=rich_text(LEAK),
                           **{"action-publish": "action-publish"}))
    stored = type(page_live).objects.get(pk=page_live.pk)
    assert stored.live and "未经审核" not in stored.intro
    assert released(stored)
    assert "未经审核" in Page.objects.get(pk=page_live.pk).get_latest_revision().content["intro"]


def test_the_editor_offers_no_publish_button(client, users, page_draft):
    client.force_login(users["superuser"])
    html = client.get(f"/admin/pages/{page_draft.pk}/edit/").content.decode()
    assert 'name="action-publish"' not in html
    for who in ("siteadmin", "superuser"):
        assert not page_draft.permissions_for_user(users[who]).can_publish()


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_publish_in_the_create_view_creates_a_draft(client, users, kind, parent, who):
    client.force_login(users[who])
    model = MODELS[kind]
    blank = new_page(kind)
    url = (f"/admin/pages/add/{model._meta.app_label}/{model._meta.model_name}/"
           f"{parent.pk}/")
    response = client.post(url, admin_form(blank, **{"action-publish": "action-publish"}),
                           follow=True)
    assert response.status_code == 200
    created = model.objects.get(slug=blank.slug)
    assert not created.live


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_bulk_publish_is_refused_with_the_reason(client, users, page_draft, who):
    client.force_login(users[who])
    url = f"/admin/bulk/wagtailcore/page/publish/?id={page_draft.pk}"
    response = client.post(url, {"include_descendants": ""}, follow=True)
    assert not is_live(page_draft)
    message = zh(lambda: translation.gettext("“%(title)s” was not published: %(reason)s") % {
        "title": page_draft.title, "reason": admin_refusals.review_only_reason()})
    assert escape(message) in response.content.decode()


def test_copy_and_publish_in_the_admin_is_refused(client, users, page_live):
    client.force_login(users["superuser"])
    response = client.post(f"/admin/pages/{page_live.pk}/copy/", {
        "new_title": "副本", "new_slug": "fuben", "new_parent_page": page_live.get_parent().pk,
        "publish_copies": "on"})
    assert response.status_code == 200
    assert not Page.objects.filter(slug="fuben").exists()


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_the_admin_api_publish_action_is_refused(client, users, page_draft, who):
    client.force_login(users[who])
    response = client.post(f"/admin/api/main/pages/{page_draft.pk}/action/publish/", {},
                           content_type="application/json")
    assert 400 <= response.status_code < 500
    assert not is_live(page_draft)


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_the_api_v3_publish_paths_are_refused(client, users, page_live, who):
    _, token = APIToken.create_token(user=users[who], name="tests")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    page = type(page_live).objects.get(pk=page_live.pk)
    page.intro = LEAK
    page.save_revision()
    response = client.post(f"/api/v3/pages/{page.pk}/actions/publish/",
                           content_type="application/json")
    assert 400 <= response.status_code < 500, response.content[:300]
    response = client.patch(f"/api/v3/pages/{page.pk}/",
                            {"meta": {"action": "publish"}, "intro": LEAK},
                            content_type="application/json")
    assert 400 <= response.status_code < 500, response.content[:300]
    assert "未经审核" not in type(page_live).objects.get(pk=page_live.pk).intro


def test_unpublishing_is_never_blocked(client, users, page_live):
    client.force_login(users["siteadmin"])
    response = client.post(f"/admin/pages/{page_live.pk}/unpublish/")
    assert response.status_code in (200, 302)
    assert not is_live(page_live)


# --- review: the way in ---------------------------------------------------------------------


def test_its_tree_has_the_review_workflow(kind, parent, setup_done):
    """A section or collection in a catalogue is under the catalogue's workflow; a search
    page (or collection) under the home page gets the 三审 workflow of its own."""
    page = add_draft(parent, new_page(kind))
    assert Page.objects.get(pk=page.pk).get_workflow() == Workflow.objects.get(name="三审")
    from govinfo_wagtail.review.workflow_rules import incomplete_disclosure_trees

    assert not incomplete_disclosure_trees()


def test_a_collection_outside_a_catalogue_gets_the_review_workflow(root_page, setup_done):
    page = add_draft(root_page, new_page("collection"))
    assert Page.objects.get(pk=page.pk).get_workflow() == Workflow.objects.get(name="三审")


def test_the_three_gates_release_it(client, users, page_draft):
    page = type(page_draft).objects.get(pk=page_draft.pk)
    page.intro = "<p>经过三审的介绍。</p>"
    page.save_revision(user=users["editor"])
    state = submit(page_draft, users["editor"])
    for reviewer in ("political", "policy", "wording"):
        assert not is_live(page_draft)
        pass_gate(state, users[reviewer])
    live = Page.objects.get(pk=page_draft.pk)
    assert released(live)
    record = ReleaseRecord.objects.get(revision_id=live.live_revision_id)
    assert record.reason == ReleaseReason.REVIEW
    assert [d["gate_kind"] for d in record.gate_decisions] == ["political", "policy", "wording"]
    response = client.get(live.url)
    assert response.status_code == 200
    assert "经过三审的介绍" in response.content.decode()


def test_a_changed_intro_of_a_live_catalogue_goes_live_through_review(client, users,
                                                                      catalogue):
    catalogue = CatalogueIndexPage.objects.get(pk=catalogue.pk)
    catalogue.intro = "<p>新的目录说明。</p>"
    catalogue.save_revision(user=users["editor"])
    assert "新的目录说明" not in client.get(catalogue.url).content.decode()
    state = submit(catalogue, users["editor"])
    for reviewer in ("political", "policy", "wording"):
        pass_gate(state, users[reviewer])
    assert "新的目录说明" in client.get(catalogue.url).content.decode()
    record = ReleaseRecord.objects.get(
        revision_id=Page.objects.get(pk=catalogue.pk).live_revision_id)
    assert record.reason == ReleaseReason.REVIEW


# --- an upgraded site -------------------------------------------------------------------------


def test_pages_live_before_the_upgrade_get_a_record(client, kind, parent, setup_done):
    """The data migration: a page of these types that was live before they went through the
    release service stays public, with a record that says so, and so do the documents its
    introduction links to."""
    from govinfo_wagtail.core.document_uses import DisclosureDocumentUse
    from tests.core.test_document_serving import make_document, status

    migration = importlib.import_module(UPGRADE_MIGRATIONS[kind])
    linked = make_document("栏目说明附件")
    intro = f'<p>见<a linktype="document" id="{linked.pk}">附件</a></p>'
    page_draft = add_draft(parent, new_page(kind, intro=intro))
    # Before the upgrade nothing recorded the documents of these page types.
    DisclosureDocumentUse.objects.filter(page_id=page_draft.pk).delete()
    revision = page_draft.get_latest_revision()
    Page.objects.filter(pk=page_draft.pk).update(live=True, live_revision=revision,
                                                 last_published_at=timezone.now())
    page = Page.objects.get(pk=page_draft.pk)
    assert client.get(page.url).status_code == 404
    migration.records_for_live_pages(apps, None)
    migration.records_for_live_pages(apps, None)  # safe to run again
    record = ReleaseRecord.objects.get(page_id=page.pk)
    assert record.revision_id == revision.pk and record.released_at is not None
    assert record.reason == ReleaseReason.UPGRADE
    assert client.get(page.url).status_code == 200
    entry = PageLogEntry.objects.get(page_id=page.pk, action="govinfo_core.release")
    assert entry.data["reason"] == "upgrade"
    # A new draft makes the document disclosure content; the live page keeps it public.
    MODELS[kind].objects.get(pk=page.pk).save_revision()
    assert DisclosureDocumentUse.objects.filter(document_id=linked.pk).count() == 2
    assert status(linked) == 200


def test_the_demo_and_the_fixture_pages_are_left_alone_by_the_upgrade(catalogue):
    """Pages released through the release service before keep their one record."""
    migration = importlib.import_module(UPGRADE_MIGRATIONS["index"])
    migration.records_for_live_pages(apps, None)
    assert list(ReleaseRecord.objects.filter(page_id=catalogue.pk)
                .values_list("reason", flat=True)) == [ReleaseReason.TEST]
