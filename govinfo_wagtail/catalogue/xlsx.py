"""Read the first worksheet of an .xlsx file as a stream, within fixed limits.

openpyxl, even in read-only mode, reads every shared string of a workbook whole when it opens
it and may parse a whole worksheet to find its size, so one compressed 400 MB cell or three
million rows cost minutes and gigabytes before the first row is seen. This reader parses the
parts with expat, a chunk at a time: shared strings, then the rows of the first worksheet as
they are needed, counting characters while a cell's text arrives, and stops with
:class:`XlsxLimit` as soon as a limit is passed. Workbook, relationships and styles are small
parts, read whole after a check of their size.

Values are what openpyxl gives with ``data_only=True`` (numbers, text, booleans, dates for
cells with a date format), except that a formula cell becomes a :class:`FormulaCell` carrying
the formula and its saved value (``None`` when the file was never calculated).
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

from defusedxml.ElementTree import fromstring
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

# Parts read whole (workbook, relationships, styles) may be at most this large uncompressed.
SMALL_PART_BYTES = 16 * 1024 * 1024
CHUNK_BYTES = 64 * 1024

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class XlsxError(Exception):
    """Not a workbook this reader understands (damaged, foreign zip, missing parts)."""


class XlsxLimit(Exception):
    """A limit was passed: ``code`` is ``cell_too_long``, ``too_many_columns``,
    ``too_many_rows`` or ``too_many_cells``; ``row``/``column`` are 1-based when known and
    ``excerpt`` holds the first characters of a cell that is too long."""

    def __init__(self, code: str, *, row: int | None = None, column: int | None = None,
                 excerpt: str = ""):
        super().__init__(code)
        self.code, self.row, self.column, self.excerpt = code, row, column, excerpt


@dataclass(frozen=True)
class FormulaCell:
    formula: str
    value: Any  # the saved value; None when there is none
    error: bool = False  # the saved value is an error (#REF!, #DIV/0! …)


@dataclass(frozen=True)
class Limits:
    rows: int
    columns: int
    cell_chars: int
    cells: int


def _local(name: str) -> str:
    """``c`` for ``c``, ``x:c`` (expat) and ``{namespace}c`` (ElementTree)."""
    return name.rpartition("}")[2].rpartition(":")[2]


def _no_doctype(*_args):
    raise XlsxError("a document type declaration in a workbook part")


def _parser() -> expat.XMLParserType:
    parser = expat.ParserCreate()
    # Workbook parts never declare a DTD: refusing one rules out entity expansion.
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.EntityDeclHandler = _no_doctype
    return parser


def _feed(parser, stream, on_chunk=None) -> Iterator[None]:
    """Feed ``stream`` to ``parser`` a chunk at a time, yielding after every chunk."""
    while True:
        try:
            chunk = stream.read(CHUNK_BYTES)
            parser.Parse(chunk, not chunk)
        except (expat.ExpatError, ValueError, KeyError, IndexError, EOFError, zlib.error,
                zipfile.BadZipFile) as exc:
            # Raised by expat, or by the handlers for a malformed value (r="x", v="abc").
            raise XlsxError(str(exc)) from exc
        yield
        if not chunk:
            return


class Workbook:
    """An open .xlsx archive: ``rows()`` yields ``(row number, values)`` of its first
    worksheet."""

    def __init__(self, archive: zipfile.ZipFile, limits: Limits):
        self.archive, self.limits = archive, limits
        try:
            names = {info.filename for info in archive.infolist()}
            rels = self._relationships("xl/workbook.xml")
            workbook = self._small("xl/workbook.xml")
            sheets = [e for e in workbook.iter() if _local(e.tag) == "sheet"]
            if not sheets:
                raise XlsxError("no worksheet")
            rid = next((v for k, v in sheets[0].attrib.items() if k.endswith("}id")), None)
            by_id = {r_id: target for r_id, _kind, target in rels}
            self.sheet_path = by_id.get(rid)
            if self.sheet_path not in names:
                raise XlsxError("the first worksheet is missing")
            pr = next((e for e in workbook.iter() if _local(e.tag) == "workbookPr"), None)
            date1904 = pr is not None and pr.get("date1904") in ("1", "true")
            self.epoch = MAC_EPOCH if date1904 else WINDOWS_EPOCH
            by_kind = {}
            for _rid, kind, target in rels:
                by_kind.setdefault(kind, target)
            styles = by_kind.get("styles")
            self.date_styles, self.timedelta_styles = (
                self._styles(styles) if styles in names else (set(), set()))
            strings = by_kind.get("sharedStrings")
            self.strings = self._shared_strings(strings) if strings in names else []
        except (KeyError, ValueError, SyntaxError) as exc:  # ParseError is a SyntaxError
            raise XlsxError(str(exc)) from exc

    # Small parts --------------------------------------------------------------------------

    def _small(self, path: str):
        info = self.archive.getinfo(path)
        if info.file_size > SMALL_PART_BYTES:
            raise XlsxError(f"{path} is too large")
        return fromstring(self.archive.read(info))

    def _relationships(self, part: str) -> list[tuple[str, str, str]]:
        """(id, type such as "worksheet" or "sharedStrings", part path) of ``part``'s
        relationships."""
        folder, name = posixpath.split(part)
        rels_path = posixpath.join(folder, "_rels", name + ".rels")
        found = []
        for rel in self._small(rels_path).iter():
            if _local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            target = (target.lstrip("/") if target.startswith("/")
                      else posixpath.normpath(posixpath.join(folder, target)))
            found.append((rel.get("Id"), rel.get("Type", "").rsplit("/", 1)[-1], target))
        return found

    def _styles(self, path: str) -> tuple[set[int], set[int]]:
        """Indexes of the cell formats that show dates (and durations)."""
        root = self._small(path)
        custom = {}
        for element in root.iter():
            if _local(element.tag) == "numFmt":
                custom[int(element.get("numFmtId", "-1"))] = element.get("formatCode")
        dates, timedeltas = set(), set()
        xfs = next((e for e in root if _local(e.tag) == "cellXfs"), None)
        for index, xf in enumerate(xfs if xfs is not None else ()):
            number_format = int(xf.get("numFmtId", "0"))
            code = custom.get(number_format) or BUILTIN_FORMATS.get(number_format)
            if is_date_format(code):
                dates.add(index)
            if is_timedelta_format(code):
                timedeltas.add(index)
        return dates, timedeltas

    # Shared strings -------------------------------------------------------------------------

    def _shared_strings(self, path: str) -> list[str]:
        """Every shared string, refused as soon as one passes the cell limit (while its text
        arrives) or there are more than the cell limit allows."""
        limits = self.limits
        strings: list[str] = []
        state = {"parts": None, "size": 0, "depth_rph": 0}
        parser = _parser()

        def start(name, _attrs):
            local = _local(name)
            if local == "si":
                state["parts"], state["size"] = [], 0
            elif local == "rPh":  # phonetic guide (furigana): not part of the text
                state["depth_rph"] += 1
            elif local == "t" and state["parts"] is not None and not state["depth_rph"]:
                state["in_t"] = True

        def end(name):
            local = _local(name)
            if local == "si":
                strings.append("".join(state["parts"]))
                state["parts"] = None
                if len(strings) > limits.cells:
                    raise XlsxLimit("too_many_cells")
            elif local == "rPh":
                state["depth_rph"] -= 1
            elif local == "t":
                state["in_t"] = False

        def text(data):
            if state.get("in_t"):
                state["size"] += len(data)
                parts = state["parts"]
                if state["size"] > limits.cell_chars:
                    raise XlsxLimit("cell_too_long", excerpt="".join(parts)[:60] + data[:60])
                parts.append(data)

        parser.StartElementHandler, parser.EndElementHandler = start, end
        parser.CharacterDataHandler = text
        with self.archive.open(path) as stream:
            for _ in _feed(parser, stream):
                pass
        return strings

    # The first worksheet --------------------------------------------------------------------

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """``(row number, values)`` for every ``<row>`` of the first worksheet, parsed only as
        far as the caller reads."""
        limits = self.limits
        ready: list[tuple[int, list[Any]]] = []
        row: dict[str, Any] = {"number": 0, "cells": {}}
        cell: dict[str, Any] = {}
        shared_formulas: dict[str, tuple[str, str]] = {}
        counts = {"rows": 0, "cells": 0}
        parser = _parser()

        def start(name, attrs):
            local = _local(name)
            if local == "row":
                counts["rows"] += 1
                if counts["rows"] > limits.rows + 1:  # the header row and the data rows
                    raise XlsxLimit("too_many_rows")
                number = attrs.get("r")
                row["number"] = int(float(number)) if number else row["number"] + 1
                row["cells"], row["column"] = {}, 0
            elif local == "c":
                ref = attrs.get("r")
                if ref:
                    letters = ref.rstrip("0123456789")
                    column = column_index_from_string(letters) if letters else row["column"] + 1
                else:
                    column = row["column"] + 1
                row["column"] = column
                if column > limits.columns:
                    raise XlsxLimit("too_many_columns", row=row["number"], column=column)
                cell.clear()
                cell.update(ref=ref, column=column, type=attrs.get("t", "n"), size=0,
                            style=int(attrs.get("s", "0") or 0), v=None, f=None, inline=None)
            elif local in ("v", "f") and cell:
                cell["capture"], cell["parts"] = local, []
                if local == "f":
                    cell["f_type"], cell["f_si"] = attrs.get("t"), attrs.get("si")
            elif local == "is" and cell:
                cell["inline"] = []
            elif local == "rPh" and cell:
                cell["rph"] = True
            elif local == "t" and cell and cell.get("inline") is not None and not cell.get("rph"):
                cell["capture"], cell["parts"] = "t", []

        def text(data):
            if cell.get("capture"):
                cell["size"] += len(data)
                if cell["size"] > limits.cell_chars:
                    raise XlsxLimit("cell_too_long", row=row["number"], column=cell["column"],
                                    excerpt="".join(cell["parts"])[:60] + data[:60])
                cell["parts"].append(data)

        def end(name):
            local = _local(name)
            if local in ("v", "f", "t") and cell.get("capture") == local:
                value = "".join(cell["parts"])
                if local == "t":
                    cell["inline"].append(value)
                else:
                    cell[local] = value
                cell["capture"] = None
            elif local == "rPh" and cell:
                cell["rph"] = False
            elif local == "c" and cell:
                value = self._value(cell, shared_formulas)
                if value is not None and value != "":
                    counts["cells"] += 1
                    if counts["cells"] > limits.cells:
                        raise XlsxLimit("too_many_cells")
                    row["cells"][cell["column"]] = value
                cell.clear()
            elif local == "row":
                cells = row["cells"]
                values = [None] * (max(cells) if cells else 0)
                for column, value in cells.items():
                    values[column - 1] = value
                ready.append((row["number"], values))

        parser.StartElementHandler, parser.EndElementHandler = start, end
        parser.CharacterDataHandler = text
        with self.archive.open(self.sheet_path) as stream:
            for _ in _feed(parser, stream):
                while ready:
                    yield ready.pop(0)

    def _value(self, cell: dict[str, Any], shared_formulas: dict[str, tuple[str, str]]) -> Any:
        kind, raw = cell["type"], cell["v"]
        if raw == "":
            raw = None
        if kind == "inlineStr":
            value = "".join(cell["inline"] or ()) or None
        elif raw is None:
            value = None
        elif kind == "s":
            try:
                value = self.strings[int(raw)]
            except (ValueError, IndexError) as exc:
                raise XlsxError(f"no shared string {raw}") from exc
        elif kind == "b":
            value = raw.strip() in ("1", "true")
        elif kind in ("str", "e"):
            value = raw
        elif kind == "d":
            value = from_ISO8601(raw)
        else:
            value = float(raw) if any(c in raw for c in ".eE") else int(raw)
            if cell["style"] in self.date_styles:
                try:
                    value = from_excel(value, self.epoch,
                                       timedelta=cell["style"] in self.timedelta_styles)
                except (OverflowError, ValueError):
                    value = "#VALUE!"
        if cell["f"] is None:
            return value
        formula = cell["f"]
        if cell.get("f_type") == "shared" and cell.get("f_si") is not None:
            if formula:
                shared_formulas[cell["f_si"]] = (formula, cell["ref"] or "")
            elif cell["f_si"] in shared_formulas:
                formula = _translate(*shared_formulas[cell["f_si"]], cell["ref"])
        return FormulaCell(formula="=" + formula, value=value, error=kind == "e")


def _translate(formula: str, origin: str, target: str | None) -> str:
    from openpyxl.formula.translate import Translator

    try:
        return Translator("=" + formula, origin).translate_formula(target)[1:]
    except Exception:  # only used to name the formula in a message
        return formula


def open_workbook(archive: zipfile.ZipFile, limits: Limits) -> Workbook:
    return Workbook(archive, limits)
