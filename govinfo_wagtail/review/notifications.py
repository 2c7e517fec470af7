"""Notices Wagtail does not send by itself.

Wagtail already emails the next gate's group when a gate starts (its GroupApprovalTask
notifier covers our gates) and the submitter when a page is returned, with the opinion (our
task state's ``get_comment``). It does not tell reviewers who passed earlier gates that the
page came back (Wagtail #10196), nor the reviewer who returned a page that it was
resubmitted: this module does.

A notice never breaks the action it reports: the mails are written while the return is
being recorded, sent only once it is committed (a slow or unreachable mail server never holds
the transaction, and a return that rolls back announces nothing), and a failure to send is
logged, as Wagtail's own notifiers do, and recorded for administrators (a notice on their
dashboard), while the return stands.
"""

from __future__ import annotations

import logging

from django.core.mail import get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import override
from wagtail.models import TaskState

from .records import NoticeFailure, ReviewGateTaskState

logger = logging.getLogger("govinfo_wagtail.review")


def _preferred_language(user) -> str | None:
    profile = getattr(user, "wagtail_userprofile", None)
    return profile.get_preferred_language() if profile is not None else None


def _display_name(user) -> str:
    if user is None:
        return "-"
    return user.get_full_name() or user.get_username()


def notify_earlier_reviewers_of_return(sender, instance, user=None, **kwargs) -> None:
    if not isinstance(instance, ReviewGateTaskState):
        return
    reviewers = {
        state.finished_by
        for state in TaskState.objects.filter(
            workflow_state_id=instance.workflow_state_id, status=TaskState.STATUS_APPROVED
        ).select_related("finished_by")
        if state.finished_by and state.finished_by != user and state.finished_by.email
    }
    if not reviewers:
        return
    page = instance.revision.content_object
    messages = []
    for reviewer in sorted(reviewers, key=lambda r: r.pk):
        with override(_preferred_language(reviewer)):
            subject = _("Returned at %(gate)s: %(title)s") % {
                "gate": instance.task.name, "title": page.title}
            body = _("“%(title)s”, which you passed earlier, was returned at %(gate)s by "
                     "%(user)s with this opinion:\n\n%(opinion)s") % {
                "title": page.title, "gate": instance.task.name,
                "user": _display_name(user),
                "opinion": instance.opinion or instance.comment}
        messages.append((subject, body, reviewer.email))
    # robust: should anything still escape, Django logs it and the request carries on.
    page_id = page.pk
    transaction.on_commit(lambda: send_notices(messages, page_id=page_id), robust=True)


def notify_returner_of_resubmission(workflow_state, task_state, user=None) -> None:
    """Tell the reviewer who returned the page that it came back, at which gate it now waits
    and with their own opinion beside it; sent after the commit, like the notices above."""
    returned = (
        ReviewGateTaskState.objects.filter(workflow_state_id=workflow_state.pk,
                                           status=TaskState.STATUS_REJECTED)
        .select_related("finished_by").order_by("-finished_at", "-pk").first()
    )
    reviewer = returned.finished_by if returned is not None else None
    if reviewer is None or reviewer == user or not reviewer.email or not reviewer.is_active:
        return
    page = task_state.revision.content_object
    with override(_preferred_language(reviewer)):
        subject = _("Resubmitted after your return: %(title)s") % {"title": page.title}
        body = _("“%(title)s”, which you returned at %(gate)s, was resubmitted by %(user)s "
                 "and now waits at %(next)s.\n\nYour opinion was:\n%(opinion)s") % {
            "title": page.title, "gate": returned.task.name, "user": _display_name(user),
            "next": task_state.task.name, "opinion": returned.get_comment()}
    messages = [(subject, body, reviewer.email)]
    page_id = page.pk
    transaction.on_commit(lambda: send_notices(messages, page_id=page_id), robust=True)


def may_see_notice_failures(user) -> bool:
    """Site administrators: those who may change the disclosure settings."""
    return bool(user.is_active and (
        user.is_superuser or user.has_perm("govinfo_core.change_disclosuresettings")))


def record_failure(messages: list[tuple[str, str, str]], error: BaseException | str,
                   page_id: int | None = None) -> None:
    """Keep the failure for the administrators' dashboard; never raise."""
    try:
        NoticeFailure.objects.create(
            page_id=page_id, subject=messages[0][0][:255],
            recipients=", ".join(address for _s, _b, address in messages),
            error=(error if isinstance(error, str) else f"{type(error).__name__}: {error}")[:255],
        )
    except Exception:
        logger.exception("Could not record a notice that was not sent")


def send_notices(messages: list[tuple[str, str, str]], page_id: int | None = None) -> int:
    """Send (subject, body, address) mails over one connection; log and record what fails,
    never raise.

    Returns how many were sent.
    """
    from wagtail.admin.mail import send_mail

    sent = 0
    connection = get_connection()
    try:
        connection.open()
    except Exception as exc:
        logger.exception("Mail connection error: %d review notice(s) not sent (%s)",
                         len(messages), ", ".join(address for _s, _b, address in messages))
        record_failure(messages, exc, page_id)
        return 0
    try:
        for message in messages:
            subject, body, address = message
            try:
                send_mail(subject, body, [address], connection=connection)
                sent += 1
            except Exception as exc:
                logger.exception("Failed to send review notice '%s' to %s", subject, address)
                record_failure([message], exc, page_id)
    finally:
        try:
            connection.close()
        except Exception:
            logger.exception("Mail connection error while closing")
    return sent


# --- Wagtail's own workflow mails ----------------------------------------------------------


class _CaughtErrors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.errors: list[BaseException] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.errors.append(record.exc_info[1])


class RecordedFailuresMixin:
    """For Wagtail's email notifiers: a mail that could not be sent is recorded for the
    administrators' dashboard, like the package's own notices.

    Wagtail logs each failure and returns False (its documented result: True only if every
    mail went out); an error it lets through (an SMTP error while connecting, an unknown mail
    host) is caught here, so that it never breaks the action the mail reports.
    """

    def send_emails(self, template_set, context, recipients, **kwargs):
        # Wagtail logs the exception it caught; listen to its logger meanwhile, for the reason.
        caught = _CaughtErrors()
        wagtail_logger = logging.getLogger("wagtail.admin")
        wagtail_logger.addHandler(caught)
        try:
            sent_all = super().send_emails(template_set, context, recipients, **kwargs)
        except Exception as exc:
            logger.exception("Mail error: Wagtail's notice to %s not sent",
                             ", ".join(sorted(r.email for r in recipients)))
            sent_all = False
            caught.errors.append(exc)
        finally:
            wagtail_logger.removeHandler(caught)
        error: BaseException | str = (
            caught.errors[-1] if caught.errors else _("Not sent; the server log has the reason."))
        if not sent_all:
            try:
                subject = render_to_string(template_set["subject"], context).strip()
            except Exception:
                subject = template_set["subject"]
            page = context.get("page") or context.get("object")
            record_failure([(subject, "", r.email) for r in sorted(recipients, key=lambda r: r.pk)],
                           error, getattr(page, "pk", None))
        return sent_all


def _notifier_classes():
    from wagtail.admin import mail

    return {
        "group_approval_task_submitted_email_notification":
            mail.GroupApprovalTaskStateSubmissionEmailNotifier,
        "workflow_state_submitted_email_notification": mail.WorkflowStateSubmissionEmailNotifier,
        "workflow_state_rejected_email_notification": mail.WorkflowStateRejectionEmailNotifier,
        "workflow_state_approved_email_notification": mail.WorkflowStateApprovalEmailNotifier,
    }


def replace_wagtail_notifiers() -> dict[str, object]:
    """Put recording subclasses of Wagtail's workflow notifiers in place of Wagtail's, under
    the dispatch_uid Wagtail connects them with (wagtail.admin.signal_handlers), whichever
    app's ready() runs first: a later connect with the same uid is a no-op. Returns the new
    notifiers by dispatch_uid."""
    from wagtail.models import TaskState, WorkflowState
    from wagtail.signals import (
        task_submitted,
        workflow_approved,
        workflow_rejected,
        workflow_submitted,
    )

    signals = {
        "group_approval_task_submitted_email_notification": (task_submitted, TaskState),
        "workflow_state_submitted_email_notification": (workflow_submitted, WorkflowState),
        "workflow_state_rejected_email_notification": (workflow_rejected, WorkflowState),
        "workflow_state_approved_email_notification": (workflow_approved, WorkflowState),
    }
    notifiers = {}
    for uid, cls in _notifier_classes().items():
        signal, sender = signals[uid]
        notifier = type(cls.__name__, (RecordedFailuresMixin, cls), {})()
        signal.disconnect(sender=sender, dispatch_uid=uid)
        # A strong reference: nothing else keeps the notifier alive (Wagtail's are module
        # globals); a collected one would let Wagtail's connect take the uid back.
        signal.connect(notifier, sender=sender, dispatch_uid=uid, weak=False)
        notifiers[uid] = notifier
    return notifiers
