"""Wagtail's ``publish_scheduled``, made safe for disclosure pages.

Wagtail's loop publishes due revisions one after another and stops at the first exception. A
disclosure revision whose schedule the release service did not approve (set by a raw update,
say) is refused by the guard, and would stop every page due after it. This command, found
before Wagtail's because the package's apps come first in ``INSTALLED_APPS``, clears such
schedules first, and if a release is still refused, logs it and runs the loop again: one
refused page never stops the others.

At its time, a release approved for later is checked again by the release checks that depend
on other pages (三同步: the policy of an interpretation may have been taken down meanwhile):
the guard runs them before the page row is saved. A page refused then is left not live, its
schedule cleared, and the refusal logged; a page that waits for another page due in the same
run (an interpretation for its policy) is tried again after the others. Each pass of
Wagtail's loop is one transaction: a refusal undoes the pass, and the next pass runs without
the refused page, so a policy made live earlier in the pass on the strength of an
interpretation refused later in it is checked again without it (and refused: it may not go
live alone). Nothing of an undone pass reaches the public: the search index, the front cache
and the notices act when a transaction commits. Expired pages are taken down before the
passes, each committed on its own, so a failing release never keeps an expired page up; an
error that is not a refusal ends the run as in Wagtail's loop, the pages due before it
published.
"""

import logging

from django.db import transaction
from django.utils import timezone
from wagtail.management.commands.publish_scheduled import Command as WagtailCommand
from wagtail.models import Revision

from ...guard import clear_unapproved_schedules
from ...models import ReleaseRecord
from ...release import ReleaseDeferred, ReleaseRefused

logger = logging.getLogger("govinfo_wagtail.integrity")


class Command(WagtailCommand):
    help = "Publish the revisions due now and unpublish the expired pages (Wagtail's command, "
    "with disclosure pages refused one at a time instead of stopping the run)."

    def handle(self, *args, **options):
        if options.get("dryrun"):
            return super().handle(*args, **options)
        cleared = clear_unapproved_schedules()
        if cleared:
            self.stderr.write(f"Cleared {cleared} schedule(s) that review did not approve.")
        # Take-downs first, each committed on its own as in Wagtail's loop: nothing that
        # happens to a release below undoes or delays them.
        unpublish_expired()
        # Each refusal clears the refused page's schedules, and a page is deferred at most
        # once for each page it waits for, so this ends.
        due = Revision.objects.filter(approved_go_live_at__isnull=False).count()
        for _ in range(2 * due + 1):
            try:
                # One transaction per pass: a refusal undoes the pass, so that no page stays
                # live on the strength of one refused after it (a policy made live with an
                # interpretation due in the same run, 三同步); the next pass goes without it.
                with transaction.atomic():
                    return super().handle(*args, **options)
            except ReleaseDeferred as exc:
                # After the pages it waits for: they are due earlier.
                Revision.objects.filter(pk=exc.revision.pk).update(
                    approved_go_live_at=timezone.now())
                logger.info("Scheduled release of page %s deferred: %s", exc.page.pk, exc)
            except ReleaseRefused as exc:
                Revision.objects.filter(object_id=str(exc.page.pk),
                                        approved_go_live_at__isnull=False).update(
                    approved_go_live_at=None)
                # The refused approval is void: a schedule put back later (a raw update)
                # must not find it and count as approved.
                ReleaseRecord.objects.filter(page_id=exc.page.pk, released_at__isnull=True,
                                             go_live_at__isnull=False).delete()
                logger.warning("Scheduled release of page %s refused: %s", exc.page.pk, exc)
                self.stderr.write(f"Refused: page {exc.page.pk}: {exc}")
            except Exception:
                # Not a refusal (a bug in a site's check, a lock timeout): as Wagtail's own
                # loop does, the pages due before the failing one go live, and the run stops
                # there with the error.
                logger.exception("A scheduled release failed: publishing without the pass's "
                                 "transaction up to the failing page")
                return super().handle(*args, **options)


def unpublish_expired() -> int:
    """Wagtail's first step (expired objects taken down, logged as scheduled take-downs),
    run before the releases; Wagtail's loop then finds nothing expired."""
    from django.apps import apps
    from wagtail.models import DraftStateMixin, Page

    models = [Page, *(m for m in apps.get_models()
                      if issubclass(m, DraftStateMixin) and not issubclass(m, Page))]
    done = 0
    for model in models:
        for obj in list(model.objects.filter(live=True, expire_at__lt=timezone.now())
                        .order_by("expire_at")):
            obj.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
            done += 1
    return done
