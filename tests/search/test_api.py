"""GET /govinfo/api/search/: results with their catalogue fields, facets, paging, caps."""

import json
from datetime import date

import pytest
from django.utils import translation

from govinfo_wagtail.core.models import Topic
from govinfo_wagtail.search.services import MAX_PAGE_SIZE
from tests.search.factories import item

API = "/govinfo/api/search/"


def test_results_facets_and_paging(client, catalogue, agency, topic):
    pages = [
        item(catalogue, f"关于第{i}批农村公路养护工程的公示", agency=agency, topic=topic,
             document_number=f"海交〔2023〕{i}号", published=date(2023, 3, i + 1),
             body="<p>农村公路<b>养护</b>工程已完工。</p>")
        for i in range(1, 4)
    ]
    data = client.get(API, {"q": "农村公路 养护", "page_size": 2, "sort": "date"}).json()
    assert data["count"] == 3 and data["num_pages"] == 2 and len(data["results"]) == 2
    first = data["results"][0]
    newest = pages[-1]
    assert first["title"] == newest.title
    assert first["index_number"] == newest.index_number
    assert first["document_number"] == "海交〔2023〕3号"
    assert first["agency"] == agency.name
    assert first["published_date"] == "2023-03-04"
    assert first["url"].endswith(newest.url)
    assert first["kind"]
    assert "<mark>农村公路养护</mark>" in first["snippet"] and "<b>" not in first["snippet"]
    assert data["facets"]["agency"] == [
        {"value": agency.pk, "label": agency.name, "count": 3, "selected": False}]
    assert data["facets"]["year"][0]["value"] == 2023
    second = client.get(API, {"q": "农村公路 养护", "page_size": 2, "page": 2}).json()
    assert len(second["results"]) == 1

    other = Topic.objects.create(name="规划计划")
    narrowed = client.get(API, {"q": "养护", "topic": other.pk}).json()
    assert narrowed["count"] == 0 and narrowed["results"] == []
    capped = client.get(API, {"q": "养护", "page_size": 10_000}).json()
    assert capped["page_size"] == MAX_PAGE_SIZE


def test_json_is_utf8_not_escaped(client, catalogue, agency):
    item(catalogue, "农村公路养护计划", agency=agency)
    response = client.get(API, {"q": "养护"})
    assert response["Content-Type"] == "application/json; charset=utf-8"
    raw = response.content.decode("utf-8")
    assert "农村公路养护计划" in raw and "\\u" not in raw
    assert json.loads(raw)["results"][0]["title"] == "农村公路养护计划"


def test_urls_are_absolute_on_the_host_that_served_the_request(client, catalogue, agency):
    page = item(catalogue, "农村公路养护计划", agency=agency)
    # The Wagtail site is configured as localhost:80; the API is reached under another name
    # (a reverse proxy, an intranet name): links must lead back through that one.
    data = client.get(API, {"q": "养护"}, HTTP_HOST="gk.example.gov.cn").json()
    assert data["results"][0]["url"] == f"http://gk.example.gov.cn{page.url}"
    data = client.get(API, {"q": "养护"}, HTTP_HOST="gk.example.gov.cn", secure=True).json()
    assert data["results"][0]["url"] == f"https://gk.example.gov.cn{page.url}"


def test_kind_by_stable_name(client, catalogue, agency):
    item(catalogue, "农村公路养护计划", agency=agency)
    data = client.get(API, {"q": "养护"}).json()
    assert data["results"][0]["kind"] == "item"
    assert data["results"][0]["kind_label"]
    assert [row["value"] for row in data["facets"]["kind"]] == ["item"]
    narrowed = client.get(API, {"q": "养护", "kind": "item"}).json()
    assert narrowed["count"] == 1
    assert narrowed["facets"]["kind"][0]["selected"] is True
    assert client.get(API, {"q": "养护", "kind": "policy"}).json()["count"] == 0


@pytest.mark.parametrize("params, bad", [
    ({"kind": "42"}, "kind"),  # the old numeric content-type ids are refused
    ({"kind": "news"}, "kind"),
    ({"validity": "maybe"}, "validity"),
    ({"sort": "title"}, "sort"),
    ({"agency": "abc"}, "agency"),
    ({"agency": "999999"}, "agency"),
    ({"topic": "-1"}, "topic"),
    ({"year": "二〇一九"}, "year"),
    ({"page": "0"}, "page"),
    ({"page_size": "many"}, "page_size"),
])
def test_unknown_filter_values_answer_400_with_a_message(client, catalogue, params, bad):
    response = client.get(API, {"q": "养护", **params})
    assert response.status_code == 400
    data = response.json()
    assert data["error"] == "invalid_parameter"
    assert list(data["parameters"]) == [bad]
    message = data["parameters"][bad]
    value = next(iter(params.values()))
    assert value in message and bad in message
    assert data["detail"] == message


def test_400_message_is_in_the_sites_language(client, catalogue):
    from govinfo_wagtail.search import views

    response = client.get(API, {"kind": "news"}, HTTP_ACCEPT_LANGUAGE="en")
    with translation.override("zh-hans"):
        expected = views._not_allowed("kind", "news", list(views.kinds()))
    assert response.json()["parameters"]["kind"] == expected
    assert "item" in expected and "interpretation" in expected


def test_several_bad_parameters_each_named(client, catalogue):
    data = client.get(API, {"kind": "x", "year": "y", "validity": "z"}).json()
    assert set(data["parameters"]) == {"kind", "year", "validity"}


def test_an_active_facet_keeps_its_other_values_with_counts(client, catalogue, agency, topic):
    from govinfo_wagtail.core.models import Agency

    finance = Agency.objects.create(name="海丰县财政局", index_code="007040638")
    item(catalogue, "财政局部门预算", agency=finance, topic=topic, published=date(2021, 3, 1))
    item(catalogue, "财政局三公经费预算", agency=finance, published=date(2022, 3, 1))
    item(catalogue, "交通运输局部门预算", agency=agency, topic=topic, published=date(2022, 4, 1))
    data = client.get(API, {"q": "预算", "agency": finance.pk}).json()
    assert data["count"] == 2
    # The agency facet: both agencies, counted under the other filters (none), one selected.
    assert {(r["label"], r["count"], r["selected"]) for r in data["facets"]["agency"]} == {
        (finance.name, 2, True), (agency.name, 1, False)}
    # Other facets are narrowed by the agency as before.
    assert {r["value"]: r["count"] for r in data["facets"]["year"]} == {2021: 1, 2022: 1}
    both = client.get(API, {"q": "预算", "agency": finance.pk, "year": 2022}).json()
    assert both["count"] == 1
    assert {r["value"]: r["count"] for r in both["facets"]["year"]} == {2021: 1, 2022: 1}
    assert {r["label"]: r["count"] for r in both["facets"]["agency"]} == {
        finance.name: 1, agency.name: 1}


def test_answer_has_what_the_documented_schema_requires(client, catalogue, agency):
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    schemas = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", doc, re.S)
               if '"$schema"' in block]
    answer, error = schemas
    item(catalogue, "农村公路养护计划", agency=agency)
    data = client.get(API, {"q": "养护", "agency": agency.pk}).json()
    assert set(answer["required"]) <= set(data)
    result_schema = answer["properties"]["results"]["items"]
    assert set(result_schema["required"]) == set(data["results"][0])
    row = answer["$defs"]["rows"]["items"]
    for rows in data["facets"].values():
        for r in rows:
            assert set(row["required"]) == set(r)
    bad = client.get(API, {"kind": "news"}).json()
    assert set(error["required"]) == set(bad)
