from django.core.management.base import BaseCommand

from ...demo import load_demo


class Command(BaseCommand):
    help = "Load demo content and demo accounts (for the example site only). Safe to run again."

    def handle(self, *args, **options):
        accounts = load_demo(log=lambda message: self.stdout.write(message))
        self.stdout.write(self.style.WARNING(
            "Demo accounts (new passwords on every run; for the demo only):"))
        for username, password in accounts:
            self.stdout.write(f"  {username:<20} {password}")
        self.stdout.write(self.style.SUCCESS("govinfo_demo: done"))
