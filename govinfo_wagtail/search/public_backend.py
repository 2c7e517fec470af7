"""The interface of a public search backend (docs/search.md).

Two implementations: ``database.DatabaseSearch`` (the ``SearchDocument`` table through the
database's own full-text index) and ``cluster_search.ClusterSearch`` (Elasticsearch or
OpenSearch, a copy of the same rows). ``services.public_backend()`` picks one by the setting
``GOVINFO_SEARCH_CLUSTER``. The database rows are written first in every case: they are the
source of truth the cluster copies, and every hit is checked against them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only
    from .query import SearchQuery, SearchResults


class PublicSearchBackend:
    """Search, count/facets, sync, remove and rebuild for the public search."""

    name: str  # IndexFailure.backend of this index

    def search(self, query: SearchQuery, terms: list[str], results: SearchResults) -> None:
        """Fill ``results`` (count, facets, page, hits, suggestions) for the analysed ``terms``;
        raise ``SearchUnavailable`` when the index cannot be read. A backend may also fill
        ``results.facets_without`` (the active facets counted without their own filter, in
        the same pass); ``services.search`` asks ``facet_without`` for the others."""
        raise NotImplementedError

    def facet_without(self, query: SearchQuery, terms: list[str], name: str
                      ) -> list[tuple[object, int]]:
        """The rows of the active facet ``name`` counted without its own filter (the other
        filters apply), so the page keeps offering the facet's other values."""
        raise NotImplementedError

    def count(self, terms: list[str], filters: dict | None = None) -> int:
        """The number of documents matching every term and the facet ``filters``."""
        raise NotImplementedError

    def sync(self, page_id: int) -> object:
        """Bring the page's document in step with the page (or its database row)."""
        raise NotImplementedError

    def remove(self, page_id: int) -> None:
        raise NotImplementedError

    def rebuild(self) -> tuple[str, int]:
        """Rebuild the whole index: (its name, documents indexed)."""
        raise NotImplementedError
