"""Multi-step operations on annual reports: auto-fill, and the PDF after release."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils.translation import gettext
from wagtail.log_actions import log

from .autofill import COLUMN_FIGURES, NORMATIVE, RULES, figures, policy_source
from .formats import CellRef, normalise_data
from .formats.validation import cell_id, raw_value, to_decimal
from .models import AnnualReportPage, AnnualReportPDF
from .tasks import generate_report_pdf

logger = logging.getLogger(__name__)

AUTOFILL_LOG_ACTION = "govinfo_reports.autofill"
ACTIVE = "active_disclosure"
APPLICATIONS = "applications"


def compute_figures(page: AnnualReportPage) -> dict[str, dict[str, Any]]:
    """``{cell id: {"value": …, "source": …}}`` for every cell auto-fill can compute."""
    fmt = page.report_format
    computed: dict[str, dict[str, Any]] = {}
    if page.agency_id:
        source = policy_source()
        for kind in (RULES, NORMATIVE):
            numbers = figures(source.documents(page.agency, kind), page.year)
            for column, attribute in COLUMN_FIGURES.items():
                cell = CellRef(ACTIVE, kind, column)
                if fmt.has_cell(cell):
                    computed[cell_id(*cell)] = {"value": getattr(numbers, attribute),
                                                "source": source.describe()}
    previous = page.previous_report()
    if previous is not None:
        # 上年结转 = last year's 结转下年度继续办理, column by column.
        for cell in fmt.cells():
            if cell.table == APPLICATIONS and cell.row == "carried_over_in":
                last = raw_value(previous.tables, CellRef(APPLICATIONS, "carried_over_out",
                                                          cell.column))
                try:
                    value = to_decimal(last)
                except (ValueError, ArithmeticError):
                    value = None
                if value is not None:
                    computed[cell_id(*cell)] = {
                        "value": int(value),
                        "source": gettext("%(year)s report") % {"year": previous.year},
                    }
    return computed


def apply_figures(page: AnnualReportPage, computed: dict[str, dict[str, Any]]) -> list[str]:
    """Write computed figures into ``page.tables``; return the cell ids that changed.

    A figure the editor changed earlier with a note is kept: the note explains it.
    """
    fmt = page.report_format
    data = normalise_data(fmt, page.tables)
    changed = []
    notes = page.figure_notes or {}
    for key, entry in computed.items():
        table, row, column = key.split(".")
        if notes.get(key):
            continue
        if data[table][row][column] != entry["value"]:
            data[table][row][column] = entry["value"]
            changed.append(key)
    page.tables = data
    page.autofilled = computed
    return changed


def autofill(page: AnnualReportPage, user=None):
    """Auto-fill the latest draft of ``page`` and save it as a new revision."""
    draft = page.get_latest_revision_as_object()
    computed = compute_figures(draft)
    changed = apply_figures(draft, computed)
    with transaction.atomic():
        revision = draft.save_revision(user=user, log_action=False)
        log(instance=draft, action=AUTOFILL_LOG_ACTION, user=user,
            data={"cells": sorted(computed), "changed": changed})
    return revision, computed, changed


def schedule_pdf(page_id: int, revision_id: int | None) -> None:
    """Queue the PDF of a released report once the release has committed.

    Failure to queue never undoes the release; it is recorded on the PDF row.
    """
    def enqueue():
        AnnualReportPDF.objects.update_or_create(
            page_id=page_id,
            defaults={"status": AnnualReportPDF.Status.PENDING, "error": "",
                      "revision_id": revision_id},
        )
        try:
            generate_report_pdf.enqueue(page_id, revision_id)
        except Exception as exc:  # noqa: BLE001 - shown to editors, never blocks a release
            logger.exception("Could not queue the PDF of report %s", page_id)
            AnnualReportPDF.objects.filter(page_id=page_id).update(
                status=AnnualReportPDF.Status.FAILED, error=str(exc))

    transaction.on_commit(enqueue)
