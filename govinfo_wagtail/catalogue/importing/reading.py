"""Reading import files: the first worksheet of an .xlsx file, CSV (UTF-8 with or without
BOM, GBK/GB18030, UTF-16) and JSON lines, as a header row and an iterator of data rows, read
no further than the validation goes and never past the limits (``GOVINFO_IMPORT_MAX_*``).

A file is read from bytes or from a path; a path is read as a stream, so that memory does
not grow with the file's size (the .xlsx reader parses one part at a time, see
:mod:`..xlsx`).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

from ...conf import govinfo_settings
from ..xlsx import Limits
from .problems import BadCell, ImportFileError, Problem, excerpt

Source = bytes | os.PathLike | str


@dataclass
class Table:
    """The header row, and the data rows as an iterator: a file is read only as far as the
    validation goes (a bad header stops it), and never past the limits."""

    headers: list[Any]
    rows: Iterable[tuple[int, list[Any]]]  # (row number as the user sees it, cells)
    format: str
    encoding: str | None = None


def _open(source: Source) -> IO[bytes]:
    if isinstance(source, bytes | bytearray | memoryview):
        return io.BytesIO(source)
    return open(source, "rb")  # noqa: SIM115 - closed with the table's rows


def _head(source: Source, size: int = 8) -> bytes:
    with _open(source) as fh:
        return fh.read(size)


EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                "#GETTING_DATA", "#SPILL!", "#CALC!"}

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


def read_table(data: Source, filename: str, *, encoding: str | None = None,
               limits: Limits | None = None) -> Table:
    """Read the first worksheet of an .xlsx file, a CSV file (UTF-8, with or without BOM,
    GBK/GB18030 or UTF-16) or a JSON lines file (``.jsonl``) into a :class:`Table`, within
    ``limits`` (default: the ``GOVINFO_IMPORT_MAX_*`` settings). ``data`` is the file's bytes
    or its path (read as a stream). A limit passed in the data rows raises
    :class:`ImportFileError` while the rows are read (in :func:`validate`)."""
    limits = limits or import_limits()
    name = filename.rsplit("/", 1)[-1]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    head = _head(data)
    if not head:
        raise ImportFileError(Problem("empty_file", _("The file “%(name)s” is empty (0 bytes).")
                                      % {"name": excerpt(name)}))
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(Problem("xls_format", _(
            "“%(name)s” is an old-format Excel file (.xls) or an encrypted workbook: save it as "
            "an Excel workbook (.xlsx) without a password, or as CSV, and try again."
        ) % {"name": excerpt(name)}))
    if ext in ("xlsx", "xlsm") or (ext not in ("csv", "txt", "jsonl", "ndjson")
                                   and head[:4] == b"PK\x03\x04"):
        return _table(_read_xlsx(data, excerpt(name), limits), "xlsx", limits)
    if ext in ("jsonl", "ndjson"):
        used = _detect_encoding(data, excerpt(name), encoding or "utf-8")
        return _json_table(data, excerpt(name), used, limits)
    if ext in ("csv", "txt"):
        used = _detect_encoding(data, excerpt(name), encoding)
        return _table(_read_csv(data, excerpt(name), used, limits), "csv", limits, used)
    raise ImportFileError(Problem("unsupported_format", _(
        "“%(name)s” is not a supported file: use an Excel workbook (.xlsx), a CSV file (.csv) or "
        "JSON lines (.jsonl)."
    ) % {"name": excerpt(name)}))


def _not_xlsx(name: str) -> ImportFileError:
    return ImportFileError(Problem("not_xlsx", _(
        "“%(name)s” is not a valid Excel workbook (.xlsx): it may be another kind of file "
        "renamed to .xlsx, or damaged."
    ) % {"name": name}))


def _read_xlsx(data: Source, name: str, limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    """Rows of the first worksheet, parsed as they are read (see :mod:`..xlsx`)."""
    from .. import xlsx

    if _head(data, 4) != b"PK\x03\x04":
        raise _not_xlsx(name)
    try:
        archive = zipfile.ZipFile(_open(data))
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


def _read_csv(data: Source, name: str, used: str,
              limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    """Records of a CSV file, read from a text stream a line at a time; a line longer than
    ``limits`` allow is refused before it is read whole."""
    # A whole row of the widest cells, with quotes and separators.
    max_line = limits.columns * (limits.cell_chars + 3)
    if csv.field_size_limit() < limits.cell_chars + 1:
        csv.field_size_limit(limits.cell_chars + 1)  # process-wide; the default is 131,072
    stream = io.TextIOWrapper(_open(data), encoding=used, newline="")
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


def _detect_encoding(data: Source, name: str, encoding: str | None) -> str:
    """The encoding the whole file decodes in, checked a megabyte at a time (nothing is
    kept), and that it holds no NUL character (a binary file)."""
    head = _head(data, 4)
    if encoding:
        candidates = [encoding]
    elif head.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
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
            with _open(data) as fh:
                while chunk := fh.read(1 << 20):
                    if "\x00" in decoder.decode(chunk):
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




def _json_table(data: Source, name: str, used: str, limits: Limits) -> Table:
    """JSON lines: one object per line whose keys are column keys or labels, the same keys on
    every line (the first line's keys are the header; a key may be left out); a list value
    (several attachments) is joined with "；"."""
    max_line = limits.columns * (limits.cell_chars + 8)
    stream = io.TextIOWrapper(_open(data), encoding=used)

    def bad_line(number: int, reason: str) -> ImportFileError:
        return ImportFileError(Problem("jsonl_line", _(
            "“%(name)s”, line %(line)d: %(reason)s") % {
            "name": name, "line": number, "reason": reason}))

    def objects() -> Iterator[tuple[int, dict]]:
        number = 0
        while True:
            line = stream.readline(max_line)
            if not line:
                return
            number += 1
            if len(line) >= max_line and not line.endswith("\n"):
                raise ImportFileError(limit_problem("too_many_columns", limits, row=number))
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError as exc:
                raise bad_line(number, _("not valid JSON (%(error)s).") % {
                    "error": exc}) from None
            if not isinstance(value, dict):
                raise bad_line(number, _("each line must be one JSON object."))
            yield number, value

    def cell(number: int, value: Any) -> Any:
        if isinstance(value, list):
            if not all(isinstance(v, str | int | float) for v in value):
                raise bad_line(number, _("a list may hold only texts and numbers."))
            return "；".join(str(v) for v in value)
        if isinstance(value, dict):
            raise bad_line(number, _("a value may not be an object."))
        return value

    found = objects()
    for number, first in found:
        headers = list(first)
        position = {key: index for index, key in enumerate(headers)}

        def rows(first=first, number=number, headers=headers, position=position):
            yield number, [cell(number, first[k]) for k in headers]
            for line_number, obj in found:
                unknown = [k for k in obj if k not in position]
                if unknown:
                    raise bad_line(line_number, _(
                        "the key “%(key)s” is not on the first line; every line uses the "
                        "keys of the first line.") % {"key": excerpt(unknown[0])})
                cells: list[Any] = [None] * len(headers)
                for key, value in obj.items():
                    cells[position[key]] = cell(line_number, value)
                yield line_number, cells

        table_rows = _bounded(rows(), limits)
        return Table(headers=headers, rows=(r for r in table_rows if not _is_blank(r[1])),
                     format="jsonl", encoding=used)
    raise ImportFileError(Problem("no_header", _("The file has no header row.")))
