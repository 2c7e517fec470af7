"""The columns of the import format: their headers, and the parsing of one cell.

Each column knows its Chinese label (part of the file format, so not translated), its English
key and aliases. The rules a value must follow once parsed are the page model's own
(``full_clean``, see :mod:`.validation`); what is here turns text into values: dates in the
common Chinese forms, validity labels, agencies and topics by name, rich text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail.models import Page

from ...core.models import Agency, DisclosureSettings, Topic, Validity
from .problems import ImportFileError, Problem, cell_text, excerpt

_text = cell_text


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
    Column("legacy_id", "旧系统编号", ("legacy_key", "原编号", "原系统编号")),
    Column("legacy_url", "原网址", ("old_url", "原链接", "旧网址")),
    Column("attachments", "附件", ("attachment",)),
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



def _header_key(text: str) -> str:
    text = str(text).replace("\ufeff", "").strip().rstrip("*＊").strip()
    text = re.sub(r"[\s\-]+", "_", text) if text.isascii() else re.sub(r"\s+", "", text)
    return text.lower()


_HEADER_LOOKUP = {
    _header_key(name): column
    for column in COLUMNS
    for name in (column.key, column.label, *column.aliases)
}



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


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})"
               r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"
               r"(?:\s*\d{1,2}\s*[:时]\s*\d{2}.*)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


class DateProblem(Exception):
    def __init__(self, code):
        self.code = code


def parse_date(value: Any) -> date | None:
    """A date from an Excel date cell or from 2021-02-03, 2021/2/3, 2021.2.3, 2021年2月3日
    or 20210203. Raises ``DateProblem("date_format" | "date_impossible")``."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    # Full-width digits and punctuation (２０２１／２／３) as their ASCII forms.
    text = unicodedata.normalize("NFKC", _text(value))
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise DateProblem("date_impossible") from None
    raise DateProblem("date_format")


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


def validity_lookup() -> dict[str, Validity]:
    """Validity by code, index-box label, translated label or common alias."""
    lookup = {}
    for choice in Validity:
        for name in (choice.value, VALIDITY_LABELS[choice], str(choice.label)):
            lookup[_key(name)] = choice
    for name, choice in _VALIDITY_ALIASES.items():
        lookup[_key(name)] = choice
    return lookup


_LIST_SEPARATORS = re.compile(r"[;；\n|]+")


def split_list(text: str) -> list[str]:
    """Several values in one cell (attachments): separated by ; ； | or new lines."""
    return [part.strip() for part in _LIST_SEPARATORS.split(text or "") if part.strip()]
