"""Wagtail's opensearch2 backend with the Chinese analysis (see docs/search.md)."""

from modelsearch.backends.opensearch2 import OpenSearch2SearchBackend

from . import ChineseQueryMixin


class SearchBackend(ChineseQueryMixin, OpenSearch2SearchBackend):
    # search_text holds pre-analysed tokens: a whitespace analyser keeps them as they are.
    search_field = "search_text"
