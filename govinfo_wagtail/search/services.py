"""The public search: one entry point over the public search backends (``public_backend``).

``search()`` analyses the query once and hands it to the backend the settings choose: the
database's own full-text index (``database``), or the Elasticsearch/OpenSearch cluster when
``GOVINFO_SEARCH_CLUSTER`` is set (``cluster_search``). Documents are built in ``documents``,
snippets in ``snippets``; the names views and the API use are importable from here.
"""

from __future__ import annotations

from ..core.models import DisclosurePage
from ..text import analysis
from . import cluster
from .cluster_search import ClusterSearch
from .database import DatabaseSearch
from .documents import attachment_only_text, build_document, strong_texts, sync_search_document
from .public_backend import PublicSearchBackend
from .query import (
    FACETS,
    MAX_PAGE_SIZE,
    SORTS,
    Hit,
    SearchQuery,
    SearchResults,
    SearchUnavailable,
)
from .snippets import snippet

__all__ = [
    "FACETS", "MAX_PAGE_SIZE", "SORTS", "Hit", "SearchQuery", "SearchResults",
    "SearchUnavailable", "attachment_only_text", "build_document", "count",
    "lookup_index_number", "public_backend", "search", "snippet", "strong_texts",
    "sync_search_document",
]


def public_backend() -> PublicSearchBackend:
    """The backend that serves the public search: the cluster when GOVINFO_SEARCH_CLUSTER is
    set, else the database."""
    return ClusterSearch() if cluster.enabled() else DatabaseSearch()


def search(query: SearchQuery) -> SearchResults:
    """Run a public search; raises SearchUnavailable when the index cannot be read."""
    terms = analysis.query_terms(query.q)
    results = SearchResults(query=query, terms=terms)
    if query.q.strip() and not terms:
        return results  # punctuation or emoji only: nothing can match
    backend = public_backend()
    backend.search(query, terms, results)
    for name in query.filters():  # an active facet keeps its other values
        if name not in results.facets_without:
            results.facets_without[name] = backend.facet_without(query, terms, name)
        results.facets[name] = results.facets_without[name]
    return results


def count(terms: list[str], filters: dict | None = None) -> int:
    """The number of public documents matching every term and the facet ``filters``."""
    return public_backend().count(terms, filters)


def lookup_index_number(q: str):
    """The live, public page whose 索引号 is the whole query, or None."""
    canonical = analysis.canonical_index_number(q)
    if canonical is None:
        return None
    candidates = DisclosurePage.objects.released().public().filter(
        index_number__iexact=canonical)
    return candidates.first()
