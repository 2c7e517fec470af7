"""The public search's query and results, shared by every public search backend."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from ..core.models import DisclosurePage
from ..text import analysis
from .records import SearchDocument
from .snippets import snippet

MAX_PAGE_SIZE = 50
SORTS = ("relevance", "date")
FACETS = ("agency", "topic", "year", "kind", "validity")


class SearchUnavailable(Exception):
    """The search index cannot be queried right now (the view answers 503)."""


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
    # Active facets counted without their own filter, by a backend that did it in the search
    # itself (the database, in the search's transaction); services.search asks for the rest.
    facets_without: dict[str, list[tuple[object, int]]] = field(default_factory=dict)

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def page_size(query: SearchQuery) -> int:
    return max(1, min(query.page_size, MAX_PAGE_SIZE))


def add_hits(results: SearchResults, ids: list[int]) -> None:
    """Append the hits for ``ids`` (in order), loaded from the database with their snippet.

    A page whose row is gone (no longer live and public, or deleted since the count) is
    dropped, whichever backend found it.
    """
    terms = results.terms
    dn_terms = [t for t in terms if t.startswith("dn")]
    # Wide columns only for the rows shown.
    docs = SearchDocument.objects.only("kind_id", "plain", "document_number_key").in_bulk(ids)
    pages = DisclosurePage.objects.select_related("agency", "topic").in_bulk(ids)
    for page_id in ids:
        page, doc = pages.get(page_id), docs.get(page_id)
        if page is None or doc is None:
            continue
        results.hits.append(Hit(
            page=page, kind=doc.kind_id, snippet=snippet(doc.plain, terms),
            exact_document_number=bool(dn_terms) and doc.document_number_key == dn_terms[0],
        ))


def suggestions(q: str, terms: list[str], filters: dict, count) -> list[tuple[str, int]]:
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
