"""Wagtail's opensearch3 backend with the Chinese analysis (see docs/search.md)."""

from modelsearch.backends.opensearch3 import OpenSearch3SearchBackend

from . import ANALYSED_FIELDS, ChineseQueryMixin


class SearchBackend(ChineseQueryMixin, OpenSearch3SearchBackend):
    # The analysed fields hold pre-analysed tokens (a whitespace analyser keeps them as they
    # are), the strong ones boosted (ChineseQueryMixin.search_fields).
    search_fields = ANALYSED_FIELDS
