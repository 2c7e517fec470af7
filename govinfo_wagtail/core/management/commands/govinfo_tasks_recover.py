"""Put back in the queue the tasks that a dead worker left marked as running."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = ("Re-queue background tasks left running by a worker that died (django-tasks-db "
            "never retries them itself). Run it every few minutes, e.g. from cron.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than", type=float, default=None, metavar="SECONDS",
            help="Tasks running for longer than this (default: GOVINFO_TASK_STALE_AFTER).")

    def handle(self, *args, older_than=None, **options):
        from ...task_queue import database_queue, requeue_stale

        if database_queue() is None:
            self.stdout.write(_("The default task backend is not a database queue: nothing to "
                                "recover."))
            return
        count = requeue_stale(older_than)
        self.stdout.write(_("%(count)d stale task(s) put back in the queue.") % {"count": count})
