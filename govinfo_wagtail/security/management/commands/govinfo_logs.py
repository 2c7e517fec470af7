"""Export (CSV) or purge the login log and the admin action log."""

from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from ...logs import KINDS, export_csv, purge


def _date(value: str):
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as exc:
        raise CommandError(_("Dates are written YYYY-MM-DD, not %(value)r.")
                           % {"value": value}) from exc
    return timezone.make_aware(datetime.combine(day, time.min))


class Command(BaseCommand):
    help = ("Export the login log (logins, failures) or the admin action log (actions) as "
            "CSV, or purge entries older than the retention period.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="operation", required=True)
        export = sub.add_parser("export", help="CSV to standard output or --output.")
        export.add_argument("kind", choices=KINDS)
        export.add_argument("--since", type=_date, help="YYYY-MM-DD (included)")
        export.add_argument("--until", type=_date, help="YYYY-MM-DD (excluded)")
        export.add_argument("--output", help="File to write (default: standard output).")
        drop = sub.add_parser("purge", help="Delete entries before a date outside the "
                                            "retention period.")
        drop.add_argument("kind", choices=KINDS)
        drop.add_argument("--before", type=_date, required=True, help="YYYY-MM-DD")

    def handle(self, *args, operation, kind, **options):
        if operation == "export":
            path = options.get("output")
            if not path:
                self.stdout.ending = ""
            out = open(path, "w", encoding="utf-8-sig", newline="") if path else self.stdout
            try:
                count = export_csv(kind, out, options.get("since"), options.get("until"))
            finally:
                if path:
                    out.close()
            self.stderr.write(_("%(count)d entries exported.") % {"count": count})
            return
        try:
            count = purge(kind, options["before"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(_("%(count)d entries deleted.") % {"count": count})
