"""Text and metadata of attached files (PDF, DOCX, XLSX, TXT/CSV) for the checks.

``extract`` never raises: a file it cannot read completely comes back with ``error`` set,
and the caller reports it as "not checked" (checks fail closed). Untrusted uploads: sizes are
capped before parsing, zip members are checked for bombs, XML is parsed with defusedxml.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any

from defusedxml import ElementTree as SafeET

__all__ = ["DEFAULT_LIMITS", "Extracted", "Limits", "extract"]

# Error codes (Extracted.error); each becomes the code of a "not_checked" finding.
UNSUPPORTED = "unsupported_type"
ENCRYPTED = "encrypted"
CORRUPT = "corrupt"
TOO_LARGE = "too_large"
NO_TEXT = "no_text_layer"
EMBEDDED = "embedded_files"


@dataclass(frozen=True, slots=True)
class Limits:
    file_bytes: int = 50 * 1024 * 1024
    unzipped_bytes: int = 200 * 1024 * 1024  # all members of a DOCX/XLSX together
    zip_ratio: int = 200  # uncompressed / compressed, for members over 1 MB
    text_chars: int = 5_000_000
    pdf_pages: int = 2_000
    xlsx_cells: int = 2_000_000


DEFAULT_LIMITS = Limits()


@dataclass(slots=True)
class Extracted:
    # (part, text): part "" is the main text; "page:3", "header", "footer", "sheet:表1" …
    text_parts: list[tuple[str, str]] = field(default_factory=list)
    # "author", "last_modified_by", "keywords", "comment:2", "tracked_deletion:1" …
    metadata: dict[str, str] = field(default_factory=dict)
    error: str | None = None  # one of the codes above; parts read so far are still kept
    detail: str = ""  # technical detail for the reviewer (exception text, page numbers)
    hidden_content: bool = False  # comments, annotations or tracked changes left in the file


class _Stop(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code, detail)
        self.code, self.detail = code, detail


class _Collector:
    def __init__(self, result: Extracted, limits: Limits) -> None:
        self.result, self.limits, self.chars = result, limits, 0

    def add(self, part: str, text: str) -> None:
        text = text.strip()
        if not text:
            return
        self.chars += len(text)
        if self.chars > self.limits.text_chars:
            raise _Stop(TOO_LARGE, f"more than {self.limits.text_chars:,} characters of text")
        self.result.text_parts.append((part, text))

    def meta(self, key: str, value: Any) -> None:
        if value is None:
            return
        text = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        text = text.strip()
        if text:
            self.chars += len(text)
            if self.chars > self.limits.text_chars:
                raise _Stop(TOO_LARGE, f"more than {self.limits.text_chars:,} characters")
            self.result.metadata[key] = text


def extract(
    file_obj: IO[bytes] | bytes, filename: str, limits: Limits = DEFAULT_LIMITS
) -> Extracted:
    result = Extracted()
    try:
        data = _read(file_obj, limits)
        ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        handler = _HANDLERS.get(ext)
        if handler is None:
            raise _Stop(UNSUPPORTED, f".{ext}" if ext else filename)
        handler(data, _Collector(result, limits))
    except _Stop as stop:
        result.error, result.detail = stop.code, stop.detail
    except Exception as exc:  # parsers raise anything on hostile input; fail closed
        result.error, result.detail = CORRUPT, f"{type(exc).__name__}: {exc}"[:300]
    return result


def _read(file_obj: IO[bytes] | bytes, limits: Limits) -> bytes:
    if isinstance(file_obj, bytes | bytearray | memoryview):
        data = bytes(file_obj)
    else:
        if hasattr(file_obj, "seek"):
            file_obj.seek(0)
        data = file_obj.read(limits.file_bytes + 1)
    if len(data) > limits.file_bytes:
        raise _Stop(TOO_LARGE, f"larger than {limits.file_bytes // (1024 * 1024)} MB")
    if not data:
        raise _Stop(CORRUPT, "empty file")
    return data


# --- PDF ---------------------------------------------------------------------------------


def _pdf(data: bytes, out: _Collector) -> None:
    from pypdf import PasswordType, PdfReader
    from pypdf.generic import IndirectObject

    if b"%PDF-" not in data[:1024]:
        raise _Stop(CORRUPT, "not a PDF file")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pypdf warns about every small defect it repairs
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # many PDFs only carry an owner password
            except Exception as exc:
                raise _Stop(ENCRYPTED, str(exc)[:200]) from exc
            if opened == PasswordType.NOT_DECRYPTED:
                raise _Stop(ENCRYPTED, "password required")
        if len(reader.pages) > out.limits.pdf_pages:
            raise _Stop(TOO_LARGE, f"more than {out.limits.pdf_pages} pages")
        info = reader.metadata
        if info is not None:
            for key, name in (
                ("author", "/Author"),
                ("title", "/Title"),
                ("subject", "/Subject"),
                ("keywords", "/Keywords"),
            ):
                out.meta(key, info.get(name))
        try:
            xmp = reader.xmp_metadata
        except Exception:
            xmp = None
        if xmp is not None:
            out.meta("xmp:creator", xmp.dc_creator)
            out.meta("xmp:description", " ".join((xmp.dc_description or {}).values()))
            out.meta("xmp:keywords", xmp.pdf_keywords)
        blank_pages = []
        for number, page in enumerate(reader.pages, start=1):
            text = page.extract_text() or ""
            out.add(f"page:{number}", text)
            if not text.strip() and _has_images(page):
                blank_pages.append(number)
            for n, annot in enumerate(page.get("/Annots") or [], start=1):
                annot = annot.get_object() if isinstance(annot, IndirectObject) else annot
                if not hasattr(annot, "get") or annot.get("/Subtype") in ("/Link", "/Widget"):
                    continue
                key = f"annotation:p{number}:{n}"
                for suffix, name in (("", "/Contents"), (":author", "/T"), (":subject", "/Subj")):
                    if annot.get(name):
                        out.result.hidden_content = True
                        out.meta(key + suffix, annot.get(name))
        for name, value in (reader.get_form_text_fields() or {}).items():
            out.meta(f"form:{name}", value)
        if reader.attachments:
            raise _Stop(EMBEDDED, ", ".join(sorted(reader.attachments))[:200])
        if blank_pages:
            raise _Stop(NO_TEXT, ", ".join(map(str, blank_pages[:20])))


def _has_images(page: Any) -> bool:
    try:
        xobjects = page["/Resources"].get_object().get("/XObject") or {}
        xobjects = xobjects.get_object()
        return any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.values())
    except Exception:
        return False


# --- Office Open XML ---------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls, and encrypted OOXML


def _open_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    if data.startswith(_OLE_MAGIC):
        # Password-protected DOCX/XLSX are OLE containers holding an EncryptedPackage.
        raise _Stop(
            ENCRYPTED if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00" in data else CORRUPT,
            "encrypted or legacy binary file",
        )
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise _Stop(CORRUPT, str(exc)) from exc
    total = 0
    for info in zf.infolist():
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > limits.zip_ratio * max(
            info.compress_size, 1
        ):
            raise _Stop(TOO_LARGE, f"{info.filename} expands {info.file_size:,} bytes (zip bomb?)")
    if total > limits.unzipped_bytes:
        raise _Stop(TOO_LARGE, f"expands to {total:,} bytes")
    return zf  # zipfile stops reading a member at its declared size, so the check holds


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
_CORE = {
    _DC + "creator": "author",
    _CP + "lastModifiedBy": "last_modified_by",
    _DC + "title": "title",
    _DC + "subject": "subject",
    _DC + "description": "description",
    _CP + "keywords": "keywords",
    _CP + "category": "category",
}


def _xml(zf: zipfile.ZipFile, name: str) -> Any:
    return SafeET.fromstring(zf.read(name))


def _word_text(root: Any) -> str:
    # Document order; deleted text is w:delText and field codes w:instrText, so both stay out.
    parts: list[str] = []
    for el in root.iter():
        tag = el.tag
        if tag == _W + "p":
            parts.append("\n")
        elif tag == _W + "t":
            parts.append(el.text or "")
        elif tag == _W + "tab":
            parts.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            parts.append("\n")
    return "".join(parts)


def _office_properties(zf: zipfile.ZipFile, names: set[str], out: _Collector) -> None:
    if "docProps/core.xml" in names:
        for el in _xml(zf, "docProps/core.xml"):
            if el.tag in _CORE:
                out.meta(_CORE[el.tag], el.text)
    if "docProps/app.xml" in names:
        for el in _xml(zf, "docProps/app.xml"):
            local = el.tag.rsplit("}", 1)[-1]
            if local in ("Company", "Manager"):
                out.meta(local.lower(), el.text)
    if "docProps/custom.xml" in names:
        for prop in _xml(zf, "docProps/custom.xml"):
            out.meta(f"custom:{prop.get('name', '')}", "".join(prop.itertext()))


def _docx(data: bytes, out: _Collector) -> None:
    zf = _open_zip(data, out.limits)
    names = set(zf.namelist())
    if "word/document.xml" not in names:
        raise _Stop(CORRUPT, "no word/document.xml")
    stories = ["word/document.xml"]
    stories += sorted(n for n in names if n.startswith(("word/header", "word/footer")))
    stories += [n for n in ("word/footnotes.xml", "word/endnotes.xml") if n in names]
    deletions = 0
    revision_authors: set[str] = set()
    for name in stories:
        root = _xml(zf, name)
        part = name.removeprefix("word/").removesuffix(".xml").rstrip("0123456789")
        out.add("" if part == "document" else part, _word_text(root))
        # Tracked changes: deleted text is invisible in Word but still in the file.
        for tag in ("ins", "del", "moveFrom", "moveTo"):
            for change in root.iter(_W + tag):
                out.result.hidden_content = True
                if change.get(_W + "author"):
                    revision_authors.add(change.get(_W + "author"))
                if tag == "del":
                    deleted = "".join(t.text or "" for t in change.iter(_W + "delText"))
                    if deleted.strip():
                        deletions += 1
                        out.meta(f"tracked_deletion:{deletions}", deleted)
    out.meta("revision_authors", sorted(revision_authors))
    if "word/comments.xml" in names:
        for n, comment in enumerate(_xml(zf, "word/comments.xml").iter(_W + "comment"), 1):
            out.result.hidden_content = True
            out.meta(f"comment:{n}", _word_text(comment))
            out.meta(f"comment:{n}:author", comment.get(_W + "author"))
    _office_properties(zf, names, out)


def _xlsx(data: bytes, out: _Collector) -> None:
    from openpyxl import load_workbook

    zf = _open_zip(data, out.limits)  # size checks before openpyxl inflates anything
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions
        # Not read_only: comments and header/footer are only loaded in the normal mode.
        wb = load_workbook(io.BytesIO(data), data_only=True, keep_links=False)
    props = wb.properties
    for key, value in (
        ("author", props.creator),
        ("last_modified_by", props.lastModifiedBy),
        ("title", props.title),
        ("subject", props.subject),
        ("keywords", props.keywords),
        ("description", props.description),
        ("category", props.category),
    ):
        out.meta(key, value)
    cells = 0
    for ws in wb.worksheets:
        cells += (ws.max_row or 0) * (ws.max_column or 0)
        if cells > out.limits.xlsx_cells:
            raise _Stop(TOO_LARGE, f"more than {out.limits.xlsx_cells:,} cells")
        # One cell per line: a marking such as 秘密 alone in a cell reads as a line of its own.
        lines = []
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None and str(cell.value).strip():
                    lines.append(str(cell.value))
                if cell.comment is not None:
                    out.result.hidden_content = True
                    out.meta(f"comment:{ws.title}!{cell.coordinate}", cell.comment.text)
                    out.meta(f"comment:{ws.title}!{cell.coordinate}:author", cell.comment.author)
        out.add(f"sheet:{ws.title}", "\n".join(lines))
        margins = []
        for hf in (
            ws.oddHeader,
            ws.evenHeader,
            ws.firstHeader,
            ws.oddFooter,
            ws.evenFooter,
            ws.firstFooter,
        ):
            margins += [s.text for s in (hf.left, hf.center, hf.right) if s.text]
        out.add(f"sheet:{ws.title}:header", "\n".join(margins))
    _office_properties(zf, set(zf.namelist()), out)


def _plain(data: bytes, out: _Collector) -> None:
    for encoding in ("utf-8-sig", "gb18030"):  # GB 18030 decodes GBK/GB 2312 files too
        try:
            out.add("", data.decode(encoding))
            return
        except UnicodeDecodeError:
            continue
    raise _Stop(CORRUPT, "unknown text encoding")


_HANDLERS = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "txt": _plain, "csv": _plain}
