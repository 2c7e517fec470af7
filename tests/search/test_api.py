"""GET /govinfo/api/search/: results with their catalogue fields, facets, paging, caps."""

from datetime import date

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
    assert data["facets"]["agency"] == [{"value": agency.pk, "label": agency.name, "count": 3}]
    assert data["facets"]["year"][0]["value"] == 2023
    second = client.get(API, {"q": "农村公路 养护", "page_size": 2, "page": 2}).json()
    assert len(second["results"]) == 1

    narrowed = client.get(API, {"q": "养护", "topic": topic.pk + 1000}).json()
    assert narrowed["count"] == 0 and narrowed["results"] == []
    capped = client.get(API, {"q": "养护", "page_size": 10_000}).json()
    assert capped["page_size"] == MAX_PAGE_SIZE
