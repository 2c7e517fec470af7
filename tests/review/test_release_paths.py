"""Nothing makes a disclosure page live except the release service; review is the way in."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page, Workflow
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.conf import govinfo_settings
from govinfo_wagtail.core.release import ReleaseRefused
from govinfo_wagtail.core.setup import run_setup
from tests.conftest import add_draft, add_live


@pytest.fixture
def setup_done(catalogue):
    run_setup(log=lambda *_: None)


@pytest.fixture
def users(django_user_model, setup_done):
    def make(name, group=None, superuser=False):
        user = django_user_model.objects.create_user(name, f"{name}@example.org", "pw",
                                                     is_superuser=superuser, is_staff=superuser)
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    political, policy, wording = govinfo_settings.REVIEWER_GROUPS
    return {
        "editor": make("editor", govinfo_settings.EDITOR_GROUP),
        "political": make("political", political),
        "policy": make("policy", policy),
        "wording": make("wording", wording),
        "siteadmin": make("siteadmin", govinfo_settings.ADMIN_GROUP),
        "superuser": make("superuser", superuser=True),
    }


@pytest.fixture
def draft(catalogue, agency):
    return add_draft(catalogue, CatalogueItemPage(title="待审事项", agency=agency))


def is_live(page) -> bool:
    return Page.objects.get(pk=page.pk).live


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
        state.refresh_from_db()
        state.current_task_state.specific.approve(user=users[reviewer])
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
