"""Signal receivers: a released report gets its PDF (re)generated in the background."""

from __future__ import annotations

from .models import AnnualReportPDF
from .services import schedule_pdf


def report_published(sender, instance, revision=None, **kwargs) -> None:
    # Wagtail sends page_published also for a page that is only scheduled to go live (its
    # revision approved for a future go_live_at): only a live page gets a PDF.
    if not instance.live:
        return
    schedule_pdf(instance.pk, revision.pk if revision is not None else None)


def report_unpublished(sender, instance, **kwargs) -> None:
    """A report taken down takes its PDF down too (the route would refuse it anyway: it
    answers only for a live page)."""
    for record in AnnualReportPDF.objects.filter(page_id=instance.pk):
        if record.file:
            record.file.delete(save=False)
        record.delete()
