"""Import files built to exhaust a server, written as a stream (nothing is held in memory).

Used by tests/catalogue/test_import_limits.py (smaller sizes where the size does not matter)
and by benchmarks/hostile_imports.py (the full sizes of issue 12).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
    '<sheets><sheet name="目录" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
_SHEET_START = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>'
_SHEET_END = "</sheetData></worksheet>"

REPEATED = "密" * 100  # 100 characters, 300 bytes of UTF-8


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _write(archive: zipfile.ZipFile, name: str, text: str) -> None:
    archive.writestr(name, text.encode())


def _workbook(path: Path, sheet_parts, strings_parts=()) -> Path:
    """An .xlsx whose worksheet (and shared strings) are written from iterables of text."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _write(archive, "[Content_Types].xml", _CONTENT_TYPES)
        _write(archive, "_rels/.rels", _ROOT_RELS)
        _write(archive, "xl/workbook.xml", _WORKBOOK)
        _write(archive, "xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}">'.encode())
            for text in strings_parts:
                part.write(text.encode())
            part.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for text in sheet_parts:
                part.write(text.encode())
    return path


def huge_cell_xlsx(path: Path, megabytes: int = 400, *, shared: bool = True) -> Path:
    """A header row and one row whose 正文 is ``megabytes`` MB of repeated text (400 MB
    compresses to about 0.4 MB), as a shared string or as an inline string."""
    repeats = megabytes * 1024 * 1024 // len(REPEATED.encode())
    block = REPEATED * 1000

    def text():
        for _ in range(repeats // 1000):
            yield block
        yield REPEATED * (repeats % 1000)

    header = "<row r=\"1\">" + _inline("A1", "标题") + _inline("B1", "正文") + "</row>"
    if shared:
        strings = ["<si><t>", *text(), "</t></si>"]
        body = '<c r="B2" t="s"><v>0</v></c>'
        sheet = [_SHEET_START, header, '<row r="2">', _inline("A2", "标题"), body, "</row>",
                 _SHEET_END]
        return _workbook(path, sheet, strings)
    sheet = [_SHEET_START, header, '<row r="2">', _inline("A2", "标题"),
             '<c r="B2" t="inlineStr"><is><t>', *text(), "</t></is></c></row>", _SHEET_END]
    return _workbook(path, sheet)


def many_rows_bad_header_xlsx(path: Path, rows: int = 3_000_000, *,
                              damaged_after: int | None = None) -> Path:
    """A header row with an unknown column (发文机关) and ``rows`` data rows. With
    ``damaged_after``, the XML breaks off after that many rows: a reader that goes past the
    header into the rows reports a damaged file instead of the bad header."""

    def sheet():
        yield _SHEET_START
        yield '<row r="1">' + _inline("A1", "标题") + _inline("B1", "发文机关") + "</row>"
        # Rows without references, all alike: 3 million compress to about 1 MB.
        row = '<row><c t="inlineStr"><is><t>关于印发通知</t></is></c></row>'
        done = 0
        while done < rows:
            count = min(10_000, rows - done)
            if damaged_after is not None and done + count > damaged_after:
                yield row * (damaged_after - done)
                yield "<row r=<<<not xml"
                return
            yield row * count
            done += count
        yield _SHEET_END

    return _workbook(path, sheet())


def wide_csv(path: Path, columns: int = 100_000) -> Path:
    """A CSV whose header row has ``columns`` columns (标题 and then c2, c3 …), and one row."""
    header = ",".join(["标题", *(f"c{n}" for n in range(2, columns + 1))])
    row = ",".join(["一", *("x" for _ in range(2, columns + 1))])
    path.write_text(header + "\r\n" + row + "\r\n", encoding="utf-8")
    return path
