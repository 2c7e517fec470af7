from django.core.management.base import BaseCommand

from ...setup import run_setup


class Command(BaseCommand):
    help = ("Create what govinfo-wagtail needs (groups, default topics). Safe to run again; "
            "changes nothing else of the site.")

    def handle(self, *args, **options):
        run_setup(log=lambda message: self.stdout.write(message))
        self.stdout.write(self.style.SUCCESS("govinfo_setup: done"))
