"""The login log (django-axes: successes in AccessLog, failures in AccessFailureLog) and
the admin action log (Wagtail's page and model log entries): kept at least
GOVINFO_LOG_RETENTION_DAYS (6 months by default), exported as CSV."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..conf import govinfo_settings

KINDS = ("logins", "failures", "actions")


def _sources(kind: str):
    """(queryset, time field, columns) for each source of a kind."""
    if kind == "logins":
        from axes.models import AccessLog

        return [(AccessLog.objects.all(), "attempt_time",
                 ["attempt_time", "logout_time", "username", "ip_address", "user_agent",
                  "path_info"])]
    if kind == "failures":
        from axes.models import AccessFailureLog

        return [(AccessFailureLog.objects.all(), "attempt_time",
                 ["attempt_time", "username", "ip_address", "user_agent", "path_info",
                  "locked_out"])]
    if kind == "actions":
        from wagtail.models import ModelLogEntry, PageLogEntry

        columns = ["timestamp", "action", "user_id", "label", "content_type_id",
                   "object_id"]
        return [(PageLogEntry.objects.all(), "timestamp", ["timestamp", "action", "user_id",
                                                           "label", "content_type_id",
                                                           "page_id"]),
                (ModelLogEntry.objects.all(), "timestamp", columns)]
    raise ValueError(kind)


def _safe(value) -> str:
    """A cell a spreadsheet will not run as a formula (a failed login's user name is typed
    by anyone)."""
    text = "" if value is None else (value.isoformat() if isinstance(value, datetime)
                                     else str(value))
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_csv(kind: str, out, since=None, until=None) -> int:
    writer = csv.writer(out)
    count = 0
    for n, (qs, field, columns) in enumerate(_sources(kind)):
        if since:
            qs = qs.filter(**{f"{field}__gte": since})
        if until:
            qs = qs.filter(**{f"{field}__lt": until})
        if n == 0:
            writer.writerow(["source", *columns])
        source = qs.model._meta.label
        for row in qs.order_by(field).values_list(*columns).iterator():
            writer.writerow([source, *(_safe(v) for v in row)])
            count += 1
    return count


def retention_cutoff():
    return timezone.now() - timedelta(days=govinfo_settings.LOG_RETENTION_DAYS)


def purge(kind: str, before) -> int:
    """Delete entries older than ``before``; refuses a date inside the retention period."""
    cutoff = retention_cutoff()
    if before > cutoff:
        raise ValidationError(_(
            "Log entries must be kept for %(days)d days (GOVINFO_LOG_RETENTION_DAYS): "
            "entries after %(cutoff)s may not be deleted.") % {
            "days": govinfo_settings.LOG_RETENTION_DAYS,
            "cutoff": timezone.localtime(cutoff).strftime("%Y-%m-%d %H:%M")})
    deleted = 0
    for qs, field, _columns in _sources(kind):
        deleted += qs.filter(**{f"{field}__lt": before}).delete()[0]
    return deleted
