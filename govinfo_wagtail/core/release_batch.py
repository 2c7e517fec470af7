"""Many pages released at once, each on its own: the batch entry point of the release service.

:func:`release_many` does what :func:`~.release.release` does for each page (the same release
checks, records, index numbers and logs) but writes them in bulk, one query per step for the
whole batch; an import releases its rows through it. Pages that do not fit the bulk path go
through :func:`~.release.release` one at a time.
"""

import functools
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.models import Revision

from ..conf import govinfo_settings
from .content import content_digest
from .models import DisclosurePage, DisclosureSettings, ReleaseRecord
from .release import (
    RELEASE_LOG_ACTION,
    CheckBatch,
    ReleaseBlocked,
    ReleaseReason,
    ReleaseRefused,
    release,
    releasing_pages,
    run_release_checks,
    scheduled_for,
)


class BatchRelease:
    """What :func:`release_many` did: the pages released (or scheduled), the revisions that
    the checks blocked (revision id → :class:`ReleaseBlocked`), the records written."""

    def __init__(self):
        self.pages: list = []
        self.blocked: dict[int, ReleaseBlocked] = {}
        self.record_ids: list[int] = []


def release_many(
    revisions: Iterable[Revision],
    *,
    reason: ReleaseReason | str,
    user=None,
    note: str = "",
    override_reason: str = "",
    skip_blocked: bool = False,
    hold: bool = False,
) -> BatchRelease:
    """:func:`release` for many pages that go live each on its own (not as a group), with
    the same checks, records, index numbers and logs, written in bulk: one query per step
    for the whole batch rather than a dozen per page. Runs in the caller's transaction (or
    its own).

    Every registered release check runs on every revision, as for :func:`release`. With
    ``skip_blocked`` a revision whose release the automated checks block is left as it was
    and reported in ``.blocked``; otherwise :class:`ReleaseBlocked` is raised. With ``hold``
    the release records are written unreleased (``released_at`` empty): the pages are live in
    the tree but the public site, feeds and search show none of them until
    :func:`complete_held_releases` is called with ``.record_ids`` (an import job does so when
    its last batch is written).

    The bulk path takes pages going live for the first time whose page row holds exactly
    the revision's content (a page just created with its first revision, as an import
    does); any other page (already live, scheduled, a type with its own ``save()`` rules or
    one that sets ``bulk_release = False``) goes through :func:`release` one at a time, in
    the batch's order, with the same outcome.
    """
    return _release_many(revisions, reason=reason, user=user, note=note,
                         override_reason=override_reason, skip_blocked=skip_blocked, hold=hold)


def release_written(pairs, **options) -> BatchRelease:
    """:func:`release_many` for pages the import has just written in this transaction:
    ``pairs`` of (revision, page) where the page object is the one ``insert_pages`` wrote and
    the revision's content was serialised from it after the insert. Those pages are taken as
    they are instead of being read back and serialised again to compare them with their
    revisions. Not an entry point for other code: a page object changed after it was written
    would be checked while its row goes live. A page holding cluster data (child rows or
    parental many-to-many values, which ``insert_pages`` does not write) is read back and
    compared as :func:`release_many` does."""
    written = {revision.pk: page for revision, page in pairs
               if revision.content_object is page and not _holds_cluster_data(page)}
    return _release_many([r for r, _ in pairs], written=written, **options)


def _holds_cluster_data(page) -> bool:
    many_to_many, child_relations = _cluster_fields(type(page))
    if many_to_many:
        return True
    return any(list(getattr(page, accessor).all()) for accessor in child_relations)


@functools.cache
def _cluster_fields(model) -> tuple[bool, tuple[str, ...]]:
    """Whether ``model`` has a ParentalManyToManyField, and the accessors of its child
    relations: looked up once per page type, not once per page of a batch."""
    from modelcluster.fields import ParentalManyToManyField
    from modelcluster.models import get_all_child_relations

    return (any(isinstance(f, ParentalManyToManyField) for f in model._meta.get_fields()),
            tuple(rel.get_accessor_name() for rel in get_all_child_relations(model)))


def _release_many(revisions, *, reason, user=None, note="", override_reason="",
                  skip_blocked=False, hold=False, written=None) -> BatchRelease:
    written = written or {}
    reason = ReleaseReason(reason)
    if reason == ReleaseReason.UPGRADE:
        raise ValueError("The reason “upgrade” is written by a data migration only.")
    override_reason = (override_reason or "").strip()
    result = BatchRelease()
    revisions = list(revisions)
    if not revisions:
        return result
    with transaction.atomic():
        pages = _specific_pages([r for r in revisions if r.pk not in written])
        pages.update({int(r.object_id): written[r.pk] for r in revisions if r.pk in written})
        bulk, single = [], []
        for revision in revisions:
            page = pages[int(revision.object_id)]
            fits = _fits_bulk_path(revision, page, compare_content=revision.pk not in written)
            (bulk if fits else single).append((revision, page))
        for revision, _page in single:
            try:
                with transaction.atomic():
                    result.pages += release(revision, reason=reason, user=user, note=note,
                                            override_reason=override_reason)
            except ReleaseBlocked as exc:
                if not skip_blocked:
                    raise
                result.blocked[revision.pk] = exc
        if bulk:
            _release_bulk(bulk, result, reason=reason, user=user, note=note,
                          override_reason=override_reason, skip_blocked=skip_blocked,
                          hold=hold)
    return result


def _specific_pages(revisions: list[Revision]) -> dict:
    from django.contrib.contenttypes.models import ContentType
    from modelcluster.models import get_all_child_relations

    by_type: dict[int, list[int]] = {}
    for revision in revisions:
        by_type.setdefault(revision.content_type_id, []).append(int(revision.object_id))
    pages = {}
    for content_type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        # Child relations (Wagtail's comments…) in one query each: the content comparison
        # and the checks serialise every page.
        children = [rel.get_accessor_name() for rel in get_all_child_relations(model)]
        pages.update(model.objects.prefetch_related(*children).in_bulk(ids))
    return pages


def _fits_bulk_path(revision: Revision, page, *, compare_content: bool = True) -> bool:
    from wagtail.models import Page

    return (
        not page.live and page.live_revision_id is None
        and page.latest_revision_id == revision.pk
        and type(page).save is Page.save  # no save() rules of its own to run
        and (not isinstance(page, DisclosurePage) or type(page).bulk_release)
        and scheduled_for(revision) is None
        and not page.alias_of_id
        and (not compare_content
             or content_digest(page.serializable_data()) == content_digest(revision.content))
    )


def _release_bulk(pairs, result: BatchRelease, *, reason, user, note, override_reason,
                  skip_blocked, hold) -> None:
    from django.db.models import F
    from django.db.models.functions import Coalesce
    from wagtail.models import Page, PageLogEntry
    from wagtail.signals import page_published

    from .index_numbers import assign_index_numbers

    released, facts_by_page = [], {}
    batch = CheckBatch(page.pk for _, page in pairs)
    with releasing_pages(batch.page_ids):
        for revision, page in pairs:
            revision.content_object = page  # the checks read it; no query per revision
            # The page row holds exactly the revision's content (_fits_bulk_path): the checks
            # read it as the revision's content instead of rebuilding it from the revision.
            options = {"reason": reason, "user": user, "overrides": {}, "content": page,
                       "batch": batch, "override_reason": override_reason}
            # A savepoint only where a check may write (overrides are recorded).
            try:
                if override_reason:
                    with transaction.atomic():
                        facts = run_release_checks(revision, page, **options)
                else:
                    facts = run_release_checks(revision, page, **options)
            except ReleaseBlocked as exc:
                if not skip_blocked:
                    raise
                result.blocked[revision.pk] = exc
                continue
            facts_by_page[page.pk] = facts
            released.append((revision, page))
    if not released:
        return

    now = timezone.now()
    tz = ZoneInfo(govinfo_settings.SITE_TIME_ZONE)
    today = now.astimezone(tz).date()
    site = released[0][1].get_site()
    default_agency = None
    # The disclosure metadata of pages going live; pages of other types (a catalogue) have none.
    disclosure = [(r, p) for r, p in released if isinstance(p, DisclosurePage)]
    if any(p.agency_id is None for _, p in disclosure):
        default_agency = DisclosureSettings.for_site(site).default_agency
    changed_pages, changed_revisions = [], []
    for revision, page in disclosure:
        changes = {}
        if page.agency_id is None and default_agency:
            page.agency = default_agency
            changes["agency"] = default_agency.pk
        if not revision.content.get("published_date"):
            page.published_date = today
            changes["published_date"] = today.isoformat()
        if changes:
            revision.content.update(changes)
            changed_revisions.append(revision)
            changed_pages.append(page)
    needing = [p for _, p in disclosure if not p.index_number]
    if needing:
        try:
            with transaction.atomic():
                issued = assign_index_numbers(needing, site=site, when=now)
        except ValidationError as exc:
            raise ReleaseRefused(needing[0], " ".join(exc.messages),
                                 code="index_number") from exc
        except IntegrityError as exc:
            raise ReleaseRefused(needing[0], gettext(
                "“%(title)s” was not released: the index number it would get is already in "
                "use. Another agency probably has the same code in index numbers; give each "
                "agency its own code, then release again.") % {"title": needing[0].title},
                code="index_number_taken") from exc
        by_id = {str(r.object_id): r for r, _ in released}
        for page in needing:
            page.index_number = issued[page.pk]
            revision = by_id[str(page.pk)]
            revision.content["index_number"] = page.index_number
            if revision not in changed_revisions:
                changed_revisions.append(revision)
            if page not in changed_pages:
                changed_pages.append(page)
    if changed_revisions:
        Revision.objects.bulk_update(changed_revisions, ["content"])
    if changed_pages:
        model_fields: dict[type, set] = {}
        for page in changed_pages:
            model_fields.setdefault(type(page), set()).update(
                {"agency", "published_date", "index_number"})
        for model, fields in model_fields.items():
            model.objects.bulk_update([p for p in changed_pages if type(p) is model],
                                      sorted(fields))

    ids = [page.pk for _, page in released]
    Page.objects.filter(pk__in=ids).update(
        live=True, has_unpublished_changes=False, live_revision=F("latest_revision"),
        first_published_at=Coalesce(F("first_published_at"), now), last_published_at=now,
    )
    Revision.objects.filter(pk__in=[r.pk for r, _ in released],
                            approved_go_live_at__isnull=False).update(approved_go_live_at=None)
    records = ReleaseRecord.objects.bulk_create([
        ReleaseRecord(page_id=page.pk, revision=revision, reason=reason.value, note=note,
                      user=user, content_digest=content_digest(revision.content),
                      gate_decisions=facts_by_page[page.pk]["gate_decisions"],
                      overrides=facts_by_page[page.pk]["overrides"],
                      released_at=None if hold else now)
        for revision, page in released
    ])
    if any(r.pk is None for r in records):
        found = dict(ReleaseRecord.objects.filter(revision_id__in=[r.pk for r, _ in released])
                     .values_list("revision_id", "pk"))
        for record in records:
            record.pk = found[record.revision_id]
    result.record_ids += [r.pk for r in records]
    logs = []
    for revision, page in released:
        page.live, page.has_unpublished_changes = True, False
        page.live_revision_id = revision.pk
        page.first_published_at = page.first_published_at or now
        page.last_published_at = now
        label = page.get_admin_display_title()[:255]
        content_type_id = page.content_type_id
        logs.append(PageLogEntry(
            page_id=page.pk, content_type_id=content_type_id, label=label,
            action="wagtail.publish", revision=revision, user=user, timestamp=now,
            content_changed=True, data={}))
        logs.append(PageLogEntry(
            page_id=page.pk, content_type_id=content_type_id, label=label,
            action=RELEASE_LOG_ACTION, revision=revision, user=user, timestamp=now,
            data={"reason": reason.value, "note": note, "revision_id": revision.pk}))
    PageLogEntry.objects.bulk_create(logs)
    for revision, page in released:
        page_published.send(sender=type(page), instance=page, revision=revision)
        result.pages.append(page)
    if not hold:
        _pages_changed_on_commit(ids)


HELD_CHUNK = 2000


def complete_held_releases(record_ids: Iterable[int]) -> int:
    """Let the public see the pages of release records written with ``hold=True``: their
    release happens now. Returns how many records were completed."""
    record_ids = list(record_ids)
    done, page_ids = 0, []
    # A notice per chunk once it commits; a chunk is as large as the search index's bulk
    # task (search.indexing.BULK_CHUNK), whose statistics are recomputed once per task.
    for start in range(0, len(record_ids), HELD_CHUNK):
        chunk = record_ids[start:start + HELD_CHUNK]
        with transaction.atomic():
            done += ReleaseRecord.objects.filter(
                pk__in=chunk, released_at__isnull=True, go_live_at__isnull=True
            ).update(released_at=timezone.now())
            page_ids += list(ReleaseRecord.objects.filter(pk__in=chunk)
                             .values_list("page_id", flat=True))
            _pages_changed_on_commit(page_ids[-len(chunk):])
    return done


def _pages_changed_on_commit(page_ids: list[int]) -> None:
    from .signals import disclosure_pages_changed

    ids = list(page_ids)
    transaction.on_commit(lambda: disclosure_pages_changed.send(sender=None, page_ids=ids))
