"""Public views of an annual report: the page context, table downloads and the PDF.

Called by the page's routes with the page instance; this module reaches the report models
only through it (``type(page)``, ``page.pdf``), so that the models can import it.
"""

from __future__ import annotations

import functools
from typing import Any

from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext
from wagtail.rich_text import expand_db_html

from ..core.models import public_listing
from ..core.prepared import PreparedQuery
from ..pdf.sanitise import sanitise_html
from .charts import outcomes_chart, received_chart, series
from .exports import as_csv, as_json, as_xlsx
from .tables import render_display_table

DOWNLOADS = {
    "csv": ("text/csv; charset=utf-8", as_csv),
    "json": ("application/json; charset=utf-8", as_json),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", as_xlsx),
}


# What the agency section (title, year, address) and the charts (year, format) read; the
# charts read the tables of the figures they have not kept apart (reports/charts.py).
LISTED_REPORT_FIELDS = ("title", "url_path", "depth", "path", "live", "year", "format_key",
                        "agency_id", "live_revision_id", "last_published_at",
                        "locale_id")


def agency_reports(page):
    if not page.agency_id:
        return type(page).objects.none()
    return public_listing(type(page)).filter(agency_id=page.agency_id).order_by("-year")


@functools.cache
def _agency_section(model) -> PreparedQuery:
    """:func:`agency_reports` of the fields LISTED_REPORT_FIELDS, compiled once per report
    type (core/prepared.py)."""
    return PreparedQuery(
        lambda agency_id: public_listing(model).filter(agency_id=agency_id).order_by("-year")
        .only(*LISTED_REPORT_FIELDS),
        agency_id=int)


def report_context(page, request, *, for_pdf: bool = False) -> dict[str, Any]:
    fmt = page.report_format
    sections = []
    for section in page.sections():
        table = section["table"]
        sections.append({
            **section,
            "html": sanitise_html(expand_db_html(section["text"] or "")),
            "table_html": render_display_table(fmt, table, page.tables) if table else "",
        })
    # One query for the charts and the agency section (the list is the section's), of the
    # fields they read: not the reports' texts.
    agency_section = (_agency_section(type(page)).rows(agency_id=page.agency_id)
                      if page.agency_id else [])
    reports = [r for r in agency_section if r.year <= page.year]
    if page.pk and page.live and page not in reports:
        reports.append(page)
    # The page itself with its current values (a preview or a newer revision).
    reports = [page if r.pk == page.pk else r for r in reports]
    figures = series(reports, current=page)
    charts = []
    if len(figures) >= 2:
        charts = [received_chart(figures), outcomes_chart(figures)]
    pdf = _pdf_of(page)
    base = (page.get_url(request) or "") if page.pk else ""
    return {
        "page": page,
        "report_format": fmt,
        "sections": sections,
        "charts": charts,
        "other_reports": agency_section if not for_pdf else [],
        "pdf": pdf if pdf is not None and pdf.file else None,
        "pdf_url": base + page.reverse_subpage("pdf") if pdf is not None and pdf.file else "",
        "downloads": [(ext.upper() if ext != "xlsx" else "Excel (.xlsx)", ext,
                       base + page.reverse_subpage("tables", args=(ext,))) for ext in DOWNLOADS]
        if page.pk and not for_pdf else [],
        "deadline": page.deadline,
        "deadline_missed": page.deadline_missed(),
        "example_label": gettext("Illustrative figures (示例数据)"),
        "for_pdf": for_pdf,
    }


def _pdf_of(page):
    return page.pdf_record() if page.pk else None


def table_download(page, request, extension: str) -> HttpResponse:
    if extension not in DOWNLOADS:
        raise Http404
    content_type, build = DOWNLOADS[extension]
    response = HttpResponse(build(page), content_type=content_type)
    filename = f"annual-report-{page.year}-{page.pk}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf_download(page, request) -> FileResponse:
    pdf = _pdf_of(page)
    if pdf is None or not pdf.file or not pdf.file.storage.exists(pdf.file.name):
        raise Http404
    return FileResponse(pdf.file.open("rb"), content_type="application/pdf",
                        filename=f"annual-report-{page.year}-{page.pk}.pdf")
