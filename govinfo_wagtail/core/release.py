"""The one door through which disclosure content goes live.

Every way a disclosure page goes live calls :func:`release` with a named reason, which is
written to the page's history and to a :class:`~.models.ReleaseRecord`: completion of the
review gates, an emergency release, a legacy migration, and the demo loader, tests and
benchmarks. Taking content down is never blocked here.

Before anything goes live, the release checks that apps register run on the revision (the
``govinfo_release_check`` hook): the review app proves that a "review" release passed all
three gates, and runs the automated checks for every reason. "Passed review" is computed here,
from recorded decisions, never assumed because a workflow finished.
"""

import random
import time
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, connection, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import log
from wagtail.models import Revision

from ..conf import govinfo_settings
from .content import content_digest
from .index_numbers import assign_index_number
from .models import DisclosurePage, DisclosureSettings, IndexNumber, ReleaseRecord

RELEASE_LOG_ACTION = "govinfo_core.release"
SCHEDULED_LOG_ACTION = "govinfo_core.release_scheduled"
RELEASE_CHECK_HOOK = "govinfo_release_check"
# An app that releases some pages its own way after review (policies: with their group).
AFTER_REVIEW_HOOK = "govinfo_release_after_review"

_releasing: ContextVar[frozenset[int]] = ContextVar("govinfo_releasing", default=frozenset())
# While a scheduled release is checked again at its time: the other pages due in that run.
_due: ContextVar[frozenset[int]] = ContextVar("govinfo_due", default=frozenset())
# A release check that reads other pages (their status) sets this attribute to True: it runs
# again when Wagtail's scheduler makes a revision approved for later live.
DEPENDS_ON_OTHER_PAGES = "govinfo_depends_on_other_pages"


class ReleaseReason(models.TextChoices):
    REVIEW = "review", _("Passed all review gates")
    EMERGENCY = "emergency", _("Emergency release")
    LEGACY_IMPORT = "legacy_import", _("Migration from a legacy system")
    DEMO = "demo", _("Demo content")
    TEST = "test", _("Test fixture")
    BENCHMARK = "benchmark", _("Benchmark")
    # Written only by a data migration, for pages that were live before their page type went
    # through the release service (not reviewed by the gates): never a reason to release.
    UPGRADE = "upgrade", _("Live before the upgrade (not reviewed)")


class ReleaseRefused(PermissionDenied):
    """A release, or a save, that the rules refuse. The message says why, for the user."""

    def __init__(self, page, message=None, *, changed_fields=None, code="not_released"):
        if message is None and changed_fields:
            message = _("“%(title)s” is live: its content (%(fields)s) changes only through "
                        "review, as a new version. Nothing was saved.") % {
                "title": page.title, "fields": ", ".join(changed_fields)}
            code = "live_content_changed"
        elif message is None:
            message = _("“%(title)s” can only go live through review (or another recorded "
                        "release); it was not published.") % {"title": page.title}
        super().__init__(str(message))
        self.page = page
        self.message = str(message)
        self.code = code


class AliasRefused(ReleaseRefused):
    def __init__(self, page):
        super().__init__(page, _(
            "Disclosure pages cannot have aliases: an alias would show a page's content at a "
            "second address without its own index number and review. Link to the page, or "
            "copy it (a copy is reviewed and numbered on its own)."), code="alias")


class ReleaseBlocked(ReleaseRefused):
    """Blocking findings of the automated checks that nobody overrode with a reason."""

    def __init__(self, page, findings):
        self.findings = list(findings)
        super().__init__(page, _(
            "“%(title)s” was not released: %(count)d blocking finding(s) of the automated "
            "checks must be fixed, or overridden with a recorded reason: %(findings)s") % {
            "title": page.title, "count": len(self.findings),
            "findings": "; ".join(str(f.message) for f in self.findings[:5])},
            code="blocking_findings")


class ReleaseDeferred(ReleaseRefused):
    """A scheduled release that must wait for another page due in the same run (a policy
    before its interpretation): ``publish_scheduled`` tries it again after the others."""

    def __init__(self, page, message=None, *, revision=None, code="deferred"):
        super().__init__(page, message, code=code)
        self.revision = revision


def is_due_now(page_id: int | None) -> bool:
    """True while a scheduled release is checked again and ``page_id`` is due in the same
    run of the scheduler (approved for a time that has come, not live yet)."""
    return page_id is not None and page_id in _due.get()


def is_being_released(page_id: int | None) -> bool:
    return page_id is not None and page_id in _releasing.get()


@contextmanager
def releasing_pages(page_ids: Iterable[int]):
    """The guard lets these pages' saves through while the release service runs."""
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
    overrides: dict[str, str] | None = None,
    override_reason: str = "",
):
    """Make the given revisions live together, in one transaction, or none of them.

    Runs the release checks, assigns an index number to a page going live for the first time
    and fills in its publication date when the editor left it blank; writes a release record
    per revision. A revision whose page has a future ``go_live_at`` is approved for that time
    instead: Wagtail's scheduler publishes it then, and it is numbered when it goes live.
    ``overrides`` (finding fingerprint → reason) and ``override_reason`` (one reason for
    every blocking finding, logged per page) let an authorised caller release despite
    blocking findings. Returns the pages, live or scheduled.
    """
    reason = ReleaseReason(reason)
    if reason == ReleaseReason.UPGRADE:
        raise ValueError("The reason “upgrade” is written by a data migration only; "
                         "release with a reason of its own.")
    if isinstance(revisions, Revision):
        revisions = [revisions]
    revision_ids = [r.pk for r in revisions]
    options = {"reason": reason, "user": user, "note": note, "overrides": overrides or {},
               "override_reason": (override_reason or "").strip()}
    if connection.in_atomic_block:
        # The caller owns the transaction, and so any retry.
        return _release_all(revision_ids, **options)
    for attempt in range(DEADLOCK_RETRIES):
        try:
            return _release_all(revision_ids, **options)
        except OperationalError as exc:
            if not _is_deadlock(exc) or attempt == DEADLOCK_RETRIES - 1:
                raise
            time.sleep(random.uniform(0.02, 0.1) * (attempt + 1))


DEADLOCK_RETRIES = 5


def release_after_review(revision: Revision, *, user=None) -> None:
    """The last gate approved ``revision``. An app may release it its own way (a function
    registered with the ``govinfo_release_after_review`` hook returns True when it did, e.g.
    a policy with its interpretations); otherwise it is released alone, for review."""
    for handler in hooks.get_hooks(AFTER_REVIEW_HOOK):
        if handler(revision, user=user):
            return
    release(revision, reason=ReleaseReason.REVIEW, user=user)


def _is_deadlock(exc: OperationalError) -> bool:
    cause = exc.__cause__
    # PostgreSQL: deadlock_detected / serialization_failure; MariaDB: 1213 deadlock, 1205 wait.
    return getattr(cause, "sqlstate", None) in {"40P01", "40001"} or (
        bool(exc.args) and exc.args[0] in {1213, 1205}
    )


def _release_all(revision_ids: list[int], **options):
    with transaction.atomic():
        # Fresh rows on every attempt: a rolled-back attempt leaves its changes in memory.
        revisions = list(Revision.objects.filter(pk__in=revision_ids).order_by("pk"))
        with releasing_pages(int(r.object_id) for r in revisions):
            return [_release_one(r, **options) for r in revisions]


class CheckBatch:
    """What the release checks of one :func:`~.release_batch.release_many` call share: the
    pages of the batch, and a cache a check may fill once for all of them (a lexicon, the
    overrides recorded for these pages) instead of a query per page."""

    def __init__(self, page_ids: Iterable[int]):
        self.page_ids = list(page_ids)
        self.cache: dict = {}


def run_release_checks(revision: Revision, page, *, reason, user, overrides,
                       override_reason, content=None, batch: CheckBatch | None = None) -> dict:
    """Run every registered release check; each returns facts for the release record (or
    nothing) and raises :class:`ReleaseRefused` to stop the release.

    Checks receive ``content``, the revision's content as a page object when the caller has
    it already (the batch path, where the page row holds exactly that content), else None
    (the check builds it from the revision), and ``batch`` (a :class:`CheckBatch`) when many
    pages are released at once."""
    facts: dict = {"gate_decisions": [], "overrides": []}
    for check in hooks.get_hooks(RELEASE_CHECK_HOOK):
        found = check(revision=revision, page=page, reason=reason, user=user,
                      overrides=overrides, override_reason=override_reason,
                      content=content, batch=batch) or {}
        for key, value in found.items():
            facts.setdefault(key, [])
            facts[key] += value
    if reason == ReleaseReason.REVIEW and not facts["gate_decisions"]:
        # Nobody proved the review: no review app, or a check that found no decisions.
        raise ReleaseRefused(page, _("“%(title)s” has no recorded review decisions for this "
                                     "version, so it cannot be released as reviewed.")
                             % {"title": page.title}, code="no_review")
    return facts


def scheduled_for(revision: Revision):
    """The revision's future go-live time, or None when it goes live now."""
    value = revision.content.get("go_live_at")
    when = parse_datetime(value) if isinstance(value, str) else value
    return when if when and when > timezone.now() else None


def _release_one(revision: Revision, *, reason, user, note, overrides, override_reason):
    page = revision.content_object  # the specific page, cached on the revision
    page_model = type(page)
    facts = run_release_checks(revision, page, reason=reason, user=user, overrides=overrides,
                               override_reason=override_reason)
    record = ReleaseRecord(
        page_id=page.pk, revision=revision, reason=reason.value, note=note, user=user,
        content_digest=content_digest(revision.content),
        gate_decisions=facts["gate_decisions"], overrides=facts["overrides"],
    )
    go_live_at = scheduled_for(revision)
    if go_live_at is not None:
        # Approved now, live later: Wagtail's scheduler publishes exactly this revision, and
        # the guard lets it through because this record waits for it.
        record.go_live_at = go_live_at
        record.save()
        revision.publish(user=user, log_action=True, skip_permission_checks=True)
        scheduled = page_model.objects.get(pk=page.pk)
        log(instance=scheduled, action=SCHEDULED_LOG_ACTION, user=user, revision=revision,
            data={"reason": reason.value, "note": note, "revision_id": revision.pk,
                  "go_live_at": go_live_at.isoformat()})
        return scheduled
    content_changes = _fill_release_fields(page, revision)
    if content_changes:
        revision.content.update(content_changes)
        revision.save(update_fields=["content"])
    # The release service is the authority here; its callers check who may release.
    revision.publish(user=user, log_action=True, skip_permission_checks=True)
    record.released_at = timezone.now()
    record.save()
    live_page = page_model.objects.get(pk=page.pk)
    log(
        instance=live_page,
        action=RELEASE_LOG_ACTION,
        user=user,
        revision=revision,
        data={"reason": reason.value, "note": note, "revision_id": revision.pk},
    )
    return live_page


def _fill_release_fields(page, revision: Revision) -> dict:
    """Agency, index number and publication date of a page going live; returns the changes
    to write into the revision as well. Pages of other types (a catalogue, the disclosure
    guide) have none: an empty agency there may mean "every agency"."""
    if not isinstance(page, DisclosurePage):
        return {}
    page_model = type(page)
    content_changes = {}
    if page.agency_id is None:
        default_agency = DisclosureSettings.for_site(page.get_site()).default_agency
        if default_agency is not None:
            page.agency = default_agency
            content_changes["agency"] = default_agency.pk
    if not page.index_number:
        number = _issue_index_number(page)
        # On the page too: with_content_json keeps the page's number over the revision's.
        page.index_number = number.value
        page_model.objects.filter(pk=page.pk).update(index_number=number.value)
        content_changes["index_number"] = number.value
    if not revision.content.get("published_date"):
        tz = ZoneInfo(govinfo_settings.SITE_TIME_ZONE)
        content_changes["published_date"] = timezone.now().astimezone(tz).date().isoformat()
    return content_changes


def _issue_index_number(page) -> IndexNumber:
    """The next number, or a refusal that says what to fix: never a raw database error."""
    try:
        with transaction.atomic():  # a savepoint: PostgreSQL aborts the transaction otherwise
            return assign_index_number(page)
    except ValidationError as exc:
        raise ReleaseRefused(page, " ".join(exc.messages), code="index_number") from exc
    except IntegrityError as exc:
        raise ReleaseRefused(page, gettext(
            "“%(title)s” was not released: the index number it would get is already in use. "
            "Another agency probably has the same code in index numbers (%(code)s); give each "
            "agency its own code, then release again.") % {
            "title": page.title, "code": page.agency.index_code if page.agency_id else "-"},
            code="index_number_taken") from exc


def check_again_at_go_live(page, record: ReleaseRecord) -> None:
    """Wagtail's scheduler is about to make ``record``'s revision live: run again the release
    checks that depend on other pages (their status may have changed since the approval: a
    policy taken down). Raises :class:`ReleaseRefused`, or :class:`ReleaseDeferred` when the
    page waits for another page due in the same run."""
    checks = [c for c in hooks.get_hooks(RELEASE_CHECK_HOOK)
              if getattr(c, DEPENDS_ON_OTHER_PAGES, False)]
    if not checks:
        return
    due = set(ReleaseRecord.objects.filter(
        released_at__isnull=True, revision__approved_go_live_at__lte=timezone.now(),
    ).exclude(page_id=page.pk).values_list("page_id", flat=True))
    revision = record.revision
    token = _due.set(frozenset(due))
    try:
        for check in checks:
            try:
                check(revision=revision, page=page, reason=ReleaseReason(record.reason),
                      user=record.user, overrides={}, override_reason="", content=None,
                      batch=None)
            except ReleaseDeferred as exc:
                exc.revision = revision
                raise
    finally:
        _due.reset(token)


def complete_scheduled_release(page, record: ReleaseRecord) -> None:
    """Wagtail's scheduler made a release-approved revision live: number it, date it, log it.
    Called by the guard after the page row is saved, in the scheduler's transaction."""
    revision = record.revision
    with transaction.atomic(), releasing_pages([page.pk]):
        content_changes = _fill_release_fields(page, revision)
        if content_changes:
            revision.content.update(content_changes)
            revision.save(update_fields=["content"])
            fields = {k: v for k, v in content_changes.items() if k != "index_number"}
            if "agency" in fields:
                fields["agency_id"] = fields.pop("agency")
            if fields:
                type(page).objects.filter(pk=page.pk).update(**fields)
        record.released_at = timezone.now()
        record.save(update_fields=["released_at"])
        log(instance=page, action=RELEASE_LOG_ACTION, user=record.user, revision=revision,
            data={"reason": record.reason, "note": record.note, "revision_id": revision.pk,
                  "scheduled": True})
