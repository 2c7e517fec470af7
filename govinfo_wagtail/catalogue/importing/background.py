"""Import jobs run by the background worker (the admin's import of large files).

The admin checks the file whole while the user waits (the same per-row report as the
command), then :func:`queue_job` stores it with a job in state ``queued`` and enqueues
:func:`run_queued_job_task` on the django-tasks queue once the request's transaction commits.
The worker checks the file again (agencies, topics or permissions may have changed since) and
writes it as an ordinary job (:func:`.jobs.run_job`): batches in their own transactions, the
job's state recorded after each, which is what the progress view shows. The file is kept in
the database (:class:`~govinfo_wagtail.catalogue.models.ImportUpload`) so that a worker on
another machine reads it too; it is removed when the job completes.

A job that stops (a failure, a worker killed) is ``interrupted`` with the reason recorded;
``govinfo_import FILE`` resumes it from the same file, or ``govinfo_import --rollback JOB``
removes what it wrote.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from .jobs import REPORT_LINES, JobRun, JobTaken, file_sha256, run_job
from .permissions import can_import_published, check_publish
from .problems import ImportFileError, format_report
from .reading import read_table
from .validation import validate
from .writing import RowImportFailed

logger = logging.getLogger(__name__)

PIECE_BYTES = 1 << 20


def queue_job(data: bytes, filename: str, *, parent, user, publish: bool, reason: str = "",
              override_reason: str = "", total_rows: int = 0):
    """Store the file as a queued job and enqueue it after the current transaction commits;
    returns the job."""
    from ..models import ImportJob, ImportUpload

    with transaction.atomic():
        job = ImportJob.objects.create(
            catalogue=parent, user=user, file_name=filename[:255],
            file_sha256=file_sha256(data), publish=publish, reason=(reason or "").strip(),
            override_reason=(override_reason or "").strip(), total_rows=total_rows,
            state=ImportJob.State.QUEUED)
        ImportUpload.objects.bulk_create([
            ImportUpload(job=job, sequence=n, data=data[start:start + PIECE_BYTES])
            for n, start in enumerate(range(0, len(data), PIECE_BYTES))])
        job_id = job.pk
        transaction.on_commit(lambda: _enqueue(job_id))
    return job


def requeue_job(job) -> None:
    """Queue an interrupted job again (its file is still stored): it resumes after the last
    batch it wrote."""
    from ..models import ImportJob

    with transaction.atomic():
        if ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.INTERRUPTED).update(
                state=ImportJob.State.QUEUED, error=""):
            # Only the request that moved it to queued enqueues it (not a second POST).
            transaction.on_commit(lambda: _enqueue(job.pk))


def _enqueue(job_id: int) -> None:
    from ..models import ImportJob

    try:
        run_queued_job_task.enqueue(job_id)
    except Exception as exc:  # the queue is down: the job says so, nothing was written
        logger.exception("Could not enqueue import job %s", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            state=ImportJob.State.INTERRUPTED,
            error=_("The import could not be queued: %(error)s") % {"error": exc})


@task()
def run_queued_job_task(job_id: int) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        run_queued_job(job_id)


def run_queued_job(job_id: int):
    """Run a queued (or interrupted) admin import job to its end; returns the job."""
    from ..models import ImportJob, ImportUpload

    # Claimed with one conditional UPDATE: of two workers (a task delivered twice, a resume
    # posted twice) only one finds the job queued or interrupted and runs it.
    claimed = ImportJob.objects.filter(
        pk=job_id, state__in=[ImportJob.State.QUEUED, ImportJob.State.INTERRUPTED]).update(
        state=ImportJob.State.RUNNING)
    job = ImportJob.objects.select_related("user").filter(pk=job_id).first()
    if not claimed:
        return job  # gone, rolled back, run or running elsewhere
    data = b"".join(bytes(piece) for piece in ImportUpload.objects.filter(job=job)
                    .order_by("sequence").values_list("data", flat=True))
    parent = job.catalogue.specific

    def stop(message: str, report: list[str] | None = None):
        job.error = message[:2000]
        if report:
            job.report = (job.report + report)[:REPORT_LINES]
        # Only while this run holds the job: a rollback claimed meanwhile keeps its state.
        ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.RUNNING).update(
            state=ImportJob.State.INTERRUPTED, error=job.error, report=job.report)
        job.refresh_from_db()
        return job

    try:
        # The right may have gone since the job was queued: the import in the admin needs it
        # for drafts too, and a release its reason as well.
        if job.publish:
            check_publish(job.user, job.reason)
        elif not can_import_published(job.user):
            raise PermissionDenied(_("The user who started this import may no longer import "
                                     "in the admin: the job stopped."))
        validation = validate(read_table(data, job.file_name), parent=parent,
                              publish=job.publish, keep_rows=False,
                              written_before=job.next_row)
    except PermissionDenied as exc:
        return stop(str(exc) or _("You may not release imported items."))
    except ValidationError as exc:
        return stop(" ".join(exc.messages))
    except ImportFileError as exc:
        return stop(_("The file cannot be imported. Nothing was written."),
                    format_report(exc.problems))
    if not validation.ok:
        return stop(_("%(bad)d of %(total)d rows have errors. Nothing was written.") % {
            "bad": len(validation.bad_rows), "total": validation.total},
            format_report(validation.problems))
    job.error = ""
    job.total_rows = validation.total
    job.save(update_fields=["error", "total_rows"])
    try:
        job = run_job(data, job.file_name, JobRun(job=job, validation=validation,
                                                  resumed=job.next_row > 0),
                      user=job.user, reason=job.reason, override_reason=job.override_reason)
    except JobTaken:
        job.refresh_from_db()
        return job  # another worker runs it: its state is that worker's
    except RowImportFailed as exc:
        job.refresh_from_db()
        return stop(exc.message)
    except (ValidationError, PermissionDenied) as exc:
        job.refresh_from_db()
        return stop(" ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    ImportUpload.objects.filter(job=job).delete()
    return job
