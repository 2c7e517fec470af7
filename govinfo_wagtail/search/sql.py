"""The public index's SQL per database vendor: the full-text match, filters, planner hints.

The public query goes straight to the vendor's full-text index and ranks there (bm25 on
SQLite FTS5, ts_rank or RUM's ``<=>`` on PostgreSQL, MATCH relevance on MariaDB/MySQL), with
facet filters on plain columns of the same table: bounded work, one table, no per-row
subqueries (stock Wagtail's database backend is > 2,000x slower at 100,000 items).
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection, transaction

from ..text import analysis
from .documents import innodb_min_token_size
from .query import SearchUnavailable
from .records import SearchDocument

TABLE = SearchDocument._meta.db_table
FTS = "govinfo_search_fts"
FACET_COLUMNS = {
    "agency": "agency_id", "topic": "topic_id", "year": "year", "kind": "kind_id",
    "validity": "validity",
}


# Broad queries (more matches than SEARCH_EXACT_COUNT_LIMIT) are counted on the pages whose id
# is a multiple of SAMPLE_MODULUS (a partial index on PostgreSQL, migration 0003) and scaled up.
SAMPLE_MODULUS = 16
# PostgreSQL: a query matching at least this share of all documents picks its ranking window by
# walking the date index (it meets a match almost every row) instead of reading every match.
BROAD_SHARE = 0.25


class Sql:
    """FROM/WHERE fragments and the rank expression for one vendor and one set of terms."""

    def __init__(self, terms: list[str]):
        vendor = connection.vendor
        d = self.table = TABLE
        self.from_, self.where, self.params = d, [], []
        self.rank, self.rank_params = None, []  # ascending: best first
        self.rank_needs_match = True  # the rank is only defined inside the MATCH query
        self.page_id = f"{d}.page_id"  # the sample's column (SQLite: before the join)
        if not terms:
            return
        if vendor == "sqlite":
            self.from_ = f"{FTS} JOIN {d} ON {d}.page_id = {FTS}.rowid"
            self.where = [f"{FTS} MATCH %s"]
            self.params = [analysis.fts5_query(terms)]
            self.rank = f"bm25({FTS})"  # lower is better
            self.page_id = f"{FTS}.rowid"
        elif vendor == "postgresql":
            self.where = [f"{d}.tsv @@ to_tsquery('simple', %s)"]
            self.params = [analysis.tsquery(terms)]
            self.rank = f"-ts_rank({d}.tsv, to_tsquery('simple', %s))"
            self.rank_params = list(self.params)
            self.rank_needs_match = False
        elif vendor == "mysql":
            against = analysis.mysql_boolean_query(terms, innodb_min_token_size())
            self.where = [f"MATCH({d}.text) AGAINST (%s IN BOOLEAN MODE)"]
            self.params = [against]
            self.rank = f"-MATCH({d}.text) AGAINST (%s IN BOOLEAN MODE)"
            self.rank_params = [against]
        else:
            raise SearchUnavailable(f"unsupported database vendor {vendor}")

    def filtered(self, filters: dict, *, sample: bool = False) -> tuple[str, list]:
        where, params = list(self.where) or ["1=1"], list(self.params)
        for name, value in filters.items():
            where.append(f"{self.table}.{FACET_COLUMNS[name]} = %s")
            params.append(value)
        if sample:  # written exactly as the partial index's predicate ('%%': a literal %)
            where.append(f"{self.page_id} %% {SAMPLE_MODULUS} = 0")
        return f"FROM {self.from_} WHERE {' AND '.join(where)}", params


PLANNER_SETTINGS = ("enable_seqscan", "enable_bitmapscan", "enable_hashjoin", "enable_mergejoin")


class Planner:
    """PostgreSQL: keep the planner off plans that read every row's tsvector.

    The planner does not count the cost of fetching a stored tsvector from TOAST (~20-50 µs a
    row), so for common words it prefers a sequential scan that checks every row (seconds at
    100,000 items) over the GIN index (milliseconds). ``use()`` before each statement says
    what it needs: never a sequential scan; with ``walk_dates`` the date index must be
    walked (queries that match nearly every row); with ``by_key`` joins go through the
    primary key (the ranking statement: a few thousand candidates, where a hash join would
    read the whole primary-key index). Settings are transaction-local (``set_config(...,
    true)``), changed only when a statement needs other ones, in one statement each time:
    a search makes few round trips to the server, each of which waits for a core on a busy
    machine.
    """

    def __init__(self):
        self.off: set[str] = set()  # the settings turned off in this transaction

    def use(self, *, walk_dates: bool = False, by_key: bool = False) -> None:
        off = {"enable_seqscan"}
        if walk_dates:
            off.add("enable_bitmapscan")
        if by_key:
            off |= {"enable_hashjoin", "enable_mergejoin"}
        if off != self.off:
            self._set(off, self.off | off)

    def restore(self) -> None:
        if self.off:
            self._set(set(), self.off)

    def _set(self, off: set[str], names: set[str]) -> None:
        # Off, or back to the value RESET would give (the server's or the session's default).
        fetch("SELECT set_config(name, CASE WHEN name = ANY(%s) THEN 'off' ELSE reset_val END, "
              "true) FROM pg_settings WHERE name = ANY(%s)", [sorted(off), sorted(names)])
        self.off = off


class _NoPlanner(Planner):
    def use(self, *, walk_dates: bool = False, by_key: bool = False) -> None:
        pass


@contextmanager
def search_transaction():
    """The statements of one search in one transaction (PostgreSQL), yielding its Planner.

    SET LOCAL outlives a savepoint: inside an enclosing transaction the settings are put
    back at the end (on an error the rollback undoes them by itself); at the outermost level
    the commit ends them.
    """
    if connection.vendor != "postgresql":
        yield _NoPlanner()
        return
    enclosed = connection.in_atomic_block
    with transaction.atomic():
        planner = Planner()
        yield planner
        if enclosed:
            planner.restore()


@contextmanager
def plan_for_fulltext(*, walk_dates: bool = False, by_key: bool = False):
    """One transaction with the planner settings of ``Planner.use`` (the benchmark's floors
    run their statements under the same settings)."""
    with search_transaction() as planner:
        planner.use(walk_dates=walk_dates, by_key=by_key)
        yield


def about(n: int) -> int:
    """An estimate rounded to two significant figures (1,616 -> 1,600)."""
    if n < 100:
        return n
    step = 10 ** (len(str(n)) - 2)
    return round(n / step) * step


def table_rows() -> int:
    if connection.vendor != "postgresql":
        return 0
    rows = fetch("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [TABLE])
    return max(rows[0][0], 0) if rows else 0


def fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def date_order(table: str, *, index: bool = True) -> list[str]:
    # PostgreSQL: "+ 0" hides the date index, so that a window of matches is taken from the
    # GIN index and sorted rather than found by a date walk that reads each row's tsvector.
    date = f"{table}.published_date" if index or connection.vendor != "postgresql" \
        else f"({table}.published_date + 0)"
    return [f"{date} DESC", f"{table}.page_id DESC"]
