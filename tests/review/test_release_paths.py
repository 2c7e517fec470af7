"""Nothing makes a disclosure page live except the release service; review is the way in."""

import pytest
from wagtail.models import Page, Workflow
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.core.release import ReleaseRefused
from tests.conftest import add_live
from tests.review.conftest import is_live, pass_gate


def test_revision_publish_in_code_is_refused(draft):
    with pytest.raises(ReleaseRefused):
        draft.get_latest_revision().publish()
    assert not is_live(draft)


def test_saving_a_page_as_live_is_refused(draft):
    draft.live = True
    with pytest.raises(ReleaseRefused):
        draft.save()
    assert not is_live(draft)


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_publish_button_is_refused_for_everyone(client, users, draft, who):
    client.force_login(users[who])
    client.post(f"/admin/pages/{draft.pk}/edit/", nested_form_data({
        "title": "改过的标题", "slug": draft.slug, "agency": draft.agency_id,
        "validity": "valid", "disclosure_method": "proactive", "attachments": streamfield([]),
        "body": rich_text(""), "action-publish": "action-publish",
    }))
    # The edit was accepted and saved as a draft, but nothing went live.
    assert Page.objects.get(pk=draft.pk).get_latest_revision().content["title"] == "改过的标题"
    assert not is_live(draft)


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_bulk_publish_is_refused(client, users, draft, who):
    client.force_login(users[who])
    client.post(f"/admin/bulk/wagtailcore/page/publish/?id={draft.pk}", {"include_descendants": ""})
    assert not is_live(draft)


def test_copy_with_publish_copies_does_not_make_a_live_copy(catalogue, agency):
    live = add_live(catalogue, CatalogueItemPage(title="已发布", agency=agency))
    with pytest.raises(ReleaseRefused):
        live.copy(update_attrs={"slug": "copy", "title": "副本"}, keep_live=True)
    assert not CatalogueItemPage.objects.filter(slug="copy", live=True).exists()


def test_three_gates_release_exactly_the_approved_revision(users, draft):
    workflow = Workflow.objects.get(name="三审")
    assert draft.get_workflow() == workflow
    state = workflow.start(draft, users["editor"])
    for reviewer in ("political", "policy", "wording"):
        assert not is_live(draft)
        pass_gate(state, users[reviewer])
    live = CatalogueItemPage.objects.get(pk=draft.pk)
    assert live.live and live.index_number
    assert live.live_revision_id == state.current_task_state.revision_id
    # The last reviewer had no publish permission of their own; nobody needed it.
    assert not draft.permissions_for_user(users["wording"]).can_publish()


def test_unpublishing_is_never_blocked(client, users, catalogue, agency):
    live = add_live(catalogue, CatalogueItemPage(title="需撤下", agency=agency))
    client.force_login(users["siteadmin"])
    response = client.post(f"/admin/pages/{live.pk}/unpublish/")
    assert response.status_code in (200, 302)
    assert not is_live(live)


EDIT_FORM = {
    "slug": None, "agency": None, "validity": "valid", "disclosure_method": "proactive",
    "attachments": streamfield([]), "body": rich_text(""),
}


def _edit_post(draft, **extra):
    data = dict(EDIT_FORM, title="改过的标题", slug=draft.slug, agency=draft.agency_id)
    data.update(extra)
    return nested_form_data(data)


@pytest.mark.parametrize("who", ["editor", "political", "wording", "allrounder"])
def test_publish_button_is_refused_for_editors_and_reviewers(client, users, draft, who):
    client.force_login(users[who])
    client.post(f"/admin/pages/{draft.pk}/edit/", _edit_post(draft, **{
        "action-publish": "action-publish"}))
    assert not is_live(draft)


@pytest.mark.parametrize("who", ["editor", "political", "allrounder"])
def test_bulk_publish_is_refused_for_editors_and_reviewers(client, users, draft, who):
    client.force_login(users[who])
    client.post(f"/admin/bulk/wagtailcore/page/publish/?id={draft.pk}", {"include_descendants": ""})
    assert not is_live(draft)


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_publish_button_during_review_is_refused(client, users, draft, who):
    from tests.review.conftest import submit

    submit(draft, users["editor"])
    client.force_login(users[who])
    client.post(f"/admin/pages/{draft.pk}/edit/", _edit_post(draft, **{
        "action-publish": "action-publish"}))
    assert not is_live(draft)


def test_scheduled_publishing_does_not_make_the_page_live(draft):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    draft.go_live_at = timezone.now() - timedelta(minutes=5)
    draft.save_revision(approved_go_live_at=timezone.now() - timedelta(minutes=5))
    try:
        call_command("publish_scheduled", verbosity=0)
    except ReleaseRefused:
        pass  # the guard stops it; what matters is that nothing went live
    assert not is_live(draft)



# The admin API's and API v3's publish paths: tests/review/test_api_publish_paths.py, which
# first proves each endpoint is mounted and publishes a page that is not a disclosure page.
