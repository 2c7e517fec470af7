"""The database backends' ranking of matches (docs/search.md, "Ranking")."""

from __future__ import annotations

from django.db import connection

from ..conf import govinfo_settings
from ..text import analysis
from .documents import innodb_min_token_size
from .sql import FACET_COLUMNS, FTS, Sql, date_order, fetch

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
STRONG_FTS = "govinfo_search_strong_fts"


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
        return analysis.encode_short_tokens(terms, innodb_min_token_size())
    return [t for t in terms if analysis._WORD.fullmatch(t)]


def strong_candidates(sql: Sql, terms: list[str], filters: dict, *, every: bool
                       ) -> tuple[str, list]:
    """SELECT of the newest STRONG_LIMIT matches with every (or some) term in the strong
    fields, found through the strong-field index."""
    d = sql.table
    vendor = connection.vendor
    where, params = [], []
    if vendor == "sqlite":
        frm = f"{STRONG_FTS} JOIN {d} ON {d}.page_id = {STRONG_FTS}.rowid"
        where.append(f"{STRONG_FTS} MATCH %s")
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
            where.append(f"{d}.page_id IN (SELECT rowid FROM {FTS} WHERE {sql.where[0]})")
        else:
            where.append(sql.where[0])
        params.extend(sql.params)
    for name, value in filters.items():
        where.append(f"{d}.{FACET_COLUMNS[name]} = %s")
        params.append(value)
    return (
        f"SELECT {d}.page_id AS page_id FROM {frm} WHERE {' AND '.join(where)} "
        f"ORDER BY {', '.join(date_order(d, index=False))} LIMIT {int(STRONG_LIMIT)}",
        params,
    )


def ranked_ids(sql: Sql, terms: list[str], runs: list[str], filters: dict, frm: str,
                params: list, every_ids: list[int], *, broad: bool,
                newest_ids: list[int] | None = None, offset: int = 0,
                limit: int | None = None) -> tuple[list[int], int]:
    """The candidates' page ids in ranking order (see the definition above), from ``offset``
    (at most ``limit`` of them), and the number of candidates (0 when ``offset`` is past the
    last one: ask for the first page to know it).

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
    # (a copy: the caller's list must not grow with the other parts' parameters)
    parts, cand_params = [listed(every_ids or [0])], list(every_ids or [0])
    if len(every_ids) < STRONG_LIMIT:
        # Some of the words in the strong fields: for queries of several typed words (a single
        # typed word's parts, 人民政府 -> 人民 民政 政府, would only add titles with 政府).
        if len(strong) > 1 and len(runs) > 1:
            select, p = strong_candidates(sql, terms, filters, every=False)
            parts.append(select)
            cand_params += p
        if newest_ids is not None:  # found beforehand by walking the date index (_run)
            parts.append(listed(newest_ids or [0]))
            cand_params += newest_ids or [0]
        else:
            parts.append(f"SELECT {d}.page_id AS page_id {frm} "
                         f"ORDER BY {', '.join(date_order(d, index=broad))} "
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
        inner = (f"{select} FROM {FTS} JOIN {d} ON {d}.page_id = {FTS}.rowid "
                 f"WHERE {sql.where[0]} AND +{FTS}.rowid IN ({candidates})")
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
    # Only the page's rows come back (the candidates counted beside them), not thousands.
    page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    rows = fetch(f"SELECT page_id, COUNT(*) OVER () FROM ({inner}) r "
                 f"ORDER BY {', '.join(order)}{page}", inner_params)
    return [row[0] for row in rows], (rows[0][1] if rows else 0)
