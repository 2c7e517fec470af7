"""Writing the pages of valid rows, a batch at a time.

A batch is written in the caller's transaction with a few statements for all its rows
(see :mod:`.tree`): the pages, their first revisions, the log entries Wagtail's create view
writes ("wagtail.create", "wagtail.edit"), the legacy index numbers, attachments as
documents, old URLs as redirects, and the legacy key of every row. Released imports go
through the release service's batch entry point (:func:`~govinfo_wagtail.core.release_batch.
release_many`), which runs every release check on every page. Pages of kinds that cannot be
written in bulk are created one at a time through Wagtail's ``add_child``.

A re-import of a row whose legacy key (旧系统编号, else the legacy 索引号, else the old URL)
is known updates that page: unchanged rows write nothing; a changed draft gets a new
revision; a changed live page gets a new draft revision for review, or, with ``publish``, a
recorded legacy release of it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from modelcluster.models import get_all_child_relations
from wagtail.models import Page, PageLogEntry, Revision

from ...core.bulk import bulk_create
from ...core.documents import record_uses
from ...core.index_numbers import register_legacy_index_number, register_legacy_index_numbers
from ...core.release import ReleaseBlocked, ReleaseReason, release
from ...core.release_batch import release_written
from ...core.signals import disclosure_pages_changed
from .attachments import create_documents
from .kinds import page_kinds
from .permissions import check_publish
from .problems import BlockedRow, Problem, excerpt
from .references import update_references_on_commit
from .tree import ChildPaths, insert_pages
from .validation import ImportContext, ImportRow, build_page

BATCH_ROWS = 500


class RowImportFailed(Exception):
    """Creating the page of one row failed (e.g. the data changed since the check, or a
    concurrent writer): the batch was rolled back."""

    def __init__(self, row: int, error: Exception):
        self.row = row
        self.error = error
        if isinstance(error, ValidationError):
            reasons = " ".join(error.messages)
        else:
            reasons = str(error) or error.__class__.__name__
        self.message = _("Row %(row)d: %(reasons)s") % {"row": row, "reasons": reasons}
        super().__init__(self.message)


@dataclass
class BatchOutcome:
    created: list = field(default_factory=list)  # pages
    updated: list = field(default_factory=list)
    unchanged: int = 0
    blocked: list[BlockedRow] = field(default_factory=list)
    record_ids: list[int] = field(default_factory=list)  # held release records


def row_digest(row: ImportRow, context: ImportContext) -> str:
    """What a re-import compares: the row's typed values (and its attachments' contents)."""
    values = {}
    for key, value in sorted(row.values.items()):
        if key in ("attachment_files",):
            continue
        values[key] = getattr(value, "pk", value)
    values["kind"] = row.kind.code
    if row.values.get("attachment_files") and context.attachments is not None:
        values["attachment_digests"] = [context.attachments.digest(n)
                                        for n in row.values["attachment_files"]]
    data = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def _slug_base(title: str) -> str:
    allow_unicode = getattr(settings, "WAGTAIL_ALLOW_UNICODE_SLUGS", True)
    return slugify(title, allow_unicode=allow_unicode)[:50].strip("-_") or "item"


class BatchWriter:
    """Writes batches of rows under one parent; keeps what batches share (the slugs taken,
    the agency collections, the site for redirects)."""

    def __init__(self, context: ImportContext, *, job=None):
        self.context = context
        self.job = job
        self.parent = context.parent
        self.collections: dict = {}
        self._taken: set[str] | None = None
        self.site = self.parent.get_site()
        self.page_type = ContentType.objects.get_for_model(Page)

    def taken(self) -> set[str]:
        if self._taken is None:
            self._taken = {s.casefold() for s in
                           Page.objects.child_of(self.parent).values_list("slug", flat=True)}
        return self._taken

    def slug(self, title: str) -> str:
        taken = self.taken()
        base = _slug_base(title)
        slug, suffix = base, 1
        while slug.casefold() in taken:
            suffix += 1
            slug = f"{base}-{suffix}"
        taken.add(slug.casefold())
        return slug

    # -- one batch ---------------------------------------------------------------------------

    def write(self, rows: list[ImportRow]) -> BatchOutcome:
        """Write the rows in the caller's transaction."""
        from ..models import ImportedItem

        outcome = BatchOutcome()
        context = self.context
        keys = [r.legacy_key for r in rows if r.legacy_key]
        known = {item.legacy_key: item for item in ImportedItem.objects.filter(
            catalogue=self.parent, legacy_key__in=keys)} if keys else {}
        digests = {r.row: row_digest(r, context) for r in rows}
        new_rows = []
        for row in rows:
            item = known.get(row.legacy_key) if row.legacy_key else None
            if item is None:
                new_rows.append(row)
            elif item.row_digest == digests[row.row]:
                outcome.unchanged += 1
            else:
                self._update(row, item, digests[row.row], outcome)
        bulk = [r for r in new_rows if r.kind.writes_in_bulk]
        single = [r for r in new_rows if not r.kind.writes_in_bulk]
        # Parent locked while children are appended, as treebeard's add_child does.
        self.parent = Page.objects.select_for_update().get(pk=self.parent.pk).specific
        context.parent = self.parent
        created: list[tuple[ImportRow, Page]] = []
        if bulk:
            created += self._create_bulk(bulk, outcome)
        for row in single:
            page = self._create_one(row, outcome)
            if page is not None:
                created.append((row, page))
        if created:
            ImportedItem.objects.bulk_create([
                ImportedItem(catalogue=self.parent, legacy_key=row.legacy_key, page=page,
                             row_digest=digests[row.row], job=self.job,
                             created_by_job=self.job)
                for row, page in created])
            self._redirects(created)
        outcome.created = [page for _, page in created]
        for kind in page_kinds:
            if kind.finish is not None:
                pairs = [(r, p) for r, p in created if r.kind is kind]
                if pairs:
                    kind.finish(pairs, context)
        # Released pages are indexed by the release service (at once, or when a job's held
        # releases complete), the drafts of a job when it completes (jobs.run_job), updated
        # pages by their own saves.
        ids = [p.pk for p in outcome.created]
        if ids and not context.publish and self.job is None:
            transaction.on_commit(
                lambda: disclosure_pages_changed.send(sender=None, page_ids=ids))
        return outcome

    def _page_for(self, row: ImportRow) -> Page:
        context = self.context
        # The page validation built and cleaned (taken once: a batch written again after a
        # failure builds its pages afresh).
        page, row.page = (row.page if row.page is not None else build_page(row)), None
        page.slug = self.slug(page.title)
        page.owner = context.user
        page.live = False
        page.has_unpublished_changes = True
        page.locale_id = self.parent.locale_id
        if row.kind.prepare is not None:
            row.kind.prepare(page, row, context)
        # The child relations (Wagtail's comments…) of a new page, held in memory: serialising
        # it for its revision then reads no rows that cannot exist yet.
        for rel in get_all_child_relations(type(page)):
            name = rel.get_accessor_name()
            setattr(page, name, list(getattr(page, name).all()))
        return page

    def _attach(self, page: Page, row: ImportRow) -> list[int]:
        names = row.values.get("attachment_files") or []
        if not names:
            return []
        documents = create_documents(self.context.attachments, names, agency=page.agency,
                                     user=self.context.user, collections=self.collections)
        page.attachments = [("attachment", {"document": d, "title": ""}) for d in documents]
        return [d.pk for d in documents]

    def _check_still_valid(self, rows: list[ImportRow]) -> None:
        """Agencies and topics may have gone since the file was checked: say which row,
        rather than leave it to a foreign key error at commit."""
        from ...core.models import Agency, IndexNumber, Topic

        for key, model in (("agency", Agency), ("category", Topic)):
            wanted = {r.values[key].pk for r in rows if r.values.get(key) is not None}
            present = set(model.objects.filter(pk__in=wanted).values_list("pk", flat=True))
            for row in rows:
                value = row.values.get(key)
                if value is not None and value.pk not in present:
                    raise RowImportFailed(row.row, ValidationError(_(
                        "%(column)s “%(value)s” no longer exists.") % {
                        "column": self.context.column_name(key), "value": value}))
        if self.context.publish:
            numbers = {r.values["index_number"]: r for r in rows if r.values.get("index_number")}
            taken = IndexNumber.objects.filter(value__in=list(numbers)).values_list("value",
                                                                                    flat=True)
            for value in sorted(taken, key=lambda v: numbers[v].row)[:1]:
                raise RowImportFailed(numbers[value].row, ValidationError(
                    _("The index number %(value)s is already in use.") % {"value": value}))

    def _create_bulk(self, rows: list[ImportRow], outcome: BatchOutcome):
        context, now = self.context, timezone.now()
        self._check_still_valid(rows)
        paths = ChildPaths(self.parent)
        pages, documents = [], {}
        for row in rows:
            page = self._page_for(row)
            page.path = paths.take()
            page.latest_revision_created_at = now
            documents[row.row] = self._attach(page, row)
            pages.append(page)
        insert_pages(self.parent, pages)
        if context.publish:
            register_legacy_index_numbers(pages)
        revisions = [Revision(
            content_type_id=page.content_type_id, base_content_type=self.page_type,
            object_id=str(page.pk), user=context.user, content=page.serializable_data(),
            object_str=str(page), created_at=now) for page in pages]
        bulk_create(Revision, revisions)
        if any(r.pk is None for r in revisions):
            found = dict(Revision.objects.filter(
                base_content_type=self.page_type, object_id__in=[r.object_id for r in revisions]
            ).values_list("object_id", "pk"))
            for revision in revisions:
                revision.pk = found[revision.object_id]
        for page, revision in zip(pages, revisions, strict=True):
            page.latest_revision_id = revision.pk
            revision.content_object = page
        Page.objects.bulk_update([Page(pk=p.pk, latest_revision_id=p.latest_revision_id)
                                  for p in pages], ["latest_revision"])
        blocked_ids: set[int] = set()
        if context.publish:
            # The pages as insert_pages wrote them, the revisions serialised from them.
            result = release_written(list(zip(revisions, pages, strict=True)),
                                     reason=ReleaseReason.LEGACY_IMPORT, user=context.user,
                                     note=context.reason,
                                     override_reason=context.override_reason,
                                     skip_blocked=True, hold=self.job is not None)
            outcome.record_ids += result.record_ids
            by_revision = {r.pk: row for r, row in zip(revisions, rows, strict=True)}
            for revision_id, exc in result.blocked.items():
                outcome.blocked.append(BlockedRow(by_revision[revision_id].row,
                                                  list(exc.findings)))
                blocked_ids.add(int(next(r.object_id for r in revisions
                                         if r.pk == revision_id)))
            if blocked_ids:
                self._discard(blocked_ids)
        kept = [(row, page, revision) for row, page, revision in zip(rows, pages, revisions,
                                                                      strict=True)
                if page.pk not in blocked_ids]
        logs = []
        for row, page, revision in kept:
            label = page.get_admin_display_title()[:255]
            logs.append(PageLogEntry(page_id=page.pk, content_type_id=page.content_type_id,
                                     label=label, action="wagtail.create", user=context.user,
                                     timestamp=now, data={}))
            logs.append(PageLogEntry(page_id=page.pk, content_type_id=page.content_type_id,
                                     label=label, action="wagtail.edit", user=context.user,
                                     timestamp=now, revision=revision, content_changed=True,
                                     data={}))
            if documents[row.row]:
                record_uses(page.pk, revision.pk, documents[row.row])
        PageLogEntry.objects.bulk_create(logs)
        ids = [page.pk for _, page, _ in kept]
        update_references_on_commit(ids)
        return [(row, page) for row, page, _ in kept]

    def _discard(self, page_ids: set[int]) -> None:
        """Pages of rows whose release was blocked: gone, as if never created."""
        from wagtail.documents import get_document_model

        from ...core.models import IndexNumber

        IndexNumber.objects.filter(page_id__in=page_ids).delete()
        Revision.objects.filter(base_content_type=self.page_type,
                                object_id__in=[str(i) for i in page_ids]).delete()
        from ...core.document_uses import DisclosureDocumentUse

        doc_ids = list(DisclosureDocumentUse.objects.filter(page_id__in=page_ids)
                       .values_list("document_id", flat=True))
        Page.objects.filter(pk__in=page_ids).delete()
        self.parent.refresh_from_db(fields=["numchild"])
        if doc_ids:
            get_document_model().objects.filter(pk__in=doc_ids).delete()

    def _create_one(self, row: ImportRow, outcome: BatchOutcome) -> Page | None:
        context = self.context
        try:
            with transaction.atomic():  # a savepoint: a blocked row leaves nothing behind
                page = self._page_for(row)
                documents = self._attach(page, row)
                self.parent.add_child(instance=page)
                if context.publish and page.index_number:
                    register_legacy_index_number(page, page.index_number)
                revision = page.save_revision(user=context.user, log_action=True)
                del documents  # their uses are recorded by the revision's save
                if context.publish:
                    page = release(revision, reason=ReleaseReason.LEGACY_IMPORT,
                                   user=context.user, note=context.reason,
                                   override_reason=context.override_reason)[0]
                return page
        except ReleaseBlocked as exc:
            self.parent.refresh_from_db(fields=["numchild"])
            outcome.blocked.append(BlockedRow(row.row, list(exc.findings)))
            return None
        except (ValidationError, DatabaseError) as exc:
            raise RowImportFailed(row.row, exc) from exc

    def _update(self, row: ImportRow, item, digest: str, outcome: BatchOutcome) -> None:
        """A known row that changed: a new revision of its page (through review, or a
        recorded legacy release with ``publish``)."""
        context = self.context
        page = item.page.specific
        draft = page.get_latest_revision_as_object()
        for key, name in row.kind.fields.items():
            if key in row.values:
                setattr(draft, name, row.values[key])
        if row.values.get("attachment_files"):
            self._attach(draft, row)
        try:
            with transaction.atomic():
                revision = draft.save_revision(user=context.user, log_action=True)
                if context.publish:
                    release(revision, reason=ReleaseReason.LEGACY_IMPORT, user=context.user,
                            note=context.reason, override_reason=context.override_reason)
        except ReleaseBlocked as exc:
            outcome.blocked.append(BlockedRow(row.row, list(exc.findings)))
            return
        except (ValidationError, DatabaseError) as exc:
            raise RowImportFailed(row.row, exc) from exc
        item.row_digest = digest
        item.job = self.job
        item.save(update_fields=["row_digest", "job"])
        outcome.updated.append(page)

    def _redirects(self, created: list[tuple[ImportRow, Page]]) -> None:
        """Old URLs answer a permanent redirect to the new page, on the catalogue's site."""
        wanted = [(row, page) for row, page in created if row.values.get("legacy_path")]
        if not wanted:
            return
        from wagtail.contrib.redirects.models import Redirect

        paths = [row.values["legacy_path"] for row, _ in wanted]
        existing = dict(Redirect.objects.filter(site=self.site, old_path__in=paths)
                        .values_list("old_path", "redirect_page_id"))
        new = []
        for row, page in wanted:
            path = row.values["legacy_path"]
            if path in existing and existing[path] != page.pk:
                self.context.unmapped_urls.append(Problem(
                    "legacy_url_taken", _(
                        "%(column)s “%(value)s”: this old address already redirects elsewhere; "
                        "no redirect was made.") % {
                        "column": self.context.column_name("legacy_url"),
                        "value": excerpt(row.values["legacy_url"])},
                    row=row.row, column="legacy_url", value=excerpt(row.values["legacy_url"])))
            elif path not in existing:
                existing[path] = page.pk
                new.append(Redirect(old_path=path, site=self.site, redirect_page=page,
                                    is_permanent=True))
        Redirect.objects.bulk_create(new)


def import_rows(
    rows: list[ImportRow],
    *,
    parent: Page,
    user=None,
    publish: bool = False,
    reason: str = "",
    progress: Callable[[int, int], None] | None = None,
    context: ImportContext | None = None,
    override_reason: str = "",
) -> list:
    """Create (or, for known legacy keys, update) a page for every row under ``parent``, in
    one transaction: all or nothing. For files of any size, use a job (:mod:`.jobs`), which
    writes batches in transactions of bounded size and can resume.

    Without ``publish`` the pages are drafts (a first revision each) that go through review.
    With ``publish`` (administrators only, ``reason`` required) every page is released through
    the release service with the reason "migration from a legacy system" and ``reason`` as the
    note; a legacy index number given in the file is kept as it is. A row whose release the
    automated checks block (and that ``override_reason`` does not override) is not created
    and is listed in ``context.blocked``. Returns the pages created and updated.
    """
    override_reason = (override_reason or "").strip()
    if override_reason and not publish:
        raise ValidationError(_("Overriding the automated checks applies only to items released "
                                "at once (--publish)."), code="override_without_publish")
    if publish:
        check_publish(user, reason)
    context = prepare_context(context, parent=parent, user=user, publish=publish,
                              reason=reason, override_reason=override_reason)
    pages: list = []
    writer = BatchWriter(context)
    with transaction.atomic():
        done = 0
        for start in range(0, len(rows), BATCH_ROWS):
            batch = rows[start:start + BATCH_ROWS]
            outcome = writer.write(batch)
            context.blocked += outcome.blocked
            pages += outcome.created + outcome.updated
            done += len(batch)
            if progress is not None:
                progress(done, len(rows))
    context.parent = parent
    return pages


def prepare_context(context: ImportContext | None, *, parent, user, publish, reason,
                    override_reason) -> ImportContext:
    context = context or ImportContext(parent=parent)
    context.parent, context.publish, context.user = parent, publish, user
    context.reason, context.override_reason = (reason or "").strip(), override_reason
    context.blocked, context.unmapped_urls = [], []
    return context
