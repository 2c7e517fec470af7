"""The catalogue import and export in the Wagtail admin: the same functions and the same
report as ``govinfo_import``, for administrators."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..conf import govinfo_settings
from ..core.models import DisclosurePage
from . import importing
from .exporting import export_catalogue
from .importing.background import queue_job, requeue_job
from .models import CatalogueIndexPage, ImportJob

# Report lines shown on the page: a file with many bad rows does not make a huge page.
MAX_REPORT_LINES = 200


def _too_large_message() -> str:
    limit = govinfo_settings.IMPORT_MAX_UPLOAD_BYTES
    return _("The file is larger than %(mb)s MB, the limit (setting "
             "GOVINFO_IMPORT_MAX_UPLOAD_BYTES). Split it into several files, or use the "
             "govinfo_import command.") % {"mb": f"{limit / (1024 * 1024):g}"}


def _require_admin(user) -> None:
    if not importing.can_import_published(user):
        raise PermissionDenied


# Who sees every user's import jobs and their reports (superusers, and those a site gives
# “Can view import job” in the group editor); other importers see only their own jobs.
VIEW_ALL_JOBS_PERMISSION = "govinfo_catalogue.view_importjob"


def visible_jobs(user):
    """The import jobs ``user`` may see: their own, or all for those who oversee imports."""
    jobs = ImportJob.objects.select_related("catalogue", "user")
    if user.is_active and (user.is_superuser or user.has_perm(VIEW_ALL_JOBS_PERMISSION)):
        return jobs
    return jobs.filter(user=user)


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (.xlsx or .csv)"))
    catalogue = forms.ModelChoiceField(
        CatalogueIndexPage.objects.all(), label=gettext_lazy("Catalogue"),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Check only (dry run): report every bad row, write nothing"),
        required=False, initial=True,
    )
    publish = forms.BooleanField(
        label=gettext_lazy("Release at once (items already published by a legacy system)"),
        required=False,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for releasing without review"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    override_findings = forms.CharField(
        label=gettext_lazy("Override blocking findings of the automated checks, with this "
                           "reason"),
        help_text=gettext_lazy("Only with “Release at once”. Empty: rows whose release the "
                               "automated checks block are not imported and are listed in "
                               "the report. Filled in: they are released, and the override "
                               "is recorded with this reason for each finding of each page."),
        required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > govinfo_settings.IMPORT_MAX_UPLOAD_BYTES:
            raise ValidationError(_too_large_message(), code="file_too_large")
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("publish") and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for releasing without review."))
        if (cleaned.get("override_findings") or "").strip() and not cleaned.get("publish"):
            self.add_error("override_findings", _(
                "Overriding the automated checks applies only to items released at once."))
        return cleaned


def _shown(lines: list[str]) -> list[str]:
    if len(lines) <= MAX_REPORT_LINES:
        return lines
    return lines[:MAX_REPORT_LINES] + [_("… and %(count)d more lines.") % {
        "count": len(lines) - MAX_REPORT_LINES}]


def import_view(request):
    _require_admin(request.user)
    report, summary = [], ""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if request.method == "POST" and length > govinfo_settings.IMPORT_MAX_UPLOAD_BYTES + 65536:
        # Refused before the body is read: an upload far over the limit is not stored at all.
        return TemplateResponse(request, "govinfo_catalogue/admin/import.html", {
            "form": ImportForm(), "report": [], "summary": _too_large_message(),
            "summary_error": True, "catalogues": CatalogueIndexPage.objects.all(),
        })
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            table = importing.read_table(upload.read(), upload.name)
            validation = importing.validate(table, parent=data["catalogue"],
                                            publish=data["publish"])
        except importing.ImportFileError as exc:
            report = importing.format_report(exc.problems)
            summary = _("The file cannot be imported. Nothing was written.")
        else:
            if not validation.ok:
                report = importing.format_report(validation.problems)
                summary = _("%(bad)d of %(total)d rows have errors. Nothing was written.") % {
                    "bad": len(validation.bad_rows), "total": validation.total}
            elif not validation.rows:
                summary = _("The file has no data rows. Nothing was written.")
            elif data["dry_run"]:
                summary = _("Dry run: all %(total)d rows are valid and would be imported into "
                            "“%(parent)s”. Nothing was written.") % {
                    "total": validation.total, "parent": data["catalogue"].title}
            elif validation.total > govinfo_settings.IMPORT_BACKGROUND_ROWS:
                upload.seek(0)
                job = queue_job(upload.read(), upload.name, parent=data["catalogue"],
                                user=request.user, publish=data["publish"],
                                reason=data["reason"],
                                override_reason=data["override_findings"],
                                total_rows=validation.total)
                return redirect("govinfo_catalogue_import_job", job.pk)
            else:
                try:
                    pages = importing.import_rows(
                        validation.rows, parent=data["catalogue"], user=request.user,
                        publish=data["publish"], reason=data["reason"],
                        context=validation.context,
                        override_reason=data["override_findings"],
                    )
                except (importing.RowImportFailed, ValidationError, PermissionDenied) as exc:
                    summary = _("The import failed and nothing was written: %(error)s") % {
                        "error": getattr(exc, "message", None) or exc}
                else:
                    if pages:
                        messages.success(request, _("Imported %(count)d items into "
                                                    "“%(parent)s”.") % {
                            "count": len(pages), "parent": data["catalogue"].title})
                    blocked = validation.context.blocked
                    if blocked:
                        report = [str(row) for row in blocked]
                        summary = _(
                            "%(count)d rows were not imported: the automated checks block "
                            "their release. Correct them and import them again, or override "
                            "the findings with a reason.") % {"count": len(blocked)}
                    else:
                        form = ImportForm()
    return TemplateResponse(request, "govinfo_catalogue/admin/import.html", {
        "form": form, "report": _shown(report), "summary": summary,
        "catalogues": CatalogueIndexPage.objects.all(), "jobs": _recent_jobs(request.user),
    })


def _recent_jobs(user):
    return visible_jobs(user).order_by("-pk")[:10]


def import_job_view(request, job_id: int):
    """The progress of an import job: refreshes itself while the job is queued or running."""
    _require_admin(request.user)
    job = get_object_or_404(visible_jobs(request.user), pk=job_id)  # another's job: 404
    resumable = job.state == ImportJob.State.INTERRUPTED and job.uploads.exists()
    if request.method == "POST" and resumable:
        # The worker checks the file again and goes on after the last batch written.
        requeue_job(job)
        return redirect("govinfo_catalogue_import_job", job.pk)
    active = job.state in (ImportJob.State.QUEUED, ImportJob.State.RUNNING)
    percent = 100 * job.rows_done // job.total_rows if job.total_rows else 0
    rate = eta = None
    if job.state == ImportJob.State.RUNNING and job.rows_done:
        seconds = max((timezone.now() - job.started_at).total_seconds(), 1)
        rate = job.rows_done / seconds
        eta = int((job.total_rows - job.rows_done) / rate) if rate else None
    return TemplateResponse(request, "govinfo_catalogue/admin/import_job.html", {
        "job": job, "active": active, "percent": percent, "resumable": resumable,
        "rate": f"{rate:.0f}" if rate else "",
        "eta_minutes": eta // 60 if eta is not None else None,
        "eta_seconds": f"{eta % 60:02d}" if eta is not None else "",
        "report": _shown(job.report or []),
    })


def export_view(request, catalogue_id: int, format: str):
    _require_admin(request.user)
    catalogue = get_object_or_404(CatalogueIndexPage, pk=catalogue_id)
    pages = DisclosurePage.objects.descendant_of(catalogue).order_by("path")
    content_type = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv": "text/csv; charset=utf-8",
    }[format]
    response = HttpResponse(export_catalogue(pages, format), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="catalogue-{catalogue.pk}.{format}"'
    return response
