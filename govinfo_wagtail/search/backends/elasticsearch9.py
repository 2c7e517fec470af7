"""Wagtail's elasticsearch9 backend with the Chinese analysis (see docs/search.md)."""

from modelsearch.backends.elasticsearch9 import Elasticsearch9SearchBackend

from . import ANALYSED_FIELDS, ChineseQueryMixin


class SearchBackend(ChineseQueryMixin, Elasticsearch9SearchBackend):
    # The analysed fields hold pre-analysed tokens (a whitespace analyser keeps them as they
    # are), the strong ones boosted (ChineseQueryMixin.search_fields).
    search_fields = ANALYSED_FIELDS
