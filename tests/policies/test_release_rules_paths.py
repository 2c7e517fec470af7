"""三同步 on every path that makes a page live: whichever way a release is asked for (the
admin's emergency release and review, ``release()`` in code, a schedule, an import with
``--publish``, the batch entry point), a policy that requires interpretation does not go live
alone and an interpretation does not go live before its policy."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import override
from wagtail import hooks
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.models import Revision

from govinfo_wagtail.catalogue.importing import import_rows, read_table, validate
from govinfo_wagtail.core.models import ReleaseRecord
from govinfo_wagtail.core.release import (
    DEPENDS_ON_OTHER_PAGES,
    RELEASE_CHECK_HOOK,
    ReleaseReason,
    ReleaseRefused,
    release,
)
from govinfo_wagtail.core.release_batch import release_many
from govinfo_wagtail.policies.models import InterpretationPage, PolicyDocumentPage
from govinfo_wagtail.policies.release_rules import PolicyReleaseRefused
from tests.conftest import grant_permission

from .conftest import is_live, new_interpretation, new_policy, pass_review

EMERGENCY = "govinfo_review.release_in_emergency"
SECRET_BODY = "本文件密级：绝密★10年。"  # a blocking finding of the automated checks


@pytest.fixture
def policy(catalogue, agency):
    return new_policy(catalogue, agency)


@pytest.fixture
def interpretation(catalogue, agency, policy):
    return new_interpretation(catalogue, agency, policy)


def latest(page) -> Revision:
    return type(page).objects.get(pk=page.pk).get_latest_revision()


# --- The admin ------------------------------------------------------------------------------


def _emergency(client, users, page):
    grant_permission(users["siteadmin"], EMERGENCY)
    client.force_login(users["siteadmin"])
    with override("en"):
        return client.post(f"/admin/govinfo/review/emergency/{page.pk}/",
                           {"reason": "台风预警，须立即发布"}, HTTP_ACCEPT_LANGUAGE="en")


def test_emergency_release_of_a_policy_alone_is_refused_with_the_reason(client, users, policy):
    response = _emergency(client, users, policy)
    assert response.status_code == 200  # the form again, with the refusal
    assert policy.title in response.content.decode()
    assert not is_live(policy)
    assert not ReleaseRecord.objects.filter(page_id=policy.pk).exists()


def test_emergency_release_of_an_interpretation_before_its_policy_is_refused(
        client, users, policy, interpretation):
    response = _emergency(client, users, interpretation)
    assert response.status_code == 200
    assert policy.title in response.content.decode()  # names the policy it waits for
    assert not is_live(interpretation)


def test_review_of_an_interpretation_whose_policy_was_taken_down_is_refused(
        users, policy, interpretation):
    release([latest(policy), latest(interpretation)], reason=ReleaseReason.TEST)
    UnpublishPageAction(PolicyDocumentPage.objects.get(pk=policy.pk)).execute(
        skip_permission_checks=True)  # its interpretation kept online with a notice
    live = InterpretationPage.objects.get(pk=interpretation.pk)
    live.summary = "新版本"
    new = live.save_revision()
    with pytest.raises(PolicyReleaseRefused):
        pass_review(live, users)
    assert InterpretationPage.objects.get(pk=interpretation.pk).live_revision_id != new.pk


# --- Code -----------------------------------------------------------------------------------


def test_release_in_code_of_a_new_version_without_its_policy_is_refused(policy, interpretation):
    release([latest(policy), latest(interpretation)], reason=ReleaseReason.TEST)
    UnpublishPageAction(PolicyDocumentPage.objects.get(pk=policy.pk)).execute(
        skip_permission_checks=True)
    live = InterpretationPage.objects.get(pk=interpretation.pk)
    live.summary = "新版本"
    new = live.save_revision()
    with pytest.raises(PolicyReleaseRefused) as refused:
        release(new, reason=ReleaseReason.TEST)
    assert refused.value.code == "policy_not_live"
    assert InterpretationPage.objects.get(pk=interpretation.pk).live_revision_id != new.pk


def test_release_in_code_in_the_wrong_order_of_two_calls_is_refused(policy, interpretation):
    with pytest.raises(PolicyReleaseRefused):
        release(latest(interpretation), reason=ReleaseReason.TEST)
    with pytest.raises(PolicyReleaseRefused):
        release(latest(policy), reason=ReleaseReason.TEST)
    assert not is_live(policy) and not is_live(interpretation)
    release([latest(interpretation), latest(policy)], reason=ReleaseReason.TEST)  # together
    assert is_live(policy) and is_live(interpretation)


# --- A schedule -----------------------------------------------------------------------------


def _scheduled(page, when):
    page = type(page).objects.get(pk=page.pk)
    page.go_live_at = when
    return page.save_revision()


def _make_due(*pages):
    past = timezone.now() - timedelta(minutes=1)
    for page in pages:
        for revision in Revision.objects.filter(object_id=str(page.pk),
                                                approved_go_live_at__isnull=False):
            content = dict(revision.content, go_live_at=past.isoformat())
            Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=past,
                                                           content=content)


def test_a_scheduled_policy_alone_is_refused_when_it_is_approved(policy):
    revision = _scheduled(policy, timezone.now() + timedelta(hours=1))
    with pytest.raises(PolicyReleaseRefused) as refused:
        release(revision, reason=ReleaseReason.TEST)
    assert refused.value.code == "interpretation_required"
    _make_due(policy)
    call_command("publish_scheduled", verbosity=0)
    assert not is_live(policy)
    assert not ReleaseRecord.objects.filter(page_id=policy.pk).exists()


def test_a_scheduled_interpretation_of_a_draft_policy_is_refused_when_it_is_approved(
        policy, interpretation):
    revision = _scheduled(interpretation, timezone.now() + timedelta(hours=1))
    with pytest.raises(PolicyReleaseRefused) as refused:
        release(revision, reason=ReleaseReason.TEST)
    assert refused.value.code == "policy_not_live"
    _make_due(interpretation)
    call_command("publish_scheduled", verbosity=0)
    assert not is_live(interpretation)


def _live_pair_and_a_later_interpretation(catalogue, agency, policy, interpretation):
    """Release the pair now and approve a second interpretation for an hour later."""
    release([latest(policy), latest(interpretation)], reason=ReleaseReason.TEST)
    later = new_interpretation(catalogue, agency, policy, title="问答")
    release(_scheduled(later, timezone.now() + timedelta(hours=1)), reason=ReleaseReason.TEST)
    return later


def test_an_interpretation_approved_for_later_waits_if_its_policy_comes_down_meanwhile(
        catalogue, agency, policy, interpretation):
    later = _live_pair_and_a_later_interpretation(catalogue, agency, policy, interpretation)
    UnpublishPageAction(PolicyDocumentPage.objects.get(pk=policy.pk)).execute(
        skip_permission_checks=True)
    _make_due(later)
    call_command("publish_scheduled", verbosity=0)
    assert not is_live(later)


def test_a_refused_interpretation_at_its_time_does_not_stop_the_pages_due_with_it(
        catalogue, agency, policy, interpretation):
    later = _live_pair_and_a_later_interpretation(catalogue, agency, policy, interpretation)
    other = new_policy(catalogue, agency, title="另一份办法")
    PolicyDocumentPage.objects.filter(pk=other.pk).update(interpretation_exemption="无需解读")
    release(_scheduled(other, timezone.now() + timedelta(hours=1)), reason=ReleaseReason.TEST)
    UnpublishPageAction(PolicyDocumentPage.objects.get(pk=policy.pk)).execute(
        skip_permission_checks=True)
    _make_due(later, other)
    call_command("publish_scheduled", verbosity=0)
    assert not is_live(later) and is_live(other)
    assert not Revision.objects.filter(object_id=str(later.pk),
                                       approved_go_live_at__isnull=False).exists()
    call_command("publish_scheduled", verbosity=0)  # its schedule is gone: not tried again
    assert not is_live(later)


def test_an_interpretation_due_before_its_policy_waits_for_it_in_the_same_run(
        policy, interpretation):
    when = timezone.now() + timedelta(hours=1)
    release([_scheduled(policy, when), _scheduled(interpretation, when)],
            reason=ReleaseReason.TEST)
    _make_due(policy, interpretation)
    Revision.objects.filter(object_id=str(interpretation.pk),
                            approved_go_live_at__isnull=False).update(
        approved_go_live_at=timezone.now() - timedelta(hours=1))  # due first
    call_command("publish_scheduled", verbosity=0)
    assert is_live(policy) and is_live(interpretation)
    assert InterpretationPage.objects.get(pk=interpretation.pk).first_published_at >= \
        PolicyDocumentPage.objects.get(pk=policy.pk).first_published_at


def test_a_policy_due_with_an_interpretation_that_will_be_refused_does_not_go_live_alone(
        catalogue, agency, policy, interpretation):
    """The interpretation due with the policy also interprets a policy taken down since the
    approval: it is refused at its time, so it does not count as going live with the policy."""
    release([latest(policy), latest(interpretation)], reason=ReleaseReason.TEST)
    second = new_policy(catalogue, agency, title="关于农村公路养护资金的办法",
                        document_number="海交规〔2026〕2号")
    both = new_interpretation(catalogue, agency, policy, second, title="两份文件的解读")
    when = timezone.now() + timedelta(hours=1)
    release([_scheduled(second, when), _scheduled(both, when)], reason=ReleaseReason.TEST)
    UnpublishPageAction(PolicyDocumentPage.objects.get(pk=policy.pk)).execute(
        skip_permission_checks=True)
    _make_due(second, both)
    call_command("publish_scheduled", verbosity=0)
    assert not is_live(both)
    assert not is_live(second)  # not alone


def test_a_policy_due_with_an_interpretation_refused_at_its_time_does_not_stay_live_alone(
        policy, interpretation):
    """The interpretation due with the policy is refused at its time by another check that
    depends on other pages (a site's own rule, here): the policy, which counted on it and
    was made live first in the same run, does not stay live without it."""
    when = timezone.now() + timedelta(hours=1)
    release([_scheduled(policy, when), _scheduled(interpretation, when)],
            reason=ReleaseReason.TEST)

    def site_rule(*, page, **kwargs):
        if page.pk == interpretation.pk:
            raise ReleaseRefused(page, "本站规则：暂缓发布", code="site_rule")

    setattr(site_rule, DEPENDS_ON_OTHER_PAGES, True)
    _make_due(policy)
    _make_due(interpretation)  # due after the policy: the policy goes first
    with hooks.register_temporarily(RELEASE_CHECK_HOOK, site_rule):
        call_command("publish_scheduled", verbosity=0)
    assert not is_live(interpretation)
    assert not is_live(policy)
    assert not ReleaseRecord.objects.filter(page_id=policy.pk,
                                            released_at__isnull=False).exists()


def test_an_unexpected_error_at_go_live_does_not_undo_the_take_down_of_expired_pages(
        catalogue, agency):
    from wagtail.models import Page

    expired = new_policy(catalogue, agency, title="到期下线的办法")
    PolicyDocumentPage.objects.filter(pk=expired.pk).update(interpretation_exemption="无需解读")
    release([latest(expired)], reason=ReleaseReason.TEST)
    assert is_live(expired)
    Page.objects.filter(pk=expired.pk).update(expire_at=timezone.now() - timedelta(minutes=5))
    due = new_policy(catalogue, agency, title="定时发布的办法")
    PolicyDocumentPage.objects.filter(pk=due.pk).update(interpretation_exemption="无需解读")
    release(_scheduled(due, timezone.now() + timedelta(hours=1)), reason=ReleaseReason.TEST)
    _make_due(due)

    def buggy_site_rule(*, page, **kwargs):
        if page.pk == due.pk:
            raise RuntimeError("a bug in a site's rule")

    setattr(buggy_site_rule, DEPENDS_ON_OTHER_PAGES, True)
    with hooks.register_temporarily(RELEASE_CHECK_HOOK, buggy_site_rule), \
            pytest.raises(RuntimeError):
        call_command("publish_scheduled", verbosity=0)
    assert not is_live(expired)
    assert not is_live(due)


def test_a_policy_and_its_interpretation_scheduled_together_go_live_at_their_time(
        policy, interpretation):
    when = timezone.now() + timedelta(hours=1)
    revisions = [_scheduled(policy, when), _scheduled(interpretation, when)]
    release(revisions, reason=ReleaseReason.TEST)
    assert not is_live(policy) and not is_live(interpretation)
    _make_due(policy, interpretation)
    call_command("publish_scheduled", verbosity=0)
    assert is_live(policy) and is_live(interpretation)


# --- An import with --publish -----------------------------------------------------------------


HEADER = ["标题", "发布机构", "文号", "发布日期", "有效性", "类型", "解读对象", "正文"]


def _import(catalogue, admin_user, *rows):
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    result = validate(read_table(out.getvalue().encode("utf-8"), "policies.csv"),
                      parent=catalogue, publish=True)
    assert result.ok, [str(p) for p in result.problems]
    return import_rows(result.rows, parent=catalogue, user=admin_user, publish=True,
                       reason="2019年旧网站迁移")


def test_import_does_not_release_an_interpretation_of_a_draft_policy(
        catalogue, agency, admin_user, policy):
    with pytest.raises(Exception) as refused:  # noqa: PT011 - whatever the import raises
        _import(catalogue, admin_user, ["《通知》解读", agency.name, "", "2019-03-05", "有效",
                                        "政策解读", policy.document_number, "解读正文"])
    assert policy.title in str(refused.value)
    assert not InterpretationPage.objects.filter(live=True).exists()
    assert not is_live(policy)


def test_import_does_not_release_an_interpretation_whose_policy_row_was_blocked(
        catalogue, agency, admin_user):
    try:
        _import(catalogue, admin_user,
                ["保密的办法", agency.name, "海交规〔2019〕1号", "2019-03-05", "有效", "政策文件",
                 "", SECRET_BODY],
                ["《办法》解读", agency.name, "", "2019-03-05", "有效", "政策解读",
                 "海交规〔2019〕1号", "解读正文"])
    except Exception as exc:  # noqa: BLE001 - refused as a whole is fine too
        assert "海交规〔2019〕1号" in str(exc)  # the row error names the missing policy
    assert not PolicyDocumentPage.objects.filter(live=True).exists()
    assert not InterpretationPage.objects.filter(live=True).exists()


# --- The batch entry point ---------------------------------------------------------------------


def test_batch_release_of_a_policy_alone_is_refused(policy):
    with pytest.raises(PolicyReleaseRefused):
        release_many([latest(policy)], reason=ReleaseReason.LEGACY_IMPORT, skip_blocked=True)
    assert not is_live(policy)


def test_batch_release_of_an_interpretation_before_its_policy_is_refused(policy, interpretation):
    for order in ([interpretation], [interpretation, policy]):
        with pytest.raises(PolicyReleaseRefused):
            release_many([latest(p) for p in order], reason=ReleaseReason.LEGACY_IMPORT,
                          skip_blocked=True)
        assert not is_live(policy) and not is_live(interpretation)


def test_batch_release_releases_each_page_on_its_own_not_as_a_group(policy, interpretation):
    """Pages of a batch go live each on its own: a policy that requires interpretation is not
    released by the interpretation after it in the same batch."""
    with pytest.raises(PolicyReleaseRefused) as refused:
        release_many([latest(policy), latest(interpretation)],
                     reason=ReleaseReason.LEGACY_IMPORT, skip_blocked=True)
    assert refused.value.code == "interpretation_required"
    assert not is_live(policy) and not is_live(interpretation)


def test_batch_release_of_an_interpretation_after_its_blocked_policy_is_refused(
        catalogue, agency):
    secret = new_policy(catalogue, agency, body=f"<p>{SECRET_BODY}</p>")
    PolicyDocumentPage.objects.filter(pk=secret.pk).update(interpretation_exemption="旧系统迁移")
    interpretation = new_interpretation(catalogue, agency, secret)
    with pytest.raises(PolicyReleaseRefused):
        release_many([latest(secret), latest(interpretation)],
                     reason=ReleaseReason.LEGACY_IMPORT, skip_blocked=True)
    assert not is_live(secret) and not is_live(interpretation)


def test_batch_release_of_an_exempt_policy_then_its_interpretation_goes_live(
        catalogue, agency, policy, interpretation):
    PolicyDocumentPage.objects.filter(pk=policy.pk).update(interpretation_exemption="旧系统迁移")
    result = release_many([latest(policy), latest(interpretation)],
                          reason=ReleaseReason.LEGACY_IMPORT)
    assert {p.pk for p in result.pages} == {policy.pk, interpretation.pk}
    assert is_live(policy) and is_live(interpretation)
