"""The view-restriction rule of the public lists (``ReleasedPageQuerySet.private_q``) is a
subquery of the list's own query. It must read the restrictions and each one's page by its
id, whatever the planner knows of the tables: joined to the page table, SQLite planned a
scan of every page for every row listed once its tables had statistics (ANALYZE, or
``PRAGMA optimize``), and an unfiltered listing of 2,000 items took 3 s."""

import pytest
from django.db import connection
from wagtail.models import Page, PageViewRestriction

from govinfo_wagtail.core.models import DisclosurePage

pytestmark = pytest.mark.django_db


def _private(qs):
    return qs.filter(DisclosurePage.objects.all().private_q())


def _plan(qs) -> list[str]:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return [row[-1] for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_an_analysed_page_table_is_not_scanned_for_each_row(root_page):
    for i in range(60):
        root_page.add_child(instance=Page(title=f"栏目{i}", slug=f"s{i}"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    plan = _plan(Page.objects.exclude(DisclosurePage.objects.all().private_q()))
    scans = [step for step in plan if step.startswith("SCAN") and "pageviewrestriction" not in
             step]
    # The outer list may be scanned once; the subquery reads restrictions, not pages.
    assert len(scans) <= 1, plan


def test_restricted_pages_and_their_descendants_are_private(root_page):
    open_section = root_page.add_child(instance=Page(title="公开", slug="open"))
    closed = root_page.add_child(instance=Page(title="内部", slug="closed"))
    # A sibling whose path starts like the restricted page's would if paths were compared
    # as prefixes of different lengths the wrong way round.
    inside = closed.add_child(instance=Page(title="内部子", slug="inside"))
    deeper = inside.add_child(instance=Page(title="内部孙", slug="deeper"))
    outside = open_section.add_child(instance=Page(title="公开子", slug="outside"))
    PageViewRestriction.objects.create(page=closed, restriction_type="login")
    private = set(_private(Page.objects.all()).values_list("pk", flat=True))
    assert {closed.pk, inside.pk, deeper.pk} <= private
    assert not {root_page.pk, open_section.pk, outside.pk} & private
    # The same rule as Wagtail's own (a query for the restrictions first).
    assert private == set(Page.objects.not_public().values_list("pk", flat=True))
