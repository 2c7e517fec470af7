"""Import of catalogue items from .xlsx and .csv files (``govinfo_import``).

Three steps, usable from the management command and from an admin view alike:

1. :func:`read_table` turns the bytes of a file into a header row and data rows, or raises
   :class:`ImportFileError` for a file that cannot be read at all (0 bytes, not a
   spreadsheet, undecodable text);
2. :func:`validate` maps the headers to columns and every row to typed values (agencies,
   topics, dates, validity, page type), collecting every problem with its row number;
3. :func:`import_rows` creates the pages of valid rows in one transaction: drafts that go
   through review, or, for a migration of already-published items (``publish=True``), pages
   released through the release service with the reason recorded in their history.

Page types are looked up in :data:`PAGE_KINDS`; other apps add theirs with
:func:`register_page_kind` (e.g. policies and interpretations).

All messages go through gettext; the English source strings use named placeholders.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Page

from ..conf import govinfo_settings
from ..core.index_numbers import register_legacy_index_number
from ..core.models import Agency, DisclosurePage, DisclosureSettings, IndexNumber, Topic, Validity
from ..core.release import ReleaseBlocked, ReleaseReason, release
from .xlsx import Limits

# --------------------------------------------------------------------------------------------
# Columns


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the Chinese header label; part of the file format, so not translated
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("title", "标题"),
    Column("agency", "发布机构"),
    Column("category", "主题分类", ("topic",)),
    Column("document_number", "文号"),
    Column("written_date", "成文日期"),
    Column("published_date", "发布日期"),
    Column("validity", "有效性"),
    Column("validity_changed_on", "有效性变更日期"),
    Column("keywords", "主题词"),
    Column("summary", "摘要"),
    Column("body", "正文"),
    Column("kind", "类型"),
    Column("interprets", "解读对象"),
    Column("index_number", "索引号"),
)
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED_COLUMNS = ("title",)
# Columns that only some page types use (listed in their PageKind.columns).
TYPE_COLUMNS = ("interprets",)
DATE_COLUMNS = ("written_date", "published_date", "validity_changed_on")

# Validity: codes, the labels of the index box, and the labels written by the export.
VALIDITY_LABELS = {
    Validity.VALID: "有效",
    Validity.AMENDED: "修改",
    Validity.REPEALED: "废止",
    Validity.EXPIRED: "失效",
}
_VALIDITY_ALIASES = {"现行有效": Validity.VALID, "已修改": Validity.AMENDED,
                     "已废止": Validity.REPEALED, "已失效": Validity.EXPIRED}

# Column key -> field of DisclosurePage, shared by every page type.
COMMON_FIELDS: Mapping[str, str] = {
    "title": "title",
    "agency": "agency",
    "category": "topic",
    "document_number": "document_number",
    "written_date": "written_date",
    "published_date": "published_date",
    "validity": "validity",
    "validity_changed_on": "validity_changed_on",
    "keywords": "keywords",
    "summary": "summary",
    "body": "body",
}


def _header_key(text: str) -> str:
    text = str(text).replace("\ufeff", "").strip().rstrip("*＊").strip()
    text = re.sub(r"[\s\-]+", "_", text) if text.isascii() else re.sub(r"\s+", "", text)
    return text.lower()


_HEADER_LOOKUP = {
    _header_key(name): column
    for column in COLUMNS
    for name in (column.key, column.label, *column.aliases)
}


# --------------------------------------------------------------------------------------------
# Page types


@dataclass(frozen=True)
class PageKind:
    """How rows of one 类型 become pages.

    ``fields`` maps column keys to model fields. ``columns`` lists further columns the type
    uses itself (e.g. ``interprets``): a value in a column that no type uses is an error.
    The hooks are optional: ``check(rows, context)`` yields :class:`Problem` for rows of this
    type after the common checks (all rows of the file are in ``context.rows``);
    ``prepare(page, row, context)`` runs before a page is saved; ``finish(pairs, context)``
    after all pages were created, with (row, page) pairs; ``export(page)`` returns extra
    column values for the export.
    """

    code: str
    model: str  # "app_label.ModelName"
    labels: tuple[str, ...] = ()
    fields: Mapping[str, str] = field(default_factory=lambda: dict(COMMON_FIELDS))
    columns: frozenset[str] = frozenset()
    check: Callable[[list[ImportRow], ImportContext], Iterable[Problem]] | None = None
    prepare: Callable[[DisclosurePage, ImportRow, ImportContext], None] | None = None
    finish: Callable[[list[tuple[ImportRow, DisclosurePage]], ImportContext], None] | None = None
    export: Callable[[DisclosurePage], Mapping[str, Any]] | None = None

    def get_model(self) -> type[DisclosurePage]:
        return apps.get_model(self.model)


PAGE_KINDS: dict[str, PageKind] = {}
DEFAULT_KIND = "item"
# Types the file format names that no app has registered yet: rows of these types are
# reported as "not supported yet" rather than as unknown.
PLANNED_KINDS: dict[str, tuple[str, ...]] = {
    "policy": ("政策", "政策文件"),
    "interpretation": ("解读", "政策解读"),
}


def register_page_kind(kind: PageKind) -> PageKind:
    PAGE_KINDS[kind.code] = kind
    return kind


register_page_kind(PageKind(
    code="item", model="govinfo_catalogue.CatalogueItemPage", labels=("条目", "目录条目", "信息"),
))


def kind_for_model(model) -> PageKind | None:
    for kind in PAGE_KINDS.values():
        if kind.get_model() is model:
            return kind
    return None


def _kind_lookup() -> tuple[dict[str, PageKind], dict[str, str]]:
    known = {}
    for kind in PAGE_KINDS.values():
        for name in (kind.code, *kind.labels):
            known[name.casefold()] = kind
    planned = {}
    for code, labels in PLANNED_KINDS.items():
        for name in (code, *labels):
            if name.casefold() not in known:
                planned[name.casefold()] = code
    return known, planned


# --------------------------------------------------------------------------------------------
# Problems


@dataclass
class Problem:
    """One thing wrong with the file (``row`` is None) or with one cell or row."""

    code: str
    message: str
    row: int | None = None
    column: str | None = None  # column key
    value: str = ""

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("Row %(row)d: %(reasons)s") % {"row": self.row, "reasons": self.message}


class ImportFileError(Exception):
    """The file as a whole cannot be imported; nothing was checked row by row."""

    def __init__(self, problems: Problem | list[Problem]):
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("\n".join(p.message for p in self.problems))


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


# --------------------------------------------------------------------------------------------
# Reading files


@dataclass(frozen=True)
class BadCell:
    """A spreadsheet cell whose value cannot be used (a formula without a saved value)."""

    code: str
    detail: str = ""


@dataclass
class Table:
    """The header row, and the data rows as an iterator: a file is read only as far as the
    validation goes (a bad header stops it), and never past the limits."""

    headers: list[Any]
    rows: Iterable[tuple[int, list[Any]]]  # (row number as the user sees it, cells)
    format: str
    encoding: str | None = None


EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                "#GETTING_DATA", "#SPILL!", "#CALC!"}

EXCERPT_CHARS = 50


def excerpt(value: Any, limit: int = EXCERPT_CHARS) -> str:
    """The start of a value for a message: at most ``limit`` characters and "…"."""
    text = value if isinstance(value, str) else _text(value)
    return text[:limit] + "…" if len(text) > limit else text


def import_limits() -> Limits:
    """The limits on what one import file may hold (``GOVINFO_IMPORT_MAX_*``)."""
    return Limits(rows=govinfo_settings.IMPORT_MAX_ROWS,
                  columns=govinfo_settings.IMPORT_MAX_COLUMNS,
                  cell_chars=govinfo_settings.IMPORT_MAX_CELL_CHARS,
                  cells=govinfo_settings.IMPORT_MAX_CELLS)


def _number(value: int) -> str:
    return f"{value:,}"


def limit_problem(code: str, limits: Limits, *, row: int | None = None,
                  column: int | None = None, value: str = "") -> Problem:
    """The file-level problem for a passed limit: which limit, its setting, and where."""
    where = ""
    if row is not None and column is not None:
        where = _("Row %(row)d, column %(column)d: ") % {"row": row, "column": column}
    elif row is not None:
        where = _("Row %(row)d: ") % {"row": row}
    if code == "cell_too_long":
        message = _("a cell holds more than %(limit)s characters (the limit, setting "
                    "GOVINFO_IMPORT_MAX_CELL_CHARS); it begins “%(excerpt)s”.") % {
            "limit": _number(limits.cell_chars), "excerpt": excerpt(value)}
    elif code == "too_many_columns":
        message = _("the row has more than %(limit)s columns (the limit, setting "
                    "GOVINFO_IMPORT_MAX_COLUMNS).") % {"limit": _number(limits.columns)}
    elif code == "too_many_rows":
        message = _("the file has more than %(limit)s data rows (the limit, setting "
                    "GOVINFO_IMPORT_MAX_ROWS): split it into several files.") % {
            "limit": _number(limits.rows)}
    else:
        message = _("the file has more than %(limit)s filled cells (the limit, setting "
                    "GOVINFO_IMPORT_MAX_CELLS): split it into several files.") % {
            "limit": _number(limits.cells)}
    message = _("The file was not imported: %(where)s%(reason)s") % {
        "where": where, "reason": message}
    return Problem(code, message, value=excerpt(value))


def read_table(data: bytes, filename: str, *, encoding: str | None = None,
               limits: Limits | None = None) -> Table:
    """Read the first worksheet of an .xlsx file, or a CSV file (UTF-8, with or without BOM,
    GBK/GB18030 or UTF-16), into a :class:`Table`, within ``limits`` (default: the
    ``GOVINFO_IMPORT_MAX_*`` settings). A limit passed in the data rows raises
    :class:`ImportFileError` while the rows are read (in :func:`validate`)."""
    limits = limits or import_limits()
    name = filename.rsplit("/", 1)[-1]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not data:
        raise ImportFileError(Problem("empty_file", _("The file “%(name)s” is empty (0 bytes).")
                                      % {"name": excerpt(name)}))
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(Problem("xls_format", _(
            "“%(name)s” is an old-format Excel file (.xls) or an encrypted workbook: save it as "
            "an Excel workbook (.xlsx) without a password, or as CSV, and try again."
        ) % {"name": excerpt(name)}))
    if ext in ("xlsx", "xlsm") or (ext not in ("csv", "txt") and data[:4] == b"PK\x03\x04"):
        return _table(_read_xlsx(data, excerpt(name), limits), "xlsx", limits)
    if ext in ("csv", "txt"):
        used = _detect_encoding(data, excerpt(name), encoding)
        return _table(_read_csv(data, excerpt(name), used, limits), "csv", limits, used)
    raise ImportFileError(Problem("unsupported_format", _(
        "“%(name)s” is not a supported file: use an Excel workbook (.xlsx) or a CSV file (.csv)."
    ) % {"name": excerpt(name)}))


def _not_xlsx(name: str) -> ImportFileError:
    return ImportFileError(Problem("not_xlsx", _(
        "“%(name)s” is not a valid Excel workbook (.xlsx): it may be another kind of file "
        "renamed to .xlsx, or damaged."
    ) % {"name": name}))


def _read_xlsx(data: bytes, name: str, limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    """Rows of the first worksheet, parsed as they are read (see :mod:`.xlsx`)."""
    from . import xlsx

    if data[:4] != b"PK\x03\x04":
        raise _not_xlsx(name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        book = xlsx.open_workbook(archive, limits)
    except xlsx.XlsxLimit as exc:
        raise ImportFileError(limit_problem(exc.code, limits, value=exc.excerpt)) from None
    except (xlsx.XlsxError, zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError,
            zlib.error, KeyError, ValueError, NotImplementedError) as exc:
        raise _not_xlsx(name) from exc

    def rows():
        try:
            for number, cells in book.rows():
                for index, cell in enumerate(cells):
                    if isinstance(cell, xlsx.FormulaCell):
                        if cell.value is None:
                            cells[index] = BadCell("formula_no_value", cell.formula)
                        elif cell.error or (isinstance(cell.value, str)
                                            and cell.value in EXCEL_ERRORS):
                            cells[index] = BadCell("formula_error", cell.value)
                        else:
                            cells[index] = cell.value
                yield number, cells
        except xlsx.XlsxLimit as exc:
            raise ImportFileError(limit_problem(exc.code, limits, row=exc.row,
                                                column=exc.column, value=exc.excerpt)) from None
        except (xlsx.XlsxError, zipfile.BadZipFile, OSError, EOFError, zlib.error,
                NotImplementedError) as exc:
            raise _not_xlsx(name) from exc

    return rows()


def _read_csv(data: bytes, name: str, used: str,
              limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    """Records of a CSV file, read from a text stream a line at a time; a line longer than
    ``limits`` allow is refused before it is read whole."""
    # A whole row of the widest cells, with quotes and separators.
    max_line = limits.columns * (limits.cell_chars + 3)
    if csv.field_size_limit() < limits.cell_chars + 1:
        csv.field_size_limit(limits.cell_chars + 1)  # process-wide; the default is 131,072
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=used, newline="")
    first_line = stream.readline(max_line)
    stream.seek(0)
    delimiter = max(",\t;", key=first_line.count) if first_line else ","
    state = {"line": 0}

    def lines():
        while True:
            line = stream.readline(max_line)
            if not line:
                return
            state["line"] += 1
            if len(line) >= max_line and not line.endswith(("\n", "\r")):
                raise ImportFileError(limit_problem("too_many_columns", limits,
                                                    row=state["line"]))
            yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise ImportFileError(limit_problem("cell_too_long", limits,
                                                row=reader.line_num)) from None
        raise ImportFileError(Problem("not_text", _(
            "“%(name)s” could not be read as CSV: %(error)s") % {"name": name, "error": exc}
        )) from exc


def _detect_encoding(data: bytes, name: str, encoding: str | None) -> str:
    """The encoding the whole file decodes in, checked a megabyte at a time (nothing is
    kept), and that it holds no NUL character (a binary file)."""
    if encoding:
        candidates = [encoding]
    elif data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        # What Excel writes on Chinese systems when saving as "CSV": GBK, read as GB18030.
        candidates = ["utf-8", "gb18030"]
    for candidate in candidates:
        try:
            decoder = codecs.getincrementaldecoder(candidate)()
        except LookupError:
            break
        try:
            view = memoryview(data)
            for start in range(0, len(data), 1 << 20):
                if "\x00" in decoder.decode(view[start:start + (1 << 20)]):
                    raise ImportFileError(Problem("not_text", _(
                        "“%(name)s” is not a text (CSV) file.") % {"name": name}))
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return candidate
    if encoding:
        raise ImportFileError(Problem("undecodable", _(
            "The file could not be read as %(encoding)s text.") % {"encoding": excerpt(encoding)}
        ))
    raise ImportFileError(Problem("undecodable", _(
        "The file could not be read as UTF-8 or GBK/GB18030 text: save it as “CSV UTF-8” or as "
        "an Excel workbook (.xlsx)."
    )))


def _table(rows: Iterator[tuple[int, list[Any]]], fmt: str, limits: Limits,
           encoding: str | None = None) -> Table:
    rows = _bounded(rows, limits)
    for _number, cells in rows:
        if not _is_blank(cells):
            return Table(headers=list(cells), rows=(r for r in rows if not _is_blank(r[1])),
                         format=fmt, encoding=encoding)
    raise ImportFileError(Problem("no_header", _("The file has no header row.")))


def _bounded(rows: Iterator[tuple[int, list[Any]]],
             limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    """The rows, refused as soon as one passes a limit (the xlsx reader checks most of them
    while parsing already)."""
    seen = cells_seen = 0
    for number, cells in rows:
        seen += 1
        if seen > limits.rows + 1:  # the header row and the data rows
            raise ImportFileError(limit_problem("too_many_rows", limits))
        if len(cells) > limits.columns:
            raise ImportFileError(limit_problem("too_many_columns", limits, row=number))
        for index, cell in enumerate(cells):
            if isinstance(cell, str) and len(cell) > limits.cell_chars:
                raise ImportFileError(limit_problem("cell_too_long", limits, row=number,
                                                    column=index + 1, value=cell))
            if cell not in (None, ""):
                cells_seen += 1
        if cells_seen > limits.cells:
            raise ImportFileError(limit_problem("too_many_cells", limits))
        yield number, cells


def _is_blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


# --------------------------------------------------------------------------------------------
# Validation


@dataclass
class ImportRow:
    """One valid row: typed values by column key (agency and category resolved to objects)."""

    row: int
    kind: PageKind
    values: dict[str, Any]


@dataclass
class ImportContext:
    parent: Page
    publish: bool = False
    rows: list[ImportRow] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # column key -> header in the file
    user: Any = None
    reason: str = ""
    override_reason: str = ""  # with publish: overrides every blocking finding, logged per page
    blocked: list[BlockedRow] = field(default_factory=list)  # rows not released, not created

    def column_name(self, key: str) -> str:
        return self.headers.get(key) or COLUMNS_BY_KEY[key].label


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


@dataclass
class Validation:
    rows: list[ImportRow]
    problems: list[Problem]
    total: int
    context: ImportContext

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems if p.row is not None})


def map_headers(headers: list[Any]) -> dict[int, Column]:
    """Column index -> column. Raises :class:`ImportFileError` at the first unknown or
    repeated header, or for a missing required one."""
    mapping: dict[int, Column] = {}
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        if header is None or not str(header).strip():
            continue
        header = _text(header)
        column = _HEADER_LOOKUP.get(_header_key(header))
        if column is None:
            raise ImportFileError(Problem("unknown_column", _(
                "Unknown column “%(header)s” (column %(index)d). Use the Chinese labels or the "
                "English keys: %(accepted)s."
            ) % {"header": excerpt(header), "index": index + 1,
                 "accepted": "、".join(f"{c.label}/{c.key}" for c in COLUMNS)},
                value=excerpt(header)))
        if column.key in seen:
            raise ImportFileError(Problem("duplicate_column", _(
                "The column %(column)s appears twice (columns %(first)d and %(second)d)."
            ) % {"column": column.label, "first": seen[column.key] + 1, "second": index + 1},
                column=column.key, value=excerpt(header)))
        seen[column.key] = index
        mapping[index] = column
    for key in REQUIRED_COLUMNS:
        if key not in seen:
            column = COLUMNS_BY_KEY[key]
            raise ImportFileError(Problem("missing_column", _(
                "The required column %(label)s (%(key)s) is missing from the header row."
            ) % {"label": column.label, "key": column.key}, column=key))
    return mapping


def _text(value: Any) -> str:
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


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})"
               r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


class _DateProblem(Exception):
    def __init__(self, code):
        self.code = code


def parse_date(value: Any) -> date | None:
    """A date from an Excel date cell or from 2021-02-03, 2021/2/3, 2021.2.3, 2021年2月3日
    or 20210203. Raises ``_DateProblem("date_format" | "date_impossible")``."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise _DateProblem("date_impossible") from None
    raise _DateProblem("date_format")


def plain_or_rich_text(text: str) -> str:
    """HTML is cleaned to what the rich text editor allows; plain text becomes paragraphs."""
    if not text:
        return ""
    if text.lstrip().startswith("<"):
        return _html_converter().to_database_format(text)
    return "".join(f"<p>{escape(line.strip())}</p>"
                   for line in text.splitlines() if line.strip())


_converter = None


def _html_converter():
    global _converter
    if _converter is None:
        from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

        _converter = EditorHTMLConverter()
    return _converter


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


class _Lookups:
    """Agencies and topics, loaded once per validation."""

    def __init__(self, parent: Page):
        self.agencies: dict[str, list[Agency]] = defaultdict(list)
        agencies = list(Agency.objects.all())
        for agency in agencies:
            self.agencies[_key(agency.name)].append(agency)
        names = set(self.agencies)
        for agency in agencies:
            short = _key(agency.short_name)
            if short and short not in names:  # a full name wins over another's short name
                self.agencies[short].append(agency)
        topics = {t.pk: t for t in Topic.objects.all()}
        self.topic_paths: list[tuple[tuple[str, ...], Topic]] = []
        for topic in topics.values():
            chain, node, seen = [], topic, set()
            while node is not None and node.pk not in seen:
                seen.add(node.pk)
                chain.append(_key(node.name))
                node = topics.get(node.parent_id)
            self.topic_paths.append((tuple(reversed(chain)), topic))
        self.default_agency = None
        site = parent.get_site()
        if site is not None:
            # Not for_site(), which creates the settings row: a dry run writes nothing.
            settings_ = (DisclosureSettings.objects.filter(site=site)
                         .select_related("default_agency").first())
            self.default_agency = settings_.default_agency if settings_ else None

    def agency(self, text: str) -> list[Agency]:
        return self.agencies.get(_key(text), [])

    def topic(self, text: str) -> list[Topic]:
        parts = tuple(_key(p) for p in re.split(r"[/／>]", text) if p.strip())
        if not parts:
            return []
        exact = [t for path, t in self.topic_paths if path == parts]
        if exact:
            return exact
        return [t for path, t in self.topic_paths if path[-len(parts):] == parts]


def topic_path(topic: Topic | None) -> str:
    return "/".join(t.name for t in topic.ancestors_and_self()) if topic else ""


def _max_lengths() -> dict[str, int]:
    fields = {"title": "title", "document_number": "document_number", "keywords": "keywords",
              "index_number": "index_number"}
    return {key: DisclosurePage._meta.get_field(name).max_length for key, name in fields.items()}


def validate(table: Table, *, parent: Page, publish: bool = False) -> Validation:
    """Check every row; return the typed rows and every problem found (with row numbers)."""
    mapping = map_headers(table.headers)
    context = ImportContext(
        parent=parent, publish=publish,
        headers={c.key: _text(table.headers[i]) for i, c in mapping.items()},
    )
    lookups = _Lookups(parent)
    known_kinds, planned_kinds = _kind_lookup()
    max_lengths = _max_lengths()
    validity_lookup = {}
    for choice in Validity:
        for name in (choice.value, VALIDITY_LABELS[choice], str(choice.label)):
            validity_lookup[_key(name)] = choice
    for name, choice in _VALIDITY_ALIASES.items():
        validity_lookup[_key(name)] = choice
    kind_columns = set(TYPE_COLUMNS).union(*(k.columns for k in PAGE_KINDS.values()))

    problems: list[Problem] = []
    rows: list[ImportRow] = []
    numbers_seen: dict[str, int] = {}
    numbers_by_row: dict[int, str] = {}
    total = 0
    for number, cells in table.rows:
        total += 1
        row_problems: list[Problem] = []

        def problem(code, message, key=None, value="", *, number=number, into=row_problems):
            into.append(Problem(code, message, row=number, column=key, value=excerpt(value)))

        extra = [c for i, c in enumerate(cells) if i not in mapping and not _is_blank([c])]
        if extra:
            problem("extra_values", _(
                "The row has values in columns without a header (%(values)s)."
            ) % {"values": "、".join(f"“{excerpt(c)}”" for c in extra[:3])})

        raw: dict[str, Any] = {}
        for index, column in mapping.items():
            cell = cells[index] if index < len(cells) else None
            if isinstance(cell, BadCell):
                name = context.column_name(column.key)
                if cell.code == "formula_no_value":
                    problem(cell.code, _(
                        "%(column)s: the formula %(formula)s has no saved value; open the file in "
                        "Excel, let it calculate and save it, or paste values only."
                    ) % {"column": name, "formula": excerpt(cell.detail)}, column.key, cell.detail)
                else:
                    problem(cell.code, _("%(column)s: the formula gives the error %(value)s.")
                            % {"column": name, "value": excerpt(cell.detail)},
                            column.key, cell.detail)
                cell = None
            raw[column.key] = cell

        values: dict[str, Any] = {}
        for key in ("title", "document_number", "keywords", "summary", "body", "interprets",
                    "index_number"):
            values[key] = _text(raw.get(key))
        for key, limit in max_lengths.items():
            if len(values[key]) > limit:
                problem("too_long", _(
                    "%(column)s is too long: %(length)d characters, at most %(max)d."
                ) % {"column": context.column_name(key), "length": len(values[key]),
                     "max": limit}, key, values[key][:50])
        if not values["title"] and not any(p.column == "title" for p in row_problems):
            problem("title_required", _("%(column)s is empty: every item needs a title.")
                    % {"column": context.column_name("title")}, "title")

        # Page type
        kind_text = _text(raw.get("kind"))
        kind = known_kinds.get(kind_text.casefold()) if kind_text else PAGE_KINDS[DEFAULT_KIND]
        if kind is None:
            if kind_text.casefold() in planned_kinds:
                problem("kind_unsupported", _("Type “%(value)s” is not supported yet.")
                        % {"value": excerpt(kind_text)}, "kind", kind_text)
            else:
                problem("kind_unknown", _("Unknown type “%(value)s” (use %(choices)s).") % {
                    "value": excerpt(kind_text),
                    "choices": "、".join(sorted(PAGE_KINDS)),
                }, "kind", kind_text)
        else:
            for key in kind_columns - kind.columns:
                if values.get(key):
                    problem("not_applicable", _(
                        "%(column)s does not apply to items of type “%(kind)s”."
                    ) % {"column": context.column_name(key), "kind": kind.code}, key, values[key])
            if not kind.get_model().can_exist_under(parent):
                problem("not_allowed_here", _(
                    "Items of type “%(kind)s” cannot be created under “%(parent)s”."
                ) % {"kind": kind.code, "parent": parent.title}, "kind", kind.code)

        # Agency
        agency_text = _text(raw.get("agency"))
        agency = None
        if agency_text:
            found = lookups.agency(agency_text)
            if len(found) == 1:
                agency = found[0]
            elif not found:
                problem("agency_unknown", _("Unknown agency “%(value)s”.")
                        % {"value": excerpt(agency_text)}, "agency", agency_text)
            else:
                problem("agency_ambiguous", _(
                    "The agency “%(value)s” is ambiguous: it could be %(matches)s. Give the full "
                    "name.") % {"value": excerpt(agency_text),
                                "matches": "、".join(a.name for a in found)},
                        "agency", agency_text)
        elif lookups.default_agency is not None:
            agency = lookups.default_agency
        else:
            problem("agency_required", _(
                "%(column)s is empty and the site has no default agency."
            ) % {"column": context.column_name("agency")}, "agency")
        values["agency"] = agency

        # Topic
        topic_text = _text(raw.get("category"))
        topic = None
        if topic_text:
            found = lookups.topic(topic_text)
            if len(found) == 1:
                topic = found[0]
            elif not found:
                problem("category_unknown", _("Unknown category “%(value)s”.")
                        % {"value": excerpt(topic_text)}, "category", topic_text)
            else:
                problem("category_ambiguous", _(
                    "The category “%(value)s” is ambiguous: it could be %(matches)s. Give its "
                    "path, e.g. “%(example)s”."
                ) % {"value": excerpt(topic_text),
                     "matches": "、".join(topic_path(t) for t in found),
                     "example": topic_path(found[0])}, "category", topic_text)
        values["category"] = topic

        # Dates
        for key in DATE_COLUMNS:
            value = raw.get(key)
            try:
                values[key] = parse_date(value)
            except _DateProblem as exc:
                values[key] = None
                text = _text(value)
                if exc.code == "date_impossible":
                    message = _("%(column)s: “%(value)s” is not a real date.")
                else:
                    message = _("%(column)s: “%(value)s” is not a date (write 2021-02-03, "
                                "2021/2/3 or 2021年2月3日).")
                problem(exc.code, message % {"column": context.column_name(key),
                                             "value": excerpt(text)},
                        key, text)
        if (values["written_date"] and values["published_date"]
                and values["written_date"] > values["published_date"]):
            problem("date_order", _(
                "The date written (%(written)s) is after the date published (%(published)s)."
            ) % {"written": values["written_date"].isoformat(),
                 "published": values["published_date"].isoformat()}, "written_date")
        if publish and not values["published_date"] and not any(
                p.column == "published_date" for p in row_problems):
            problem("published_date_required", _(
                "%(column)s is empty: items moved over from a legacy system keep their original "
                "publication date.") % {"column": context.column_name("published_date")},
                "published_date")

        # Validity
        validity_text = _text(raw.get("validity"))
        validity = Validity.VALID
        if validity_text:
            validity = validity_lookup.get(_key(validity_text))
            if validity is None:
                problem("validity_unknown", _(
                    "Unknown validity “%(value)s” (use 有效, 修改, 废止 or 失效).")
                    % {"value": excerpt(validity_text)}, "validity", validity_text)
                validity = Validity.VALID
        values["validity"] = validity.value
        if validity != Validity.VALID and not values["validity_changed_on"] and not any(
                p.column == "validity_changed_on" for p in row_problems):
            problem("validity_date_required", _(
                "Validity “%(value)s” needs the date it changed in the column %(column)s."
            ) % {"value": excerpt(validity_text),
                 "column": context.column_name("validity_changed_on")},
                "validity_changed_on")

        # Index number
        index_number = values["index_number"]
        if index_number:
            if not publish:
                problem("index_number_not_allowed", _(
                    "%(column)s “%(value)s”: legacy index numbers are kept only when moving "
                    "published items over (--publish). Drafts get their number when first "
                    "released; leave the column empty."
                ) % {"column": context.column_name("index_number"),
                     "value": excerpt(index_number)},
                    "index_number", index_number)
            else:
                folded = index_number.casefold()
                if folded in numbers_seen:
                    problem("index_number_duplicate", _(
                        "The index number %(value)s appears more than once in the file (also in "
                        "row %(other)d).") % {"value": excerpt(index_number),
                                              "other": numbers_seen[folded]},
                        "index_number", index_number)
                else:
                    numbers_seen[folded] = number
                    numbers_by_row[number] = index_number

        values["body"] = plain_or_rich_text(values["body"]) if not row_problems else ""
        if kind is not None and not row_problems:
            rows.append(ImportRow(row=number, kind=kind, values=values))
        problems.extend(row_problems)

    # Index numbers already issued or kept (in chunks: IN lists have limits)
    if numbers_by_row:
        issued = set()
        values_list = list(numbers_by_row.values())
        for start in range(0, len(values_list), 500):
            chunk = values_list[start:start + 500]
            issued.update(v.casefold() for v in
                          IndexNumber.objects.filter(value__in=chunk)
                          .values_list("value", flat=True))
            issued.update(v.casefold() for v in
                          DisclosurePage.objects.filter(index_number__in=chunk)
                          .values_list("index_number", flat=True))
        bad = set()
        for number, value in numbers_by_row.items():
            if value.casefold() in issued:
                bad.add(number)
                problems.append(Problem("index_number_exists", _(
                    "The index number %(value)s is already in use.") % {"value": excerpt(value)},
                    row=number, column="index_number", value=value))
        rows = [r for r in rows if r.row not in bad]

    context.rows = rows
    for kind in PAGE_KINDS.values():
        if kind.check is not None:
            kind_rows = [r for r in rows if r.kind is kind]
            if kind_rows:
                problems.extend(kind.check(kind_rows, context))
    bad_rows = {p.row for p in problems}
    rows = [r for r in rows if r.row not in bad_rows]
    context.rows = rows
    problems.sort(key=lambda p: (p.row or 0))
    return Validation(rows=rows, problems=problems, total=total, context=context)


# --------------------------------------------------------------------------------------------
# Permissions, the target catalogue


def can_import_published(user) -> bool:
    """Moving published items over is for administrators only."""
    if user is None or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=govinfo_settings.ADMIN_GROUP).exists()


def check_publish(user, reason: str) -> None:
    """Raise ``ValidationError`` or ``PermissionDenied`` unless a published import may run."""
    if not (reason or "").strip():
        raise ValidationError(_(
            "Importing published items (--publish) needs a reason (--reason \"…\"); it is "
            "recorded in every imported page's history."), code="reason_required")
    if user is None:
        raise ValidationError(_(
            "Importing published items (--publish) needs the administrator who does it "
            "(--user USERNAME)."), code="user_required")
    if not can_import_published(user):
        raise PermissionDenied(_(
            "Only administrators (superusers or members of the group “%(group)s”) may import "
            "published items.") % {"group": govinfo_settings.ADMIN_GROUP})


def find_user(username: str):
    User = get_user_model()
    try:
        return User.objects.get(**{User.USERNAME_FIELD: username})
    except User.DoesNotExist:
        raise ValidationError(_("There is no user “%(username)s”.") % {"username": username},
                              code="user_unknown") from None


def find_parent(spec: str | int | None = None) -> Page:
    """The catalogue to import into: a page id, a URL path (``/xxgk/`` below a site root, or
    Wagtail's full ``/home/xxgk/``), or, when not given, the only catalogue of the project."""
    from .models import CatalogueIndexPage

    if spec in (None, ""):
        catalogues = list(CatalogueIndexPage.objects.order_by("path")[:11])
        if len(catalogues) == 1:
            return catalogues[0]
        if not catalogues:
            raise ValidationError(_("There is no disclosure catalogue yet: create one first."),
                                  code="no_catalogue")
        raise ValidationError(_(
            "There are several catalogues: choose one with --catalogue (page id or path): "
            "%(choices)s") % {"choices": "、".join(f"{c.pk} {c.url_path}" for c in catalogues)},
            code="several_catalogues")
    text = str(spec).strip()
    page = None
    if text.isdigit():
        page = Page.objects.filter(pk=int(text)).first()
    else:
        path = "/" + text.strip("/") + "/" if text.strip("/") else "/"
        page = Page.objects.filter(url_path=path).first()
        if page is None:
            from wagtail.models import Site

            for site in Site.objects.select_related("root_page"):
                page = Page.objects.filter(url_path=site.root_page.url_path + path[1:]).first()
                if page is not None:
                    break
    if page is None:
        raise ValidationError(_("There is no page with the id or path “%(value)s”.")
                              % {"value": text}, code="catalogue_unknown")
    page = page.specific
    if not any(kind.get_model().can_exist_under(page) for kind in PAGE_KINDS.values()):
        raise ValidationError(_(
            "Items cannot be created under “%(title)s”: choose a disclosure catalogue page."
        ) % {"title": page.title}, code="catalogue_wrong_type")
    return page


# --------------------------------------------------------------------------------------------
# Creating pages


def _slug_base(title: str) -> str:
    allow_unicode = getattr(settings, "WAGTAIL_ALLOW_UNICODE_SLUGS", True)
    return slugify(title, allow_unicode=allow_unicode)[:50].strip("-_") or "item"


def import_rows(
    rows: list[ImportRow],
    *,
    parent: Page,
    user=None,
    publish: bool = False,
    reason: str = "",
    progress: Callable[[int, int], None] | None = None,
    context: ImportContext | None = None,
    override_reason: str = "",
) -> list[DisclosurePage]:
    """Create a page for every row under ``parent`` in one transaction: all or nothing.

    Without ``publish`` the pages are drafts (a first revision each) that go through review.
    With ``publish`` (administrators only, ``reason`` required) every page is released through
    the release service with the reason "migration from a legacy system" and ``reason`` as the
    note; a legacy index number given in the file is kept as it is.

    The release runs the automated checks: a row whose release they block (and that
    ``override_reason`` does not override) is not created at all and is listed in
    ``context.blocked`` (:class:`BlockedRow`); the other rows go on. ``override_reason``
    (with ``publish`` only) overrides every blocking finding, recorded and logged per page.

    Raises :class:`RowImportFailed` (with the row number) when a row's page cannot be created
    after all, e.g. because the data changed since :func:`validate`; nothing is written then.
    """
    override_reason = (override_reason or "").strip()
    if override_reason and not publish:
        raise ValidationError(_("Overriding the automated checks applies only to items released "
                                "at once (--publish)."), code="override_without_publish")
    if publish:
        check_publish(user, reason)
    reason = (reason or "").strip()
    context = context or ImportContext(parent=parent)
    context.parent, context.publish, context.user, context.reason = parent, publish, user, reason
    context.override_reason, context.blocked = override_reason, []
    context.rows = rows
    total = len(rows)
    pages: list[DisclosurePage] = []
    with transaction.atomic():
        # Locked, like treebeard's add_child does, while the children are appended.
        parent = Page.objects.select_for_update().get(pk=parent.pk).specific
        taken = {s.casefold() for s in parent.get_children().values_list("slug", flat=True)}
        tree = _ChildAppender(parent)
        created = []
        for done, row in enumerate(rows, start=1):
            saved = (tree.last_path, parent.numchild)
            try:
                with transaction.atomic():  # a savepoint: a blocked row leaves nothing behind
                    page = _create_page(row, context, parent=parent, tree=tree, taken=taken)
            except ReleaseBlocked as exc:
                tree.last_path, parent.numchild = saved
                context.blocked.append(BlockedRow(row.row, list(exc.findings)))
                page = None
            except (ValidationError, DatabaseError) as exc:
                raise RowImportFailed(row.row, exc) from exc
            if page is not None:
                pages.append(page)
                created.append(row)
            if progress is not None:
                progress(done, total)
        pairs = list(zip(created, pages, strict=True))
        for kind in PAGE_KINDS.values():
            if kind.finish is not None:
                kind_pairs = [(r, p) for r, p in pairs if r.kind is kind]
                if kind_pairs:
                    kind.finish(kind_pairs, context)
    return pages


def _create_page(row: ImportRow, context: ImportContext, *, parent: Page,
                 tree: _ChildAppender, taken: set[str]) -> DisclosurePage:
    user, publish = context.user, context.publish
    page = _build_page(row, context)
    base = _slug_base(page.title)
    slug, suffix = base, 1
    while slug.casefold() in taken:
        suffix += 1
        slug = f"{base}-{suffix}"
    taken.add(slug.casefold())
    page.slug = slug
    page.owner = user
    page.live = False
    page.locale_id = parent.locale_id
    if publish and row.values["index_number"]:
        # release() assigns a number only to a page that has none.
        page.index_number = row.values["index_number"]
    if row.kind.prepare is not None:
        row.kind.prepare(page, row, context)
    tree.add(page, user)
    if publish and row.values["index_number"]:
        register_legacy_index_number(page, row.values["index_number"])
    # As the admin's create view: the save logs "wagtail.create", the first revision (fully
    # cleaned, with the page type's own rules) "wagtail.edit".
    revision = page.save_revision(user=user, log_action=True)
    if publish:
        page = release(revision, reason=ReleaseReason.LEGACY_IMPORT, user=user,
                       note=context.reason, override_reason=context.override_reason)[0]
    return page


class RowImportFailed(Exception):
    """Creating the page of one row failed (e.g. the data changed since the check, or a
    concurrent writer): the whole import was rolled back."""

    def __init__(self, row: int, error: Exception):
        self.row = row
        self.error = error
        if isinstance(error, ValidationError):
            reasons = " ".join(error.messages)
        else:
            reasons = str(error) or error.__class__.__name__
        self.message = _("Row %(row)d: %(reasons)s") % {"row": row, "reasons": reasons}
        super().__init__(self.message)


class _ChildAppender:
    """``parent.add_child(instance=page)`` for many pages in a row, as treebeard does it, but
    with the last child's path kept in memory instead of queried for every page."""

    def __init__(self, parent: Page):
        self.parent = parent
        last = parent.get_children().order_by("-path").only("path").first()
        self.last_path = last.path if last is not None else None

    def add(self, page: Page, user=None) -> None:
        parent = self.parent
        page.depth = parent.depth + 1
        if self.last_path is None:
            page.path = Page._get_path(parent.path, page.depth, 1)
            if len(page.path) > Page._meta.get_field("path").max_length:
                from treebeard.exceptions import PathOverflow

                raise PathOverflow(page.path)
        else:
            page.path = Page(path=self.last_path)._inc_path()
        page.numchild = 0
        page._cached_parent_obj = parent
        page.save(user=user)  # minimal_clean for drafts: the title and a unique slug
        self.last_path = page.path
        # Kept right at every step, as treebeard does, for code that reads it meanwhile.
        Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + 1)
        parent.numchild += 1


def _build_page(row: ImportRow, context: ImportContext) -> DisclosurePage:
    model = row.kind.get_model()
    values = row.values
    return model(**{name: values[key] for key, name in row.kind.fields.items() if key in values})
