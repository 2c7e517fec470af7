"""The public search on the database full-text index: matching, ranking, facets, snippets,
index-number redirect, 文号 first, unpublish/restriction, and hostile input."""

from datetime import date

import pytest
from django.urls import reverse
from wagtail.models import PageViewRestriction

from govinfo_wagtail.core.models import Agency, Topic
from govinfo_wagtail.search import services
from govinfo_wagtail.search.models import SearchDocument
from govinfo_wagtail.search.services import SearchQuery
from tests.search.factories import item

URL = "/govinfo/search/"


@pytest.fixture
def items(catalogue, agency, topic):
    finance = Agency.objects.create(name="海丰县财政局", index_code="007040638")
    budget = Topic.objects.create(name="财政预决算")
    return {
        "report": item(catalogue, "海丰县交通运输局2019年政府信息公开工作年度报告", agency=agency,
                       topic=topic, published=date(2020, 1, 21),
                       body="<p>本报告由海丰县交通运输局编制，公路建设和道路运输情况如下。</p>"),
        "budget": item(catalogue, "海丰县财政局2021年部门预算公开", agency=finance, topic=budget,
                       published=date(2021, 3, 1), document_number="海财〔2021〕5号",
                       body="<p>2021年一般公共预算收入安排如下。</p>"),
        "notice": item(catalogue, "关于印发海财〔2021〕5号文件的通知", agency=agency, topic=topic,
                       published=date(2021, 4, 2), body="<p>转发海财〔2021〕5号，请遵照执行。</p>"),
        "fishery": item(catalogue, "渔业油价补贴资金发放情况公示", agency=finance, topic=budget,
                        published=date(2022, 6, 1),
                        summary="<script>alert(1)</script> 渔业补贴发放到户",
                        body="<p>渔业生产者油价补贴资金已全部发放。</p>"),
    }


def hit_ids(response) -> list[int]:
    return [hit.page.pk for hit in response.context["results"].hits]


def test_word_inside_a_longer_run_is_found(client, items):
    for q in ["交通", "年度报告", "预算", "渔业补贴"]:
        response = client.get(URL, {"q": q})
        assert response.status_code == 200
        assert hit_ids(response), q
    assert items["report"].pk in hit_ids(client.get(URL, {"q": "交通"}))
    assert hit_ids(client.get(URL, {"q": "年度报告"})) == [items["report"].pk]


def test_traditional_characters_find_simplified_text(client, items):
    assert hit_ids(client.get(URL, {"q": "交通運輸局 年度報告"})) == [items["report"].pk]


def test_all_terms_are_required(client, items):
    assert hit_ids(client.get(URL, {"q": "渔业 预算"})) == []


def test_exact_document_number_first(client, items):
    ids = hit_ids(client.get(URL, {"q": "海财（2021）5号"}))
    assert ids[0] == items["budget"].pk
    assert items["notice"].pk in ids
    hits = client.get(URL, {"q": "海财〔2021〕5号"}).context["results"].hits
    assert hits[0].exact_document_number and not hits[1].exact_document_number


def test_index_number_goes_straight_to_the_item(client, items):
    page = items["budget"]
    response = client.get(URL, {"q": f"  {page.index_number.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == page.url


def test_facets_count_and_narrow(client, items):
    response = client.get(URL, {"q": "海丰县"})  # every agency name has it
    results = response.context["results"]
    assert results.count == 4
    transport, finance = items["report"].agency_id, items["budget"].agency_id
    assert dict(results.facets["agency"]) == {transport: 2, finance: 2}
    assert dict(results.facets["year"]) == {2020: 1, 2021: 2, 2022: 1}
    assert dict(results.facets["topic"]) == {items["report"].topic_id: 2,
                                             items["budget"].topic_id: 2}
    narrowed = client.get(URL, {"q": "海丰县", "agency": finance})
    assert set(hit_ids(narrowed)) == {items["budget"].pk, items["fishery"].pk}
    assert dict(narrowed.context["results"].facets["year"]) == {2021: 1, 2022: 1}
    both = client.get(URL, {"q": "海丰县", "agency": finance, "year": "2021"})
    assert hit_ids(both) == [items["budget"].pk]
    assert hit_ids(client.get(URL, {"q": "海丰县", "validity": "repealed"})) == []


def test_sort_by_date(client, items):
    ids = hit_ids(client.get(URL, {"q": "海财〔2021〕5号", "sort": "date"}))
    assert ids == [items["budget"].pk, items["notice"].pk]  # exact 文号 stays first
    ids = hit_ids(client.get(URL, {"q": "", "sort": "date"}))
    assert ids == [items[k].pk for k in ("fishery", "notice", "budget", "report")]


def test_snippet_is_escaped_and_marks_only_matches(client, items):
    response = client.get(URL, {"q": "渔业"})
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    snippet = str(response.context["results"].hits[0].snippet)
    assert "<mark>渔业</mark>" in snippet
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_pagination_and_page_out_of_range(client, catalogue, agency):
    for i in range(13):
        item(catalogue, f"第{i}号水利工程建设项目公示", agency=agency,
             published=date(2023, 1, 1 + i))
    first = client.get(URL, {"q": "水利工程"})
    assert first.context["results"].count == 13 and len(hit_ids(first)) == 10
    second = client.get(URL, {"q": "水利工程", "page": 2})
    assert len(hit_ids(second)) == 3 and not set(hit_ids(first)) & set(hit_ids(second))
    beyond = client.get(URL, {"q": "水利工程", "page": 999})
    assert beyond.status_code == 200 and hit_ids(beyond) == hit_ids(second)


def test_suggestions_when_nothing_found(client, items):
    response = client.get(URL, {"q": "渔业 交通运输局"})
    results = response.context["results"]
    assert results.count == 0
    suggested = dict(results.suggestions)
    assert suggested and all(n > 0 for n in suggested.values())
    assert any("渔业" in q for q in suggested)


def test_unpublished_and_restricted_pages_leave_the_index(client, items):
    report = items["report"]
    assert SearchDocument.objects.filter(page_id=report.pk).exists()
    report.unpublish()
    assert hit_ids(client.get(URL, {"q": "年度报告"})) == []
    budget = items["budget"]
    PageViewRestriction.objects.create(page=budget, restriction_type="login")
    assert budget.pk not in hit_ids(client.get(URL, {"q": "预算"}))
    assert not SearchDocument.objects.filter(page_id=budget.pk).exists()
    PageViewRestriction.objects.filter(page=budget).delete()
    assert budget.pk in hit_ids(client.get(URL, {"q": "预算"}))


def test_drafts_are_never_indexed(client, catalogue):
    from govinfo_wagtail.catalogue.models import CatalogueItemPage
    from tests.conftest import add_draft

    draft = add_draft(catalogue, CatalogueItemPage(title="未发布的草稿城市规划"))
    assert not SearchDocument.objects.filter(page_id=draft.pk).exists()
    assert hit_ids(client.get(URL, {"q": "城市规划"})) == []


HOSTILE = [
    "", " ", "x" * 2000, "测" * 2000, "！？。，、；：" * 10, "😀🎉", "'; DROP TABLE x; --",
    "\" OR 1=1 --", "NEAR(a b)", "a AND OR NOT", "*", "\"", "+-~<>()@", "title:交通",
    "交通 -运输", "%_\\", "\x00交通", "交通 | 运输 & !预算", "{!}", "col:\"x\"*",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_bad_input_is_never_a_server_error(client, items, q):
    response = client.get(URL, {"q": q, "agency": "abc", "topic": "-1", "year": "99999999999",
                                "kind": "x", "validity": "nope", "page": "-3", "sort": "evil"})
    assert response.status_code == 200
    api = client.get("/govinfo/api/search/", {"q": q, "page_size": "100000", "page": "9"})
    assert api.status_code == 200
    assert len(api.json()["results"]) <= services.MAX_PAGE_SIZE
    # A value the API cannot read is the client's error, named, never a 500.
    api = client.get("/govinfo/api/search/", {"q": q, "page": "1e9"})
    assert api.status_code == 400 and list(api.json()["parameters"]) == ["page"]


def test_search_page_in_the_tree_uses_the_same_view(client, root_page, items):
    from govinfo_wagtail.core.release import ReleaseReason, release
    from govinfo_wagtail.search.models import DisclosureSearchPage

    page = DisclosureSearchPage(title="站内搜索", slug="sousuo", live=False)
    root_page.add_child(instance=page)
    release(page.save_revision(), reason=ReleaseReason.TEST)
    response = client.get(page.url, {"q": "年度报告"})
    assert response.status_code == 200
    assert hit_ids(response) == [items["report"].pk]


def test_service_counts_without_loading_rows(items):
    results = services.search(SearchQuery(q="海丰县", page_size=1))
    assert results.count == 4 and len(results.hits) == 1 and results.num_pages == 4


def test_url_names():
    assert reverse("govinfo:search:search") == URL
    assert reverse("govinfo:api:search") == "/govinfo/api/search/"


def test_count_includes_items_without_facet_values(items, catalogue, agency):
    # An item with no topic is found and counted, and appears in no topic bucket (the buckets
    # of one facet add up to the count only with the empty value).
    item(catalogue, "海丰县未分主题的公告", agency=agency, published=date(2023, 2, 1))
    results = services.search(SearchQuery(q="海丰县"))
    assert results.count == 5
    assert sum(n for _, n in results.facets["topic"]) == 4
    assert sum(n for _, n in results.facets["agency"]) == 5
    assert dict(results.facets["year"]) == {2020: 1, 2021: 2, 2022: 1, 2023: 1}
    assert all(value is not None for name in services.FACETS
               for value, _ in results.facets[name])
    assert all(isinstance(value, int) for value, _ in results.facets["agency"])
    assert {value for value, _ in results.facets["validity"]} == {"valid"}
