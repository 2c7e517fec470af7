"""找错 reminders by mail (``govinfo_error_report_reminders``, from cron).

The handlers of the register (active users with an email address who may change error
reports) are mailed the open reports that are due within ``DUE_SOON_DAYS`` or overdue. Each
report is in a reminder once when it becomes due soon, once when its deadline passes and
then once a week while it stays open, so the command may run as often as cron likes. The
mails name the report, its address and deadline and link to it in the admin; the reporter's
name and email never appear in them.

A mail server that is down or refuses a recipient is logged and the run goes on; a report
is marked as reminded only when at least one handler received it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .error_reports import DUE_SOON_DAYS, ErrorReport

logger = logging.getLogger(__name__)

OVERDUE_REPEAT_DAYS = 7
PERMISSION = "govinfo_core.change_errorreport"


@dataclass
class ReminderRun:
    reports: list[ErrorReport] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)  # addresses
    failed: list[str] = field(default_factory=list)


def due_for_reminder(now: datetime) -> list[ErrorReport]:
    """Open reports whose current stage (due soon, overdue) has not been reminded yet."""
    soon = now + timedelta(days=DUE_SOON_DAYS)
    candidates = ErrorReport.objects.filter(
        state__in=[ErrorReport.State.NEW, ErrorReport.State.IN_PROGRESS], deadline__lt=soon,
    ).order_by("deadline", "pk")
    due = []
    for report in candidates:
        last = report.reminded_at
        if report.deadline > now:  # due soon
            remind = last is None or last < report.deadline - timedelta(days=DUE_SOON_DAYS)
        else:  # overdue: when it became so, then weekly
            remind = (last is None or last < report.deadline
                      or last <= now - timedelta(days=OVERDUE_REPEAT_DAYS))
        if remind:
            due.append(report)
    return due


def handlers() -> list:
    """Active users with an email address who may handle error reports."""
    app_label, codename = PERMISSION.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label,
                                           codename=codename).first()
    who = Q(is_superuser=True)
    if permission is not None:
        who |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    users = (get_user_model().objects.filter(who, is_active=True).exclude(email="")
             .distinct().order_by("pk"))
    return [user for user in users if user.has_perm(PERMISSION)]


def _admin_url(report: ErrorReport) -> str:
    try:
        path = reverse("govinfo_error_reports:edit", args=[report.pk])
    except NoReverseMatch:
        return ""
    base = (getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "").rstrip("/")
    return f"{base}{path}"


def reminder_text(reports: list[ErrorReport], now: datetime) -> str:
    lines = [ngettext(
        "%(n)d error report (找错) needs an answer soon:",
        "%(n)d error reports (找错) need an answer soon:", len(reports)) % {"n": len(reports)},
        ""]
    for report in reports:
        deadline = timezone.localtime(report.deadline).date()
        if report.deadline <= now:
            days = (now - report.deadline).days
            when = ngettext("overdue by %(n)d day (deadline %(date)s)",
                            "overdue by %(n)d days (deadline %(date)s)", days)
        else:
            days = max(1, (report.deadline - now).days)
            when = ngettext("due in %(n)d day (%(date)s)", "due in %(n)d days (%(date)s)", days)
        lines.append(f"#{report.pk} {report.get_kind_display()} · {report.page_url}")
        lines.append("    " + when % {"n": days, "date": deadline.isoformat()}
                     + f" · {report.get_state_display()}")
        url = _admin_url(report)
        if url:
            lines.append(f"    {url}")
    lines += ["", _("A report handled after its deadline counts against the site in the "
                    "website inspection.")]
    return "\n".join(lines)


def send_reminders(now: datetime | None = None) -> ReminderRun:
    """Mail each handler the reports due for a reminder; never raises for a mail failure."""
    now = now or timezone.now()
    run = ReminderRun(reports=due_for_reminder(now))
    if not run.reports:
        return run
    subject = ngettext("找错: %(n)d error report due", "找错: %(n)d error reports due",
                       len(run.reports)) % {"n": len(run.reports)}
    body = reminder_text(run.reports, now)
    try:
        connection = get_connection()
    except Exception as error:  # noqa: BLE001 — a misconfigured backend is a failure too
        logger.warning("找错 reminders not sent: no mail connection (%s)", type(error).__name__)
        run.failed = [user.email for user in handlers()]
        return run
    for user in handlers():
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email],
                               connection=connection)
        try:
            message.send()
        except Exception as error:  # noqa: BLE001 — any mail failure is logged, the run goes on
            logger.warning("找错 reminder to user %s not sent (%s)", user.pk,
                           type(error).__name__)
            run.failed.append(user.email)
        else:
            run.sent.append(user.email)
    if run.sent:
        ErrorReport.objects.filter(pk__in=[r.pk for r in run.reports]).update(reminded_at=now)
    return run
