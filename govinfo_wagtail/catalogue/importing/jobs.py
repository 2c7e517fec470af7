"""Import jobs: a file validated whole, then written in batches of bounded size, each in its
own transaction, with the job's state recorded after every batch.

An interrupted job (a crash, a lost connection, Ctrl-C) resumes where it stopped when the
same file is imported into the same catalogue again, or is rolled back completely with
:func:`rollback_job` (``govinfo_import --rollback JOB``). Items released by a job stay
unseen by the public until the job completes: their release records are written held and
completed together at the end (:func:`~govinfo_wagtail.core.release_batch.complete_held_releases`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page, PageLogEntry, Revision

from ...core.release_batch import complete_held_releases
from .reading import Source, _open, read_table
from .spool import RowSpool
from .validation import ImportContext, ImportRow, Validation, parsed_rows, validate
from .writing import BATCH_ROWS, BatchWriter, prepare_context

REPORT_LINES = 1000  # kept on the job; the command prints all of them as they come


def file_sha256(source: Source) -> str:
    digest = hashlib.sha256()
    with _open(source) as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class JobTaken(ValidationError):
    """Another process (a second worker, a second command) runs this job: this one stops
    and leaves the job, its state and what it wrote to the one that runs it."""

    def __init__(self, job):
        super().__init__(_("Import job %(job)d is being run by another process; this run "
                           "stopped without writing.") % {"job": job.pk}, code="job_taken")


def claim_job(job) -> None:
    """Make ``job`` ``running`` for this process with one conditional UPDATE from the state
    and position it was read in: of two processes that read the same job, one gets it and
    the other raises :class:`JobTaken` (a double POST, a task delivered twice, two commands)."""
    from ..models import ImportJob

    taken = ImportJob.objects.filter(pk=job.pk, state=job.state, next_row=job.next_row,
                                     rows_done=job.rows_done).update(
        state=ImportJob.State.RUNNING, error="")
    if not taken:
        raise JobTaken(job)
    job.state, job.error = ImportJob.State.RUNNING, ""


def _claim_batch(job, next_row: int) -> None:
    """Inside a batch's transaction, before it writes: lock the job's row and check that it
    is still where this process left it (the UPDATE blocks while another process's batch
    holds the row; afterwards that batch has moved ``next_row`` and this one stops). A job
    left ``running`` by a killed process can so be resumed, but never by two at once."""
    from ..models import ImportJob

    if not ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.RUNNING,
                                    next_row=next_row).update(next_row=next_row):
        raise JobTaken(job)


class FileChanged(ValidationError):
    """The file to write is not the one that was checked (it was replaced or edited on disk
    in between): nothing is written, since its rows were never validated."""

    def __init__(self):
        super().__init__(_("The file changed after it was checked; nothing was written. "
                           "Import it again to check the new file."), code="file_changed")


@dataclass
class JobRun:
    job: object  # ImportJob
    validation: Validation
    resumed: bool = False
    # The sha256 of the file that was checked (None: not known, nothing compared), and the
    # rows its validation passed, spooled for run_job in this process (see .spool).
    file_sha256: str | None = None
    spool: RowSpool | None = field(default=None, repr=False)

    def close(self) -> None:
        """Remove the spool (run_job does so itself; this is for a run that writes nothing,
        such as a dry run)."""
        if self.spool is not None:
            self.spool.close()
            self.spool = None


def find_resumable(parent, sha: str, publish: bool):
    from ..models import ImportJob

    return (ImportJob.objects.filter(catalogue=parent, file_sha256=sha, publish=publish,
                                     state__in=[ImportJob.State.RUNNING,
                                                ImportJob.State.INTERRUPTED])
            .order_by("-pk").first())


def check_file(source: Source, filename: str, *, parent, publish=False, attachments=None,
               encoding=None) -> JobRun:
    """Validate the whole file (nothing written); the job to resume, if there is one. The rows
    that passed are spooled for :func:`run_job` (removed by it, or by :meth:`JobRun.close`)."""
    sha = file_sha256(source)
    job = find_resumable(parent, sha, publish)
    spool = RowSpool(sha256=sha, filename=filename, encoding=encoding, parent=parent,
                     publish=publish)
    try:
        validation = validate(read_table(source, filename, encoding=encoding), parent=parent,
                              publish=publish, attachments=attachments, keep_rows=False,
                              written_before=job.next_row if job else 0, spool=spool)
    except BaseException:
        spool.close()
        raise
    if validation.ok:
        spool.finish()
    else:  # nothing will be written
        spool.close()
        spool = None
    return JobRun(job=job, validation=validation, resumed=job is not None, file_sha256=sha,
                  spool=spool)


def run_job(source: Source, filename: str, run: JobRun, *, user=None, reason="",
            override_reason="", encoding=None, batch_rows: int = BATCH_ROWS,
            progress: Callable[[int, int], None] | None = None,
            after_batch: Callable[[object], None] | None = None):
    """Write a validated file as a job (resuming ``run.job``); returns the finished job.

    The rows come from the spool of :func:`check_file` when it was made from this file for
    the same catalogue and mode, else from the file, read again (a job run in another
    process, such as the admin's background import). A file that is not the one checked
    (``run.file_sha256``) is refused with :class:`FileChanged` before anything is written.
    The spool is removed at the end, whether the job completed or not."""
    try:
        return _run_job(source, filename, run, user=user, reason=reason,
                        override_reason=override_reason, encoding=encoding,
                        batch_rows=batch_rows, progress=progress, after_batch=after_batch)
    finally:
        run.close()


def _run_job(source, filename, run, *, user, reason, override_reason, encoding, batch_rows,
             progress, after_batch):
    from ..models import ImportJob

    sha = file_sha256(source)
    if run.file_sha256 is not None and sha != run.file_sha256:
        raise FileChanged
    validation = run.validation
    context = prepare_context(validation.context, parent=validation.context.parent, user=user,
                              publish=validation.context.publish, reason=reason,
                              override_reason=(override_reason or "").strip())
    job = run.job or ImportJob.objects.create(
        catalogue=context.parent, user=user, file_name=filename[:255],
        file_sha256=sha, publish=context.publish, reason=context.reason,
        override_reason=context.override_reason, total_rows=validation.total)
    if job.state != ImportJob.State.RUNNING:
        claim_job(job)
    writer = BatchWriter(context, job=job)
    try:
        if run.spool is not None and run.spool.matches(sha, filename, encoding, context):
            rows = run.spool.rows()
        else:
            rows = parsed_rows(read_table(source, filename, encoding=encoding), context)
        for batch in _batches(rows, batch_rows, job.next_row):
            with transaction.atomic():
                _claim_batch(job, job.next_row)
                outcome = writer.write(batch)
                job.created += len(outcome.created)
                job.updated += len(outcome.updated)
                job.unchanged += outcome.unchanged
                job.blocked += len(outcome.blocked)
                job.rows_done += len(batch)
                job.next_row = batch[-1].row + 1
                room = REPORT_LINES - len(job.report)
                if room > 0:
                    job.report += [str(b) for b in outcome.blocked][:room]
                job.save()
            context.blocked += outcome.blocked
            if progress is not None:
                progress(job.rows_done, validation.total)
            if after_batch is not None:
                after_batch(job)
    except JobTaken:
        raise  # the job belongs to the process that runs it
    except BaseException as exc:
        ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.RUNNING).update(
            state=ImportJob.State.INTERRUPTED, error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    if context.unmapped_urls:
        job.report += [str(p) for p in context.unmapped_urls][:REPORT_LINES]
    # One transaction from the claim to the completed state: it holds the job's row, so a
    # rollback claimed meanwhile waits, then finds the job completed and rolls all of it back.
    with transaction.atomic():
        _claim_batch(job, job.next_row)  # no other run has moved the job on
        if job.publish:
            complete_held_releases(_held_records(job))
        else:
            _index_drafts_on_commit(job)
        job.state, job.error = ImportJob.State.COMPLETED, ""
        job.finished_at = timezone.now()
        job.save()
    return job


def _index_drafts_on_commit(job) -> None:
    """The drafts a job created, given to the search index (the admin's search) once the job
    completes, in the index's large bulk tasks rather than one per batch; a job that was
    interrupted and resumed has them all indexed at its end."""
    from ...core.signals import disclosure_pages_changed
    from ..models import ImportedItem

    ids = list(ImportedItem.objects.filter(created_by_job=job).order_by("pk")
               .values_list("page_id", flat=True))
    if ids:
        transaction.on_commit(lambda: disclosure_pages_changed.send(sender=None, page_ids=ids))


def _held_records(job, chunk: int = 2000) -> list[int]:
    """The release records the job's batches wrote unreleased. Looked up by the job's pages
    a chunk at a time: as one query with a subquery, PostgreSQL planned it from statistics
    taken before the job filled the tables and took 2 s at 10,000 rows."""
    from ...core.models import ReleaseRecord
    from ..models import ImportedItem

    page_ids = list(ImportedItem.objects.filter(created_by_job=job).order_by("page_id")
                    .values_list("page_id", flat=True))
    held: list[int] = []
    for start in range(0, len(page_ids), chunk):
        held += ReleaseRecord.objects.filter(
            page_id__in=page_ids[start:start + chunk], released_at__isnull=True,
            go_live_at__isnull=True).values_list("pk", flat=True)
    return held


def _batches(rows: Iterator[ImportRow], size: int, start: int) -> Iterator[list[ImportRow]]:
    batch: list[ImportRow] = []
    for row in rows:
        if row.row < start:
            continue
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def rollback_job(job, *, chunk: int = 500) -> int:
    """Remove everything the job created (pages with their revisions, log entries, release
    records, legacy index numbers, redirects and attachment documents); returns how many
    pages. Pages that the job only updated keep their new revisions (history shows them)."""
    from wagtail.documents import get_document_model

    from ...core.document_uses import DisclosureDocumentUse
    from ..models import ImportedItem, ImportJob

    page_type = Page._meta.model  # base content type of page revisions
    from django.contrib.contenttypes.models import ContentType

    base_type = ContentType.objects.get_for_model(page_type)
    _claim_for_rollback(job)
    removed = 0
    while True:
        ids = list(ImportedItem.objects.filter(created_by_job=job)
                   .values_list("page_id", flat=True)[:chunk])
        if not ids:
            break
        with transaction.atomic():
            documents = list(DisclosureDocumentUse.objects.filter(page_id__in=ids)
                             .values_list("document_id", flat=True))
            _remove_index_numbers(ids)
            Revision.objects.filter(base_content_type=base_type,
                                    object_id__in=[str(i) for i in ids]).delete()
            PageLogEntry.objects.filter(page_id__in=ids).delete()
            Page.objects.filter(pk__in=ids).delete()  # treebeard fixes the parent's numchild
            ImportedItem.objects.filter(page_id__in=ids).delete()
            if documents:
                get_document_model().objects.filter(pk__in=documents).delete()
        removed += len(ids)
    from ..models import ImportUpload

    ImportUpload.objects.filter(job=job).delete()
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.ROLLED_BACK,
                                               finished_at=timezone.now())
    return removed


def _claim_for_rollback(job) -> None:
    """Take the job from the state and position it was read in to ``rolling_back`` with one
    conditional UPDATE: a run between batches finds its job taken at its next batch and
    stops (it writes nothing more), a queued job is no longer started by the worker, and a
    run inside a batch (which holds the job's row) has moved it on, so this rollback stops
    instead (:class:`JobTaken`; run it again). A rollback that was itself interrupted is
    taken up again from ``rolling_back``."""
    from ..models import ImportJob

    taken = ImportJob.objects.filter(pk=job.pk, state=job.state, next_row=job.next_row).exclude(
        state=ImportJob.State.ROLLED_BACK).update(state=ImportJob.State.ROLLING_BACK)
    if not taken:
        raise JobTaken(job)
    job.state = ImportJob.State.ROLLING_BACK


def _remove_index_numbers(page_ids: list[int]) -> None:
    """The job's numbers go with its pages; each counter falls back to its highest serial
    still issued, so the serials stay gap-free when nothing was released after the job."""
    from django.db.models import Max

    from ...core.models import IndexNumber, IndexNumberCounter

    numbers = IndexNumber.objects.filter(page_id__in=page_ids)
    counters = set(numbers.filter(serial__isnull=False).values_list("agency_id", "year"))
    numbers.delete()
    for agency_id, year in counters:
        top = IndexNumber.objects.filter(agency_id=agency_id, year=year).aggregate(
            top=Max("serial"))["top"] or 0
        IndexNumberCounter.objects.filter(agency_id=agency_id, year=year).update(
            last_serial=top)


__all__ = ["FileChanged", "ImportContext", "JobRun", "JobTaken", "check_file", "claim_job",
           "rollback_job", "run_job"]
