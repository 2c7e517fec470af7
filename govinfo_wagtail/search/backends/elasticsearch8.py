"""Wagtail's elasticsearch8 backend with the Chinese analysis (see docs/search.md)."""

from modelsearch.backends.elasticsearch8 import Elasticsearch8SearchBackend

from . import ChineseQueryMixin


class SearchBackend(ChineseQueryMixin, Elasticsearch8SearchBackend):
    # search_text holds pre-analysed tokens: a whitespace analyser keeps them as they are.
    search_field = "search_text"
