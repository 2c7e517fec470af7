"""The public search on the database's own full-text index (SQLite, PostgreSQL, MariaDB)."""

from __future__ import annotations

import math

from django.db import DatabaseError, connection

from ..conf import govinfo_settings
from ..text import analysis
from .documents import rebuild_search_documents, sync_search_document
from .public_backend import PublicSearchBackend
from .query import FACETS, SearchQuery, SearchResults, SearchUnavailable, add_hits
from .query import page_size as clamped_page_size
from .query import suggestions as suggestions_for
from .ranking import STRONG_LIMIT, ranked_ids, strong_candidates
from .records import SearchDocument
from .sql import (
    BROAD_SHARE,
    FACET_COLUMNS,
    SAMPLE_MODULUS,
    Sql,
    about,
    date_order,
    fetch,
    search_transaction,
    table_rows,
)

MAX_DEPTH = 10_000  # results reachable by paging in date order


def count_and_facets(sql: Sql, frm: str, params: list, *, newest: int = 0
                     ) -> tuple[int, dict[str, list], list[int] | None]:
    """The number of matches, per facet [(value, count), ...] sorted by count, and (PostgreSQL,
    ``newest`` > 0) the ids of the newest ``newest`` matches, else None.

    One pass over the matches: the groups of any one facet (its empty value included) add up
    to the number of matches. The newest matches (the ranking's window of body matches) come
    from the same pass: a second scan of the matches (their heap rows, for a filter or the
    date) cost as much again as the count.
    """
    columns = [f"{sql.table}.{FACET_COLUMNS[name]}" for name in FACETS]
    width = len(columns)
    newest_ids = None
    if connection.vendor == "postgresql":
        # GROUPING SETS: one scan, one small hash table per facet. GROUPING(...) has a 0 bit
        # for the column a row is grouped by (bit width-1-i for column i).
        names = [f"f{i}" for i in range(width)]
        sets = ", ".join(f"({n})" for n in names)
        select = ", ".join(f"{c} AS {n}" for c, n in zip(columns, names, strict=True))
        statement = (
            f"WITH m AS MATERIALIZED (SELECT {sql.table}.page_id AS page_id, "
            f"{sql.table}.published_date AS published, {select} {frm}) "
            f"SELECT 0, GROUPING({', '.join(names)}), {', '.join(names)}, COUNT(*) FROM m "
            f"GROUP BY GROUPING SETS ({sets})")
        if newest:  # rows (1, rank, the facet columns empty, page id), newest first
            order = "ORDER BY published DESC, page_id DESC"
            statement += (
                f" UNION ALL SELECT 1, rank, {', '.join(['NULL'] * width)}, page_id FROM "
                f"(SELECT page_id, (ROW_NUMBER() OVER ({order}))::int AS rank FROM m {order} "
                f"LIMIT {int(newest)}) w")
        rows = fetch(statement, params)
        grouped = []
        for row in rows:
            if row[0] == 0:
                i = next(i for i in range(width) if not row[1] & (1 << (width - 1 - i)))
                grouped.append((i, row[2 + i], row[-1]))
        if newest:
            newest_ids = [row[-1] for row in sorted(r for r in rows if r[0] == 1)][:newest]
    elif connection.vendor == "mysql":
        # No GROUPING SETS, and a CTE used by several UNION branches runs its MATCH once per
        # branch (seconds for a common word): one GROUP BY over every facet column, one
        # full-text scan, the groups summed per facet here.
        rows = fetch(f"SELECT {', '.join(columns)}, COUNT(*) {frm} "
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
        rows = fetch(f"WITH m AS {materialised}(SELECT {select} {frm}) {unions}", params)
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
    return total, facets, newest_ids


def count(terms: list[str], filters: dict | None = None) -> int:
    frm, params = Sql(terms).filtered(filters or {})
    return fetch(f"SELECT COUNT(*) {frm}", params)[0][0]


def _run(query: SearchQuery, terms: list[str], results: SearchResults) -> None:
    with search_transaction() as planner:
        ids = _find(query, terms, results, planner)
    if ids:
        add_hits(results, ids)


def _find(query: SearchQuery, terms: list[str], results: SearchResults, planner) -> list[int]:
    """Count, facets and the page's ids in order: a few statements in one transaction."""
    sql = Sql(terms)
    filters = query.filters()
    # Join settings do not change the single-table statements before the ranking: set once.
    planner.use(by_key=True)
    by_relevance = query.sort != "date" and sql.rank is not None
    window = int(govinfo_settings.SEARCH_RANK_WINDOW)
    newest_ids = _count(sql, filters, results, newest=window if by_relevance else 0)
    for name in filters:  # each active facet counted without its own filter, here too
        results.facets_without[name] = _facet_counts(query, terms, name)
    if not results.count:
        results.suggestions = suggestions_for(query.q, terms, filters, count=count)
        return []
    size = clamped_page_size(query)
    dn_terms = [t for t in terms if t.startswith("dn")]
    broad = results.approximate and results.count >= BROAD_SHARE * table_rows()
    frm, params = sql.filtered(filters)
    if by_relevance:
        # First the matches with every word in the strong fields (a statement of its own, on
        # the selective strong-field index): when they fill STRONG_LIMIT they are the whole
        # candidate set, since they rank above every other match.
        every_ids = [row[0] for row in fetch(
            *strong_candidates(sql, terms, filters, every=True))]
        if broad and len(every_ids) < STRONG_LIMIT:
            # The newest matches by walking the date index, a statement of its own: its
            # planner settings would keep the strong-field subqueries off their GIN index.
            planner.use(walk_dates=True, by_key=True)
            newest_ids = [row[0] for row in fetch(
                f"SELECT {sql.table}.page_id {frm} ORDER BY "
                f"{', '.join(date_order(sql.table))} "
                f"LIMIT {int(govinfo_settings.SEARCH_RANK_WINDOW)}", params)]
        planner.use(by_key=True)

        def ranked_page(page: int) -> tuple[list[int], int]:
            return ranked_ids(sql, terms, analysis.query_runs(query.q), filters, frm, params,
                              every_ids, broad=broad, newest_ids=newest_ids,
                              offset=(page - 1) * size, limit=size)

        # Only the page's rows come back, with the number of candidates.
        ids, candidates = ranked_page(max(1, query.page))
        if not ids and query.page > 1:  # past the last candidate: how many are there?
            candidates = ranked_page(1)[1]
        # Like Elasticsearch's max_result_window: relevance pages reach the ranked candidates.
        reachable = min(results.count, candidates)
        if reachable < results.count:
            results.ranked_window = govinfo_settings.SEARCH_RANK_WINDOW
    else:
        # No page lies deeper than MAX_DEPTH results, so no request (a crawler walking
        # page=5000) can make the database read every match.
        reachable = min(results.count, MAX_DEPTH)
    results.num_pages = max(1, math.ceil(reachable / size))
    results.page = max(1, min(query.page, results.num_pages))
    offset = (results.page - 1) * size
    if by_relevance:
        if results.page != max(1, query.page):  # beyond the last page: the last one
            ids = ranked_page(results.page)[0]
        return ids
    first, first_params = [], []
    if dn_terms:  # the page whose own 文号 this is comes first
        first = [f"CASE WHEN {sql.table}.document_number_key = %s THEN 0 ELSE 1 END"]
        first_params = [dn_terms[0]]
    planner.use(walk_dates=broad, by_key=True)
    return [row[0] for row in fetch(
        f"SELECT {sql.table}.page_id {frm} ORDER BY "
        f"{', '.join(first + date_order(sql.table))} "
        f"LIMIT {int(size)} OFFSET {int(offset)}",
        params + first_params,  # ORDER BY params come after the WHERE params
    )]


def _facet_without(query: SearchQuery, terms: list[str], name: str) -> list[tuple[object, int]]:
    """The rows of one active facet counted without its own filter (the other filters
    apply), so the page keeps offering the facet's other values with their counts: one
    more count per active facet, bounded like the main count (sampled beyond the limit)."""
    with search_transaction() as planner:
        planner.use()
        return _facet_counts(query, terms, name)


def _facet_counts(query: SearchQuery, terms: list[str], name: str) -> list[tuple[object, int]]:
    filters = {k: v for k, v in query.filters().items() if k != name}
    other = SearchResults(query=query, terms=terms)
    _count(Sql(terms), filters, other)
    return other.facets.get(name, [])


def _count(sql: Sql, filters: dict, results: SearchResults, *, newest: int = 0
           ) -> list[int] | None:
    """Count and facets: exact up to SEARCH_EXACT_COUNT_LIMIT matches, else estimated.
    With ``newest``, also the newest matches when they were all read (PostgreSQL), else None.

    The sample (every SAMPLE_MODULUS-th page) is counted first; it is small and cheap. Only
    when it suggests at most the limit are all matches counted, so the work per query stays
    bounded however common the words are.
    """
    frm, params = sql.filtered(filters, sample=True)
    sampled, facets, _ = count_and_facets(sql, frm, params)
    if sampled * SAMPLE_MODULUS > govinfo_settings.SEARCH_EXACT_COUNT_LIMIT:
        results.approximate = True
        results.count = about(sampled * SAMPLE_MODULUS)
        results.facets = {
            name: [(value, about(n * SAMPLE_MODULUS)) for value, n in rows]
            for name, rows in facets.items()
        }
        return None
    frm, params = sql.filtered(filters)
    results.count, results.facets, newest_ids = count_and_facets(sql, frm, params,
                                                                 newest=newest)
    return newest_ids


class DatabaseSearch(PublicSearchBackend):
    """The ``SearchDocument`` table, searched through the database's full-text index."""

    name = "govinfo_public"  # IndexFailure.backend

    def search(self, query: SearchQuery, terms: list[str], results: SearchResults) -> None:
        try:
            _run(query, terms, results)
        except DatabaseError as exc:
            raise SearchUnavailable(str(exc)) from exc

    def facet_without(self, query: SearchQuery, terms: list[str], name: str
                      ) -> list[tuple[object, int]]:
        try:
            return _facet_without(query, terms, name)
        except DatabaseError as exc:
            raise SearchUnavailable(str(exc)) from exc

    def count(self, terms: list[str], filters: dict | None = None) -> int:
        return count(terms, filters)

    def sync(self, page_id: int) -> bool:
        return sync_search_document(page_id)

    def remove(self, page_id: int) -> None:
        SearchDocument.objects.filter(page_id=page_id).delete()

    def rebuild(self) -> tuple[str, int]:
        return self.name, rebuild_search_documents()[0]
