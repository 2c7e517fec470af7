"""Building the public index rows (``SearchDocument``) and querying them per database vendor.

The public query goes straight to the vendor's full-text index and ranks there (bm25 on
SQLite FTS5, ts_rank or RUM's ``<=>`` on PostgreSQL, MATCH relevance on MariaDB/MySQL), with
facet filters on plain columns of the same table: bounded work, one table, no per-row
subqueries (stock Wagtail's database backend is > 2,000x slower at 100,000 items).
"""

from __future__ import annotations

import math
import re
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..conf import govinfo_settings
from ..text import analysis
from ..text.extraction import extract
from ..text.html import html_to_text
from .models import AttachmentText, SearchDocument

SNIPPET_SOURCE_LIMIT = 50_000  # characters of plain text kept for snippets
SNIPPET_LENGTH = 160
SNIPPET_SCAN_LIMIT = 5_000  # characters searched for a match to show
MAX_PAGE_SIZE = 50
MAX_DEPTH = 10_000  # results reachable by paging in date order
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


def _innodb_min_token_size() -> int:
    cached = getattr(connection, "_govinfo_ft_min", None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT @@innodb_ft_min_token_size")
            cached = int(cursor.fetchone()[0])
        connection._govinfo_ft_min = cached
    return cached


def strong_texts(page) -> tuple[str, str]:
    """The analysed strong fields: (own 文号 + 索引号 + title, keywords + agency).

    The same parts are in ``text`` (``search_parts``) and go through the same analysis, so a
    document with every query term in its strong fields also matches in ``text``.
    """
    agency = page.agency.name if page.agency_id else ""
    return (
        analysis.index_text(page.document_number, page.index_number, page.title),
        analysis.index_text(page.keywords, agency),
    )


def attachment_only_text(parts: list[str], attachments: list[str]) -> str:
    """The analysed tokens of ``attachments`` that none of the page's own ``parts`` holds."""
    if not any(attachments):
        return ""
    own = set(analysis.index_text(*parts).split())
    return " ".join(t for t in dict.fromkeys(analysis.index_text(*attachments).split())
                    if t not in own)


def build_document(page) -> SearchDocument:
    from django.contrib.contenttypes.models import ContentType

    attachments = _attachment_texts(page)
    parts = page.search_parts()
    analysed = analysis.index_text(*parts, *attachments, unique=False)
    # Wagtail's backends index the same analysis (``search_text``, its tokens once each):
    # kept on the page, so that indexing it there (update_pages_index) does not analyse the
    # page a second time. search_text() recomputes it if the parts differ.
    page.__dict__["_govinfo_search_text"] = (
        (*parts, *attachments), backend_text(" ".join(dict.fromkeys(analysed.split()))))
    plain = "\n".join(
        p for p in [page.summary, html_to_text(page.body or ""), *attachments] if p
    )[:SNIPPET_SOURCE_LIMIT]
    published = page.published_date
    title_text, meta_text = strong_texts(page)
    return SearchDocument(
        page_id=page.pk,
        text=backend_text(analysed),
        title_text=backend_text(title_text),
        meta_text=backend_text(meta_text),
        title_key=analysis.title_key(page.title),
        attach_only=backend_text(attachment_only_text(parts, attachments)),
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

    # Released (its live revision has a release record), not merely live.
    base = DisclosurePage.objects.released().filter(pk=page_id).first()
    public = base is not None and Page.objects.filter(pk=page_id).public().exists()
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
    # Broad queries: count and facet counts estimated from a sample (shown as "about").
    approximate: bool = False
    # Relevance order with more matches than SEARCH_RANK_WINDOW: the window ranked.
    ranked_window: int | None = None

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


# Broad queries (more matches than SEARCH_EXACT_COUNT_LIMIT) are counted on the pages whose id
# is a multiple of SAMPLE_MODULUS (a partial index on PostgreSQL, migration 0003) and scaled up.
SAMPLE_MODULUS = 16
# PostgreSQL: a query matching at least this share of all documents picks its ranking window by
# walking the date index (it meets a match almost every row) instead of reading every match.
BROAD_SHARE = 0.25


class _Sql:
    """FROM/WHERE fragments and the rank expression for one vendor and one set of terms."""

    def __init__(self, terms: list[str]):
        vendor = connection.vendor
        d = self.table = _TABLE
        self.from_, self.where, self.params = d, [], []
        self.rank, self.rank_params = None, []  # ascending: best first
        self.rank_needs_match = True  # the rank is only defined inside the MATCH query
        self.page_id = f"{d}.page_id"  # the sample's column (SQLite: before the join)
        if not terms:
            return
        if vendor == "sqlite":
            self.from_ = f"{_FTS} JOIN {d} ON {d}.page_id = {_FTS}.rowid"
            self.where = [f"{_FTS} MATCH %s"]
            self.params = [analysis.fts5_query(terms)]
            self.rank = f"bm25({_FTS})"  # lower is better
            self.page_id = f"{_FTS}.rowid"
        elif vendor == "postgresql":
            self.where = [f"{d}.tsv @@ to_tsquery('simple', %s)"]
            self.params = [analysis.tsquery(terms)]
            self.rank = f"-ts_rank({d}.tsv, to_tsquery('simple', %s))"
            self.rank_params = list(self.params)
            self.rank_needs_match = False
        elif vendor == "mysql":
            against = analysis.mysql_boolean_query(terms, _innodb_min_token_size())
            self.where = [f"MATCH({d}.text) AGAINST (%s IN BOOLEAN MODE)"]
            self.params = [against]
            self.rank = f"-MATCH({d}.text) AGAINST (%s IN BOOLEAN MODE)"
            self.rank_params = [against]
        else:
            raise SearchUnavailable(f"unsupported database vendor {vendor}")

    def filtered(self, filters: dict, *, sample: bool = False) -> tuple[str, list]:
        where, params = list(self.where) or ["1=1"], list(self.params)
        for name, value in filters.items():
            where.append(f"{self.table}.{_FACET_COLUMNS[name]} = %s")
            params.append(value)
        if sample:  # written exactly as the partial index's predicate ('%%': a literal %)
            where.append(f"{self.page_id} %% {SAMPLE_MODULUS} = 0")
        return f"FROM {self.from_} WHERE {' AND '.join(where)}", params


@contextmanager
def _plan_for_fulltext(*, walk_dates: bool = False, by_key: bool = False):
    """PostgreSQL: keep the planner off plans that read every row's tsvector.

    The planner does not count the cost of fetching a stored tsvector from TOAST (~20-50 µs a
    row), so for common words it prefers a sequential scan that checks every row (seconds at
    100,000 items) over the GIN index (milliseconds). With ``walk_dates`` it must walk the date
    index instead (for queries that match nearly every row). With ``by_key`` joins go through
    the primary key (the ranking statement: a few thousand candidates, where a hash join
    would read the whole primary-key index). Scoped to one transaction.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            if walk_dates:
                cursor.execute("SET LOCAL enable_bitmapscan = off")
            if by_key:
                cursor.execute("SET LOCAL enable_hashjoin = off")
                cursor.execute("SET LOCAL enable_mergejoin = off")
        yield
        # SET LOCAL outlives a savepoint: restore for the rest of an enclosing transaction.
        # (On an error the rollback undoes the settings by itself.)
        with connection.cursor() as cursor:
            for name in ("enable_seqscan", "enable_bitmapscan", "enable_hashjoin",
                         "enable_mergejoin"):
                cursor.execute(f"RESET {name}")


def _about(n: int) -> int:
    """An estimate rounded to two significant figures (1,616 -> 1,600)."""
    if n < 100:
        return n
    step = 10 ** (len(str(n)) - 2)
    return round(n / step) * step


def _table_rows() -> int:
    if connection.vendor != "postgresql":
        return 0
    rows = _fetch("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [_TABLE])
    return max(rows[0][0], 0) if rows else 0


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _count_and_facets(sql: _Sql, frm: str, params: list) -> tuple[int, dict[str, list]]:
    """The number of matches and, per facet, [(value, count), ...] sorted by count.

    One pass over the matches: the groups of any one facet (its empty value included) add up
    to the number of matches.
    """
    columns = [f"{sql.table}.{_FACET_COLUMNS[name]}" for name in FACETS]
    width = len(columns)
    if connection.vendor == "postgresql":
        # GROUPING SETS: one scan, one small hash table per facet. GROUPING(...) has a 0 bit
        # for the column a row is grouped by (bit width-1-i for column i).
        sets = ", ".join(f"({c})" for c in columns)
        rows = _fetch(
            f"SELECT GROUPING({', '.join(columns)}), {', '.join(columns)}, COUNT(*) {frm} "
            f"GROUP BY GROUPING SETS ({sets})",
            params,
        )
        grouped = []
        for row in rows:
            i = next(i for i in range(width) if not row[0] & (1 << (width - 1 - i)))
            grouped.append((i, row[1 + i], row[-1]))
    elif connection.vendor == "mysql":
        # No GROUPING SETS, and a CTE used by several UNION branches runs its MATCH once per
        # branch (seconds for a common word): one GROUP BY over every facet column, one
        # full-text scan, the groups summed per facet here.
        rows = _fetch(f"SELECT {', '.join(columns)}, COUNT(*) {frm} "
                      f"GROUP BY {', '.join(columns)}", params)
        sums: dict[tuple[int, object], int] = {}
        for row in rows:
            for i in range(width):
                sums[(i, row[i])] = sums.get((i, row[i]), 0) + row[-1]
        grouped = [(i, value, n) for (i, value), n in sums.items()]
    else:
        # SQLite has no GROUPING SETS: the matches once (a CTE used several times is
        # materialised), then one small GROUP BY per facet over them.
        names = [f"f{i}" for i in range(width)]
        select = ", ".join(f"{c} AS {n}" for c, n in zip(columns, names, strict=True))
        unions = " UNION ALL ".join(
            f"SELECT {i}, {n}, COUNT(*) FROM m GROUP BY {n}" for i, n in enumerate(names)
        )
        materialised = "MATERIALIZED " if connection.vendor == "sqlite" else ""
        rows = _fetch(f"WITH m AS {materialised}(SELECT {select} {frm}) {unions}", params)
        grouped = [(int(i), value, n) for i, value, n in rows]
    facets: dict[str, list] = {name: [] for name in FACETS}
    total = 0
    for i, value, n in grouped:
        if i == 0:
            total += n
        if value is not None:
            if FACETS[i] != "validity":  # UNION ALL on MariaDB returns every value as text
                value = int(value)
            facets[FACETS[i]].append((value, n))
    for name in FACETS:
        facets[name].sort(key=lambda r: (-r[1], str(r[0])))
    return total, facets


def count(terms: list[str], filters: dict | None = None) -> int:
    frm, params = _Sql(terms).filtered(filters or {})
    return _fetch(f"SELECT COUNT(*) {frm}", params)[0][0]


def search(query: SearchQuery) -> SearchResults:
    """Run a public search; raises SearchUnavailable when the index cannot be read."""
    terms = analysis.query_terms(query.q)
    results = SearchResults(query=query, terms=terms)
    if query.q.strip() and not terms:
        return results  # punctuation or emoji only: nothing can match
    from . import cluster

    if cluster.enabled():  # GOVINFO_SEARCH_CLUSTER: the same index, served by the cluster
        cluster.search(query, terms, results)
        for name in query.filters():
            results.facets[name] = cluster.facet_without(query, terms, name)
        return results
    try:
        _run(query, terms, results)
        for name in query.filters():
            results.facets[name] = _facet_without(query, terms, name)
    except DatabaseError as exc:
        raise SearchUnavailable(str(exc)) from exc
    return results


def _facet_without(query: SearchQuery, terms: list[str], name: str) -> list[tuple[object, int]]:
    """The rows of one active facet counted without its own filter (the other filters
    apply), so the page keeps offering the facet's other values with their counts: one
    more count per active facet, bounded like the main count (sampled beyond the limit)."""
    filters = {k: v for k, v in query.filters().items() if k != name}
    other = SearchResults(query=query, terms=terms)
    _count(_Sql(terms), filters, other)
    return other.facets.get(name, [])


def _run(query: SearchQuery, terms: list[str], results: SearchResults) -> None:
    from ..core.models import DisclosurePage

    sql = _Sql(terms)
    filters = query.filters()
    with _plan_for_fulltext():
        _count(sql, filters, results)
        if not results.count:
            results.suggestions = suggestions(query.q, terms, filters)
            return
    page_size = max(1, min(query.page_size, MAX_PAGE_SIZE))
    by_relevance = query.sort != "date" and sql.rank is not None
    dn_terms = [t for t in terms if t.startswith("dn")]
    broad = results.approximate and results.count >= BROAD_SHARE * _table_rows()
    frm, params = sql.filtered(filters)
    if by_relevance:
        # First the matches with every word in the strong fields (a statement of its own, on
        # the selective strong-field index): when they fill STRONG_LIMIT they are the whole
        # candidate set, since they rank above every other match.
        with _plan_for_fulltext():
            every_ids = [row[0] for row in _fetch(
                *_strong_candidates(sql, terms, filters, every=True))]
        newest_ids = None
        if broad and len(every_ids) < STRONG_LIMIT:
            # The newest matches by walking the date index, a statement of its own: its
            # planner settings would keep the strong-field subqueries off their GIN index.
            with _plan_for_fulltext(walk_dates=True):
                newest_ids = [row[0] for row in _fetch(
                    f"SELECT {sql.table}.page_id {frm} ORDER BY "
                    f"{', '.join(_date_order(sql.table))} "
                    f"LIMIT {int(govinfo_settings.SEARCH_RANK_WINDOW)}", params)]
        with _plan_for_fulltext(by_key=True):
            ranked = _ranked_ids(sql, terms, analysis.query_runs(query.q), filters, frm,
                                 params, every_ids, broad=broad, newest_ids=newest_ids)
        # Like Elasticsearch's max_result_window: relevance pages reach the ranked candidates.
        reachable = min(results.count, len(ranked))
        if reachable < results.count:
            results.ranked_window = govinfo_settings.SEARCH_RANK_WINDOW
    else:
        # No page lies deeper than MAX_DEPTH results, so no request (a crawler walking
        # page=5000) can make the database read every match.
        reachable = min(results.count, MAX_DEPTH)
    results.num_pages = max(1, math.ceil(reachable / page_size))
    results.page = max(1, min(query.page, results.num_pages))
    offset = (results.page - 1) * page_size
    if by_relevance:
        ids = ranked[offset : offset + page_size]
    else:
        first, first_params = [], []
        if dn_terms:  # the page whose own 文号 this is comes first
            first = [f"CASE WHEN {sql.table}.document_number_key = %s THEN 0 ELSE 1 END"]
            first_params = [dn_terms[0]]
        with _plan_for_fulltext(walk_dates=broad):
            ids = [row[0] for row in _fetch(
                f"SELECT {sql.table}.page_id {frm} ORDER BY "
                f"{', '.join(first + _date_order(sql.table))} "
                f"LIMIT {int(page_size)} OFFSET {int(offset)}",
                params + first_params,  # ORDER BY params come after the WHERE params
            )]
    # Wide columns only for the rows shown.
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


def _count(sql: _Sql, filters: dict, results: SearchResults) -> None:
    """Count and facets: exact up to SEARCH_EXACT_COUNT_LIMIT matches, else estimated.

    The sample (every SAMPLE_MODULUS-th page) is counted first; it is small and cheap. Only
    when it suggests at most the limit are all matches counted, so the work per query stays
    bounded however common the words are.
    """
    frm, params = sql.filtered(filters, sample=True)
    sampled, facets = _count_and_facets(sql, frm, params)
    if sampled * SAMPLE_MODULUS > govinfo_settings.SEARCH_EXACT_COUNT_LIMIT:
        results.approximate = True
        results.count = _about(sampled * SAMPLE_MODULUS)
        results.facets = {
            name: [(value, _about(n * SAMPLE_MODULUS)) for value, n in rows]
            for name, rows in facets.items()
        }
    else:
        frm, params = sql.filtered(filters)
        results.count, results.facets = _count_and_facets(sql, frm, params)


def _date_order(table: str, *, index: bool = True) -> list[str]:
    # PostgreSQL: "+ 0" hides the date index, so that a window of matches is taken from the
    # GIN index and sorted rather than found by a date walk that reads each row's tsvector.
    date = f"{table}.published_date" if index or connection.vendor != "postgresql" \
        else f"({table}.published_date + 0)"
    return [f"{date} DESC", f"{table}.page_id DESC"]


# --- the ranking (docs/search.md, "Ranking") ----------------------------------------------------
#
# One definition for every backend (cluster.py builds the same order as boosts). Every query
# word is required somewhere in the document; among the matches, in this order:
#   1. the page's own 文号 or 索引号 is the one queried;
#   2. every query word is in its strong fields (own 文号/索引号, title, keywords, agency);
#   3. more query words in the strong fields;
#   4. the query's words adjacent as typed in the title (each typed part verbatim);
#   5. more query words in the title itself (title and own numbers before keywords);
#   5a. fewer query words found only in attachment text (the body before attachments);
#   6. strong matches: the shorter title (more of it is the query);
#      body-only matches: the database's text score (bm25 / ts_rank / MATCH relevance);
#   7. in force before amended, repealed or expired; 8. newer first.
# Bounded work: strong matches come from the small strong-field index (migration 0004),
# up to STRONG_LIMIT of them per query (newest first), whatever the number of body matches;
# body-only matches are ranked among the newest SEARCH_RANK_WINDOW matches.

STRONG_LIMIT = 2_000
_STRONG_FTS = "govinfo_search_strong_fts"


def _pos(haystack: str) -> str:
    """SQL: the position of a %s parameter in ``haystack`` (0 when absent)."""
    if connection.vendor == "postgresql":
        return f"strpos({haystack}, %s)"
    return f"INSTR({haystack}, %s)"  # SQLite and MariaDB/MySQL


def _concat(*parts: str) -> str:
    if connection.vendor == "mysql":
        return f"CONCAT({', '.join(parts)})"
    return "(" + " || ".join(parts) + ")"


def _strong_terms(terms: list[str]) -> list[str]:
    """Terms as the strong columns hold them (InnoDB-encoded on MariaDB/MySQL)."""
    if connection.vendor == "mysql":
        return analysis.encode_short_tokens(terms, _innodb_min_token_size())
    return [t for t in terms if analysis._WORD.fullmatch(t)]


def _strong_candidates(sql: _Sql, terms: list[str], filters: dict, *, every: bool
                       ) -> tuple[str, list]:
    """SELECT of the newest STRONG_LIMIT matches with every (or some) term in the strong
    fields, found through the strong-field index."""
    d = sql.table
    vendor = connection.vendor
    where, params = [], []
    if vendor == "sqlite":
        frm = f"{_STRONG_FTS} JOIN {d} ON {d}.page_id = {_STRONG_FTS}.rowid"
        where.append(f"{_STRONG_FTS} MATCH %s")
        quoted = [f'"{t}"' for t in _strong_terms(terms)]
        params.append((" AND " if every else " OR ").join(quoted))
    elif vendor == "postgresql":
        frm = d
        where.append(f"{d}.stsv @@ to_tsquery('simple', %s)")
        params.append((" & " if every else " | ").join(_strong_terms(terms)))
    else:
        frm = d
        where.append(f"MATCH({d}.title_text, {d}.meta_text) AGAINST (%s IN BOOLEAN MODE)")
        params.append(" ".join(("+" if every else "") + t for t in _strong_terms(terms)))
    if not every:  # some words only in the body: the document must still match every word
        if vendor == "sqlite":
            where.append(f"{d}.page_id IN (SELECT rowid FROM {_FTS} WHERE {sql.where[0]})")
        else:
            where.append(sql.where[0])
        params.extend(sql.params)
    for name, value in filters.items():
        where.append(f"{d}.{_FACET_COLUMNS[name]} = %s")
        params.append(value)
    return (
        f"SELECT {d}.page_id AS page_id FROM {frm} WHERE {' AND '.join(where)} "
        f"ORDER BY {', '.join(_date_order(d, index=False))} LIMIT {int(STRONG_LIMIT)}",
        params,
    )


def _ranked_ids(sql: _Sql, terms: list[str], runs: list[str], filters: dict, frm: str,
                params: list, every_ids: list[int], *, broad: bool,
                newest_ids: list[int] | None = None) -> list[int]:
    """Every candidate's page id in ranking order (see the definition above).

    Candidates: the strong matches (every word in the strong fields, ``every_ids``; for
    several typed words also some of them) and the newest SEARCH_RANK_WINDOW matches, or only
    the first when they fill STRONG_LIMIT (nothing else could rank among them). At most
    2 x STRONG_LIMIT + SEARCH_RANK_WINDOW rows are scored; the text score is read for
    body-only rows only.
    """
    d = sql.table
    vendor = connection.vendor
    window = govinfo_settings.SEARCH_RANK_WINDOW
    strong = _strong_terms(terms)

    def listed(ids: list[int]) -> str:
        return (f"SELECT {d}.page_id AS page_id FROM {d} WHERE {d}.page_id IN "
                f"({', '.join(['%s'] * len(ids))})")

    # every_ids: the matches with every word in the strong fields (_run).
    parts, cand_params = [listed(every_ids or [0])], every_ids or [0]
    if len(every_ids) < STRONG_LIMIT:
        # Some of the words in the strong fields: for queries of several typed words (a single
        # typed word's parts, 人民政府 -> 人民 民政 政府, would only add titles with 政府).
        if len(strong) > 1 and len(runs) > 1:
            select, p = _strong_candidates(sql, terms, filters, every=False)
            parts.append(select)
            cand_params += p
        if newest_ids is not None:  # found beforehand by walking the date index (_run)
            parts.append(listed(newest_ids or [0]))
            cand_params += newest_ids or [0]
        else:
            parts.append(f"SELECT {d}.page_id AS page_id {frm} "
                         f"ORDER BY {', '.join(_date_order(d, index=broad))} "
                         f"LIMIT {int(window)}")
            cand_params += params
    candidates = " UNION ".join(
        f"SELECT page_id FROM ({part}) c{i}" for i, part in enumerate(parts))

    both = _concat("' '", f"{d}.title_text", "' '", f"{d}.meta_text", "' '")
    title = _concat("' '", f"{d}.title_text", "' '")
    cols, col_params = [], []

    def flag(test: str) -> str:
        return f"CASE WHEN {test} THEN 1 ELSE 0 END"

    dn = [t for t in terms if t.startswith("dn")]
    ix = [t for t in strong if t.startswith("ix")]
    own = [f"{d}.document_number_key = %s" for _ in dn[:1]] + [f"{_pos(title)} > 0" for _ in ix]
    cols.append(f"{flag(' OR '.join(own)) if own else '0'} AS ident")
    col_params += dn[:1] + [f" {t} " for t in ix]
    cols.append(" + ".join(flag(f"{_pos(both)} > 0") for _ in strong) + " AS cov")
    col_params += [f" {t} " for t in strong]
    cols.append(" + ".join(flag(f"{_pos(title)} > 0") for _ in strong) + " AS tcov")
    col_params += [f" {t} " for t in strong]
    if runs:
        cols.append(flag(" AND ".join(f"{_pos(f'{d}.title_key')} > 0" for _ in runs))
                    + " AS phrase")
        col_params += runs
    else:
        cols.append("0 AS phrase")
    attached = _concat("' '", f"COALESCE({d}.attach_only, '')", "' '")
    cols.append(" + ".join(flag(f"{_pos(attached)} > 0") for _ in strong) + " AS att")
    col_params += [f" {t} " for t in strong]
    length = "CHAR_LENGTH" if vendor == "mysql" else "LENGTH"
    cols.append(f"{length}({d}.title_key) AS tlen")
    if vendor == "postgresql":
        # ts_rank reads the row's TOASTed tsvector (~40 µs): only for body-only rows.
        cols.append(f"CASE WHEN {d}.stsv @@ to_tsquery('simple', %s) THEN 0 ELSE {sql.rank} "
                    "END AS score")
        col_params += [" | ".join(strong)] + sql.rank_params
    else:
        cols.append(f"{sql.rank} AS score")
        col_params += sql.rank_params
    cols.append(f"{flag(f'{d}.validity = %s')} AS in_force")
    col_params.append("valid")

    select = (f"SELECT {d}.page_id AS page_id, {d}.published_date AS published, "
              f"{', '.join(cols)}")
    if vendor == "sqlite":
        # The full-text table outermost, the candidates a filter on its rows: probing FTS5
        # once per candidate would run the whole MATCH for each (bm25 is only defined inside
        # the MATCH query). "+" keeps the rowid test a filter (not an FTS5 lookup); the IN
        # list is built once, and only candidates reach the row table.
        inner = (f"{select} FROM {_FTS} JOIN {d} ON {d}.page_id = {_FTS}.rowid "
                 f"WHERE {sql.where[0]} AND +{_FTS}.rowid IN ({candidates})")
        inner_params = col_params + list(sql.params) + cand_params
    else:
        inner = f"{select} FROM ({candidates}) c JOIN {d} ON {d}.page_id = c.page_id"
        inner_params = col_params + cand_params
        if vendor == "postgresql":
            # A fence: each column is computed once per row, not again for every ORDER BY
            # term that uses it (the planner would otherwise inline them into the sort).
            inner += " OFFSET 0"
    order = [
        "ident DESC", f"CASE WHEN cov = {len(strong)} THEN 1 ELSE 0 END DESC", "cov DESC",
        "phrase DESC", "tcov DESC", "att", "CASE WHEN cov > 0 THEN tlen ELSE 0 END",
        "CASE WHEN cov > 0 THEN 0 ELSE score END", "in_force DESC", "published DESC",
        "page_id DESC",
    ]
    return [row[0] for row in _fetch(
        f"SELECT page_id FROM ({inner}) r ORDER BY {', '.join(order)}", inner_params)]


def suggestions(q: str, terms: list[str], filters: dict, count=count) -> list[tuple[str, int]]:
    """Queries that would find something: without the filters, or with one word less.

    ``count(terms, filters=None)`` counts matches (the database's, or the cluster's).
    """
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
    pattern = re.compile("|".join(re.escape(w) for w in words)) if words else None
    if pattern is not None and pattern.search(plain):
        norm = text = plain  # the usual case: the words occur as typed; no need to normalise
    else:  # e.g. 繁体 or full-width text: match on the normalised form
        norm = analysis.search_form(plain)
        # search_form() maps character for character in practice; else show the normalised text
        text = plain if len(norm) == len(plain) else norm
    spans = []
    if pattern is not None:
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
    candidates = DisclosurePage.objects.released().public().filter(
        index_number__iexact=canonical)
    return candidates.first()
