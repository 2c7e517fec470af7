"""Wagtail's elasticsearch9 backend with the Chinese analysis (see docs/search.md)."""

from modelsearch.backends.elasticsearch9 import Elasticsearch9SearchBackend

from . import ChineseQueryMixin


class SearchBackend(ChineseQueryMixin, Elasticsearch9SearchBackend):
    # search_text holds pre-analysed tokens: a whitespace analyser keeps them as they are.
    search_field = "search_text"
