"""Elasticsearch/OpenSearch with the package analysis, checked without a server: the mapping
and documents modelsearch's real classes build, and the query bodies the backend would send.
(tests/search/test_es_integration.py runs the same against a real server when one is set.)"""

from datetime import date
from importlib.util import find_spec

import pytest

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.search.backends import analysed_query
from govinfo_wagtail.text import analysis
from tests.search.factories import item

BACKENDS = [
    pytest.param(name, marks=pytest.mark.skipif(find_spec(client) is None,
                                                reason=f"{client} client not installed"))
    for name, client in [("elasticsearch8", "elasticsearch"), ("opensearch2", "opensearchpy"),
                         ("opensearch3", "opensearchpy")]
]


@pytest.fixture(params=BACKENDS)
def backend(request):
    from modelsearch.backends import get_search_backend

    # Constructing the client opens no connection; nothing here talks to a server
    # (127.0.0.1:9 is the discard port; nothing listens there).
    return get_search_backend(f"govinfo_wagtail.search.backends.{request.param}",
                              URLS=["http://127.0.0.1:9"], INDEX_PREFIX="govinfo_test_")


def test_backend_is_the_package_subclass_of_the_stock_one(backend):
    from govinfo_wagtail.search.backends import ChineseQueryMixin

    assert isinstance(backend, ChineseQueryMixin)
    assert backend.search_fields == ("search_title_text", "search_meta_text", "search_text")
    client = type(backend.es).__module__
    assert client.startswith("opensearchpy" if "OpenSearch" in type(backend).__mro__[2].__name__
                             else "elasticsearch")


def _field(mapping_or_document: dict, name: str):
    return next(v for k, v in mapping_or_document.items() if k.endswith(f"__{name}"))


def test_mapping_keeps_analysed_tokens_and_weights_the_strong_fields(backend):
    fields = backend.mapping_class(CatalogueItemPage).get_mapping()["properties"]
    for name in ("search_title_text", "search_meta_text", "search_text"):
        field = _field(fields, name)
        assert field["type"] == "text", name
        assert field["analyzer"] == field["search_analyzer"] == "whitespace", name
    # Boosted fields are copied to Wagtail's per-boost catch-all fields, which a query on
    # Page (the admin's page search and chooser) searches with the boost.
    assert _field(fields, "search_title_text")["copy_to"] == ["_all_text", "_all_text_boost_10_0"]
    assert _field(fields, "search_meta_text")["copy_to"] == ["_all_text", "_all_text_boost_5_0"]
    assert _field(fields, "search_text")["copy_to"] == "_all_text"
    assert {"_all_text_boost_10_0", "_all_text_boost_5_0"} <= set(fields)


def test_document_carries_the_analysed_text(backend, catalogue, agency):
    page = item(catalogue, "海丰县交通运输局2019年政府信息公开工作年度报告", agency=agency,
                document_number="海交〔2020〕3号", keywords="信息公开", summary="依申请公开情况",
                body="<p>公路建设情况。</p>", published=date(2020, 1, 21))
    document = backend.mapping_class(CatalogueItemPage).get_document(page)

    def tokens(name):  # on MariaDB/MySQL the fields hold InnoDB-encoded tokens (q_交通)
        return {analysis.decode_token(t) for t in _field(document, name).split()}

    text = tokens("search_text")
    assert {"交通", "运输", "年度", "报告", "海丰县", "公路", "申请"} <= text
    assert analysis.document_number_token("海交（2020）3号") in text
    assert analysis.index_number_token(page.index_number) in text
    title = tokens("search_title_text")  # own numbers and title, nothing of the body
    assert {"交通", "年度", analysis.document_number_token("海交〔2020〕3号"),
            analysis.index_number_token(page.index_number)} <= title
    assert "公路" not in title and "申请" not in title
    meta = tokens("search_meta_text")  # keywords, summary, agency
    assert {"信息", "公开", "申请"} <= meta and "公路" not in meta and "年度" not in meta


def test_query_body_is_analysed_and_requires_every_term(backend):
    results = backend.search("交通運輸局 年度報告", CatalogueItemPage.objects.live())
    query = results.query_compiler.get_query()
    flat = str(query)
    assert "search_text" in flat
    assert "'operator': 'and'" in flat
    expected = analysed_query("交通運輸局 年度報告")
    assert expected in flat and "运输" in expected and "报告" in expected
    assert "運" not in flat  # traditional characters were normalised before the server


def test_query_body_weights_the_strong_fields_as_the_public_search(backend):
    """Own numbers and title (x10) above keywords, summary, agency (x5) above the text."""
    from wagtail.models import Page

    match = backend.search("扬尘 治理", CatalogueItemPage.objects.live()
                           ).query_compiler.get_query()["bool"]["must"]["multi_match"]
    assert match["operator"] == "and" and match["query"] == analysed_query("扬尘 治理")
    assert [f.split("__", 1)[1] for f in match["fields"]] == [
        "search_title_text^10", "search_meta_text^5", "search_text"]
    # The admin's page search and chooser query Page: the boosted copies carry the weights.
    match = backend.autocomplete("扬尘治理", Page.objects.all()
                                 ).query_compiler.get_query()["bool"]["must"]["multi_match"]
    assert {"_all_text", "_all_text_boost_10_0^10.0", "_all_text_boost_5_0^5.0"} <= set(
        match["fields"])
    assert match["operator"] == "and"


def test_traditional_document_number_query_body(backend):
    results = backend.search("海府（2022）14號", CatalogueItemPage.objects.live())
    flat = str(results.query_compiler.get_query())
    assert analysis.document_number_token("海府〔2022〕14号") in flat


def test_chinese_autocomplete_becomes_a_whole_word_search(backend):
    results = backend.autocomplete("年度报告", CatalogueItemPage)
    flat = str(results.query_compiler.get_query())
    assert "search_text" in flat and "'operator': 'and'" in flat
    assert analysed_query("年度报告") in flat


def test_english_queries_go_through_unchanged(backend):
    results = backend.search("annual report", CatalogueItemPage)
    assert "annual report" in str(results.query_compiler.get_query())
