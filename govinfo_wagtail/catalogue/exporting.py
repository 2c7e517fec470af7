"""Export of catalogue items to .xlsx or .csv, in the format ``govinfo_import`` reads.

The header row uses the Chinese labels; dates are real date cells in .xlsx and ISO dates
(2021-02-03) in CSV; validity is written as 有效/修改/废止/失效 and the category as its path
(父/子). An export of drafts imports again as drafts; an export of live pages carries their
index numbers, which only a ``--publish`` migration into another site may keep.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from ..core.models import DisclosurePage, Topic, Validity
from .importing import COLUMNS, VALIDITY_LABELS, page_kinds

# The columns a re-import reads back; the migration-only columns (legacy key, old URL,
# attachments) describe another system and are not exported.
EXPORT_COLUMNS = [c for c in COLUMNS if c.key not in ("legacy_id", "legacy_url", "attachments")]

# Characters that make a spreadsheet treat a cell as a formula (CSV injection), and a leading
# tab or carriage return, which some spreadsheets skip before looking for one; the import
# removes the protecting apostrophe again.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def export_catalogue(queryset: QuerySet, format: str = "xlsx", *,
                     encoding: str = "utf-8-sig") -> bytes:
    """Write the disclosure pages of ``queryset`` as .xlsx or CSV bytes.

    ``encoding`` applies to CSV: UTF-8 with a byte-order mark (default; Excel opens it
    correctly) or ``gb18030`` for older Excel versions on Chinese systems.
    """
    if format not in ("xlsx", "csv"):
        raise ValueError(f"Unknown export format: {format!r} (use 'xlsx' or 'csv')")
    headers = [column.label for column in EXPORT_COLUMNS]
    rows = (_row(page, context) for page, context in _pages(queryset))
    if format == "csv":
        return _csv(headers, rows, encoding)
    return _xlsx(headers, rows)


def _pages(queryset: QuerySet):
    if not issubclass(queryset.model, DisclosurePage):
        queryset = DisclosurePage.objects.filter(pk__in=queryset.values("pk"))
    topics = {t.pk: t for t in Topic.objects.all()}
    paths: dict[int, str] = {}

    def topic_path(topic_id):
        if topic_id is None:
            return ""
        if topic_id not in paths:
            chain, node, seen = [], topics.get(topic_id), set()
            while node is not None and node.pk not in seen:
                seen.add(node.pk)
                chain.append(node.name)
                node = topics.get(node.parent_id)
            paths[topic_id] = "/".join(reversed(chain))
        return paths[topic_id]

    kinds_by_ct = {}
    for kind in page_kinds:
        ct = ContentType.objects.get_for_model(kind.get_model())
        kinds_by_ct[ct.pk] = kind
    for page in queryset.select_related("agency").order_by("path").iterator(chunk_size=500):
        kind = kinds_by_ct.get(page.content_type_id)
        context = {"kind": kind, "topic": topic_path(page.topic_id)}
        if kind is not None and kind.export is not None:
            context["extra"] = kind.export(page.specific)
        yield page, context


def _row(page: DisclosurePage, context: dict[str, Any]) -> list[Any]:
    kind = context["kind"]
    values = {
        "title": page.title,
        "agency": page.agency.name if page.agency else "",
        "category": context["topic"],
        "document_number": page.document_number,
        "written_date": page.written_date,
        "published_date": page.published_date,
        "validity": VALIDITY_LABELS.get(Validity(page.validity), page.validity),
        "validity_changed_on": page.validity_changed_on,
        "keywords": page.keywords,
        "summary": page.summary,
        "body": page.body,
        "kind": kind.code if kind is not None else "",
        "interprets": "",
        "index_number": page.index_number,
    }
    values.update(context.get("extra") or {})
    return [values[column.key] for column in EXPORT_COLUMNS]


def _protect(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _csv(headers: list[str], rows, encoding: str) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([
            value.isoformat() if isinstance(value, date)
            else _protect(value) if isinstance(value, str)
            else "" if value is None else value
            for value in row
        ])
    return out.getvalue().encode(encoding)


def _xlsx(headers: list[str], rows) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("信息公开目录")
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
                cell.data_type = "s"  # text, even when it starts with "=": never a formula
            else:
                cell = WriteOnlyCell(sheet, value)
                if isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
