"""A return at a gate stands when mail cannot be sent (issue 15, first point).

The mail backend is Django's real SMTP backend pointed at a local port nobody listens on, so
every connection is refused, as on a site whose mail server is down or not configured.
"""

import logging
import socket

import pytest
from wagtail.models import TaskState, WorkflowState

from tests.review.conftest import current, pass_gate, submit


def closed_port() -> int:
    """A local TCP port with nothing listening on it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_TIMEOUT = 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False


def return_through_admin(client, page, task_state, reviewer, opinion):
    client.force_login(reviewer)
    return client.post(
        f"/admin/pages/workflow/action/{page.pk}/reject/{task_state.pk}/",
        {"opinion": opinion},
        headers={"x-requested-with": "XMLHttpRequest"},
    )


@pytest.mark.parametrize("gate", [2, 3])
def test_a_return_stands_when_the_mail_server_is_down(
    client, users, draft, mail_server_down, caplog, django_capture_on_commit_callbacks, gate
):
    state = submit(draft, users["editor"])
    pass_gate(state, users["political"])
    if gate == 3:
        pass_gate(state, users["policy"])
    task_state = current(state)
    reviewer = users["policy"] if gate == 2 else users["wording"]
    caplog.set_level(logging.ERROR)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = return_through_admin(client, draft, task_state, reviewer,
                                        "第二段引用的文件已废止，请更新。")

    assert response.status_code == 200
    assert response.json()["step"] == "success"
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_REJECTED
    assert task_state.finished_by == reviewer
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    # Our notice to the earlier reviewers waited for the commit, then failed and was logged.
    assert callbacks
    ours = [r for r in caplog.records if r.name == "govinfo_wagtail.review"]
    assert ours and ours[0].exc_info and issubclass(ours[0].exc_info[0], ConnectionError)
    earlier = ["political@example.org"] + (["policy@example.org"] if gate == 3 else [])
    assert all(address in ours[0].getMessage() for address in earlier)
    # Wagtail's own notice to the editor, in the same request, failed and carried on too.
    assert any(r.name == "wagtail.admin" and "Mail connection error" in r.getMessage()
               for r in caplog.records)

    # The editor sees the page back with them, changes requested, and may edit it.
    client.force_login(users["editor"])
    edit = client.get(f"/admin/pages/{draft.pk}/edit/")
    assert edit.status_code == 200
    # Wagtail's status panel: "Changes requested by <reviewer>" at the returning gate.
    assert f"已由{reviewer.get_username()}请求变更" in edit.content.decode()


def test_a_return_when_mail_works_still_tells_the_earlier_reviewers(
    client, users, draft, mailoutbox, django_capture_on_commit_callbacks
):
    state = submit(draft, users["editor"])
    pass_gate(state, users["political"])
    pass_gate(state, users["policy"])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = return_through_admin(client, draft, current(state), users["wording"],
                                        "标点需统一。")
    assert response.status_code == 200
    to = sorted(m.to[0] for m in mailoutbox if "标点需统一" in m.body)
    assert to == ["editor@example.org", "policy@example.org", "political@example.org"]


def test_a_return_that_rolls_back_announces_nothing(users, draft, mailoutbox,
                                                    django_capture_on_commit_callbacks):
    """The notice is sent after the commit: an action undone later sends no mail."""
    from django.db import transaction

    from govinfo_wagtail.review.models import ReviewGateTaskState
    from tests.review.conftest import return_gate

    state = submit(draft, users["editor"])
    pass_gate(state, users["political"])
    mailoutbox.clear()

    class Undo(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Undo), transaction.atomic():
            return_gate(state, users["policy"], "请补充依据")
            raise Undo
    assert not callbacks
    assert not [m for m in mailoutbox if m.to == ["political@example.org"]]
    assert ReviewGateTaskState.objects.get(pk=current(state).pk).status == "in_progress"


def test_administrators_see_on_the_dashboard_that_notices_were_not_sent(
    client, users, draft, mail_server_down, django_capture_on_commit_callbacks
):
    state = submit(draft, users["editor"])
    pass_gate(state, users["political"])
    with django_capture_on_commit_callbacks(execute=True):
        return_through_admin(client, draft, current(state), users["policy"], "请补充依据。")
    client.force_login(users["siteadmin"])
    html = client.get("/admin/").content.decode()
    # Ours to the political reviewer, and Wagtail's: to each gate's group, to the editor.
    from govinfo_wagtail.review.models import NoticeFailure

    count = NoticeFailure.objects.count()
    assert count >= 4
    assert f"{count} 封审核通知邮件未能发出" in html and "ConnectionRefusedError" in html
    # Reviewers and editors are not shown it.
    client.force_login(users["editor"])
    assert "审核通知邮件未能发出" not in client.get("/admin/").content.decode()
    # Once dismissed, it is gone.
    client.force_login(users["siteadmin"])
    client.post("/admin/govinfo/review/notices/dismiss/")
    assert "审核通知邮件未能发出" not in client.get("/admin/").content.decode()


def test_wagtails_own_mail_to_the_editor_is_recorded_when_it_fails(
    client, users, draft, mail_server_down, django_capture_on_commit_callbacks
):
    """Wagtail's notice of the return to the editor is recorded for the administrators'
    dashboard like the package's own notices, and the return stands."""
    from govinfo_wagtail.review.models import NoticeFailure

    state = submit(draft, users["editor"])
    task_state = current(state)
    NoticeFailure.objects.all().delete()  # the submission's mails to the reviewers failed too
    with django_capture_on_commit_callbacks(execute=True):
        response = return_through_admin(client, draft, task_state, users["political"],
                                        "请补充依据。")
    assert response.json()["step"] == "success"
    failure = NoticeFailure.objects.get(recipients=users["editor"].email)
    assert failure.page_id == draft.pk and draft.title in failure.subject
    assert failure.error.startswith("ConnectionRefusedError")


def test_each_wagtail_workflow_mail_is_sent_once_by_the_recording_notifier():
    from wagtail.models import TaskState, WorkflowState
    from wagtail.signals import (
        task_submitted,
        workflow_approved,
        workflow_rejected,
        workflow_submitted,
    )

    from govinfo_wagtail.review.models import ReviewGateTaskState
    from govinfo_wagtail.review.notifications import RecordedFailuresMixin

    for signal, sender in ((task_submitted, TaskState), (task_submitted, ReviewGateTaskState),
                           (workflow_submitted, WorkflowState),
                           (workflow_rejected, WorkflowState), (workflow_approved, WorkflowState)):
        mailers = [r for r in signal._live_receivers(sender)[0]
                   if hasattr(r, "send_emails")]
        assert len(mailers) == 1 and isinstance(mailers[0], RecordedFailuresMixin), signal
