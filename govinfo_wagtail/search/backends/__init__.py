"""Wagtail search backends that run the package's Chinese analysis on the query.

Disclosure pages index one analysed field (``search_text``: segmented, normalised tokens
separated by spaces). These backends analyse a query the same way before the stock backend
sees it, so admin listings, page choosers and Elasticsearch/OpenSearch find Chinese words::

    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "govinfo_wagtail.search.backends.database"}}

Queries without any CJK character are passed on unchanged (other models keep stock search).

Field weights (docs/search.md, "Admin search"): the strong fields are indexed again in
fields of their own, ``search_title_text`` (own 文号/索引号, title) and ``search_meta_text``
(keywords, summary, agency), boosted above ``search_text``. PostgreSQL weighs them A and B
(the text D); Elasticsearch/OpenSearch boost them (a query on a disclosure page type searches
the three fields, a query on ``Page`` Wagtail's boosted ``_all_text_boost_*`` copies).
"""

from __future__ import annotations

from ...text import analysis
from ...text.chars import has_cjk

# Chinese queries on a disclosure page type search these (Elasticsearch/OpenSearch).
ANALYSED_FIELDS = ("search_title_text", "search_meta_text", "search_text")


def analysed_query(query: str, *, mysql: bool = False, min_length: int = 3) -> str:
    """The query as space-separated analysed terms (what ``search_text`` holds)."""
    terms = analysis.query_terms(query)
    if mysql:
        terms = analysis.encode_short_tokens(terms, min_length)
    return " ".join(terms)


def _has_cjk(query) -> bool:
    return has_cjk(query if isinstance(query, str) else getattr(query, "query_string", None))


def _is_disclosure_model(model_or_queryset) -> bool:
    from ...core.models import DisclosurePage

    model = getattr(model_or_queryset, "model", model_or_queryset)
    return isinstance(model, type) and issubclass(model, DisclosurePage)


class ChineseQueryMixin:
    """Analyse string queries that contain Chinese; require every term (operator "and")."""

    mysql_encoded = False  # the database backend on MariaDB/MySQL indexes encoded tokens
    search_fields = ()  # ES/OpenSearch: search only the whitespace-analysed fields

    def _analyse(self, query, model_or_queryset, fields, operator):
        from modelsearch.query import PlainText

        if isinstance(query, PlainText):  # the admin parses its query string into one
            if not has_cjk(query.query_string):
                return query, fields, operator
            operator = operator or query.operator
            query = query.query_string
        if has_cjk(query):
            if self.mysql_encoded:
                from ..documents import innodb_min_token_size

                query = analysed_query(query, mysql=True, min_length=innodb_min_token_size())
            else:
                query = analysed_query(query)
            operator = operator or "and"
            if fields is None and self.search_fields and _is_disclosure_model(model_or_queryset):
                fields = list(self.search_fields)
        return query, fields, operator

    def search(self, query, model_or_queryset, fields=None, operator=None,
               order_by_relevance=True):
        query, fields, operator = self._analyse(query, model_or_queryset, fields, operator)
        return super().search(query, model_or_queryset, fields=fields, operator=operator,
                              order_by_relevance=order_by_relevance)

    def autocomplete(self, query, model_or_queryset, fields=None, operator=None,
                     order_by_relevance=True):
        # Admin listings and choosers autocomplete, which matches title prefixes only: a word
        # inside a Chinese title never is one. Chinese queries get a whole-word search of the
        # analysed text instead (the segmenter already yields the words and their parts).
        if _has_cjk(query) and fields is None:
            return self.search(query, model_or_queryset, operator=operator,
                               order_by_relevance=order_by_relevance)
        return super().autocomplete(query, model_or_queryset, fields=fields, operator=operator,
                                    order_by_relevance=order_by_relevance)
