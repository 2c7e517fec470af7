"""The public search served by an Elasticsearch or OpenSearch cluster (``GOVINFO_SEARCH_CLUSTER``).

The database table ``SearchDocument`` stays the source of truth: the cluster holds one
document per row (``document()``), written or deleted whenever the row is
(``sync_page()``, called from ``indexing.update_page_index``), so the live/public/restriction
rules are the database's. Searches go to the cluster; the pages shown are then loaded from the
database, and a hit whose row is gone (unpublished while the cluster missed the delete) is
dropped, so a page that is not live and public is never shown.

The ``text`` field holds the package's analysed tokens (``analysis.index_text``) and is
indexed and searched with the built-in ``whitespace`` analyser: no Chinese plugin (IK,
smartcn) is needed, and the cluster finds exactly what the database backends find.

Every client or server error becomes ``ClusterError``; the search raises
``services.SearchUnavailable`` for it (the views answer 503) and the index updates record an
``IndexFailure`` under ``CLUSTER_INDEX`` that ``govinfo_search_retry`` re-runs.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Iterable, Iterator

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection

from ..text import analysis

CLUSTER_INDEX = "govinfo_cluster"  # IndexFailure.backend of the cluster's public index
DEFAULT_INDEX = "govinfo_public"
DEFAULT_MAX_RESULT_WINDOW = 10_000  # Elasticsearch's and OpenSearch's own default
DEFAULT_TIMEOUT = 5  # seconds per request, unless OPTIONS sets the client's own timeout
FACET_BUCKETS = 1_000  # facet values returned per facet (the database returns them all)
# The ranking of services (docs/search.md, "Ranking") as constant-score boosts, each level
# above the most the levels below it can add (<= 32 terms, analysis.MAX_QUERY_TERMS), so the
# sum orders documents as the database's ORDER BY does; BM25 of ``text`` (< 1,000 for 32
# terms) orders the rest, then in force, then date. (tests/search/test_cluster.py checks
# that each level outweighs everything below it.)
EXACT_DOCUMENT_NUMBER_BOOST = 1_000_000_000  # 1. own 文号 / 索引号 (also "IDENTIFIER")
ALL_STRONG_BOOST = 100_000_000  # 2. every word in the strong fields
STRONG_TERM_BOOST = 3_000_000  # 3. per word in the strong fields (32 x: 96 M)
PHRASE_BOOST = 1_500_000  # 4. the typed parts verbatim in the title
TITLE_TERM_BOOST = 40_000  # 5. per word in the title itself (32 x: 1.28 M)
BODY_TERM_BOOST = 1_000  # 5a. per word found outside attachment text (32 x: 32,000)
BM25_BOUND = 1_000  # BM25 of ``text`` stays below this for 32 terms
BULK_CHUNK = 500
_WORD = re.compile(r"[^\W_]+")  # what every analysed token is (analysis module)


class ClusterError(Exception):
    """The cluster could not be reached or refused the request."""


# --- configuration and client -----------------------------------------------------------------


def config() -> dict | None:
    from ..conf import govinfo_settings

    value = govinfo_settings.SEARCH_CLUSTER
    return dict(value) if value else None


def enabled() -> bool:
    return config() is not None


def _index_name(conf: dict) -> str:
    return conf.get("INDEX") or DEFAULT_INDEX


def _max_result_window(conf: dict) -> int:
    return int(conf.get("MAX_RESULT_WINDOW") or DEFAULT_MAX_RESULT_WINDOW)


def _import(module: str, extra: str):
    from importlib import import_module

    try:
        return import_module(module)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"GOVINFO_SEARCH_CLUSTER needs the {module} client: "
            f"pip install 'govinfo-wagtail[{extra}]'"
        ) from exc


class ClusterClient:
    """One small adapter over the ``elasticsearch`` (8.x/9.x) and ``opensearch-py`` clients.

    Both take ``body=`` on the calls used here; they differ in their exception classes, the
    name of the timeout option and the bulk helper.
    """

    def __init__(self, conf: dict):
        kind = (conf.get("CLIENT") or "elasticsearch").lower()
        urls = conf.get("URLS") or ["http://localhost:9200"]
        options = dict(conf.get("OPTIONS") or {})
        if kind == "elasticsearch":
            elasticsearch = _import("elasticsearch", "elasticsearch")
            import elastic_transport
            from elasticsearch import helpers

            options.setdefault("request_timeout", DEFAULT_TIMEOUT)
            self.client = elasticsearch.Elasticsearch(hosts=list(urls), **options)
            self.errors = (elastic_transport.TransportError, elasticsearch.ApiError,
                           elasticsearch.SerializationError)
            self.not_found = elasticsearch.NotFoundError
        elif kind == "opensearch":
            opensearchpy = _import("opensearchpy", "opensearch")
            from opensearchpy import helpers

            options.setdefault("timeout", DEFAULT_TIMEOUT)
            self.client = opensearchpy.OpenSearch(hosts=list(urls), **options)
            self.errors = (opensearchpy.OpenSearchException,)
            self.not_found = opensearchpy.NotFoundError
        else:
            raise ImproperlyConfigured(f"GOVINFO_SEARCH_CLUSTER['CLIENT'] must be "
                                       f"'elasticsearch' or 'opensearch', not {kind!r}")
        self.helpers = helpers
        self.index = _index_name(conf)
        self.max_result_window = _max_result_window(conf)
        self.index_settings = conf.get("INDEX_SETTINGS") or {}
        self._index_ready = False

    def _call(self, method, /, **kwargs) -> dict:
        try:
            response = method(**kwargs)
        except self.errors as exc:
            raise ClusterError(f"{type(exc).__name__}: {exc}") from exc
        return getattr(response, "body", response)  # elasticsearch's ObjectApiResponse

    # index management

    def ensure_index(self) -> None:
        """Create the index (behind its alias) once, before the first write of a process;
        otherwise the server would create it on the first document with a guessed mapping."""
        if self._index_ready:
            return
        if not self._call(self.client.indices.exists, index=self.index):
            try:
                self.create_index(f"{self.index}_initial", alias=True)
            except ClusterError as exc:
                if "already_exists" not in str(exc):  # else a concurrent process made it
                    raise
        self._index_ready = True

    def create_index(self, name: str, *, alias: bool = False) -> None:
        body = {"settings": index_settings(self.max_result_window, self.index_settings),
                "mappings": mapping()}
        if alias:
            body["aliases"] = {self.index: {"is_write_index": True}}
        self._call(self.client.indices.create, index=name, body=body)

    def indices_behind_alias(self) -> list[str]:
        try:
            return list(self._call(self.client.indices.get_alias, name=self.index))
        except ClusterError as exc:
            if isinstance(exc.__cause__, self.not_found):
                return []
            raise

    def switch_alias(self, new: str) -> list[str]:
        """Point the alias at ``new`` (one atomic step) and delete the indices it left."""
        old = self.indices_behind_alias()
        if not old and self._call(self.client.indices.exists, index=self.index):
            # An index (not an alias) of that name, e.g. auto-created: it has to go first.
            self._call(self.client.indices.delete, index=self.index)
        actions = [{"remove": {"index": name, "alias": self.index}} for name in old]
        actions.append({"add": {"index": new, "alias": self.index, "is_write_index": True}})
        self._call(self.client.indices.update_aliases, body={"actions": actions})
        for name in old:
            if name != new:
                self._call(self.client.indices.delete, index=name)
        self._index_ready = True
        return old

    def delete_index(self, name: str) -> None:
        self._call(self.client.indices.delete, index=name)

    def refresh(self, name: str | None = None) -> None:
        self._call(self.client.indices.refresh, index=name or self.index)

    # documents

    def put(self, page_id: int, doc: dict) -> None:
        self.ensure_index()
        try:
            # require_alias: never let the server create a plain index with a guessed mapping
            # (if the index was deleted behind our back, the next attempt re-creates it).
            self._call(self.client.index, index=self.index, id=str(page_id), body=doc,
                       require_alias=True)
        except ClusterError:
            self._index_ready = False
            raise

    def remove(self, page_id: int) -> None:
        try:
            self._call(self.client.delete, index=self.index, id=str(page_id))
        except ClusterError as exc:
            if not isinstance(exc.__cause__, self.not_found):  # already gone: done
                raise

    def bulk_put(self, name: str, docs: Iterable[tuple[int, dict]]) -> int:
        actions = ({"_op_type": "index", "_index": name, "_id": str(pk), "_source": doc}
                   for pk, doc in docs)
        try:
            indexed, _errors = self.helpers.bulk(self.client, actions, chunk_size=BULK_CHUNK)
        except self.errors + (self.helpers.BulkIndexError,) as exc:
            raise ClusterError(f"{type(exc).__name__}: {exc}") from exc
        return indexed

    # queries

    def search(self, body: dict) -> dict:
        return self._call(self.client.search, index=self.index, body=body)

    def count(self, body: dict) -> int:
        return int(self._call(self.client.count, index=self.index, body=body)["count"])


_clients: dict[str, ClusterClient] = {}


def client(conf: dict | None = None) -> ClusterClient:
    """The client for the current setting (one per distinct setting and process: clients
    keep connection pools). Built from the setting itself: OPTIONS may hold tuples or an
    SSLContext, which the cache key only names."""
    conf = conf or config()
    if conf is None:
        raise ClusterError("GOVINFO_SEARCH_CLUSTER is not set")
    key = json.dumps(conf, sort_keys=True, default=repr)
    if key not in _clients:
        if len(_clients) >= 8:  # settings changed (tests): drop the old clients
            _clients.clear()
        _clients[key] = ClusterClient(conf)
    return _clients[key]


# --- index definition -----------------------------------------------------------------------


def mapping() -> dict:
    """The index mapping: analysed tokens in ``text``; facet, sort and key fields exact."""
    return {
        "dynamic": "strict",
        "properties": {
            "page_id": {"type": "long"},
            # Tokens are already segmented and normalised: split on spaces, keep as they are.
            "text": {"type": "text", "analyzer": "whitespace", "search_analyzer": "whitespace"},
            "agency": {"type": "integer"},
            "topic": {"type": "integer"},
            "year": {"type": "integer"},
            "kind": {"type": "integer"},
            "validity": {"type": "keyword"},
            "published_date": {"type": "date", "format": "strict_date"},
            "document_number_key": {"type": "keyword"},
            # The strong fields (services.strong_texts) and the title for adjacency.
            "title_text": {"type": "text", "analyzer": "whitespace",
                           "search_analyzer": "whitespace"},
            "meta_text": {"type": "text", "analyzer": "whitespace",
                          "search_analyzer": "whitespace"},
            "title_key": {"type": "keyword", "ignore_above": 255},
            # Tokens found only in attachment text: such a word ranks below one in the body.
            "attach_only": {"type": "text", "analyzer": "whitespace",
                            "search_analyzer": "whitespace"},
            "in_force": {"type": "boolean"},
        },
    }


def index_settings(max_result_window: int = DEFAULT_MAX_RESULT_WINDOW,
                   overrides: dict | None = None) -> dict:
    """Index settings; ``INDEX_SETTINGS`` of the setting (shards, replicas, ...) win."""
    settings = {"number_of_shards": 1, "max_result_window": max_result_window}
    settings.update(overrides or {})
    return {"index": settings}


def cluster_terms(terms: Iterable[str]) -> list[str]:
    """Query terms as the cluster holds them. On MariaDB/MySQL the row holds InnoDB-encoded
    tokens (q_交通) that ``document()`` decodes; the terms go through the same encode/decode,
    so both sides agree even where the encoding is lossy (hex of very long tokens is cut)."""
    if connection.vendor != "mysql":
        return list(terms)
    return [analysis.decode_token(analysis.encode_token(t)) for t in terms]


def document(row) -> dict:
    """The cluster document of one ``SearchDocument`` row."""
    def decoded(text: str) -> str:
        if connection.vendor == "mysql":
            return " ".join(analysis.decode_token(t) for t in text.split())
        return text

    return {
        "page_id": row.page_id,
        "text": decoded(row.text),
        "title_text": decoded(row.title_text),
        "meta_text": decoded(row.meta_text),
        "title_key": row.title_key,
        "attach_only": decoded(row.attach_only or ""),
        "in_force": row.validity == "valid",
        "agency": row.agency_id,
        "topic": row.topic_id,
        "year": row.year,
        "kind": row.kind_id,
        "validity": row.validity,
        "published_date": row.published_date.isoformat() if row.published_date else None,
        "document_number_key": row.document_number_key,
    }


# --- keeping it in step with SearchDocument -----------------------------------------------------


def sync_page(page_id: int) -> None:
    """Index the page's row, or delete its document when the row is gone."""
    from .models import SearchDocument

    row = SearchDocument.objects.filter(page_id=page_id).first()
    if row is None:
        client().remove(page_id)
    else:
        client().put(page_id, document(row))


def remove_page(page_id: int) -> None:
    client().remove(page_id)


def _documents(since=None) -> Iterator[tuple[int, dict]]:
    from .models import SearchDocument

    rows = SearchDocument.objects.order_by("page_id")
    if since is not None:
        rows = rows.filter(updated_at__gte=since)
    for row in rows.iterator(chunk_size=BULK_CHUNK):
        yield row.page_id, document(row)


def rebuild() -> tuple[str, int]:
    """Build a fresh index from every ``SearchDocument`` row, then switch the alias to it
    (searches keep using the old index until then) and delete the old index."""
    from datetime import timedelta

    from django.utils import timezone

    cluster = client()
    name = f"{cluster.index}_{time.strftime('%Y%m%d%H%M%S')}_{time.time_ns() % 1000:03d}"
    started = timezone.now() - timedelta(minutes=1)  # margin for clocks and open transactions
    cluster.create_index(name)
    try:
        indexed = cluster.bulk_put(name, _documents())
        cluster.refresh(name)
        cluster.switch_alias(name)
    except BaseException:
        try:
            cluster.delete_index(name)
        except ClusterError:
            pass
        raise
    # Updates that ran meanwhile went to the old index: copy their rows again. (A page deleted
    # meanwhile may linger in the new index until the next rebuild; the search never shows it,
    # as every hit is checked against the database.)
    cluster.bulk_put(cluster.index, _documents(since=started))
    return name, indexed


# --- querying ---------------------------------------------------------------------------------


def _page_size(query) -> int:
    from .services import MAX_PAGE_SIZE

    return max(1, min(query.page_size, MAX_PAGE_SIZE))


def max_page(page_size: int, max_result_window: int = DEFAULT_MAX_RESULT_WINDOW) -> int:
    """The deepest page the cluster will serve (from + size <= index.max_result_window)."""
    return max(1, max_result_window // page_size)


def _filters(query) -> list[dict]:
    return [{"term": {name: value}} for name, value in query.filters().items()]


def _match(terms: list[str]) -> dict:
    return {"match": {"text": {"query": " ".join(terms), "operator": "and"}}}


def _boosted(query: dict, boost: float) -> dict:
    return {"constant_score": {"filter": query, "boost": boost}}


def _in_strong(term: str) -> dict:
    return {"bool": {"should": [{"term": {"title_text": term}}, {"term": {"meta_text": term}}],
                     "minimum_should_match": 1}}


def ranking_clauses(terms: list[str], runs: list[str]) -> list[dict]:
    """``should`` clauses that add the ranking levels 1-5a of services to the BM25 score."""
    clauses = []
    dn = [t for t in terms if t.startswith("dn")][:1]
    ix = [t for t in terms if t.startswith("ix")]
    own = [{"term": {"document_number_key": t}} for t in dn] + \
        [{"term": {"title_text": t}} for t in ix]
    if own:
        clauses.append(_boosted({"bool": {"should": own, "minimum_should_match": 1}},
                                EXACT_DOCUMENT_NUMBER_BOOST))
    clauses.append(_boosted({"bool": {"must": [_in_strong(t) for t in terms]}},
                            ALL_STRONG_BOOST))
    clauses += [_boosted(_in_strong(t), STRONG_TERM_BOOST) for t in terms]
    if runs:  # letters and digits only (analysis.query_runs): no wildcard character inside
        clauses.append(_boosted({"bool": {"must": [
            {"wildcard": {"title_key": {"value": f"*{r}*"}}} for r in runs]}}, PHRASE_BOOST))
    clauses += [_boosted({"term": {"title_text": t}}, TITLE_TERM_BOOST) for t in terms]
    # Every word is in ``text`` (the match requires it): outside attachment text unless it is
    # one of the document's attachment-only tokens.
    clauses += [_boosted({"bool": {"must_not": [{"term": {"attach_only": t}}]}},
                         BODY_TERM_BOOST) for t in terms]
    return clauses


def query_body(query, terms: list[str], *, page: int | None = None,
               max_result_window: int = DEFAULT_MAX_RESULT_WINDOW, aggregations: bool = True
               ) -> dict:
    """The search request body for a ``SearchQuery`` and its analysed ``terms``.

    Every term is required (operator "and"); relevance order is the ranking of services
    (``ranking_clauses``: own 文号/索引号, strong fields, adjacency, title; then BM25, in force,
    date); in date order a page whose own 文号 is the one queried still comes first; facet
    counts are taken with all the query's filters applied, as in the database (services.search
    then counts each active facet without its own filter: ``facet_without``).
    """
    from .services import FACETS

    # Terms are letter/digit runs (analysis module); keep only those, so nothing else can
    # reach the cluster (the match query does not parse operators anyway).
    terms = [t for t in terms if _WORD.fullmatch(t)]
    filters = _filters(query)
    dn_terms = [t for t in terms if t.startswith("dn")]
    boolean: dict = {"filter": filters}
    if terms and query.sort != "date":
        boolean["must"] = [_match(terms)]
    elif terms:  # date order: the match decides what is found, not how it is ranked
        boolean["filter"] = [_match(terms), *filters]
    if terms and query.sort != "date":
        runs = [r for r in analysis.query_runs(query.q) if _WORD.fullmatch(r)]
        boolean["should"] = ranking_clauses(terms, runs)
    elif dn_terms:  # date order: the own 文号 still comes first
        boolean["should"] = [_boosted({"term": {"document_number_key": dn_terms[0]}},
                                      EXACT_DOCUMENT_NUMBER_BOOST)]
    if not terms:
        boolean["must"] = [{"match_all": {}}]

    date_order = [{"published_date": {"order": "desc", "missing": "_last"}},
                  {"page_id": {"order": "desc"}}]
    if terms and query.sort != "date":
        in_force = {"in_force": {"order": "desc", "unmapped_type": "boolean"}}
        sort = [{"_score": {"order": "desc"}}, in_force, *date_order]
    elif terms and dn_terms:
        sort = [{"_score": {"order": "desc"}}, *date_order]
    else:
        sort = date_order

    size = _page_size(query)
    page = max(1, min(page or query.page, max_page(size, max_result_window)))
    body = {
        "query": {"bool": boolean},
        "sort": sort,
        "from": (page - 1) * size,
        "size": size,
        "track_total_hits": True,
        "_source": False,
    }
    if aggregations:
        body["aggs"] = {name: {"terms": {"field": name, "size": FACET_BUCKETS}}
                        for name in FACETS}
    return body


def count_body(query_filters: dict, terms: list[str]) -> dict:
    filters = [{"term": {name: value}} for name, value in query_filters.items()]
    if terms:
        filters.insert(0, _match([t for t in terms if _WORD.fullmatch(t)]))
    return {"query": {"bool": {"filter": filters}}}


def parse_response(response: dict) -> tuple[int, dict[str, list[tuple[object, int]]], list[int]]:
    """(total, facets, page ids in order) from a search response."""
    from .services import FACETS

    hits = response.get("hits") or {}
    total = hits.get("total") or 0
    count = int(total["value"] if isinstance(total, dict) else total)
    facets = {}
    aggs = response.get("aggregations") or {}
    for name in FACETS:
        buckets = (aggs.get(name) or {}).get("buckets") or []
        rows = [(b["key"], int(b["doc_count"])) for b in buckets if b.get("key") is not None]
        facets[name] = sorted(rows, key=lambda r: (-r[1], str(r[0])))  # as the database does
    ids = [int(hit["_id"]) for hit in hits.get("hits") or []]
    return count, facets, ids


def fill_results(results, response: dict, *, page: int, page_size: int,
                 max_result_window: int = DEFAULT_MAX_RESULT_WINDOW) -> None:
    """Fill ``services.SearchResults`` from a response: count, facets, page numbers and the
    hits, loaded from the database (pages, snippet text) like the database search does."""
    from ..core.models import DisclosurePage
    from .models import SearchDocument
    from .services import Hit, snippet

    results.count, results.facets, ids = parse_response(response)
    results.num_pages = max(1, min(math.ceil(results.count / page_size),
                                   max_page(page_size, max_result_window)))
    results.page = max(1, min(page, results.num_pages))
    terms = results.terms
    dn_terms = [t for t in terms if t.startswith("dn")]
    docs = SearchDocument.objects.only("kind_id", "plain", "document_number_key").in_bulk(ids)
    pages = DisclosurePage.objects.select_related("agency", "topic").in_bulk(ids)
    for page_id in ids:
        page_obj, doc = pages.get(page_id), docs.get(page_id)
        if page_obj is None or doc is None:  # no longer live and public (or deleted)
            continue
        results.hits.append(Hit(
            page=page_obj, kind=doc.kind_id, snippet=snippet(doc.plain, terms),
            exact_document_number=bool(dn_terms) and doc.document_number_key == dn_terms[0],
        ))


def facet_without(query, terms: list[str], name: str) -> list[tuple[object, int]]:
    """The rows of one active facet counted without its own filter (``services.search``)."""
    from dataclasses import replace

    from .services import SearchUnavailable

    try:
        body = query_body(replace(query, **{name: None}, page=1), cluster_terms(terms))
        body.update(size=0, aggs={name: body["aggs"][name]})
        body.pop("sort", None)
        return parse_response(client().search(body))[1].get(name, [])
    except (ClusterError, DatabaseError) as exc:
        raise SearchUnavailable(str(exc)) from exc


def search(query, terms: list[str], results) -> None:
    """``services.search`` on the cluster: fills ``results`` or raises SearchUnavailable."""
    from .services import SearchUnavailable

    analysed = cluster_terms(terms)
    try:
        cluster = client()
        window = cluster.max_result_window
        size = _page_size(query)
        page = max(1, min(query.page, max_page(size, window)))
        response = cluster.search(query_body(query, analysed, page=page,
                                             max_result_window=window))
        count = parse_response(response)[0]
        last = max(1, min(math.ceil(count / size), max_page(size, window)))
        if page > last:  # beyond the last page: show the last one, as the database does
            page = last
            again = cluster.search(query_body(query, analysed, page=page,
                                              max_result_window=window, aggregations=False))
            response = {**again, "aggregations": response.get("aggregations")}
        fill_results(results, response, page=page, page_size=size, max_result_window=window)
        if not results.count:
            results.suggestions = suggestions(query.q, terms, query.filters(), cluster)
    except (ClusterError, DatabaseError) as exc:
        raise SearchUnavailable(str(exc)) from exc


def suggestions(q: str, terms: list[str], filters: dict, cluster: ClusterClient
                ) -> list[tuple[str, int]]:
    """``services.suggestions`` (same candidates), counted by the cluster."""
    from .services import suggestions as candidates

    def count(terms: list[str], filters: dict | None = None) -> int:
        return cluster.count(count_body(filters or {}, cluster_terms(terms)))

    return candidates(q, terms, filters, count=count)
