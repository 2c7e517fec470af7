"""The public search on an Elasticsearch or OpenSearch cluster: request bodies, responses.

The ranking is the database backends' (``ranking``), written as boosts: one constant per
level in ``cluster``, each outweighing everything below it.
"""

from __future__ import annotations

import math
from dataclasses import replace

from django.db import DatabaseError

from ..text import analysis
from .cluster import (
    _WORD,
    ALL_STRONG_BOOST,
    BODY_TERM_BOOST,
    CLUSTER_INDEX,
    DEFAULT_MAX_RESULT_WINDOW,
    EXACT_DOCUMENT_NUMBER_BOOST,
    FACET_BUCKETS,
    PHRASE_BOOST,
    STRONG_TERM_BOOST,
    TITLE_TERM_BOOST,
    ClusterClient,
    ClusterError,
    client,
    cluster_terms,
    rebuild,
    remove_page,
    sync_page,
)
from .public_backend import PublicSearchBackend
from .query import FACETS, SearchUnavailable, add_hits, page_size
from .query import suggestions as candidates


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

    size = page_size(query)
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
    """Fill ``query.SearchResults`` from a response: count, facets, page numbers and the
    hits, loaded from the database (pages, snippet text) like the database search does."""
    results.count, results.facets, ids = parse_response(response)
    results.num_pages = max(1, min(math.ceil(results.count / page_size),
                                   max_page(page_size, max_result_window)))
    results.page = max(1, min(page, results.num_pages))
    add_hits(results, ids)


def facet_without_body(query, terms: list[str], name: str) -> dict:
    """The request body counting one active facet without its own filter: the same words and
    the other filters, one aggregation, no hits (``terms`` as for ``query_body``)."""
    body = query_body(replace(query, **{name: None}, page=1), terms)
    body.update(size=0, aggs={name: body["aggs"][name]})
    body.pop("sort", None)
    return body


def facet_without(query, terms: list[str], name: str) -> list[tuple[object, int]]:
    """The rows of one active facet counted without its own filter (``services.search``)."""
    try:
        body = facet_without_body(query, cluster_terms(terms), name)
        return parse_response(client().search(body))[1].get(name, [])
    except (ClusterError, DatabaseError) as exc:
        raise SearchUnavailable(str(exc)) from exc


def search(query, terms: list[str], results) -> None:
    """The search on the cluster: fills ``results`` or raises SearchUnavailable."""
    analysed = cluster_terms(terms)
    try:
        cluster = client()
        window = cluster.max_result_window
        size = page_size(query)
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
    """``query.suggestions`` (same candidates), counted by the cluster."""

    def count(terms: list[str], filters: dict | None = None) -> int:
        return cluster.count(count_body(filters or {}, cluster_terms(terms)))

    return candidates(q, terms, filters, count=count)


class ClusterSearch(PublicSearchBackend):
    """The copy of the ``SearchDocument`` rows on the cluster (``GOVINFO_SEARCH_CLUSTER``)."""

    name = CLUSTER_INDEX

    def search(self, query, terms: list[str], results) -> None:
        search(query, terms, results)

    def facet_without(self, query, terms: list[str], name: str) -> list[tuple[object, int]]:
        return facet_without(query, terms, name)

    def count(self, terms: list[str], filters: dict | None = None) -> int:
        try:
            return client().count(count_body(filters or {}, cluster_terms(terms)))
        except ClusterError as exc:
            raise SearchUnavailable(str(exc)) from exc

    def sync(self, page_id: int) -> None:
        sync_page(page_id)

    def remove(self, page_id: int) -> None:
        remove_page(page_id)

    def rebuild(self) -> tuple[str, int]:
        return rebuild()
