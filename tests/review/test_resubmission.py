"""Resubmission after a return: a changed version starts again at the first gate, in order;
an unchanged one goes on where it stopped. Reviewers' comments never reset the review."""

import pytest
from wagtail.models import Page, PageLogEntry, TaskState

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.review.gates import RESTART_LOG_ACTION
from govinfo_wagtail.review.models import ReviewGateTaskState
from tests.review.conftest import current, is_live, pass_gate, return_gate, submit


def edit(page, user, **changes):
    page = CatalogueItemPage.objects.get(pk=page.pk)
    for name, value in changes.items():
        setattr(page, name, value)
    return page.save_revision(user=user)


def resubmit(state, user):
    state.refresh_from_db()
    state.resume(user=user)


def gate(state):
    return current(state).task.name


@pytest.mark.parametrize("returning", ["政策审核", "文字审核"])
def test_a_changed_version_restarts_at_the_first_gate(users, draft, returning):
    state = submit(draft, users["editor"])
    pass_gate(state, users["political"])
    if returning == "文字审核":
        pass_gate(state, users["policy"])
        return_gate(state, users["wording"], "标点需统一。")
    else:
        return_gate(state, users["policy"], "请补充依据。")
    revision = edit(draft, users["editor"], summary="关于道路养护的通知（修改后）")
    resubmit(state, users["editor"])

    assert gate(state) == "政治审核"
    assert current(state).revision_id == revision.pk
    restart = PageLogEntry.objects.filter(page=draft, action=RESTART_LOG_ACTION).get()
    assert restart.data["from_gate"] == returning
    for who, expected in (("political", "政策审核"), ("policy", "文字审核")):
        pass_gate(state, users[who])
        assert gate(state) == expected
    pass_gate(state, users["wording"])
    assert is_live(draft)
    # The released version's passes are in order, from the first gate.
    passes = ReviewGateTaskState.objects.filter(
        revision_id=revision.pk, status=TaskState.STATUS_APPROVED).order_by("finished_at")
    assert [p.task.name for p in passes] == ["政治审核", "政策审核", "文字审核"]


def test_an_unchanged_resubmission_goes_on_where_it_stopped(users, draft):
    state = submit(draft, users["editor"])
    pass_gate(state, users["political"])
    pass_gate(state, users["policy"])
    return_gate(state, users["wording"], "请核对日期。")
    # A new revision with the same content (the editor looked and resubmitted as it was).
    edit(draft, users["editor"])
    resubmit(state, users["editor"])
    assert gate(state) == "文字审核"
    assert not PageLogEntry.objects.filter(page=draft, action=RESTART_LOG_ACTION).exists()
    pass_gate(state, users["wording"])
    assert is_live(draft)  # the earlier passes were carried over to the version released


def test_a_reviewers_comment_does_not_reset_the_review(users, draft):
    state = submit(draft, users["editor"])
    pass_gate(state, users["political"])
    # A save by the reviewer without a content change (Wagtail saves a revision for a comment).
    Page.objects.get(pk=draft.pk).specific.save_revision(user=users["policy"])
    assert gate(state) == "政策审核"
    pass_gate(state, users["policy"])
    pass_gate(state, users["wording"])
    assert is_live(draft)


def test_the_resubmit_button_says_the_review_starts_again(client, users, draft):
    state = submit(draft, users["editor"])
    return_gate(state, users["political"], "请补充依据。")
    client.force_login(users["editor"])
    html = client.get(f"/admin/pages/{draft.pk}/edit/").content.decode()
    assert "重新提交审核" in html
    assert "重新提交给" not in html


# --- the reviewer who returned the page is told it came back ------------------------------


def resubmitted_subject(page):
    from django.utils.translation import gettext

    title = Page.objects.get(pk=page.pk).title
    return gettext("Resubmitted after your return: %(title)s") % {"title": title}


@pytest.mark.parametrize("changed", [True, False])
def test_the_returning_reviewer_is_told_when_the_page_comes_back(
    users, draft, mailoutbox, django_capture_on_commit_callbacks, changed
):
    state = submit(draft, users["editor"])
    pass_gate(state, users["political"])
    return_gate(state, users["policy"], "请补充政策依据。")
    if changed:
        edit(draft, users["editor"], summary="关于道路养护的通知（已补充依据）")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        resubmit(state, users["editor"])
    # In the reviewer's language (the site's: zh-hans), with the gate it now waits at.
    [mail] = [m for m in mailoutbox if m.subject == resubmitted_subject(draft)]
    assert mail.to == ["policy@example.org"]
    now_at = "政治审核" if changed else "政策审核"
    assert gate(state) == now_at
    assert now_at in mail.body and "请补充政策依据。" in mail.body and "editor" in mail.body
    # Once: not the earlier reviewer of the same round, nor twice through the restart.
    assert len([m for m in mailoutbox if m.subject == resubmitted_subject(draft)]) == 1


def test_the_resubmission_stands_when_the_notice_cannot_be_sent(
    users, draft, settings, django_capture_on_commit_callbacks
):
    from govinfo_wagtail.review.models import NoticeFailure
    from tests.review.test_return_without_mail import closed_port

    state = submit(draft, users["editor"])
    return_gate(state, users["political"], "标题不规范。")
    edit(draft, users["editor"], title="关于道路养护的通知")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 5
    NoticeFailure.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        resubmit(state, users["editor"])
    assert gate(state) == "政治审核"
    assert current(state).status == TaskState.STATUS_IN_PROGRESS
    assert NoticeFailure.objects.filter(
        recipients="political@example.org", subject=resubmitted_subject(draft)).exists()


def test_a_new_submission_tells_no_returning_reviewer(
    users, draft, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(draft, users["editor"])
    assert not [m for m in mailoutbox if m.subject == resubmitted_subject(draft)]
