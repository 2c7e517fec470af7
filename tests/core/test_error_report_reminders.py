"""找错 reminders: the handlers are mailed the open reports due within five days or overdue,
once per stage; a mail server that is down is logged and never stops the run or marks a
report as reminded."""

import logging
import smtplib
import socket
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from govinfo_wagtail.core.error_report_reminders import send_reminders
from govinfo_wagtail.core.error_reports import ErrorReport

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as s:  # bound and closed: nothing listens there afterwards
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def handlers(django_user_model):
    group = Group.objects.create(name="找错处理")
    group.permissions.add(Permission.objects.get(codename="change_errorreport"))
    handler = django_user_model.objects.create_user("handler", "handler@example.gov.cn", "pw")
    handler.groups.add(group)
    no_email = django_user_model.objects.create_user("noemail", "", "pw")
    no_email.groups.add(group)
    gone = django_user_model.objects.create_user("gone", "gone@example.gov.cn", "pw",
                                                 is_active=False)
    gone.groups.add(group)
    django_user_model.objects.create_user("editor", "editor@example.gov.cn", "pw")
    boss = django_user_model.objects.create_superuser("boss", "boss@example.gov.cn", "pw")
    return handler, boss


@pytest.fixture
def reports():
    now = timezone.now()

    def report(path, days_ago, **extra):
        return ErrorReport.objects.create(
            kind="link", page_url=path, description="链接打不开", received_at=now - timedelta(
                days=days_ago), contact_name="张三", contact_email="zhang@example.org", **extra)

    return {
        "overdue": report("/xxgk/overdue/", 33),
        "soon": report("/xxgk/soon/", 27),
        "later": report("/xxgk/later/", 2),
        "handled": report("/xxgk/handled/", 40, state=ErrorReport.State.HANDLED),
    }


def test_handlers_are_reminded_of_reports_due_soon_and_overdue(handlers, reports):
    result = send_reminders(timezone.now())
    assert sorted(m.to[0] for m in mail.outbox) == ["boss@example.gov.cn",
                                                    "handler@example.gov.cn"]
    assert result.failed == [] and len(result.reports) == 2
    body = mail.outbox[0].body
    assert "/xxgk/overdue/" in body and "/xxgk/soon/" in body
    assert "/xxgk/later/" not in body and "/xxgk/handled/" not in body
    edit = reverse("govinfo_error_reports:edit", args=[reports["overdue"].pk])
    assert f"http://testserver{edit}" in body
    # The reporter's contact details stay out of the reminder.
    assert "zhang@example.org" not in body and "张三" not in body
    for key in ("overdue", "soon"):
        reports[key].refresh_from_db()
        assert reports[key].reminded_at is not None


def test_each_stage_is_reminded_once(handlers, reports):
    now = timezone.now()
    send_reminders(now)
    mail.outbox.clear()
    send_reminders(now + timedelta(hours=6))  # cron again the same day: nothing new
    assert mail.outbox == []
    # The report due soon passes its deadline: reminded again, as overdue.
    send_reminders(now + timedelta(days=4))
    assert len(mail.outbox) == 2
    assert "/xxgk/soon/" in mail.outbox[0].body and "/xxgk/overdue/" not in mail.outbox[0].body
    mail.outbox.clear()
    # Still overdue a week later: once a week.
    send_reminders(now + timedelta(days=11))
    assert len(mail.outbox) == 2 and "/xxgk/overdue/" in mail.outbox[0].body
    # A handled report is never reminded.
    ErrorReport.objects.update(state=ErrorReport.State.HANDLED)
    mail.outbox.clear()
    send_reminders(now + timedelta(days=30))
    assert mail.outbox == []


def test_nothing_due_sends_nothing(handlers):
    ErrorReport.objects.create(kind="typo", page_url="/a/", description="x")
    call_command("govinfo_error_report_reminders", stdout=open("/dev/null", "w"))
    assert mail.outbox == []


def test_command_reports_as_of_another_moment(handlers, reports, capsys):
    later = (timezone.now() + timedelta(days=40)).isoformat()
    call_command("govinfo_error_report_reminders", "--now", later)
    assert "/xxgk/later/" in mail.outbox[0].body  # overdue by then
    with pytest.raises(CommandError):
        call_command("govinfo_error_report_reminders", "--now", "yesterday")


def test_a_mail_server_that_is_down_is_logged_and_nothing_breaks(handlers, reports, caplog):
    down = dict(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                EMAIL_HOST="127.0.0.1", EMAIL_PORT=_free_port(), EMAIL_TIMEOUT=2)
    with override_settings(**down), caplog.at_level(logging.WARNING):
        result = send_reminders(timezone.now())
        assert sorted(result.failed) == ["boss@example.gov.cn", "handler@example.gov.cn"]
        with pytest.raises(CommandError):  # cron sees a failure; the run went through
            call_command("govinfo_error_report_reminders", stdout=open("/dev/null", "w"),
                         stderr=open("/dev/null", "w"))
    assert "not sent" in caplog.text and "zhang@example.org" not in caplog.text
    # Not marked as reminded: the next run, with the mail server back, sends them.
    assert not ErrorReport.objects.filter(reminded_at__isnull=False).exists()
    send_reminders(timezone.now())
    assert len(mail.outbox) == 2


def test_one_failing_recipient_does_not_stop_the_others(handlers, reports, settings):
    settings.EMAIL_BACKEND = "tests.core.test_error_report_reminders.RefusingBackend"
    result = send_reminders(timezone.now())
    assert result.failed == ["boss@example.gov.cn"]
    assert [m.to for m in mail.outbox] == [["handler@example.gov.cn"]]
    assert ErrorReport.objects.filter(reminded_at__isnull=False).count() == 2


class RefusingBackend(LocmemBackend):
    """The locmem backend, except that the server refuses one recipient (as an SMTP server
    answering 550 for one mailbox does)."""

    def send_messages(self, messages):
        if any("boss@example.gov.cn" in m.to for m in messages):
            raise smtplib.SMTPRecipientsRefused({"boss@example.gov.cn": (550, b"no mailbox")})
        return super().send_messages(messages)
