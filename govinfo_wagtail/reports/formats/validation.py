"""Validation of report table data against a format.

Data is stored as ``{table_key: {row_key: {column_key: value}}}``; a value is a number, a
numeric string as typed by an editor, or empty (``None`` / ``""``). Empty cells count as 0 in
the rules.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext

from .base import CellRef, Column, Kind, Relation, ReportFormat, Rule

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)
# Minus signs that NFKC leaves alone but people paste from Word.
_MINUS_SIGNS = str.maketrans({"−": "-", "–": "-"})


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Code(StrEnum):
    NOT_A_NUMBER = "not_a_number"
    NOT_WHOLE = "not_whole"
    NEGATIVE = "negative"
    TOO_MANY_DECIMALS = "too_many_decimals"
    UNKNOWN_CELL = "unknown_cell"
    RULE = "rule"  # a 勾稽关系 rule of the format
    CROSS_YEAR = "cross_year"
    MISSING = "missing"


@dataclass(frozen=True)
class Issue:
    level: Level
    code: Code
    cell: CellRef | None
    message: str
    rule: str = ""
    expected: Decimal | None = None
    actual: Decimal | None = None

    @property
    def is_error(self) -> bool:
        return self.level == Level.ERROR


class CellValueError(ValueError):
    def __init__(self, code: Code, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def format_number(value: Decimal | int) -> str:
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def to_decimal(raw: Any) -> Decimal | None:
    """A raw cell value as a Decimal; None when empty. Raises ValueError when not a number."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, int | Decimal):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(repr(raw))
    elif isinstance(raw, str):
        # NFKC turns full-width digits and signs (１２．５) into ASCII.
        text = unicodedata.normalize("NFKC", raw).translate(_MINUS_SIGNS).strip()
        if not text:
            return None
        if not _NUMBER.fullmatch(text):
            raise ValueError(raw)
        value = Decimal(text)
    else:
        raise ValueError(raw)
    if not value.is_finite():
        raise ValueError(raw)
    return value


def parse_cell(column: Column, raw: Any, name: str = "") -> Decimal | None:
    """Check one value against its column's kind; ``name`` is the cell's label for messages."""
    try:
        value = to_decimal(raw)
    except (ValueError, InvalidOperation):
        raise CellValueError(
            Code.NOT_A_NUMBER,
            gettext("%(cell)s: “%(value)s” is not a number.") % {"cell": name, "value": raw},
        ) from None
    if value is None:
        return None
    shown = format_number(value)
    if column.kind == Kind.DECIMAL:
        places = max(0, -int(value.normalize().as_tuple().exponent))
        if places > column.decimal_places:
            raise CellValueError(
                Code.TOO_MANY_DECIMALS,
                gettext(
                    "%(cell)s: at most %(places)s decimal places are allowed, found %(value)s."
                )
                % {"cell": name, "places": column.decimal_places, "value": shown},
            )
    elif value != value.to_integral_value():
        raise CellValueError(
            Code.NOT_WHOLE,
            gettext("%(cell)s: must be a whole number, found %(value)s.")
            % {"cell": name, "value": shown},
        )
    if value < 0 and column.kind != Kind.SIGNED_INT:
        raise CellValueError(
            Code.NEGATIVE,
            gettext("%(cell)s: cannot be negative, found %(value)s.")
            % {"cell": name, "value": shown},
        )
    return value


def raw_value(data: Mapping | None, cell: CellRef) -> Any:
    """The stored value of a cell, or None when the data does not have it."""
    if not isinstance(data, Mapping):
        return None
    table = data.get(cell.table)
    row = table.get(cell.row) if isinstance(table, Mapping) else None
    return row.get(cell.column) if isinstance(row, Mapping) else None


def _unknown_cell_name(fmt: ReportFormat, cell: CellRef) -> str:
    """Labels for a greyed cell of the format; the keys for an address it does not know."""
    try:
        block = fmt.table(cell.table).block_of(cell.row)
        block.column(cell.column)
    except KeyError:
        return "/".join(k for k in cell if k)
    return fmt.cell_name(cell)


def _unknown_cells(fmt: ReportFormat, data: Mapping) -> list[Issue]:
    """Values stored under addresses the format does not have (a stale key, a greyed cell)."""
    issues = []
    for table_key, rows in data.items():
        if not isinstance(rows, Mapping):
            rows = {"": {"": rows}}
        for row_key, columns in rows.items():
            if not isinstance(columns, Mapping):
                columns = {"": columns}
            for column_key, raw in columns.items():
                cell = CellRef(str(table_key), str(row_key), str(column_key))
                if fmt.has_cell(cell) or (raw is None or raw == ""):
                    continue
                issues.append(
                    Issue(
                        Level.ERROR,
                        Code.UNKNOWN_CELL,
                        cell,
                        gettext("%(cell)s: there is no such cell in the %(format)s.")
                        % {"cell": _unknown_cell_name(fmt, cell), "format": fmt.name},
                    )
                )
    return issues


def _formula(fmt: ReportFormat, rule: Rule) -> str:
    if rule.formula:
        return rule.formula
    target = rule.target
    parts = []
    for term in rule.terms:
        cell = term.cell
        # Name a term by what tells it apart from the target: in the target's row its
        # column label, in the target's column its row label.
        if cell.row == target.row and cell.table == target.table:
            name = fmt.column(cell).label
        elif cell.column == target.column and cell.table == target.table:
            name = fmt.row(cell).display_label
        else:
            name = fmt.cell_name(cell)
        if term.previous:
            name = gettext("last year's %(label)s") % {"label": name}
        sign = "−" if term.sign < 0 else "+"
        parts.append(f"{sign} {name}" if parts or term.sign < 0 else name)
    return " ".join(parts)


def _check(fmt: ReportFormat, rule: Rule, actual: Decimal, expected: Decimal) -> str | None:
    if rule.relation == Relation.AT_LEAST:
        if actual >= expected:
            return None
        template = gettext(
            "%(cell)s: expected at least %(expected)s (%(formula)s), found %(actual)s."
        )
    else:
        if actual == expected:
            return None
        if any(t.previous for t in rule.terms):
            template = gettext(
                "%(cell)s: expected %(expected)s from last year's report (%(formula)s), "
                "found %(actual)s."
            )
        else:
            template = gettext("%(cell)s: expected %(expected)s (%(formula)s), found %(actual)s.")
    return template % {
        "cell": fmt.cell_name(rule.target),
        "expected": format_number(expected),
        "formula": _formula(fmt, rule),
        "actual": format_number(actual),
    }


def validate(
    fmt: ReportFormat,
    data: Mapping | None,
    previous: Mapping | None = None,
    *,
    report_missing: bool = True,
) -> list[Issue]:
    """Every problem in ``data``: type errors, failed 勾稽关系 rules (errors), cross-year
    differences against ``previous`` — last year's report data, in any format — (warnings)
    and empty cells (warnings, with ``report_missing``).

    A rule that involves a cell with a type error is not checked: the type error says it all.
    """
    data = data if isinstance(data, Mapping) else {}
    issues: list[Issue] = []
    values: dict[CellRef, Decimal | None] = {}
    invalid: set[CellRef] = set()
    missing: list[CellRef] = []
    for cell in fmt.cells():
        try:
            value = parse_cell(fmt.column(cell), raw_value(data, cell), fmt.cell_name(cell))
        except CellValueError as exc:
            invalid.add(cell)
            issues.append(Issue(Level.ERROR, exc.code, cell, exc.message))
            continue
        values[cell] = value
        if value is None:
            missing.append(cell)
    issues.extend(_unknown_cells(fmt, data))

    def value(cell: CellRef) -> Decimal:
        return values.get(cell) or Decimal(0)

    for rule in fmt.rules:
        if invalid.intersection(rule.cells):
            continue
        expected = sum((t.sign * value(t.cell) for t in rule.terms), Decimal(0))
        actual = value(rule.target)
        message = _check(fmt, rule, actual, expected)
        if message:
            issues.append(
                Issue(Level.ERROR, Code.RULE, rule.target, message, rule.key, expected, actual)
            )

    if previous is not None:
        for rule in fmt.cross_year_rules:
            if invalid.intersection(rule.cells):
                continue
            expected = Decimal(0)
            for term in rule.terms:
                if term.previous:
                    # Last year's report may be in another format, or incomplete: a cell it
                    # does not have (or left empty) tells nothing, so the rule is not checked.
                    try:
                        last = to_decimal(raw_value(previous, term.cell))
                    except (ValueError, InvalidOperation):
                        last = None
                    if last is None:
                        break
                    expected += term.sign * last
                else:
                    expected += term.sign * value(term.cell)
            else:
                actual = value(rule.target)
                message = _check(fmt, rule, actual, expected)
                if message:
                    issues.append(
                        Issue(
                            Level.WARNING,
                            Code.CROSS_YEAR,
                            rule.target,
                            message,
                            rule.key,
                            expected,
                            actual,
                        )
                    )

    if report_missing:
        for cell in missing:
            issues.append(
                Issue(
                    Level.WARNING,
                    Code.MISSING,
                    cell,
                    gettext("%(cell)s: empty; it is counted as 0.") % {"cell": fmt.cell_name(cell)},
                )
            )
    return issues


def errors(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.is_error]


FIGURE_NOTE = "figure_note"  # the rule key of "changed a computed figure without a note"


def cell_id(table: str, row: str, column: str) -> str:
    """The key of a cell in ``figure_notes`` and ``autofilled`` (and in form field names)."""
    return f"{table}.{row}.{column}"


def figures_without_note(fmt: ReportFormat, tables, autofilled, notes) -> list[Issue]:
    """A computed figure that the editor overwrote needs a note saying why."""
    notes = notes or {}
    issues = []
    for key, entry in (autofilled or {}).items():
        cell = CellRef(*key.split("."))
        if not fmt.has_cell(cell) or notes.get(key):
            continue
        try:
            value = to_decimal(raw_value(tables, cell))
        except (ValueError, ArithmeticError):
            continue  # the type error is reported by validation
        if value is not None and value != to_decimal(entry.get("value")):
            issues.append(Issue(
                Level.ERROR, Code.RULE, cell,
                gettext("%(cell)s: differs from the computed figure %(computed)s; add a note "
                        "saying why.") % {"cell": fmt.cell_name(cell),
                                          "computed": entry.get("value")},
                rule=FIGURE_NOTE,
            ))
    return issues
