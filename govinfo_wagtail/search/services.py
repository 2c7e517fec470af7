"""Building the public index rows (``SearchDocument``) and querying them per database vendor.

The public query goes straight to the vendor's full-text index and ranks there (bm25 on
SQLite FTS5, ts_rank or RUM's ``<=>`` on PostgreSQL, MATCH relevance on MariaDB/MySQL), with
facet filters on plain columns of the same table: bounded work, one table, no per-row
subqueries (stock Wagtail's database backend is > 2,000x slower at 100,000 items).
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field

from django.db import DatabaseError, connection
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from . import analysis
from .models import AttachmentText, SearchDocument

SNIPPET_SOURCE_LIMIT = 50_000  # characters of plain text kept for snippets
SNIPPET_LENGTH = 160
SNIPPET_SCAN_LIMIT = 5_000  # characters searched for a match to show
MAX_PAGE_SIZE = 50
SORTS = ("relevance", "date")
FACETS = ("agency", "topic", "year", "kind", "validity")


class SearchUnavailable(Exception):
    """The search index cannot be queried right now (the view answers 503)."""


# --- building documents ---------------------------------------------------------------------


def _attachment_texts(page) -> list[str]:
    texts = []
    for block in page.attachments or []:
        document = block.value.get("document") if hasattr(block.value, "get") else None
        if document is None:
            continue
        texts.append(attachment_text(document))
    return texts


def attachment_text(document) -> str:
    """The document's extracted text, extracted once per file content (background task)."""
    from ..review.checks.attachments import extract

    cached = AttachmentText.objects.filter(document=document).first()
    if cached is not None and cached.file_hash == document.file_hash:
        return cached.text
    try:
        with document.file.open("rb") as f:
            result = extract(f, document.file.name)
        text, error = "\n".join(t for _, t in result.text_parts), result.error or ""
    except OSError as exc:  # file missing from storage
        text, error = "", f"missing: {type(exc).__name__}"[:50]
    AttachmentText.objects.update_or_create(
        document=document,
        defaults={"file_hash": document.file_hash, "text": text, "error": error[:50]},
    )
    return text


def attachment_texts_cached(page) -> list[str]:
    """Extracted attachment texts already stored (never extracts: safe in a request)."""
    ids = [
        block.value["document"].pk for block in page.attachments or []
        if hasattr(block.value, "get") and block.value.get("document") is not None
    ]
    if not ids:
        return []
    return list(AttachmentText.objects.filter(document_id__in=ids).values_list("text", flat=True))


def backend_text(analysed: str) -> str:
    """``search_text`` for Wagtail's backends: encoded on MariaDB/MySQL like the query."""
    if connection.vendor == "mysql":
        return analysis.mysql_index_text(analysed, _innodb_min_token_size())
    return analysed


def html_to_text(value: str) -> str:
    return html.unescape(strip_tags(re.sub(r"<(?:/p|br\s*/?|/h\d|/li|/tr)>", "\n", value or "")))


def _innodb_min_token_size() -> int:
    cached = getattr(connection, "_govinfo_ft_min", None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT @@innodb_ft_min_token_size")
            cached = int(cursor.fetchone()[0])
        connection._govinfo_ft_min = cached
    return cached


def build_document(page) -> SearchDocument:
    from django.contrib.contenttypes.models import ContentType

    attachments = _attachment_texts(page)
    analysed = analysis.index_text(*page.search_parts(), *attachments, unique=False)
    plain = "\n".join(
        p for p in [page.summary, html_to_text(page.body), *attachments] if p
    )[:SNIPPET_SOURCE_LIMIT]
    published = page.published_date
    return SearchDocument(
        page_id=page.pk,
        text=backend_text(analysed),
        plain=plain,
        agency_id=page.agency_id,
        topic_id=page.topic_id,
        year=published.year if published else None,
        kind=ContentType.objects.get_for_model(page),
        validity=page.validity,
        published_date=published,
        document_number_key=analysis.document_number_token(page.document_number) or "",
    )


def sync_search_document(page_id: int) -> bool:
    """Insert/update the page's row if it is live and public, delete it otherwise."""
    from wagtail.models import Page

    from ..core.models import DisclosurePage

    base = DisclosurePage.objects.filter(pk=page_id).first()
    public = base is not None and base.live and Page.objects.filter(pk=page_id).public().exists()
    if not public:
        SearchDocument.objects.filter(page_id=page_id).delete()
        return False
    doc = build_document(base.specific)
    fields = [f.attname for f in SearchDocument._meta.concrete_fields if not f.primary_key]
    # Delete + insert rather than update: FTS5 triggers and InnoDB FULLTEXT handle both alike.
    SearchDocument.objects.update_or_create(
        page_id=page_id, defaults={f: getattr(doc, f) for f in fields}
    )
    return True


# --- querying ---------------------------------------------------------------------------------


@dataclass
class SearchQuery:
    q: str = ""
    agency: int | None = None
    topic: int | None = None
    year: int | None = None
    kind: int | None = None
    validity: str | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = 10

    def filters(self) -> dict:
        return {f: getattr(self, f) for f in FACETS if getattr(self, f) not in (None, "")}


@dataclass
class Hit:
    page: object  # DisclosurePage
    snippet: SafeString
    kind: int
    exact_document_number: bool = False


@dataclass
class SearchResults:
    query: SearchQuery
    terms: list[str]
    count: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[tuple[object, int]]] = field(default_factory=dict)
    page: int = 1
    num_pages: int = 1
    suggestions: list[tuple[str, int]] = field(default_factory=list)

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


_TABLE = SearchDocument._meta.db_table
_FTS = "govinfo_search_fts"
_FACET_COLUMNS = {
    "agency": "agency_id", "topic": "topic_id", "year": "year", "kind": "kind_id",
    "validity": "validity",
}


def _has_rum() -> bool:
    cached = getattr(connection, "_govinfo_rum", None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_indexes WHERE indexname = 'govinfo_search_doc_rum'"
            )
            cached = cursor.fetchone() is not None
        connection._govinfo_rum = cached
    return cached


class _Sql:
    """FROM/WHERE/ORDER BY fragments for one vendor and one set of terms."""

    def __init__(self, terms: list[str]):
        vendor = connection.vendor
        d = f"{_TABLE}"
        if not terms:
            self.from_, self.where, self.params, self.rank = d, ["1=1"], [], None
        elif vendor == "sqlite":
            self.from_ = f"{_FTS} JOIN {d} ON {d}.page_id = {_FTS}.rowid"
            self.where = [f"{_FTS} MATCH %s"]
            self.params = [analysis.fts5_query(terms)]
            self.rank, self.rank_params = f"bm25({_FTS})", []  # lower is better
        elif vendor == "postgresql":
            self.from_ = d
            self.where = [f"{d}.tsv @@ to_tsquery('simple', %s)"]
            self.params = [analysis.tsquery(terms)]
            if _has_rum():
                self.rank = f"{d}.tsv <=> to_tsquery('simple', %s)"
            else:
                self.rank = f"-ts_rank({d}.tsv, to_tsquery('simple', %s))"
            self.rank_params = list(self.params)
        elif vendor == "mysql":
            against = analysis.mysql_boolean_query(terms, _innodb_min_token_size())
            self.from_ = d
            self.where = [f"MATCH({d}.text) AGAINST (%s IN BOOLEAN MODE)"]
            self.params = [against]
            self.rank = f"-MATCH({d}.text) AGAINST (%s IN BOOLEAN MODE)"
            self.rank_params = [against]
        else:
            raise SearchUnavailable(f"unsupported database vendor {vendor}")
        self.table = d

    def filtered(self, filters: dict) -> tuple[str, list]:
        where, params = list(self.where), list(self.params)
        for name, value in filters.items():
            where.append(f"{self.table}.{_FACET_COLUMNS[name]} = %s")
            params.append(value)
        return f"FROM {self.from_} WHERE {' AND '.join(where)}", params


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def count(terms: list[str], filters: dict | None = None) -> int:
    frm, params = _Sql(terms).filtered(filters or {})
    return _fetch(f"SELECT COUNT(*) {frm}", params)[0][0]


def search(query: SearchQuery) -> SearchResults:
    """Run a public search; raises SearchUnavailable when the index cannot be read."""
    terms = analysis.query_terms(query.q)
    results = SearchResults(query=query, terms=terms)
    if query.q.strip() and not terms:
        return results  # punctuation or emoji only: nothing can match
    try:
        _run(query, terms, results)
    except DatabaseError as exc:
        raise SearchUnavailable(str(exc)) from exc
    return results


def _run(query: SearchQuery, terms: list[str], results: SearchResults) -> None:
    from ..core.models import DisclosurePage

    sql = _Sql(terms)
    filters = query.filters()
    frm, params = sql.filtered(filters)
    # One scan for the count and all five facets: group by every facet column at once (few
    # groups: agencies x topics x years x types x validity) and add the groups up here.
    columns = [f"{sql.table}.{_FACET_COLUMNS[name]}" for name in FACETS]
    groups = _fetch(
        f"SELECT {', '.join(columns)}, COUNT(*) {frm} GROUP BY {', '.join(columns)}", params
    )
    results.count = sum(row[-1] for row in groups)
    for i, name in enumerate(FACETS):
        totals: dict = {}
        for row in groups:
            if row[i] is not None:
                totals[row[i]] = totals.get(row[i], 0) + row[-1]
        results.facets[name] = sorted(totals.items(), key=lambda r: (-r[1], str(r[0])))
    page_size = max(1, min(query.page_size, MAX_PAGE_SIZE))
    results.num_pages = max(1, math.ceil(results.count / page_size))
    results.page = max(1, min(query.page, results.num_pages))
    if not results.count:
        results.suggestions = suggestions(query.q, terms, filters)
        return

    dn_terms = [t for t in terms if t.startswith("dn")]
    order, order_params = [], []
    if dn_terms:  # the page whose own 文号 this is comes first
        order.append(f"CASE WHEN {sql.table}.document_number_key = %s THEN 0 ELSE 1 END")
        order_params.append(dn_terms[0])
    if query.sort == "date" or sql.rank is None:
        order += [f"{sql.table}.published_date DESC", f"{sql.table}.page_id DESC"]
    else:
        order += [sql.rank, f"{sql.table}.published_date DESC", f"{sql.table}.page_id DESC"]
        order_params += sql.rank_params
    offset = (results.page - 1) * page_size
    ids = [row[0] for row in _fetch(
        f"SELECT {sql.table}.page_id {frm} ORDER BY {', '.join(order)} "
        f"LIMIT {int(page_size)} OFFSET {int(offset)}",
        params + order_params,  # ORDER BY params come after the WHERE params
    )]
    # Wide columns only for the rows shown: sorting them along with every match is slow.
    docs = SearchDocument.objects.only("kind_id", "plain", "document_number_key").in_bulk(ids)
    pages = DisclosurePage.objects.select_related("agency", "topic").in_bulk(ids)
    for page_id in ids:
        page, doc = pages.get(page_id), docs.get(page_id)
        if page is None or doc is None:  # deleted since the count
            continue
        results.hits.append(Hit(
            page=page, kind=doc.kind_id, snippet=snippet(doc.plain, terms),
            exact_document_number=bool(dn_terms) and doc.document_number_key == dn_terms[0],
        ))


def suggestions(q: str, terms: list[str], filters: dict) -> list[tuple[str, int]]:
    """Queries that would find something: without the filters, or with one word less."""
    found: dict[str, int] = {}
    if filters and terms:
        n = count(terms)
        if n:
            found[q.strip()] = n
    parts = q.split()
    if len(parts) > 1:  # the words the user typed, each left out in turn
        candidates = [" ".join(parts[:i] + parts[i + 1 :]) for i in range(len(parts))]
    else:  # one run of text: leave out one analysed word in turn
        words = [t for t in terms if not t.startswith(("dn", "ix"))]
        candidates = [" ".join(words[:i] + words[i + 1 :]) for i in range(len(words))]
    for candidate in candidates[:6]:
        rest = analysis.query_terms(candidate)
        n = count(rest, filters) if rest else 0
        if n:
            found.setdefault(candidate, n)
    return sorted(found.items(), key=lambda s: -s[1])[:5]


def snippet(plain: str, terms: list[str], length: int = SNIPPET_LENGTH) -> SafeString:
    """An escaped excerpt of ``plain`` around the first match, matches wrapped in <mark>."""
    plain = (plain or "")[:SNIPPET_SCAN_LIMIT]
    words = sorted({t for t in terms if not t.startswith(("dn", "ix"))}, key=len, reverse=True)
    norm = analysis.normalise(plain)
    # normalise() maps character for character in practice; if not, show the normalised text
    text = plain if len(norm) == len(plain) else norm
    spans = []
    if words:
        pattern = re.compile("|".join(re.escape(w) for w in words))
        for m in pattern.finditer(norm):  # same length as text (or text is norm)
            if spans and m.start() <= spans[-1][1]:  # adjacent words: one highlight
                spans[-1] = (spans[-1][0], max(spans[-1][1], m.end()))
            else:
                spans.append(m.span())
    start = max(0, spans[0][0] - length // 4) if spans else 0
    end = min(len(text), start + length)
    out, pos = [], start
    for s, e in spans:
        if s < pos or e > end:
            continue
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + "".join(out) + suffix)


def lookup_index_number(q: str):
    """The live, public page whose 索引号 is the whole query, or None."""
    from ..core.models import DisclosurePage

    canonical = analysis.canonical_index_number(q)
    if canonical is None:
        return None
    candidates = DisclosurePage.objects.live().public().filter(index_number__iexact=canonical)
    return candidates.first()
