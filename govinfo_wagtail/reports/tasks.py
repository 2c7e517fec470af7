"""Background work of annual reports (django-tasks: immediate in tests, a queue in production)."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks import task

from ..core import frontcache
from .models import AnnualReportPage, AnnualReportPDF
from .pdf import build_report_pdf, generated_name

logger = logging.getLogger(__name__)


@task()
def generate_report_pdf(page_id: int, revision_id: int | None = None) -> None:
    """Render the live report's PDF and store it, replacing the previous one."""
    record, _ = AnnualReportPDF.objects.get_or_create(page_id=page_id)
    page = AnnualReportPage.objects.live().filter(pk=page_id).first()
    if page is None:
        record.status = AnnualReportPDF.Status.FAILED
        record.error = "The report is not live."
        record.save()
        return
    try:
        content = build_report_pdf(page)
    except Exception as exc:  # noqa: BLE001 - recorded for editors, never undoes a release
        logger.exception("PDF of report %s failed", page_id)
        record.status = AnnualReportPDF.Status.FAILED
        record.error = f"{type(exc).__name__}: {exc}"
        record.save()
        return
    old = record.file.name if record.file else None
    record.file.save(generated_name(page), ContentFile(content), save=False)
    record.status = AnnualReportPDF.Status.READY
    record.error = ""
    record.revision_id = revision_id or page.live_revision_id
    record.generated_at = timezone.now()
    record.save()
    if old and old != record.file.name:
        record.file.storage.delete(old)
    # The page now links its PDF, and pdf/ serves the new file.
    frontcache.schedule(page)
