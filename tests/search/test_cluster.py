"""The public search on an Elasticsearch/OpenSearch cluster (GOVINFO_SEARCH_CLUSTER), checked
without a server: the index mapping, the request bodies, the parsing of a response, and what
happens when the cluster is down (a dead port: nothing fakes a server here).
tests/search/test_es_integration.py runs the same paths against a real server when
GOVINFO_TEST_SEARCH_URL is set."""

import json
import re
import socket
from datetime import date
from importlib.util import find_spec

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.search import cluster, cluster_search, services
from govinfo_wagtail.search.cluster import CLUSTER_INDEX
from govinfo_wagtail.search.cluster_search import query_body
from govinfo_wagtail.search.indexing import PUBLIC_INDEX
from govinfo_wagtail.search.models import IndexFailure, SearchDocument
from govinfo_wagtail.search.services import FACETS, MAX_PAGE_SIZE, SearchQuery
from govinfo_wagtail.text import analysis
from tests.search.factories import item

WORD = re.compile(r"[^\W_]+")


def needs_commit(test):
    """Pages are indexed from an on_commit hook: such tests commit (see conftest.py)."""
    test = pytest.mark.usefixtures("_migration_data")(test)
    return pytest.mark.django_db(transaction=True)(test)


def _free_port() -> int:
    with socket.socket() as s:  # bound and closed: nothing listens there afterwards
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dead_cluster(client: str) -> dict:
    options = {"max_retries": 0, "retry_on_timeout": False}
    options["request_timeout" if client == "elasticsearch" else "timeout"] = 2
    return {"CLIENT": client, "URLS": [f"http://127.0.0.1:{_free_port()}"],
            "INDEX": "govinfo_test_public", "OPTIONS": options}


CLIENTS = [
    pytest.param(name, marks=pytest.mark.skipif(find_spec(module) is None,
                                                reason=f"{module} client not installed"))
    for name, module in [("elasticsearch", "elasticsearch"), ("opensearch", "opensearchpy")]
]


def match_of(body: dict) -> dict | None:
    """The full-text match clause of a body, wherever the bool query put it."""
    boolean = body["query"]["bool"]
    for clause in boolean.get("must", []) + boolean.get("filter", []):
        if "match" in clause:
            return clause["match"]["text"]
    return None


# --- the index definition -------------------------------------------------------------------


def test_mapping_keeps_the_analysed_tokens_and_exact_facets():
    props = cluster.mapping()["properties"]
    assert cluster.mapping()["dynamic"] == "strict"  # a typo in a document fails loudly
    assert props["text"] == {"type": "text", "analyzer": "whitespace",
                             "search_analyzer": "whitespace"}
    for name in ("agency", "topic", "year", "kind"):
        assert props[name]["type"] == "integer"
    assert props["validity"]["type"] == props["document_number_key"]["type"] == "keyword"
    assert props["published_date"]["type"] == "date"
    assert set(FACETS) <= set(props)  # every facet of the page has a field
    settings = cluster.index_settings(5000, {"number_of_replicas": 2})
    assert settings == {"index": {"number_of_shards": 1, "max_result_window": 5000,
                                  "number_of_replicas": 2}}


# --- request bodies ---------------------------------------------------------------------------


def test_chinese_query_requires_every_analysed_term_and_filters():
    q = SearchQuery(q="交通運輸局 年度報告", agency=3, year=2020, validity="valid")
    terms = analysis.query_terms(q.q)
    body = query_body(q, terms)
    match = match_of(body)
    assert match == {"query": " ".join(terms), "operator": "and"}
    assert "运输" in match["query"] and "運" not in json.dumps(body, ensure_ascii=False)
    assert body["query"]["bool"]["must"] == [{"match": {"text": match}}]  # scored
    assert {"term": {"agency": 3}} in body["query"]["bool"]["filter"]
    assert {"term": {"year": 2020}} in body["query"]["bool"]["filter"]
    assert {"term": {"validity": "valid"}} in body["query"]["bool"]["filter"]
    # counts with all filters applied, as the database search does; every facet, many buckets
    assert set(body["aggs"]) == set(FACETS)
    assert all(a["terms"]["field"] == n and a["terms"]["size"] >= 100
               for n, a in body["aggs"].items())
    assert body["sort"][0] == {"_score": {"order": "desc"}}
    assert body["sort"][1:] == [{"in_force": {"order": "desc", "unmapped_type": "boolean"}},
                                {"published_date": {"order": "desc", "missing": "_last"}},
                                {"page_id": {"order": "desc"}}]
    assert body["track_total_hits"] is True
    assert (body["from"], body["size"]) == (0, 10)
    json.dumps(body)  # a plain JSON document


def _boost_of(clause: dict) -> float:
    return clause["constant_score"]["boost"]


def test_relevance_body_has_the_ranking_of_the_database():
    # The levels of services' ORDER BY as constant-score boosts, each above the most that
    # the levels below can add for the largest query (MAX_QUERY_TERMS terms).
    n = analysis.MAX_QUERY_TERMS
    levels = [cluster.EXACT_DOCUMENT_NUMBER_BOOST, cluster.ALL_STRONG_BOOST,
              cluster.STRONG_TERM_BOOST, cluster.PHRASE_BOOST, cluster.TITLE_TERM_BOOST,
              cluster.BODY_TERM_BOOST]
    # The most each level adds for the longest query: once, or once per word.
    most = [levels[0], levels[1], n * levels[2], levels[3], n * levels[4], n * levels[5]]
    for i, boost in enumerate(levels):  # one step of a level outweighs all levels below it
        assert boost >= sum(most[i + 1:]) + cluster.BM25_BOUND, i  # BM25 < BM25_BOUND
    assert cluster.BM25_BOUND >= 900  # the BM25 of text (before in force and date)

    q = SearchQuery(q="渔业 油价补贴 海农〔2022〕18号")
    terms = analysis.query_terms(q.q)
    dn = analysis.document_number_token("海农〔2022〕18号")
    body = query_body(q, terms)
    should = body["query"]["bool"]["should"]
    assert body["query"]["bool"]["must"] == [{"match": {"text": match_of(body)}}]  # required
    boosts = [_boost_of(c) for c in should]
    assert boosts == [levels[0], levels[1], *[levels[2]] * len(terms), levels[3],
                      *[levels[4]] * len(terms), *[levels[5]] * len(terms)]
    own, every, *rest = should
    assert own["constant_score"]["filter"]["bool"]["should"] == [
        {"term": {"document_number_key": dn}}]
    # every word in the title/numbers or keywords/agency
    assert len(every["constant_score"]["filter"]["bool"]["must"]) == len(terms)
    first_strong = rest[0]["constant_score"]["filter"]["bool"]["should"]
    assert first_strong == [{"term": {"title_text": terms[0]}}, {"term": {"meta_text": terms[0]}}]
    phrase = rest[len(terms)]["constant_score"]["filter"]["bool"]["must"]
    assert phrase == [{"wildcard": {"title_key": {"value": f"*{r}*"}}}
                      for r in ("渔业", "油价补贴", "海农202218号")]
    assert rest[-1 - len(terms)] == {"constant_score": {
        "filter": {"term": {"title_text": terms[-1]}}, "boost": levels[4]}}
    # Attachment text weighs below the body: a word that is not attachment-only scores more.
    assert rest[-1] == {"constant_score": {
        "filter": {"bool": {"must_not": [{"term": {"attach_only": terms[-1]}}]}},
        "boost": levels[5]}}
    # The same bound as the database: at most MAX_QUERY_TERMS terms, however long the query.
    long = SearchQuery(q=" ".join(f"词{i}" for i in range(100)))
    long_terms = analysis.query_terms(long.q)
    assert len(long_terms) == n
    # (no 文号: no level 1)
    assert len(query_body(long, long_terms)["query"]["bool"]["should"]) == 1 + 3 * n + 1


def test_date_sort_matches_without_ranking():
    q = SearchQuery(q="年度报告", sort="date")
    body = query_body(q, analysis.query_terms(q.q))
    assert "must" not in body["query"]["bool"]  # found by the match, ordered by date
    assert match_of(body)["operator"] == "and"
    assert body["sort"][0] == {"published_date": {"order": "desc", "missing": "_last"}}


def test_empty_query_lists_everything_newest_first():
    body = query_body(SearchQuery(q="", kind=7), [])
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
    assert body["query"]["bool"]["filter"] == [{"term": {"kind": 7}}]
    assert match_of(body) is None
    assert [next(iter(s)) for s in body["sort"]] == ["published_date", "page_id"]


def test_document_number_query_puts_the_own_document_first():
    q = SearchQuery(q="海府（2020）12号", sort="date")
    terms = analysis.query_terms(q.q)
    key = analysis.document_number_token("海府〔2020〕12号")
    assert key in terms
    body = query_body(q, terms)
    should = body["query"]["bool"]["should"]
    assert should == [{"constant_score": {"filter": {"term": {"document_number_key": key}},
                                          "boost": cluster.EXACT_DOCUMENT_NUMBER_BOOST}}]
    assert key in match_of(body)["query"]  # citing pages must contain it too
    assert body["sort"][0] == {"_score": {"order": "desc"}}  # even when sorted by date


def test_pages_are_clamped_to_the_result_window_and_sizes_capped():
    deep = query_body(SearchQuery(q="交通", page=10**6), ["交通"])
    assert deep["from"] + deep["size"] <= cluster.DEFAULT_MAX_RESULT_WINDOW
    assert deep["from"] == cluster.DEFAULT_MAX_RESULT_WINDOW - 10
    small = query_body(SearchQuery(q="交通", page=99, page_size=20), ["交通"],
                       max_result_window=100)
    assert (small["from"], small["size"]) == (80, 20)
    big = query_body(SearchQuery(q="交通", page_size=10_000), ["交通"])
    assert big["size"] == MAX_PAGE_SIZE
    assert query_body(SearchQuery(q="交通", page=0), ["交通"])["from"] == 0


@pytest.mark.parametrize("q", [
    "交通' OR 1=1; DROP TABLE govinfo_search_searchdocument; --",
    'title:交通 AND (agency:* OR "x") ~2 ^5 \\ / { } [ ]',
    "😀🎉 交通 🚗",
    "!!!！！？？…——",
    "a" * 2000,
    "交通" * 1000,
])
def test_hostile_input_yields_a_safe_body(q):
    terms = analysis.query_terms(q)
    body = query_body(SearchQuery(q=q, page=-5, page_size=-1), terms)
    match = match_of(body)
    if terms:
        assert match["operator"] == "and"
        assert all(WORD.fullmatch(t) for t in match["query"].split())
        assert len(match["query"].split()) <= analysis.MAX_QUERY_TERMS
    else:
        assert match is None
    assert body["from"] == 0 and body["size"] == 1
    json.dumps(body)


def test_only_letter_digit_terms_reach_the_cluster():
    body = query_body(SearchQuery(q="x"), ["交通", "a:b*", "x OR y", "(", "年度"])
    assert match_of(body)["query"] == "交通 年度"


def test_count_body_for_suggestions():
    body = cluster_search.count_body({"agency": 2}, ["交通", "年度"])
    assert body == {"query": {"bool": {"filter": [
        {"match": {"text": {"query": "交通 年度", "operator": "and"}}},
        {"term": {"agency": 2}},
    ]}}}


# --- documents and responses --------------------------------------------------------------------


@needs_commit
def test_document_is_the_search_document_row(catalogue, agency, topic):
    page = item(catalogue, "海丰县交通运输局2019年政府信息公开工作年度报告", agency=agency,
                topic=topic, document_number="海交〔2020〕3号", summary="依申请公开情况",
                published=date(2020, 1, 21))
    doc = cluster.document(SearchDocument.objects.get(page_id=page.pk))
    tokens = doc.pop("text").split()
    # Plain tokens on every database (MariaDB's encoded q_交通 are decoded for the cluster)
    assert {"交通", "运输", "年度", "报告", "海丰县"} <= set(tokens)
    assert not any(t.startswith(("q_", "x_")) for t in tokens)
    assert analysis.document_number_token("海交〔2020〕3号") in tokens
    # The strong fields, decoded alike: own 文号 and title; keywords, summary and agency
    title_tokens = doc.pop("title_text").split()
    assert analysis.document_number_token("海交〔2020〕3号") in title_tokens
    assert {"年度", "报告"} <= set(title_tokens) and "q_年度" not in title_tokens
    meta_tokens = doc.pop("meta_text").split()
    assert {"交通", "申请"} <= set(meta_tokens) and "年度" not in meta_tokens
    assert doc == {
        "page_id": page.pk, "agency": agency.pk, "topic": topic.pk, "year": 2020,
        "kind": page.content_type_id, "validity": page.validity,
        "published_date": "2020-01-21",
        "document_number_key": analysis.document_number_token("海交〔2020〕3号"),
        "title_key": "海丰县交通运输局2019年政府信息公开工作年度报告", "in_force": True,
        "attach_only": "",  # no attachments
    }
    assert set(doc) | {"text", "title_text", "meta_text"} == set(cluster.mapping()["properties"])


def es8_response(ids: list[int], total: int, agency_buckets: list[tuple[int, int]]) -> dict:
    """A search response in the shape Elasticsearch 8 returns for query_body() (sorted, with
    _source off and terms aggregations), written out by hand from the ES 8 search API
    documentation. This exercises our parsing of that shape; it does not stand in for a server.
    """
    return {
        "took": 4,
        "timed_out": False,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {
            "total": {"value": total, "relation": "eq"},
            "max_score": None,
            "hits": [
                {"_index": "govinfo_public_initial", "_id": str(pk), "_score": 7.5 - i,
                 "sort": [7.5 - i, 1579564800000, pk]}
                for i, pk in enumerate(ids)
            ],
        },
        "aggregations": {
            "agency": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
                       "buckets": [{"key": k, "doc_count": n} for k, n in agency_buckets]},
            "topic": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
                      "buckets": []},
            "year": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
                     "buckets": [{"key": 2021, "doc_count": 1}, {"key": 2020, "doc_count": 1}]},
            "kind": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
                     "buckets": [{"key": 41, "doc_count": 3}]},
            "validity": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
                         "buckets": [{"key": "valid", "doc_count": 3}]},
        },
    }


def test_parse_response():
    count, facets, ids = cluster_search.parse_response(es8_response([12, 7], 25, [(5, 2), (3, 2)]))
    assert (count, ids) == (25, [12, 7])
    assert facets["agency"] == [(3, 2), (5, 2)]  # count desc, then value: as the database
    assert facets["year"] == [(2020, 1), (2021, 1)]
    assert facets["topic"] == [] and facets["validity"] == [("valid", 3)]
    # OpenSearch with rest_total_hits_as_int, and a response without aggregations
    assert cluster_search.parse_response({"hits": {"total": 3, "hits": []}})[:1] == (3,)


@needs_commit
def test_hits_load_from_the_database_and_gone_pages_are_dropped(catalogue, agency):
    report = item(catalogue, "海丰县交通运输局2019年政府信息公开工作年度报告", agency=agency,
                  body="<p>全县交通建设和道路运输情况。</p>", published=date(2020, 1, 21))
    notice = item(catalogue, "关于印发海交〔2020〕3号的通知", agency=agency,
                  document_number="海交〔2020〕3号", published=date(2021, 4, 2))
    gone = item(catalogue, "交通运输局已撤回的公告", agency=agency)
    gone.unpublish()  # the cluster may still list it (a missed delete): never shown
    assert not SearchDocument.objects.filter(page_id=gone.pk).exists()

    terms = analysis.query_terms("海交（2020）3号 交通")
    results = services.SearchResults(query=SearchQuery(q="海交（2020）3号 交通"), terms=terms)
    response = es8_response([notice.pk, report.pk, gone.pk], 23, [(agency.pk, 23)])
    cluster_search.fill_results(results, response, page=3, page_size=10)
    assert [h.page.pk for h in results.hits] == [notice.pk, report.pk]
    assert results.hits[0].exact_document_number and not results.hits[1].exact_document_number
    assert results.hits[0].kind == notice.content_type_id
    assert results.hits[1].page.agency.name == agency.name  # loaded with its agency
    assert "<mark>" in results.hits[1].snippet
    assert (results.count, results.page, results.num_pages) == (23, 3, 3)
    assert results.facets["agency"] == [(agency.pk, 23)]
    assert not results.has_next and results.has_previous


def test_facet_without_body_counts_one_facet_without_its_own_filter():
    """services.search asks the cluster, for each active facet, the counts of that facet
    under the other filters and the same words (so the facet keeps its other values)."""
    q = SearchQuery(q="交通运输 预算", agency=3, year=2020, validity="valid", page=4,
                    sort="date")
    terms = analysis.query_terms(q.q)
    body = cluster_search.facet_without_body(q, terms, "agency")
    filters = body["query"]["bool"]["filter"]
    assert {"term": {"agency": 3}} not in filters  # its own filter is dropped
    assert {"term": {"year": 2020}} in filters and {"term": {"validity": "valid"}} in filters
    assert match_of(body) == {"query": " ".join(terms), "operator": "and"}  # same words
    assert list(body["aggs"]) == ["agency"]  # one aggregation, the facet asked for
    assert body["aggs"]["agency"]["terms"]["field"] == "agency"
    assert body["aggs"]["agency"]["terms"]["size"] >= 100
    assert body["size"] == 0 and body["from"] == 0 and "sort" not in body  # no hits
    assert body["track_total_hits"] is True
    # The other facets each drop only their own filter.
    year = cluster_search.facet_without_body(q, terms, "year")
    year_filters = year["query"]["bool"]["filter"]
    assert {"term": {"agency": 3}} in year_filters
    assert {"term": {"year": 2020}} not in year_filters
    assert list(year["aggs"]) == ["year"]
    # The query itself is left as it was (a dataclass copy).
    assert (q.agency, q.page) == (3, 4)
    json.dumps(body)
    # Its answer is parsed like the search's aggregations.
    response = {"hits": {"total": {"value": 7}, "hits": []},
                "aggregations": {"agency": {"buckets": [{"key": 5, "doc_count": 2},
                                                        {"key": 3, "doc_count": 5}]}}}
    assert cluster_search.parse_response(response)[1]["agency"] == [(3, 5), (5, 2)]


def test_facet_without_body_with_no_words_counts_everything_filtered():
    body = cluster_search.facet_without_body(SearchQuery(topic=9, kind=2), [], "topic")
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
    assert body["query"]["bool"]["filter"] == [{"term": {"kind": 2}}]
    assert list(body["aggs"]) == ["topic"]


# --- the cluster is down ------------------------------------------------------------------------


@pytest.mark.parametrize("client_name", CLIENTS)
def test_every_client_call_fails_as_cluster_error(client_name):
    dead = cluster.client(dead_cluster(client_name))
    calls = {
        "search": lambda: dead.search(query_body(SearchQuery(q="交通"), ["交通"])),
        "count": lambda: dead.count(cluster_search.count_body({}, ["交通"])),
        "put": lambda: dead.put(1, {"page_id": 1, "text": "交通"}),
        "remove": lambda: dead.remove(1),
        "bulk": lambda: dead.bulk_put("govinfo_test_x", [(1, {"page_id": 1})]),
        "create": lambda: dead.create_index("govinfo_test_x"),
        "alias": lambda: dead.switch_alias("govinfo_test_x"),
    }
    for call in calls.values():
        with pytest.raises(cluster.ClusterError, match="Connection"):
            call()


@pytest.mark.parametrize("client_name", CLIENTS)
def test_facet_without_on_a_dead_cluster_is_search_unavailable(client_name, settings):
    settings.GOVINFO_SEARCH_CLUSTER = dead_cluster(client_name)
    with pytest.raises(services.SearchUnavailable):
        cluster_search.facet_without(SearchQuery(q="交通", agency=3), ["交通"], "agency")


def test_unknown_client_is_a_configuration_error():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        cluster.client({"CLIENT": "solr", "URLS": ["http://127.0.0.1:9"]})


@needs_commit
@pytest.mark.parametrize("client_name", CLIENTS)
def test_public_search_says_unavailable_with_503(client, catalogue, agency, client_name):
    item(catalogue, "森林防火通告", agency=agency)
    with override_settings(GOVINFO_SEARCH_CLUSTER=dead_cluster(client_name)):
        for params in ({"q": "森林防火"}, {}, {"q": "防火", "agency": agency.pk, "page": 9}):
            response = client.get("/govinfo/search/", params)
            assert response.status_code == 503
            assert response.context["unavailable"] is True
            assert b'data-status="unavailable"' in response.content
            api = client.get("/govinfo/api/search/", params)
            assert api.status_code == 503 and api.json()["error"] == "search_unavailable"
            assert api.json()["detail"]
        # Punctuation or emoji only cannot match anything: answered without the cluster.
        assert client.get("/govinfo/api/search/", {"q": "！？😀"}).json()["count"] == 0
    # The database search is untouched by the setting's absence.
    assert client.get("/govinfo/api/search/", {"q": "森林防火"}).json()["count"] == 1


@needs_commit
@pytest.mark.parametrize("client_name", CLIENTS)
def test_release_goes_through_and_the_cluster_failure_is_kept(catalogue, agency, capsys,
                                                             client_name):
    with override_settings(GOVINFO_SEARCH_CLUSTER=dead_cluster(client_name)):
        page = item(catalogue, "关于开展森林防火检查的通知", agency=agency,
                    body="<p>清明前后森林防火。</p>", published=date(2024, 3, 1))
        assert CatalogueItemPage.objects.get(pk=page.pk).live  # the release was not undone
        assert SearchDocument.objects.filter(page_id=page.pk).exists()  # database index too
        failure = IndexFailure.objects.get(page_id=page.pk)
        assert failure.backend == CLUSTER_INDEX and failure.operation == "update"
        assert "Connection" in failure.error
        assert not IndexFailure.objects.filter(backend=PUBLIC_INDEX).exists()

        # Still down: the command keeps the record, counts the attempt and exits non-zero.
        with pytest.raises(SystemExit) as exit_info:
            call_command("govinfo_search_retry")
        assert exit_info.value.code == 1
        assert IndexFailure.objects.get(page_id=page.pk).attempts == failure.attempts + 1

        # Unpublished while down: the row goes at once (the public search can never show it
        # again, see test_hits_load_from_the_database_...), the cluster's delete is recorded.
        page.unpublish()
        assert not SearchDocument.objects.filter(page_id=page.pk).exists()
        assert IndexFailure.objects.get(page_id=page.pk).backend == CLUSTER_INDEX

        # Deleted while down: a delete is recorded and kept by the retry.
        page_id = page.pk
        CatalogueItemPage.objects.get(pk=page_id).delete()
        failure = IndexFailure.objects.get(page_id=page_id)
        assert (failure.backend, failure.operation) == (CLUSTER_INDEX, "delete")
        with pytest.raises(SystemExit):
            call_command("govinfo_search_retry")
        assert IndexFailure.objects.filter(page_id=page_id, operation="delete").exists()
    # The cluster switched off: nothing is left to redo, the retry clears the record. (That
    # the re-run does index on a live cluster is shown by the integration suite.)
    call_command("govinfo_search_retry")
    assert not IndexFailure.objects.exists()
    assert "0" in capsys.readouterr().out


@needs_commit
def test_rebuild_command_reports_a_dead_cluster(catalogue, agency):
    page = item(catalogue, "河长制工作方案", agency=agency)
    SearchDocument.objects.all().delete()
    with override_settings(GOVINFO_SEARCH_CLUSTER=dead_cluster("elasticsearch")):
        with pytest.raises(CommandError):
            call_command("govinfo_search_rebuild")
    # the database's index was rebuilt before the cluster was tried
    assert list(SearchDocument.objects.values_list("page_id", flat=True)) == [page.pk]
