"""Copies and aliases of disclosure pages (issue 12).

A copy is a new page: no index number, no release record, no review decisions; it goes
live only through its own three gates and then gets its own number. An alias of a disclosure
page is refused, in the admin (tests/review/test_refusals.py) and in code (here).
"""

import pytest
from django.core.exceptions import PermissionDenied
from wagtail.actions.copy_page import CopyPageAction
from wagtail.models import Page, Revision, TaskState, WorkflowState

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.core.release import ReleaseReason, release
from tests.review.conftest import is_live, pass_gate, submit


def through_three_gates(page, users):
    state = submit(page, users["editor"])
    for reviewer in ("political", "policy", "wording"):
        pass_gate(state, users[reviewer])
    return CatalogueItemPage.objects.get(pk=page.pk)


@pytest.fixture
def reviewed(users, draft):
    """A page that passed its three gates and went live with its index number."""
    live = through_three_gates(draft, users)
    assert live.live and live.index_number
    return live


def copy_in_admin(client, user, page, slug="fuben"):
    client.force_login(user)
    response = client.post(f"/admin/pages/{page.pk}/copy/", {
        "new_title": "副本", "new_slug": slug, "new_parent_page": page.get_parent().pk})
    assert response.status_code == 302
    return CatalogueItemPage.objects.get(slug=slug)


@pytest.mark.parametrize("who", ["editor", "siteadmin", "superuser"])
def test_a_copy_carries_no_number_no_release_and_no_review_decisions(client, users, reviewed,
                                                                     who):
    from govinfo_wagtail.core.models import ReleaseRecord

    copy = copy_in_admin(client, users[who], reviewed)
    assert not copy.live and not copy.index_number
    revisions = Revision.objects.filter(object_id=str(copy.pk), base_content_type__model="page")
    assert revisions.exists()
    assert all(not r.content.get("index_number") for r in revisions)
    assert not WorkflowState.objects.for_instance(copy).exists()
    assert not TaskState.objects.filter(revision__in=revisions).exists()
    assert not ReleaseRecord.objects.filter(page_id=copy.pk).exists()
    # Its content is the reviewed content, but the decisions were on the original's revision.
    with pytest.raises(PermissionDenied):
        release(copy.get_latest_revision(), reason=ReleaseReason.REVIEW, user=users["wording"])
    assert not is_live(copy)
    assert Page.objects.get(pk=reviewed.pk).live


def test_a_copy_gets_its_own_number_after_its_own_three_gates(client, users, reviewed):
    copy = copy_in_admin(client, users["editor"], reviewed)
    live_copy = through_three_gates(copy, users)
    assert live_copy.live
    assert live_copy.index_number and live_copy.index_number != reviewed.index_number
    reviewed.refresh_from_db()
    assert reviewed.live and reviewed.index_number != live_copy.index_number
    numbers = CatalogueItemPage.objects.live().values_list("index_number", flat=True)
    assert len(numbers) == len(set(numbers))


def test_a_copy_made_in_code_has_no_number_either(reviewed):
    copy = CopyPageAction(reviewed, update_attrs={"slug": "code-copy", "title": "副本"},
                          keep_live=False).execute()
    copy = CatalogueItemPage.objects.get(pk=copy.pk)
    assert not copy.live and not copy.index_number


@pytest.mark.django_db  # the fixtures are asked for by name: say so, for the test order
@pytest.mark.parametrize("source", ["reviewed", "draft"])
def test_an_alias_of_a_disclosure_page_is_refused_in_code(request, source):
    page = request.getfixturevalue(source)
    page = CatalogueItemPage.objects.get(pk=page.pk)
    with pytest.raises(PermissionDenied):
        page.create_alias(update_slug="alias")
    assert not Page.objects.filter(alias_of_id=page.pk).exists()
    assert not Page.objects.filter(slug="alias").exists()
