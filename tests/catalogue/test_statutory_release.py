"""The 政府信息公开指南 and the 法定主动公开内容 page are public content of the disclosure
section: like disclosure pages they go live only through the release service (the three
gates, or another recorded reason), and the public sees them only while their live revision
has a release record. Each path an administrator or code could take around that is tried
here, for both page types."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.html import escape
from wagtail.actions.copy_page import CopyPageAction
from wagtail.actions.move_page import MovePageAction
from wagtail.models import Page, PageLogEntry, Revision, Workflow
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from govinfo_wagtail.catalogue.models import (
    CatalogueIndexPage,
    DisclosureGuidePage,
    StatutoryContentPage,
)
from govinfo_wagtail.core.models import Agency, ReleaseRecord
from govinfo_wagtail.core.release import ReleaseBlocked, ReleaseReason, ReleaseRefused, release
from govinfo_wagtail.review import admin_refusals
from tests.conftest import add_draft, add_live
from tests.review.conftest import is_live, pass_gate, submit

KINDS = ["guide", "statutory"]


def new_page(kind, agency, **extra):
    if kind == "guide":
        fields = dict(
            title="政府信息公开指南", slug="zhinan", agency=agency,
            classification="<p>按主题分为机构职能、政策文件等类别。</p>",
            obtaining="<p>可以通过在线申请、信函或者当面提交的方式申请。</p>",
            office_name="县政务公开办", office_address="海城镇人民路1号",
            office_hours="工作日8:30—17:30", office_phone="0660-6612345",
        )
        fields.update(extra)
        return DisclosureGuidePage(**fields)
    fields = dict(title="法定主动公开内容", slug="fdgknr",
                  intro="<p>本机关主动公开下列政府信息。</p>")
    fields.update(extra)
    return StatutoryContentPage(**fields)


def admin_form(page, **extra):
    """The page editor's form of ``page``, as posted."""
    if isinstance(page, DisclosureGuidePage):
        data = {
            "title": page.title, "slug": page.slug, "agency": page.agency_id,
            "classification": rich_text(page.classification),
            "obtaining": rich_text(page.obtaining), "other": rich_text(page.other),
            "office_name": page.office_name, "office_address": page.office_address,
            "office_hours": page.office_hours, "office_phone": page.office_phone,
        }
    else:
        data = {"title": page.title, "slug": page.slug, "intro": rich_text(page.intro),
                "category_topics": inline_formset([])}
    data.update(extra)
    return nested_form_data(data)


@pytest.fixture(params=KINDS)
def kind(request):
    return request.param


@pytest.fixture
def page_draft(kind, catalogue, agency, setup_done):
    return add_draft(catalogue, new_page(kind, agency))


@pytest.fixture
def page_live(kind, catalogue, agency, setup_done):
    return add_live(catalogue, new_page(kind, agency))


def released(page) -> bool:
    stored = Page.objects.get(pk=page.pk)
    return stored.live and ReleaseRecord.objects.filter(
        revision_id=stored.live_revision_id, released_at__isnull=False).exists()


def zh(text) -> str:
    with translation.override("zh-hans"):
        return str(text() if callable(text) else text)


# --- code -----------------------------------------------------------------------------------


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


def test_creating_the_page_live_is_refused(kind, catalogue, agency, setup_done):
    page = new_page(kind, agency)  # Wagtail's pages are live unless told otherwise
    with pytest.raises(ReleaseRefused):
        catalogue.add_child(instance=page)
    assert not type(page).objects.filter(slug=page.slug).exists()


def test_changing_live_content_in_code_is_refused(page_live):
    field = "obtaining" if isinstance(page_live, DisclosureGuidePage) else "intro"
    setattr(page_live, field, "<p>未经审核的文字，联系人手机13800138000。</p>")
    with pytest.raises(ReleaseRefused):
        page_live.save()
    stored = type(page_live).objects.get(pk=page_live.pk)
    assert "未经审核" not in getattr(stored, field)


def test_an_alias_is_refused(page_live, catalogue):
    # (A guide's alias is also a second guide of its agency, which validation refuses.)
    with pytest.raises((ReleaseRefused, ValidationError)):
        page_live.create_alias(update_slug="alias")
    assert not Page.objects.filter(alias_of=page_live).exists()


def test_copy_keeping_it_live_is_refused_and_a_draft_copy_has_no_record(page_live, catalogue):
    attrs = {"slug": "copy", "title": "副本"}
    if isinstance(page_live, DisclosureGuidePage):  # one guide per agency: another agency's
        attrs["agency"] = Agency.objects.create(name="海丰县财政局", index_code="007040638")
    with pytest.raises(ReleaseRefused):
        CopyPageAction(page_live, update_attrs=attrs, keep_live=True).execute()
    assert not Page.objects.filter(slug="copy").exists()
    copy = CopyPageAction(page_live, update_attrs=attrs, keep_live=False).execute()
    assert not copy.live
    assert not ReleaseRecord.objects.filter(page_id=copy.pk).exists()


def test_a_move_keeps_the_release(client, page_live, catalogue):
    section = add_live(catalogue, CatalogueIndexPage(title="专栏", slug="zhuanlan"))
    MovePageAction(Page.objects.get(pk=page_live.pk), section, pos="last-child").execute()
    moved = Page.objects.get(pk=page_live.pk)
    assert moved.get_parent().pk == section.pk
    assert released(moved)
    assert client.get(moved.url).status_code == 200


def test_a_schedule_set_outside_review_never_goes_live(page_draft):
    past = timezone.now() - timedelta(minutes=5)
    page = type(page_draft).objects.get(pk=page_draft.pk)
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


def test_the_release_service_releases_it_and_the_public_sees_it(client, page_draft):
    assert client.get(f"{page_draft.get_parent().url}{page_draft.slug}/").status_code == 404
    live = release(page_draft.get_latest_revision(), reason=ReleaseReason.TEST)[0]
    assert released(live)
    assert client.get(live.url).status_code == 200


def test_the_statutory_page_keeps_covering_every_agency(catalogue, agency, setup_done):
    """No agency is filled in on release: an empty agency means all agencies' items."""
    from wagtail.models import Site

    from govinfo_wagtail.core.models import DisclosureSettings

    settings = DisclosureSettings.for_site(Site.objects.get(is_default_site=True))
    settings.default_agency = agency
    settings.save()
    page = add_live(catalogue, new_page("statutory", agency))
    assert StatutoryContentPage.objects.get(pk=page.pk).agency_id is None


def test_the_automated_checks_run_on_its_own_fields(page_draft):
    page = type(page_draft).objects.get(pk=page_draft.pk)
    leak = "<p>经办人身份证号 11010519491231002X。</p>"
    if isinstance(page, DisclosureGuidePage):
        page.other = leak
    else:
        page.intro = leak
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
    if isinstance(page.specific, DisclosureGuidePage):
        assert client.get(page.url + "print/").status_code == 404
    client.force_login(users["superuser"])
    dashboard = client.get("/admin/").content.decode()
    assert "govinfo-live-without-record" in dashboard or page.title in dashboard
    assert f"/admin/pages/{page.pk}/" in dashboard


def test_the_section_navigation_does_not_link_an_unreleased_guide(client, catalogue, agency,
                                                                  setup_done):
    from wagtail.models import Site

    from govinfo_wagtail.core.site_settings import PublicSiteSettings

    guide = add_draft(catalogue, new_page("guide", agency))
    Page.objects.filter(pk=guide.pk).update(live=True,
                                            live_revision=guide.get_latest_revision())
    config = PublicSiteSettings.for_site(Site.objects.get(is_default_site=True))
    config.guide_page_id = guide.pk
    config.save()
    html = client.get(catalogue.url).content.decode()
    assert f'href="{Page.objects.get(pk=guide.pk).url}"' not in html


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
def test_publish_on_a_live_page_changes_nothing_live(client, users, page_live, who):
    client.force_login(users[who])
    client.post(f"/admin/pages/{page_live.pk}/edit/",
                admin_form(page_live, title="未经审核的改动",
                           **{"action-publish": "action-publish"}))
    stored = Page.objects.get(pk=page_live.pk)
    assert stored.live and stored.title == page_live.title


def test_the_editor_offers_no_publish_button(client, users, page_draft):
    client.force_login(users["superuser"])
    html = client.get(f"/admin/pages/{page_draft.pk}/edit/").content.decode()
    assert 'name="action-publish"' not in html
    assert not page_draft.permissions_for_user(users["superuser"]).can_publish()


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_publish_in_the_create_view_creates_a_draft(client, users, kind, catalogue, agency,
                                                    who):
    client.force_login(users[who])
    model = DisclosureGuidePage if kind == "guide" else StatutoryContentPage
    blank = new_page(kind, agency)
    url = f"/admin/pages/add/govinfo_catalogue/{model._meta.model_name}/{catalogue.pk}/"
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


def test_the_api_publish_action_is_refused(client, users, page_draft):
    client.force_login(users["superuser"])
    response = client.post(f"/admin/api/main/pages/{page_draft.pk}/action/publish/", {},
                           content_type="application/json")
    assert 400 <= response.status_code < 500
    assert not is_live(page_draft)


def test_unpublishing_is_never_blocked(client, users, page_live):
    client.force_login(users["siteadmin"])
    response = client.post(f"/admin/pages/{page_live.pk}/unpublish/")
    assert response.status_code in (200, 302)
    assert not is_live(page_live)


# --- review: the way in ---------------------------------------------------------------------


def test_the_three_gates_release_it(client, users, page_draft):
    workflow = Workflow.objects.get(name="三审")
    assert page_draft.get_workflow() == workflow
    state = submit(page_draft, users["editor"])
    for reviewer in ("political", "policy", "wording"):
        assert not is_live(page_draft)
        pass_gate(state, users[reviewer])
    live = Page.objects.get(pk=page_draft.pk)
    assert released(live)
    record = ReleaseRecord.objects.get(revision_id=live.live_revision_id)
    assert record.reason == ReleaseReason.REVIEW
    assert [d["gate_kind"] for d in record.gate_decisions] == ["political", "policy", "wording"]
    assert client.get(live.url).status_code == 200


def test_moderators_approval_alone_does_not_release_it(users, page_draft):
    """Wagtail's one-step workflow finishing proves nothing."""
    from wagtail.models import GroupApprovalTask, WorkflowPage, WorkflowTask

    moderators = Workflow.objects.create(name="一审")
    task = GroupApprovalTask.objects.create(name="审核")
    task.groups.set(users["siteadmin"].groups.all())
    WorkflowTask.objects.create(workflow=moderators, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=Page.objects.get(pk=page_draft.pk),
                                          defaults={"workflow": moderators})
    page = Page.objects.get(pk=page_draft.pk).specific
    state = moderators.start(page, users["editor"])
    task_state = state.current_task_state.specific
    with pytest.raises(ReleaseRefused):
        task_state.approve(user=users["siteadmin"])
    assert not is_live(page_draft)


def test_reviewed_for_later_goes_live_at_its_time(client, users, page_draft):
    page = Page.objects.get(pk=page_draft.pk).specific
    page.go_live_at = timezone.now() + timedelta(hours=2)
    revision = page.save_revision(user=users["editor"])
    state = submit(page_draft, users["editor"])
    for reviewer in ("political", "policy", "wording"):
        pass_gate(state, users[reviewer])
    assert not is_live(page_draft)
    record = ReleaseRecord.objects.get(revision=revision)
    assert record.released_at is None and record.go_live_at is not None
    past = timezone.now() - timedelta(minutes=1)
    content = dict(revision.content, go_live_at=past.isoformat())
    Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=past, content=content)
    call_command("publish_scheduled", verbosity=0)
    assert released(page_draft)
    assert client.get(Page.objects.get(pk=page_draft.pk).url).status_code == 200


def test_a_guide_outside_a_catalogue_gets_the_review_workflow(users, root_page, agency):
    """A guide may sit under the home page: it is reviewed there too."""
    guide = add_draft(root_page, new_page("guide", agency))
    workflow = Page.objects.get(pk=guide.pk).get_workflow()
    assert workflow is not None and workflow.name == "三审"


# --- an upgraded site -------------------------------------------------------------------------


def test_pages_live_before_the_upgrade_get_a_record(client, page_draft):
    """The data migration: a guide or statutory page that was live before these types went
    through the release service stays live, with a record that says so."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "govinfo_wagtail.catalogue.migrations.0010_release_records_for_statutory_pages")
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
    assert page.get_latest_revision() == revision
    # The page's history says so.
    entry = PageLogEntry.objects.get(page_id=page.pk, action="govinfo_core.release")
    assert entry.data["reason"] == "upgrade"


def test_the_upgrade_reason_is_not_a_door(page_draft):
    with pytest.raises(ValueError):
        release(page_draft.get_latest_revision(), reason=ReleaseReason.UPGRADE)
    assert not is_live(page_draft)


def test_a_document_linked_from_a_draft_is_not_served_until_the_page_is_released(
        kind, catalogue, agency, setup_done):
    """A document linked in the guide's or the statutory page's rich text follows the rule
    of disclosure attachments: a 404 while only a draft refers to it, public once released,
    and not public through a page live without a release record."""
    from tests.core.test_document_serving import make_document, status

    linked = make_document("指南附件")
    link = f'<p>见<a linktype="document" id="{linked.pk}">附件</a></p>'
    field = "obtaining" if kind == "guide" else "intro"
    page = add_draft(catalogue, new_page(kind, agency, **{field: link}))
    assert status(linked) == 404
    release(page.get_latest_revision(), reason=ReleaseReason.TEST)
    assert status(linked) == 200
    ReleaseRecord.objects.filter(page_id=page.pk).delete()  # live, record lost
    assert status(linked) == 404


# --- one guide per agency: copies -------------------------------------------------------------


@pytest.mark.parametrize("live", [True, False], ids=["live", "draft"])
def test_copying_a_guide_into_its_agency_is_refused_in_the_admin(client, users, catalogue,
                                                                 agency, live):
    guide = (add_live if live else add_draft)(catalogue, new_page("guide", agency))
    client.force_login(users["superuser"])
    response = client.post(f"/admin/pages/{guide.pk}/copy/", {
        "new_title": "副本", "new_slug": "fuben", "new_parent_page": catalogue.pk}, follow=True)
    assert response.status_code == 200
    assert DisclosureGuidePage.objects.filter(agency=agency).count() == 1
    message = zh(lambda: translation.gettext(
        "“%(agency)s” already has a disclosure guide: “%(title)s”. A copy would be a second "
        "guide of the agency; edit that guide instead (one guide per agency).")
        % {"agency": agency.name, "title": guide.title})
    assert escape(message) in response.content.decode()


def test_copying_a_section_with_its_guide_is_refused_in_the_admin(client, users, catalogue,
                                                                 agency):
    section = add_live(catalogue, CatalogueIndexPage(title="专栏", slug="zhuanlan"))
    add_draft(section, new_page("guide", agency))
    client.force_login(users["superuser"])
    response = client.post(f"/admin/pages/{section.pk}/copy/", {
        "new_title": "专栏副本", "new_slug": "zhuanlan-2", "new_parent_page": catalogue.pk,
        "copy_subpages": "on"}, follow=True)
    assert response.status_code == 200
    assert not Page.objects.filter(slug="zhuanlan-2").exists()
    assert DisclosureGuidePage.objects.filter(agency=agency).count() == 1


def test_a_second_guide_of_an_agency_is_never_released(catalogue, agency, setup_done):
    first = add_live(catalogue, new_page("guide", agency))
    other = Agency.objects.create(name="海丰县财政局", index_code="007040638")
    second = add_draft(catalogue, new_page("guide", other, title="第二份指南", slug="zhinan-2"))
    # In code, around validation: the second guide's latest revision names the first's agency.
    DisclosureGuidePage.objects.filter(pk=second.pk).update(agency=agency)
    second.refresh_from_db()
    revision = second.save_revision(clean=False)
    with pytest.raises(ReleaseRefused) as refused:
        release(revision, reason=ReleaseReason.TEST)
    assert refused.value.code == "second_guide"
    assert first.title in refused.value.message
    assert not Page.objects.get(pk=second.pk).live
    # A copy made in code (as a draft) is refused as well.
    copy = CopyPageAction(Page.objects.get(pk=first.pk), update_attrs={
        "slug": "zhinan-3", "title": "副本"}, keep_live=False).execute()
    with pytest.raises(ReleaseRefused):
        release(copy.specific.save_revision(clean=False), reason=ReleaseReason.TEST)
    assert not Page.objects.get(pk=copy.pk).live
