"""Mail the 找错 handlers the open error reports due within five days or overdue (for cron)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from ...error_report_reminders import send_reminders


class Command(BaseCommand):
    help = ("Mail the handlers of the error reports (找错) the open reports due within five "
            "days or overdue, once per stage (and weekly while overdue).")

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Remind as of this ISO date-time (for checks).")

    def handle(self, *args, **options):
        now = timezone.now()
        if options["now"]:
            now = parse_datetime(options["now"])
            if now is None:
                raise CommandError(_("--now: give an ISO date-time, e.g. 2026-12-01T09:00+08:00."))
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        run = send_reminders(now)
        self.stdout.write(_("%(reports)d reports due for a reminder; sent to %(sent)d "
                            "handlers.") % {"reports": len(run.reports), "sent": len(run.sent)})
        if run.failed:
            self.stderr.write(_("Not sent to %(n)d handlers (see the log).")
                              % {"n": len(run.failed)})
            raise CommandError(_("Some reminders could not be sent."))
