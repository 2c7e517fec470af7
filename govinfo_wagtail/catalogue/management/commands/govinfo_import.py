"""``python manage.py govinfo_import FILE``: catalogue items from .xlsx or .csv.

The work is done in :mod:`govinfo_wagtail.catalogue.importing`; this command parses the
arguments and prints the report. See docs/reference/import-format.md.
"""

import time
import zipfile
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ... import importing
from ...importing import jobs, writing
from ...importing.attachments import AttachmentSource


class ProgressBar:
    """A one-line progress bar on a terminal (stderr); silent elsewhere."""

    def __init__(self, stream, label: str, *, enabled: bool = True, width: int = 30):
        self.stream, self.label, self.width = stream, label, width
        self.enabled = enabled
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or not total:
            return
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        if not hasattr(self, "_started"):
            self._started = now
        filled = self.width * done // total
        bar = "#" * filled + "-" * (self.width - filled)
        elapsed = max(now - self._started, 1e-6)
        rate = done / elapsed
        eta = (total - done) / rate if rate else 0
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total} {100 * done // total}% "
                          f"{rate:,.0f}/s ETA {int(eta) // 60}:{int(eta) % 60:02d}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = ("Import catalogue items from an Excel workbook (.xlsx) or a CSV file (UTF-8 or "
            "GBK/GB18030). Creates drafts that go through review; with --publish (administrators "
            "only, --reason required) moves already-published items over from a legacy system.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xlsx or .csv file.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Check every row and report the bad ones; write nothing.")
        parser.add_argument("--catalogue", default=None,
                            help="Page id or URL path of the catalogue to import into "
                                 "(default: the only catalogue).")
        parser.add_argument("--publish", action="store_true",
                            help="Release the items at once: for items already published by a "
                                 "legacy system. Needs --reason and --user (an administrator).")
        parser.add_argument("--reason", default="",
                            help="Why the items are published without review; recorded in every "
                                 "page's history.")
        parser.add_argument("--override-findings", default="", metavar="REASON",
                            help="With --publish: release rows despite blocking findings of the "
                                 "automated checks, overriding each with this reason (recorded "
                                 "and logged per page). Without it such rows are not imported.")
        parser.add_argument("--user", default=None,
                            help="Username of the person importing (owner of the pages).")
        parser.add_argument("--encoding", default=None,
                            help="Encoding of a CSV file (default: UTF-8, else GB18030).")
        parser.add_argument("--no-progress", action="store_true",
                            help="Do not show the progress bar.")
        parser.add_argument("--attachments", default=None, metavar="FOLDER_OR_ZIP",
                            help="Folder or .zip file holding the files the 附件 column names "
                                 "(paths relative to it).")
        parser.add_argument("--batch-size", type=int, default=writing.BATCH_ROWS,
                            help="Rows written per transaction (default %(default)s).")
        parser.add_argument("--rollback", type=int, default=None, metavar="JOB",
                            help="Remove everything import job JOB created, and stop.")

    def handle(self, *args, **options):
        if options["rollback"] is not None:
            return self.rollback(options["rollback"])
        publish = options["publish"]
        try:
            user = importing.find_user(options["user"]) if options["user"] else None
            if options["override_findings"].strip() and not publish:
                raise ValidationError(_("--override-findings applies only with --publish."))
            if publish:
                importing.check_publish(user, options["reason"])
            parent = importing.find_parent(options["catalogue"])
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(_message(exc)) from exc

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("Cannot read “%(path)s”: %(error)s")
                               % {"path": path, "error": _("no such file")})
        source = None
        if options["attachments"]:
            try:
                source = AttachmentSource(options["attachments"])
            except (OSError, zipfile.BadZipFile) as exc:
                raise CommandError(_("Cannot read the attachments “%(path)s”: %(error)s") % {
                    "path": options["attachments"],
                    "error": getattr(exc, "strerror", None) or exc}) from exc

        started = time.monotonic()
        try:
            run = jobs.check_file(path, path.name, parent=parent, publish=publish,
                                  attachments=source, encoding=options["encoding"])
        except importing.ImportFileError as exc:
            for line in importing.format_report(exc.problems):
                self.stdout.write(line)
            raise CommandError(_("The file cannot be imported. Nothing was written.")) from exc
        except OSError as exc:
            raise CommandError(_("Cannot read “%(path)s”: %(error)s")
                               % {"path": path, "error": exc.strerror or exc}) from exc
        validation = run.validation

        if not validation.ok:
            for line in importing.format_report(validation.problems):
                self.stdout.write(line)
            raise CommandError(_(
                "%(bad)d of %(total)d rows have errors. Nothing was written."
            ) % {"bad": len(validation.bad_rows), "total": validation.total})
        if not validation.total:
            raise CommandError(_("The file has no data rows. Nothing was written."))

        if options["dry_run"]:
            run.close()  # the rows spooled for the write
            self.stdout.write(self.style.SUCCESS(_(
                "Dry run: all %(total)d rows are valid and would be imported into “%(parent)s”. "
                "Nothing was written."
            ) % {"total": validation.total, "parent": parent.title}))
            return
        if run.resumed:
            self.stdout.write(_("Resuming import job %(job)d at row %(row)d.") % {
                "job": run.job.pk, "row": run.job.next_row})

        show = not options["no_progress"] and self.stderr.isatty()
        progress = ProgressBar(self.stderr, _("Importing"), enabled=show)
        try:
            job = jobs.run_job(path, path.name, run, user=user, reason=options["reason"],
                               override_reason=options["override_findings"],
                               encoding=options["encoding"],
                               batch_rows=max(1, options["batch_size"]), progress=progress)
        except jobs.FileChanged as exc:  # before any job or batch: nothing to resume
            raise CommandError(_message(exc)) from exc
        except importing.RowImportFailed as exc:
            raise CommandError(_("The import stopped: %(error)s. The batch with this row was "
                                 "not written; run the command again to resume, or roll the "
                                 "job back with --rollback.") % {"error": exc.message}) from exc
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(_("The import stopped: %(error)s. The batch with this row was "
                                 "not written; run the command again to resume, or roll the "
                                 "job back with --rollback.") % {"error": _message(exc)}) from exc
        finally:
            if source is not None:
                source.close()
        seconds = time.monotonic() - started
        if publish:
            message = _("Import job %(job)d: released %(created)d new items, updated %(updated)d, "
                        "%(unchanged)d unchanged, into “%(parent)s” in %(seconds).1f s (reason: "
                        "%(reason)s).")
        else:
            message = _("Import job %(job)d: %(created)d new drafts, %(updated)d updated, "
                        "%(unchanged)d unchanged, in “%(parent)s” in %(seconds).1f s; they go "
                        "through review before release.")
        self.stdout.write(self.style.SUCCESS(message % {
            "job": job.pk, "created": job.created, "updated": job.updated,
            "unchanged": job.unchanged, "parent": parent.title, "seconds": seconds,
            "reason": options["reason"].strip(),
        }))
        for problem in validation.context.unmapped_urls:
            self.stdout.write(str(problem))
        blocked = validation.context.blocked
        if blocked:
            for row in blocked:
                self.stdout.write(str(row))
            raise CommandError(_(
                "%(count)d rows were not imported: the automated checks block their release. "
                "Correct them and import them again, or override the findings with "
                "--override-findings \"reason\"."
            ) % {"count": len(blocked)})

    def rollback(self, job_id: int) -> None:
        from ...models import ImportJob

        job = ImportJob.objects.filter(pk=job_id).first()
        if job is None:
            raise CommandError(_("There is no import job %(job)d.") % {"job": job_id})
        if job.state == ImportJob.State.ROLLED_BACK:
            raise CommandError(_("Import job %(job)d was rolled back already.") % {"job": job_id})
        try:
            removed = jobs.rollback_job(job)
        except jobs.JobTaken as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(_(
            "Import job %(job)d rolled back: %(count)d pages removed.") % {
            "job": job_id, "count": removed}))


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or exc.__class__.__name__


