"""Re-run search index updates that failed (search server down, queue down)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Re-run failed search index updates recorded as IndexFailure."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None,
                            help="Retry at most this many failures.")

    def handle(self, *args, limit=None, **options):
        from ...indexing import retry_failures

        done, failing = retry_failures(limit)
        self.stdout.write(_("%(done)d index update(s) succeeded, %(failing)d still failing.")
                          % {"done": done, "failing": failing})
        if failing:
            raise SystemExit(1)
