"""Wagtail's opensearch3 backend with the Chinese analysis (see docs/search.md)."""

from modelsearch.backends.opensearch3 import OpenSearch3SearchBackend

from . import ChineseQueryMixin


class SearchBackend(ChineseQueryMixin, OpenSearch3SearchBackend):
    # search_text holds pre-analysed tokens: a whitespace analyser keeps them as they are.
    search_field = "search_text"
