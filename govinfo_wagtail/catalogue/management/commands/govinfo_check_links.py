"""The broken-link monitor's run (for cron): check the links of every live page of each
site and record the broken ones for the report in the admin."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from wagtail.models import Site

from ...link_monitor import check_links, check_site


class Command(BaseCommand):
    help = ("Check the links of the live pages of each site (pages, documents, addresses on "
            "the site and, unless turned off, external addresses) and record the broken ones.")

    def add_arguments(self, parser):
        parser.add_argument("--site", help="Host name of one site (default: every site).")
        parser.add_argument("--no-external", action="store_true",
                            help="Do not fetch external addresses this time.")
        parser.add_argument("--enqueue", action="store_true",
                            help="Queue the check as a background task instead of running it.")

    def handle(self, *args, **options):
        sites = Site.objects.all()
        if options["site"]:
            sites = sites.filter(hostname=options["site"])
            if not sites:
                raise CommandError(_("No site has the host name %(host)s.")
                                   % {"host": options["site"]})
        external = False if options["no_external"] else None
        for site in sites:
            if options["enqueue"]:
                check_links.enqueue(site.pk, external)
                self.stdout.write(_("%(site)s: link check queued.") % {"site": site})
                continue
            run = check_site(site, external=external)
            self.stdout.write(_("%(site)s: %(pages)d pages, %(links)d links, %(broken)d "
                                "broken.") % {"site": site, "pages": run.pages,
                                              "links": run.links, "broken": run.broken})
