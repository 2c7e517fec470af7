"""Recall@10 of the public search on a realistic relevance set, on whichever database runs."""

import re

import pytest
from django.conf import settings
from django.db import connection

from govinfo_wagtail.core.models import Agency, Topic
from govinfo_wagtail.search import services
from govinfo_wagtail.search.services import SearchQuery
from tests.search.factories import item
from tests.search.relevance.corpus import AGENCIES, ITEMS, QUERIES, TOPICS

RECALL_TARGET = 0.95


def load(catalogue) -> dict[str, object]:
    agencies = {k: Agency.objects.create(name=n, index_code=c) for k, (n, c) in AGENCIES.items()}
    topics = {name: Topic.objects.create(name=name) for name in TOPICS}
    return {
        key: item(catalogue, title, body=f"<p>{body}</p>", agency=agencies[agency],
                  topic=topics[topic], published=published, document_number=number)
        for key, agency, topic, published, number, title, body in ITEMS
    }


def test_relevance_set_is_big_enough():
    assert len(ITEMS) >= 40 and len(QUERIES) >= 30
    assert len({key for key, *_ in ITEMS}) == len(ITEMS)


POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]


@pytest.fixture(params=["index", "gin"] if POSTGRESQL else ["index"])
def ranking(request):
    """PostgreSQL ranks with RUM when the server has it, else ts_rank over GIN: test both."""
    if request.param == "gin":
        connection._govinfo_rum = False
    yield request.param
    if hasattr(connection, "_govinfo_rum"):
        del connection._govinfo_rum  # read from the database again


def test_recall_at_10(catalogue, client, ranking):
    pages = load(catalogue)
    recalls, misses = [], []
    for raw, expected in QUERIES:
        q = re.sub(r"\{ix:(\w+)\}", lambda m: pages[m.group(1)].index_number, raw)
        found = [hit.page.pk for hit in services.search(SearchQuery(q=q, page_size=10)).hits]
        wanted = {pages[key].pk for key in expected}
        hit = len(wanted & set(found))
        recalls.append(hit / len(wanted))
        if hit < len(wanted):
            missing = [k for k in expected if pages[k].pk not in found]
            misses.append(f"{q}: missing {missing}")
    recall = sum(recalls) / len(recalls)
    assert recall >= RECALL_TARGET, f"recall@10 = {recall:.3f}; " + "; ".join(misses)
    # An index number typed into the search box goes straight to the item.
    response = client.get("/govinfo/search/", {"q": pages["taxi"].index_number})
    assert response.status_code == 302 and response["Location"] == pages["taxi"].url
