from django.core.management.base import BaseCommand

from ...documents import rebuild_document_uses


class Command(BaseCommand):
    help = ("Record which documents every revision and row of every disclosure page refers to "
            "(their downloads then follow the release rule). Safe to run again.")

    def handle(self, *args, **options):
        count = rebuild_document_uses(
            log=lambda n: self.stdout.write(f"  {n} revisions read"))
        self.stdout.write(self.style.SUCCESS(f"govinfo_document_uses: {count} revisions read"))
