"""The one door through which disclosure content goes live.

Every way a disclosure page goes live calls :func:`release` with a named reason, which is
written to the page's history: completion of the review gates, an emergency release, a
legacy migration, and the demo loader, tests and benchmarks. Taking content down is never
blocked here.
"""

import random
import time
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import PagePermissionTester, Revision

from ..conf import govinfo_settings
from .index_numbers import assign_index_number
from .models import DisclosureSettings

RELEASE_LOG_ACTION = "govinfo_core.release"

_releasing: ContextVar[frozenset[int]] = ContextVar("govinfo_releasing", default=frozenset())


class ReleaseReason(models.TextChoices):
    REVIEW = "review", _("Passed all review gates")
    EMERGENCY = "emergency", _("Emergency release")
    LEGACY_IMPORT = "legacy_import", _("Migration from a legacy system")
    DEMO = "demo", _("Demo content")
    TEST = "test", _("Test fixture")
    BENCHMARK = "benchmark", _("Benchmark")


class ReleaseRefused(PermissionDenied):
    def __init__(self, page):
        super().__init__(
            _("“%(title)s” can only go live through review (or another recorded release); "
              "it was not published.") % {"title": page.title}
        )


class ReleaseOnlyPermissionTester(PagePermissionTester):
    """Nobody publishes a disclosure page directly, superusers included: it goes live when
    it passes review. Unpublishing stays with those who have publish permission."""

    def can_publish(self):
        return False


def is_being_released(page_id: int | None) -> bool:
    return page_id is not None and page_id in _releasing.get()


@contextmanager
def _releasing_pages(page_ids: Iterable[int]):
    token = _releasing.set(_releasing.get() | frozenset(page_ids))
    try:
        yield
    finally:
        _releasing.reset(token)


def release(
    revisions: Revision | Iterable[Revision],
    *,
    reason: ReleaseReason | str,
    user=None,
    note: str = "",
):
    """Make the given revisions live together, in one transaction, or none of them.

    Assigns an index number to a page going live for the first time and fills in its
    publication date when the editor left it blank. Returns the live pages.
    """
    reason = ReleaseReason(reason)
    if isinstance(revisions, Revision):
        revisions = [revisions]
    revision_ids = [r.pk for r in revisions]
    if connection.in_atomic_block:
        # The caller owns the transaction, and so any retry.
        return _release_all(revision_ids, reason=reason, user=user, note=note)
    for attempt in range(DEADLOCK_RETRIES):
        try:
            return _release_all(revision_ids, reason=reason, user=user, note=note)
        except OperationalError as exc:
            if not _is_deadlock(exc) or attempt == DEADLOCK_RETRIES - 1:
                raise
            time.sleep(random.uniform(0.02, 0.1) * (attempt + 1))


DEADLOCK_RETRIES = 5


def _is_deadlock(exc: OperationalError) -> bool:
    cause = exc.__cause__
    # PostgreSQL: deadlock_detected / serialization_failure; MariaDB: 1213 deadlock, 1205 wait.
    return getattr(cause, "sqlstate", None) in {"40P01", "40001"} or (
        bool(exc.args) and exc.args[0] in {1213, 1205}
    )


def _release_all(revision_ids: list[int], *, reason, user, note):
    with transaction.atomic():
        # Fresh rows on every attempt: a rolled-back attempt leaves its changes in memory.
        revisions = list(Revision.objects.filter(pk__in=revision_ids).order_by("pk"))
        with _releasing_pages(int(r.object_id) for r in revisions):
            return [_release_one(r, reason=reason, user=user, note=note) for r in revisions]


def _release_one(revision: Revision, *, reason, user, note):
    page = revision.content_object  # the specific page, cached on the revision
    page_model = type(page)
    content_changes = {}
    if hasattr(page, "agency_id") and page.agency_id is None:
        default_agency = DisclosureSettings.for_site(page.get_site()).default_agency
        if default_agency is not None:
            page.agency = default_agency
            content_changes["agency"] = default_agency.pk
    if hasattr(page, "index_number") and not page.index_number:
        number = assign_index_number(page)
        # On the page too: with_content_json keeps the page's number over the revision's.
        page.index_number = number.value
        page_model.objects.filter(pk=page.pk).update(index_number=number.value)
        content_changes["index_number"] = number.value
    if hasattr(page, "published_date") and not revision.content.get("published_date"):
        tz = ZoneInfo(govinfo_settings.SITE_TIME_ZONE)
        content_changes["published_date"] = timezone.now().astimezone(tz).date().isoformat()
    if content_changes:
        revision.content.update(content_changes)
        revision.save(update_fields=["content"])
    # The release service is the authority here; its callers check who may release.
    revision.publish(user=user, log_action=True, skip_permission_checks=True)
    live_page = page_model.objects.get(pk=page.pk)
    log(
        instance=live_page,
        action=RELEASE_LOG_ACTION,
        user=user,
        data={"reason": reason.value, "note": note, "revision_id": revision.pk},
    )
    return live_page
