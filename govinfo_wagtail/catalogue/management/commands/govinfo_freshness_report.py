"""The weekly column-freshness report (for cron): columns overdue, due soon and empty, the
home page's last update and the single-veto items the site would fail today."""

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from wagtail.models import Site

from ...freshness import freshness_report, render_text


class Command(BaseCommand):
    help = ("Print (and optionally email) the column-freshness report of each site: columns "
            "overdue, due soon and empty, and the home page's last update.")

    def add_arguments(self, parser):
        parser.add_argument("--email", action="append", default=[], metavar="ADDRESS",
                            help="Also send the report to this address (repeatable).")
        parser.add_argument("--site", help="Host name of one site (default: every site).")
        parser.add_argument("--agency", help="Name (or id) of one agency: only its columns.")
        parser.add_argument("--now", help="Report as of this ISO date-time (for checks).")

    def handle(self, *args, **options):
        now = timezone.now()
        if options["now"]:
            now = parse_datetime(options["now"])
            if now is None:
                raise CommandError(_("--now: give an ISO date-time, e.g. 2026-12-01T09:00+08:00."))
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        sites = Site.objects.all()
        if options["site"]:
            sites = sites.filter(hostname=options["site"])
            if not sites:
                raise CommandError(_("No site has the host name %(host)s.")
                                   % {"host": options["site"]})
        agency = None
        if options["agency"]:
            from ....core.agencies import Agency

            value = options["agency"]
            agency = (Agency.objects.filter(name=value).first()
                      or (Agency.objects.filter(pk=int(value)).first() if value.isdigit()
                          else None))
            if agency is None:
                raise CommandError(_("No agency is named %(name)s.") % {"name": value})
        texts = [render_text(site, freshness_report(site, now, agency=agency))
                 for site in sites]
        body = "\n\n".join(texts)
        self.stdout.write(body)
        if options["email"]:
            subject = _("Column freshness report")
            try:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, options["email"])
            except Exception as error:  # noqa: BLE001 (the printed report stands)
                self.stderr.write(_("The report could not be sent: %(error)s")
                                  % {"error": error})
                raise CommandError(_("The report was printed but not sent.")) from error
