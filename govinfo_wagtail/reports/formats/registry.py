"""The known formats, the format of a report year, and blank or example table data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from .base import CellRef, Kind, Relation, ReportFormat
from .f2019 import FORMAT_2019
from .f2021 import FORMAT_2021
from .validation import format_number, raw_value, to_decimal

_FORMATS: dict[str, ReportFormat] = {f.key: f for f in (FORMAT_2019, FORMAT_2021)}


def register_format(fmt: ReportFormat) -> None:
    """Make a further official format available (a new description, not new code)."""
    _FORMATS[fmt.key] = fmt


def all_formats() -> tuple[ReportFormat, ...]:
    return tuple(sorted(_FORMATS.values(), key=lambda f: f.years[0]))


def get_format(key: str) -> ReportFormat:
    try:
        return _FORMATS[key]
    except KeyError:
        raise LookupError(f"Unknown annual report format {key!r}.") from None


_DERIVED: dict[tuple[int, str], tuple[ReportFormat, Any]] = {}


def derived(fmt: ReportFormat, name: str, build: Callable[[], Any]) -> Any:
    """``build()``, computed once per process for ``fmt`` and ``name``: what depends only on
    a format's description (the markup of its tables, its chart series). Kept with the
    format, so that another format object never takes its entry."""
    cached = _DERIVED.get((id(fmt), name))
    if cached is None or cached[0] is not fmt:
        cached = _DERIVED[(id(fmt), name)] = (fmt, build())
    return cached[1]


def format_for_year(year: int, override: str | None = None) -> ReportFormat:
    """The format for a report on ``year``: the 2019 trial format for 2019–2020, the 2021
    format from 2021 on. ``override`` (a format key) wins, e.g. for an agency that
    published a 2020 report in the 2021 format."""
    if override:
        return get_format(override)
    for fmt in reversed(all_formats()):
        if fmt.covers(year):
            return fmt
    # Reports before 2019 (under the 2008 regulation) had no prescribed tables.
    raise LookupError(f"No annual report format covers the year {year}.")


def blank_data(fmt: ReportFormat) -> dict[str, dict[str, dict[str, Any]]]:
    """Every cell of the format, empty: ``{table_key: {row_key: {column_key: None}}}``."""
    data: dict[str, dict[str, dict[str, Any]]] = {}
    for cell in fmt.cells():
        data.setdefault(cell.table, {}).setdefault(cell.row, {})[cell.column] = None
    return data


def _storable(fmt: ReportFormat, cell: CellRef, value: Decimal) -> int | str:
    # Amounts are kept as strings so that JSON storage never turns 0.1 into a float.
    if fmt.column(cell).kind == Kind.DECIMAL:
        return format_number(value)
    return int(value)


def example_data(fmt: ReportFormat) -> dict[str, dict[str, dict[str, Any]]]:
    """Illustrative figures that pass validation (the demo labels them 示例数据).

    The format gives the figures of the cells no rule computes; every total follows from its
    rules, so the example cannot drift from them.
    """
    values: dict[CellRef, Decimal] = {}
    for table_key, rows in fmt.example.items():
        for row_key, columns in rows.items():
            for column_key, raw in columns.items():
                values[CellRef(table_key, row_key, column_key)] = to_decimal(raw)
    pending = [r for r in fmt.rules if r.relation == Relation.EQUAL]
    while pending:
        ready = [
            r for r in pending
            if r.target in values or all(t.cell in values for t in r.terms)
        ]
        if not ready:
            cells = sorted({t.cell for r in pending for t in r.terms} - values.keys())
            raise ValueError(f"{fmt.key}: the example lacks figures for {cells}")
        for rule in ready:
            if rule.target not in values:
                values[rule.target] = sum(
                    (t.sign * values[t.cell] for t in rule.terms), Decimal(0)
                )
            pending.remove(rule)
    data = blank_data(fmt)
    for cell in fmt.cells():
        if cell not in values:
            raise ValueError(f"{fmt.key}: the example lacks a figure for {cell}")
        data[cell.table][cell.row][cell.column] = _storable(fmt, cell, values[cell])
    return data


def normalise_data(fmt: ReportFormat, data: Mapping | None) -> dict[str, dict[str, dict[str, Any]]]:
    """The format's cells with valid values made canonical for storage (counts as int,
    amounts as decimal strings, empty as None); values that do not parse are kept as typed
    so that the editor can show them with their error."""
    result = blank_data(fmt)
    for cell in fmt.cells():
        raw = raw_value(data, cell)
        try:
            value = to_decimal(raw)
        except (ValueError, ArithmeticError):
            result[cell.table][cell.row][cell.column] = raw
            continue
        if value is None:
            continue
        if fmt.column(cell).kind != Kind.DECIMAL and value != value.to_integral_value():
            result[cell.table][cell.row][cell.column] = raw
        else:
            result[cell.table][cell.row][cell.column] = _storable(fmt, cell, value)
    return result
