"""Signal receivers: a released report gets its PDF (re)generated in the background."""

from __future__ import annotations


def report_published(sender, instance, revision=None, **kwargs) -> None:
    # page_published also fires for a page only scheduled to go live (stack-facts.md).
    if not instance.live:
        return
    from .services import schedule_pdf

    schedule_pdf(instance.pk, revision.pk if revision is not None else None)
