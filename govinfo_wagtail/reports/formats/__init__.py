"""Official annual report formats as data (docs/architecture.md).

>>> fmt = format_for_year(2020)            # the 2019 trial format
>>> issues = validate(fmt, data, previous=last_years_data)
"""

from .base import (
    Block,
    CellRef,
    Column,
    Kind,
    Relation,
    ReportFormat,
    Row,
    Rule,
    Table,
    Term,
)
from .registry import (
    all_formats,
    blank_data,
    example_data,
    format_for_year,
    get_format,
    normalise_data,
    register_format,
)
from .validation import Code, Issue, Level, validate

__all__ = [
    "Block",
    "CellRef",
    "Code",
    "Column",
    "Issue",
    "Kind",
    "Level",
    "Relation",
    "ReportFormat",
    "Row",
    "Rule",
    "Table",
    "Term",
    "all_formats",
    "blank_data",
    "example_data",
    "format_for_year",
    "get_format",
    "normalise_data",
    "register_format",
    "validate",
]
