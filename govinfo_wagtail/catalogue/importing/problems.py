"""What is wrong with a file or a row, and the values shown in messages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from ...core.import_kinds import Problem

EXCERPT_CHARS = 50


@dataclass(frozen=True)
class BadCell:
    """A spreadsheet cell whose value cannot be used (a formula without a saved value)."""

    code: str
    detail: str = ""




class ImportFileError(Exception):
    """The file as a whole cannot be imported; nothing was checked row by row."""

    def __init__(self, problems: Problem | list[Problem]):
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("\n".join(p.message for p in self.problems))


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a spurious ``.0``, dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, BadCell):
        return value.detail
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    # The export protects values that spreadsheets would run as formulas with a leading "'".
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        text = text[1:].strip()
    return text


def excerpt(value: Any, limit: int = EXCERPT_CHARS) -> str:
    """The start of a value for a message: at most ``limit`` characters and "…"."""
    text = value if isinstance(value, str) else cell_text(value)
    return text[:limit] + "…" if len(text) > limit else text


def format_report(problems: Iterable[Problem]) -> list[str]:
    """One line per file-level problem and per bad row (``第N行：…；…``)."""
    lines, by_row = [], defaultdict(list)
    for problem in problems:
        if problem.row is None:
            lines.append(problem.message)
        else:
            by_row[problem.row].append(problem.message)
    for row in sorted(by_row):
        messages = by_row[row]
        # "…, first problem; second problem." rather than "first problem.; second problem."
        reasons = _("; ").join([m.rstrip(".。") for m in messages[:-1]] + messages[-1:])
        lines.append(_("Row %(row)d: %(reasons)s") % {"row": row, "reasons": reasons})
    return lines


@dataclass
class BlockedRow:
    """A row whose release the automated checks blocked: its page was not created."""

    row: int
    findings: list[Any]  # the release service's findings (.message, .matched, .location …)

    def __str__(self) -> str:
        reasons = _("; ").join(
            _("%(message)s (“%(excerpt)s”)") % {"message": str(f.message).rstrip(".。"),
                                               "excerpt": excerpt(f.matched)}
            for f in self.findings)
        return _("Row %(row)d: not imported, the automated checks block its release: "
                 "%(reasons)s.") % {"row": self.row, "reasons": reasons}
