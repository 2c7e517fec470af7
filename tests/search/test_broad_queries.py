"""Bounded work for very common words: estimated counts from the 1-in-16 sample, and relevance
ranked within the newest body matches (strong matches always). Lowered limits make a small
set of items "broad"."""

from datetime import date, timedelta

import pytest
from django.test import override_settings

from govinfo_wagtail.search import database, services, sql
from govinfo_wagtail.search.services import SearchQuery
from govinfo_wagtail.search.sql import SAMPLE_MODULUS
from tests.search.factories import item

N_ITEMS = 34  # page ids run consecutively, so at least two fall in the sample


@pytest.fixture
def notices(catalogue, agency):
    start = date(2024, 1, 1)
    pages = [
        item(catalogue, f"关于第{i}批公共租赁住房分配的通知", agency=agency,
             published=start + timedelta(days=i),
             body="<p>" + ("公共租赁住房" * (1 + i % 5)) + "分配结果予以公示。</p>")
        for i in range(N_ITEMS)
    ]
    return pages


def test_exact_below_the_limit(notices):
    results = services.search(SearchQuery(q="公共租赁住房"))
    assert not results.approximate and results.count == N_ITEMS
    assert dict(results.facets["agency"]) == {notices[0].agency_id: N_ITEMS}


@override_settings(GOVINFO_SEARCH_EXACT_COUNT_LIMIT=10)
def test_estimated_above_the_limit(notices, client):
    sampled = [p for p in notices if p.pk % SAMPLE_MODULUS == 0]
    assert sampled  # consecutive ids: guaranteed by N_ITEMS > 2 x SAMPLE_MODULUS
    results = services.search(SearchQuery(q="公共租赁住房"))
    assert results.approximate
    assert results.count == len(sampled) * SAMPLE_MODULUS
    assert dict(results.facets["agency"]) == {notices[0].agency_id: results.count}
    body = client.get("/govinfo/api/search/", {"q": "公共租赁住房"}).json()
    assert body["approximate"] is True and body["count"] == results.count
    page = client.get("/govinfo/search/", {"q": "公共租赁住房"})
    assert b'data-approximate="true"' in page.content


@override_settings(GOVINFO_SEARCH_RANK_WINDOW=5)
def test_body_matches_are_ranked_within_the_newest_window_strong_ones_always(catalogue, agency):
    start = date(2024, 1, 1)
    # Three old documents about the subject (it is their title) ...
    strong = [item(catalogue, f"渔业油价补贴资金发放公示（第{i}批）", agency=agency,
                   published=date(2015, 3, 1 + i), body="<p>资金已核定。</p>")
              for i in range(3)]
    # ... and twelve newer ones that mention it in passing, some more than others.
    passing = [item(catalogue, f"关于第{i}批公共租赁住房分配的通知", agency=agency,
                    published=start + timedelta(days=i),
                    body="<p>" + "并做好渔业油价补贴的衔接。" * (1 + i % 4) + "</p>")
               for i in range(12)]
    results = services.search(SearchQuery(q="渔业油价补贴", page_size=5))
    # Strong matches are never left out by the bound: all three first, newest first.
    assert [hit.page.pk for hit in results.hits[:3]] == [p.pk for p in reversed(strong)]
    # Body-only matches: the newest five (the window), the one that says it most first.
    newest = {p.pk for p in passing[-5:]}
    second = services.search(SearchQuery(q="渔业油价补贴", page_size=5, page=2))
    body = [hit.page.pk for hit in results.hits[3:] + second.hits]
    assert set(body) == newest and results.num_pages == 2 and results.ranked_window == 5
    # A page past the last ranked one shows the last (the ranking reads only a page's rows).
    beyond = services.search(SearchQuery(q="渔业油价补贴", page_size=5, page=99))
    assert beyond.page == 2 and [h.page.pk for h in beyond.hits] == [h.page.pk for h in second.hits]
    repeats = {p.pk: 1 + i % 4 for i, p in enumerate(passing)}
    assert repeats[body[0]] == max(repeats[pk] for pk in newest)
    # Date order reaches every match.
    by_date = services.search(SearchQuery(q="渔业油价补贴", page_size=5, sort="date"))
    assert by_date.num_pages == 3 and by_date.ranked_window is None
    last = services.search(SearchQuery(q="渔业油价补贴", page_size=5, sort="date", page=3))
    assert last.hits[-1].page.pk == strong[0].pk


def test_about_rounds_to_two_figures():
    assert [sql.about(n) for n in (7, 96, 1616, 96_872, 100_100)] == [
        7, 96, 1600, 97_000, 100_000]


def test_paging_stops_at_the_maximum_depth(notices, monkeypatch):
    # No request can page deeper than MAX_DEPTH results (a crawler walking page=5000 would
    # make the database read every match); the page number is clamped, not an error.
    monkeypatch.setattr(database, "MAX_DEPTH", 10)
    results = services.search(SearchQuery(q="公共租赁住房", page_size=5, sort="date", page=99))
    assert results.num_pages == 2 and results.page == 2 and len(results.hits) == 5
    assert results.count == N_ITEMS
