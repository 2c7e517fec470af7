"""Open-data exports of a report's tables (CSV, JSON, XLSX), generated from the format.

Every format writes the same long shape — one line per cell with the table, the row and
column keys and the official labels — so exports of different years and formats combine.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from .formats import CellRef, ReportFormat
from .formats.validation import format_number, raw_value, to_decimal

HEADER = ("year", "agency", "format", "table", "table_title", "row", "row_label", "column",
          "column_label", "value")


def _number(raw: Any) -> int | float | str | None:
    try:
        value = to_decimal(raw)
    except (ValueError, ArithmeticError):
        return None
    if value is None:
        return 0  # an empty cell is counted as 0, as in the printed table
    return int(value) if value == value.to_integral_value() else format_number(value)


def cell_lines(report) -> Iterator[tuple[Any, ...]]:
    fmt: ReportFormat = report.report_format
    agency = report.agency.name if report.agency_id else ""
    for table in fmt.tables:
        for cell in table.cells():
            yield (report.year, agency, fmt.key, table.key, table.title, cell.row,
                   fmt.row_name(cell), cell.column, fmt.column_name(cell),
                   _number(raw_value(report.tables, cell)))


def as_csv(report) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(cell_lines(report))
    # A BOM so that spreadsheet programs read the Chinese labels as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_json(report) -> bytes:
    fmt = report.report_format
    payload = {
        "title": report.title,
        "year": report.year,
        "agency": report.agency.name if report.agency_id else None,
        "format": {"key": fmt.key, "document": fmt.document},
        "illustrative": report.illustrative_figures,
        "tables": {
            table.key: {
                "title": table.title,
                "rows": {
                    row.key: {
                        col.key: _number(raw_value(report.tables,
                                                   CellRef(table.key, row.key, col.key)))
                        for col in block.columns if block.has_cell(row.key, col.key)
                    }
                    for block in table.blocks for row in block.data_rows
                },
            }
            for table in fmt.tables
        },
        "cells": [dict(zip(HEADER, line, strict=True)) for line in cell_lines(report)],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")


def as_xlsx(report) -> bytes:
    """One sheet per table in the official layout, and a long 'data' sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    fmt = report.report_format
    book = Workbook()
    book.remove(book.active)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for table in fmt.tables:
        sheet = book.create_sheet(title=table.section)
        sheet.cell(row=1, column=1, value=table.title).font = Font(bold=True)
        line = 2
        for block in table.blocks:
            width = block.stub_depth + len(block.columns)
            if block.caption:
                sheet.cell(row=line, column=1, value=block.caption).alignment = centre
                sheet.merge_cells(start_row=line, start_column=1, end_row=line,
                                  end_column=width)
                line += 1
            occupied: set[tuple[int, int]] = set()
            for offset, header_line in enumerate(block.header_rows()):
                column = 1
                for header in header_line:
                    while (line + offset, column) in occupied:
                        column += 1
                    _merged(sheet, line + offset, column, header.rowspan, header.colspan,
                            header.label, centre, occupied)
                    column += header.colspan
            line += block.header_depth
            for body in block.body_rows(table.key):
                column = 1
                for header in body.headers:
                    while (line, column) in occupied:
                        column += 1
                    _merged(sheet, line, column, header.rowspan, header.colspan,
                            header.label, None, occupied)
                    column += header.colspan
                for index, ref in enumerate(body.cells):
                    if ref is not None:
                        sheet.cell(row=line, column=block.stub_depth + index + 1,
                                   value=_number(raw_value(report.tables, CellRef(*ref))))
                line += 1
            line += 1
    data = book.create_sheet(title="data")
    data.append(HEADER)
    for row in cell_lines(report):
        data.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _merged(sheet, row: int, column: int, rowspan: int, colspan: int, value: str,
            alignment, occupied: set[tuple[int, int]]) -> None:
    cell = sheet.cell(row=row, column=column, value=value)
    if alignment is not None:
        cell.alignment = alignment
    if rowspan > 1 or colspan > 1:
        sheet.merge_cells(start_row=row, start_column=column, end_row=row + rowspan - 1,
                          end_column=column + colspan - 1)
    for r in range(row, row + rowspan):
        for c in range(column, column + colspan):
            occupied.add((r, c))
