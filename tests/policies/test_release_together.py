"""三同步: a policy that requires interpretation goes live with its interpretations, or not."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from wagtail.models import Page, PageLogEntry
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from govinfo_wagtail.core.index_numbers import release_year
from govinfo_wagtail.core.models import IndexNumber
from govinfo_wagtail.core.release import RELEASE_LOG_ACTION, ReleaseReason, ReleaseRefused, release
from govinfo_wagtail.policies.models import (
    PolicyDocumentPage,
    ReleaseStatus,
    release_group,
    release_status,
)
from govinfo_wagtail.policies.release_rules import PolicyReleaseRefused

from .conftest import is_live, new_interpretation, new_policy, pass_review


@pytest.fixture
def policy(catalogue, agency):
    return new_policy(catalogue, agency)


# --- A policy that requires interpretation never goes live alone, by any path -------------


def test_release_service_refuses_a_policy_alone(policy):
    with pytest.raises(PolicyReleaseRefused) as exc:
        release(policy.get_latest_revision(), reason=ReleaseReason.TEST)
    assert exc.value.code == "interpretation_required"
    assert policy.title in str(exc.value)
    assert not is_live(policy)


def test_final_approval_alone_leaves_it_awaiting_the_group(users, policy):
    pass_review(policy, users)
    assert not is_live(policy)
    policy.refresh_from_db()
    assert release_status(policy) == ReleaseStatus.AWAITING_GROUP
    assert PageLogEntry.objects.filter(page=policy,
                                       action="govinfo_policies.awaiting_group").exists()


def test_wagtail_publish_action_api_is_refused(users, policy):
    from wagtail.actions.publish_page_revision import PublishPageRevisionAction

    with pytest.raises(ReleaseRefused):
        PublishPageRevisionAction(policy.get_latest_revision(), user=users["superuser"]).execute(
            skip_permission_checks=True)
    assert not is_live(policy)


def test_revision_publish_and_live_save_are_refused(policy):
    with pytest.raises(ReleaseRefused):
        policy.get_latest_revision().publish()
    policy.live = True
    with pytest.raises(ReleaseRefused):
        policy.save()
    assert not is_live(policy)


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_publish_button_is_refused(client, users, policy, who):
    client.force_login(users[who])
    client.post(f"/admin/pages/{policy.pk}/edit/", nested_form_data({
        "title": "改过的标题", "slug": policy.slug, "agency": policy.agency_id,
        "category": "normative", "requires_interpretation": "on",
        "validity": "valid", "disclosure_method": "proactive", "attachments": streamfield([]),
        "body": rich_text(""), "action-publish": "action-publish",
    }))
    assert Page.objects.get(pk=policy.pk).get_latest_revision().content["title"] == "改过的标题"
    assert not is_live(policy)


def test_bulk_publish_is_refused(client, users, policy):
    client.force_login(users["superuser"])
    client.post(f"/admin/bulk/wagtailcore/page/publish/?id={policy.pk}",
                {"include_descendants": ""})
    assert not is_live(policy)


def test_scheduled_publishing_is_refused(policy):
    revision = policy.get_latest_revision()
    revision.approved_go_live_at = timezone.now() - timezone.timedelta(minutes=5)
    revision.save()
    try:
        call_command("publish_scheduled", verbosity=0)
    except ReleaseRefused:
        pass  # the guard stops the command; either way nothing goes live
    assert not is_live(policy)


# --- Interpretations never go live before their policy ------------------------------------


def test_interpretation_before_its_policy_is_refused(catalogue, agency, policy):
    interpretation = new_interpretation(catalogue, agency, policy)
    with pytest.raises(PolicyReleaseRefused) as exc:
        release(interpretation.get_latest_revision(), reason=ReleaseReason.TEST)
    assert exc.value.code == "policy_not_live"
    assert policy.title in str(exc.value)  # the message names the policy it waits for
    assert not is_live(interpretation)


def test_interpretation_approved_first_waits_for_its_policy(users, catalogue, agency, policy):
    interpretation = new_interpretation(catalogue, agency, policy)
    pass_review(interpretation, users)
    assert not is_live(interpretation)
    interpretation.refresh_from_db()
    assert release_status(interpretation) == ReleaseStatus.AWAITING_GROUP


# --- Together, in one transaction ---------------------------------------------------------


def test_policy_with_two_interpretations_goes_live_together(users, catalogue, agency, policy):
    text = new_interpretation(catalogue, agency, policy, title="文字解读")
    graphic = new_interpretation(catalogue, agency, policy, title="图解",
                                 interpretation_form="graphic")
    assert {p.pk for p in release_group(text)} == {policy.pk, text.pk, graphic.pk}
    pass_review(policy, users)
    pass_review(text, users)
    assert not any(is_live(p) for p in (policy, text, graphic))
    pass_review(graphic, users)
    assert all(is_live(p) for p in (policy, text, graphic))
    # One release call: every page's release is logged with the same group note.
    notes = {PageLogEntry.objects.get(page=p, action=RELEASE_LOG_ACTION).data["note"]
             for p in (policy, text, graphic)}
    assert len(notes) == 1 and notes != {""}
    live_policy = PolicyDocumentPage.objects.get(pk=policy.pk)
    assert [i.pk for i in live_policy.get_live_interpretations()] == sorted([text.pk, graphic.pk])


def test_a_failure_part_way_leaves_the_whole_group_down(users, catalogue, agency, policy):
    text = new_interpretation(catalogue, agency, policy, title="文字解读")
    graphic = new_interpretation(catalogue, agency, policy, title="图解")
    # A legacy number kept on import already holds the value the third page would get, so the
    # unique constraint on index numbers fails after two pages were made live: a clear
    # refusal, not a raw database error.
    taken = f"{agency.index_code}/{release_year()}-00003"
    IndexNumber.objects.create(value=taken, agency=agency, year=None, serial=None)
    pass_review(policy, users)
    pass_review(text, users)
    with pytest.raises(ReleaseRefused, match="索引号"):
        pass_review(graphic, users)
    assert not any(is_live(p) for p in (policy, text, graphic))
    assert not PageLogEntry.objects.filter(action=RELEASE_LOG_ACTION,
                                           page__in=[policy, text, graphic]).exists()


def test_a_refused_member_part_way_leaves_the_whole_release_undone(catalogue, agency, policy):
    other = new_policy(catalogue, agency, title="另一份文件", document_number="海交规〔2026〕2号")
    text = new_interpretation(catalogue, agency, policy)
    stray = new_interpretation(catalogue, agency, policy, other, title="跨文件解读")
    with pytest.raises(PolicyReleaseRefused):
        release([policy.get_latest_revision(), text.get_latest_revision(),
                 stray.get_latest_revision()], reason=ReleaseReason.TEST)
    assert not any(is_live(p) for p in (policy, text, stray))


def test_overlapping_groups_are_released_as_their_closure(users, catalogue, agency, policy):
    other = new_policy(catalogue, agency, title="配套文件", document_number="海交规〔2026〕2号")
    both = new_interpretation(catalogue, agency, policy, other, title="两份文件的解读")
    assert {p.pk for p in release_group(policy)} == {policy.pk, other.pk, both.pk}
    pass_review(policy, users)
    pass_review(both, users)
    assert not is_live(policy)  # the other policy has not passed review yet
    pass_review(other, users)
    assert all(is_live(p) for p in (policy, other, both))


# --- Separate release and legacy policies ---------------------------------------------------


@override_settings(GOVINFO_POLICY_SEPARATE_RELEASE=True)
def test_separate_release_lets_the_policy_go_first(users, catalogue, agency, policy):
    interpretation = new_interpretation(catalogue, agency, policy)
    pass_review(interpretation, users)
    assert not is_live(interpretation)
    pass_review(policy, users)
    assert is_live(policy) and is_live(interpretation)


@override_settings(GOVINFO_POLICY_SEPARATE_RELEASE=True)
def test_separate_release_still_refuses_an_interpretation_first(catalogue, agency, policy):
    interpretation = new_interpretation(catalogue, agency, policy)
    with pytest.raises(PolicyReleaseRefused):
        release(interpretation.get_latest_revision(), reason=ReleaseReason.TEST)


def test_legacy_policy_with_recorded_reason_may_go_live_alone(policy):
    PolicyDocumentPage.objects.filter(pk=policy.pk).update(
        interpretation_exemption="2015年旧系统迁移，原无解读")
    policy.refresh_from_db()
    release(policy.get_latest_revision(), reason=ReleaseReason.LEGACY_IMPORT)
    assert is_live(policy)


def test_policy_not_requiring_interpretation_goes_alone(users, catalogue, agency):
    notice = new_policy(catalogue, agency, title="工作通知", category="other",
                        requires_interpretation=False)
    pass_review(notice, users)
    assert is_live(notice)


def test_new_version_of_a_live_policy_needs_no_group(users, catalogue, agency, policy):
    interpretation = new_interpretation(catalogue, agency, policy)
    release([policy.get_latest_revision(), interpretation.get_latest_revision()],
            reason=ReleaseReason.TEST)
    new_interpretation(catalogue, agency, policy, title="新的问答")  # a draft, not reviewed
    live = PolicyDocumentPage.objects.get(pk=policy.pk)
    live.summary = "修订后的摘要"
    revision = live.save_revision()
    pass_review(live, users)
    assert PolicyDocumentPage.objects.get(pk=policy.pk).live_revision_id == revision.pk
