"""The admin table editor: the official tables with an input in every cell.

The widget is generated from the format (no JS framework): the same header layout as the
printed report, an input per cell, the format's validation messages beside the table, and a
note field under every figure that auto-fill computed, so that a changed figure carries its
reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..core.slugs import GovinfoPageForm
from .formats import CellRef, ReportFormat, format_for_year, normalise_data
from .formats.validation import Issue, Level, cell_id, figures_without_note, validate
from .tables import display_value, issue_list, render_table

CELL_PREFIX = "cell."
NOTE_PREFIX = "note."
# Edit-view actions that send the report on towards going live: errors block them; a plain
# draft save keeps the editor's work and shows the errors.
ADVANCING_ACTIONS = ("action-submit", "action-publish", "action-restart-workflow",
                     "action-workflow-action")


class ReportTablesWidget(forms.Widget):
    """Renders ``{"data": …, "notes": …}`` as the format's tables with inputs."""

    class Media:
        css = {"all": ["govinfo_reports/table-editor.css"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fmt: ReportFormat | None = None
        self.previous: Mapping | None = None
        self.autofilled: Mapping[str, Any] = {}
        self.deadline: date | None = None
        self.deadline_missed = False
        self.pdf = None  # the AnnualReportPDF of a released report

    def value_from_datadict(self, data, files, name) -> dict[str, Any]:
        cells: dict[str, dict[str, dict[str, Any]]] = {}
        notes: dict[str, str] = {}
        prefix = f"{name}-{CELL_PREFIX}"
        note_prefix = f"{name}-{NOTE_PREFIX}"
        for key in data:
            if key.startswith(prefix):
                parts = key[len(prefix):].split(".")
                if len(parts) == 3:
                    table, row, column = parts
                    cells.setdefault(table, {}).setdefault(row, {})[column] = data.get(key)
            elif key.startswith(note_prefix):
                notes[key[len(note_prefix):]] = data.get(key, "")
        return {"data": cells, "notes": notes}

    def format_value(self, value):
        return value

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        fmt = self.fmt or format_for_year(date.today().year - 1)
        value = value if isinstance(value, Mapping) else {}
        data = value.get("data") if "data" in value else value
        notes = value.get("notes") or {}
        issues = validate(fmt, data, self.previous, report_missing=False)
        issues += figures_without_note(fmt, data, self.autofilled, notes)
        by_cell: dict[CellRef, list[Issue]] = {}
        for issue in issues:
            if issue.cell:
                by_cell.setdefault(issue.cell, []).append(issue)

        def render_cell(ref: CellRef, _unused: Any, headers: str) -> SafeString:
            key = cell_id(*ref)
            raw = ((data or {}).get(ref.table) or {}).get(ref.row, {}).get(ref.column)
            cell_issues = by_cell.get(ref, [])
            level = ("error" if any(i.level == Level.ERROR for i in cell_issues)
                     else "warning" if cell_issues else "")
            extra = mark_safe("")
            computed = self.autofilled.get(key)
            if computed is not None:
                extra = format_html(
                    '<span class="govinfo-computed">{}</span>'
                    '<input type="text" name="{}-{}{}" value="{}" aria-label="{}" '
                    'placeholder="{}" class="govinfo-note">',
                    gettext("Computed: %(value)s") % {
                        "value": display_value(computed.get("value"))},
                    name, NOTE_PREFIX, key, notes.get(key, ""),
                    gettext("Note on %(cell)s") % {"cell": fmt.cell_name(ref)},
                    gettext("Why it differs"),
                )
            return format_html(
                '<td headers="{}" class="govinfo-cell {}"><input type="text" inputmode="decimal" '
                'name="{}-{}{}" value="{}" aria-label="{}" size="5"{}>{}</td>',
                headers, level, name, CELL_PREFIX, key, "" if raw is None else raw,
                fmt.cell_name(ref),
                format_html(' aria-invalid="true" title="{}"',
                            " ".join(i.message for i in cell_issues)) if cell_issues else "",
                extra,
            )

        parts = [format_html('<div class="govinfo-table-editor" data-format="{}">', fmt.key),
                 format_html("<p>{}</p>", gettext("Format: %(name)s (%(document)s)")
                             % {"name": fmt.name, "document": fmt.document})]
        if self.deadline:
            parts.append(format_html(
                '<p class="govinfo-deadline{}" data-deadline="{}"{}>{}</p>',
                " govinfo-deadline-missed" if self.deadline_missed else "",
                self.deadline.isoformat(),
                mark_safe(' data-deadline-missed="true"') if self.deadline_missed else "",
                (gettext("Publication deadline %(date)s: missed.") if self.deadline_missed
                 else gettext("Publication deadline: %(date)s."))
                % {"date": self.deadline.isoformat()},
            ))
        if self.pdf is not None:
            parts.append(format_html(
                '<p class="govinfo-pdf-status" data-status="{}">{}</p>', self.pdf.status,
                gettext("PDF: %(status)s %(error)s") % {
                    "status": self.pdf.get_status_display(), "error": self.pdf.error}))
        if issues:
            parts.append(format_html(
                '<div class="help-block help-warning" role="status"><p>{}</p>{}</div>',
                gettext("Checks of the tables (勾稽关系):"), issue_list(issues)))
        for table in fmt.tables:
            parts.append(format_html("<h3>{}</h3>", table.title))
            parts.append(render_table(fmt, table, render_cell, prefix=name))
        parts.append(mark_safe("</div>"))
        return mark_safe("".join(parts))


class ReportTablesField(forms.Field):
    widget = ReportTablesWidget

    def prepare_value(self, value):
        return value

    def to_python(self, value):
        return value if isinstance(value, Mapping) else {"data": {}, "notes": {}}


class AnnualReportPageForm(GovinfoPageForm):
    """Adds the table editor; blocks submission for review while the tables have errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "tables" not in self.fields:
            return
        page = self.instance
        field = ReportTablesField(label=_("Tables"), required=False)
        try:
            fmt = page.report_format
        except LookupError:
            fmt = None
        previous = page.previous_report() if page.year else None
        field.widget.fmt = fmt
        field.widget.previous = previous.tables if previous else None
        field.widget.autofilled = page.autofilled or {}
        field.widget.deadline = page.deadline
        field.widget.deadline_missed = page.deadline_missed()
        if page.pk:
            field.widget.pdf = page.pdf_record()
        self.fields["tables"] = field
        self.initial["tables"] = {"data": page.tables or {}, "notes": page.figure_notes or {}}

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get("tables")
        if not isinstance(value, Mapping) or "data" not in value:
            return cleaned
        page = self.instance
        year = cleaned.get("year") or page.year
        try:
            fmt = format_for_year(year or date.today().year - 1,
                                  cleaned.get("format_key") or None)
        except LookupError as exc:
            self.add_error("year", str(exc))
            return cleaned
        data = normalise_data(fmt, value["data"])
        notes = {k: v.strip() for k, v in (value.get("notes") or {}).items() if v and v.strip()}
        cleaned["tables"] = data
        page.figure_notes = notes
        # The editor re-renders with the values typed, and this format's messages.
        self.fields["tables"].widget.fmt = fmt
        if any(self.data.get(action) for action in ADVANCING_ACTIONS):
            page.tables = data
            page.year = year
            previous = page.previous_report()
            problems = [i for i in validate(fmt, data, previous.tables if previous else None)
                        if i.is_error] + page.unexplained_changes()
            if problems:
                self.add_error("tables", ValidationError(
                    [ValidationError("%(message)s", code=i.code.value,
                                     params={"message": i.message}) for i in problems]))
        return cleaned
