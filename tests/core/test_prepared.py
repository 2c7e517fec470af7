"""Queries compiled once (core/prepared.py, issue 16: rendering cost): the rows are those the
query compiled at each call would give, whatever the values and whatever changed in the
database between calls, and the SQL is compiled once."""

import threading
from datetime import date
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections
from django.db.models.sql.compiler import SQLCompiler
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from wagtail.models import Page, PageViewRestriction

from govinfo_wagtail.catalogue.models import (
    CatalogueCollectionPage,
    CatalogueIndexPage,
    CatalogueItemPage,
)
from govinfo_wagtail.core.models import Agency, ReleaseRecord
from govinfo_wagtail.core.prepared import PreparedQuery
from govinfo_wagtail.core.routing import _child_by_slug, _public_page
from govinfo_wagtail.core.templatetags.govinfo_tags import govinfo_latest
from tests.conftest import add_live

pytestmark = pytest.mark.django_db


def item(parent, slug: str, **kwargs) -> CatalogueItemPage:
    kwargs.setdefault("agency", Agency.objects.get_or_create(
        name="海丰县交通运输局", defaults={"index_code": "00704046X"})[0])
    return add_live(parent, CatalogueItemPage(
        title=f"通知{slug}", slug=slug, published_date=date(2026, 3, 1), **kwargs))


def compiled_sql_count(prepared: PreparedQuery, calls: list[dict]) -> int:
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True,
                           side_effect=SQLCompiler.as_sql) as as_sql:
        for values in calls:
            prepared.rows(**values)
    return as_sql.call_count


def test_a_query_is_compiled_once_and_run_with_each_calls_values(catalogue, agency):
    pages = [item(catalogue, f"n{i}", agency=agency) for i in range(3)]
    prepared = PreparedQuery(lambda pk: CatalogueItemPage.objects.filter(pk=pk), pk=int)
    # Three compiles at the first call, which show where the value goes; none after.
    assert compiled_sql_count(prepared, [{"pk": p.pk} for p in pages]) == 3
    assert [[r.pk for r in prepared.rows(pk=p.pk)] for p in pages] == [[p.pk] for p in pages]
    assert prepared.rows(pk=10**6) == []
    # A further call compiles nothing more.
    assert compiled_sql_count(prepared, [{"pk": pages[0].pk}]) == 0


def test_the_routing_query_follows_releases_take_downs_and_restrictions(catalogue, agency):
    """The compiled SQL keeps the release and view-restriction rules: what changed in the
    database between two requests shows at the next one."""
    page = item(catalogue, "one", agency=agency)
    prepared = _public_page(CatalogueItemPage)
    [loaded] = prepared.rows(pk=page.pk)
    assert loaded.pk == page.pk and loaded.is_released() and loaded.agency == agency

    page.unpublish()
    [loaded] = prepared.rows(pk=page.pk)  # routed, then refused by its serve check
    assert not loaded.live
    assert govinfo_latest({}, 8) == []

    other = item(catalogue, "two", agency=agency)
    assert [p.pk for p in govinfo_latest({}, 8)] == [other.pk]
    assert [p.pk for p in govinfo_latest({}, 8, "item")] == [other.pk]
    assert govinfo_latest({}, 8, "policy") == []
    ReleaseRecord.objects.filter(page_id=other.pk).delete()  # a write around the service
    assert govinfo_latest({}, 8) == []
    assert not prepared.rows(pk=other.pk)[0].is_released()

    third = item(catalogue, "three", agency=agency)
    assert [p.pk for p in govinfo_latest({}, 8)] == [third.pk]
    PageViewRestriction.objects.create(page=catalogue, restriction_type="login")
    assert govinfo_latest({}, 8) == []


SLUG_TEXT = st.text(
    alphabet=st.sampled_from("ab-_%\\'\"通知ZZ09 "), min_size=1, max_size=8)


@hypothesis_settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(slug=SLUG_TEXT, path_tail=st.text(alphabet=st.sampled_from("0A1%_\\z"), max_size=4))
def test_any_value_gives_the_rows_of_the_query_compiled_for_it(catalogue, slug, path_tail):
    """Strings with LIKE's wildcards and escapes, quotes and Chinese: as a whole parameter
    they go in as they are; inside a pattern or a range (a tree path) only letters and
    digits do, and anything else is compiled as usual. Either way the rows are the plain
    query's."""
    for child_slug in ("a_", "ab", "a_b", "通知", "a-b"):
        if not catalogue.get_children().filter(slug=child_slug).exists():
            item(catalogue, child_slug)
    values = {"path": catalogue.path, "depth": catalogue.depth + 1, "slug": slug}
    assert _child_by_slug.rows(**values) == list(_child_by_slug.build(**values))

    below = PreparedQuery(lambda path: Page.objects.filter(path__startswith=path)
                          .order_by("path"), path=str)
    prefix = catalogue.path + path_tail
    assert below.rows(path=prefix) == list(Page.objects.filter(
        path__startswith=prefix).order_by("path"))


def test_values_it_cannot_place_are_compiled_as_usual(catalogue):
    page = item(catalogue, "one")
    # The value is not among the parameters as given (the query adds one to it).
    shifted = PreparedQuery(lambda pk: Page.objects.filter(pk=pk + 1), pk=int)
    assert [p.pk for p in shifted.rows(pk=page.pk - 1)] == [page.pk]
    # Values that are not plain integers or strings.
    by_pk = PreparedQuery(lambda pk: Page.objects.filter(pk=pk), pk=int)
    assert [p.pk for p in by_pk.rows(pk=str(page.pk))] == [page.pk]
    assert by_pk.rows(pk=2**40) == []
    # A slice's numbers are written into the SQL, not its parameters.
    first = PreparedQuery(lambda n: Page.objects.order_by("path")[:n], n=int)
    assert first.rows(n=2) == list(Page.objects.order_by("path")[:2])
    assert first.rows(n=3) == list(Page.objects.order_by("path")[:3])
    # A value that the query derives another parameter from, next to another value.
    levels = PreparedQuery(lambda depth, pk: Page.objects.filter(
        depth__gte=depth, depth__lt=depth + 1).exclude(pk=pk), depth=int, pk=int)
    assert Page.objects.filter(depth__gt=catalogue.depth).exists()
    assert [p.pk for p in levels.rows(depth=catalogue.depth, pk=catalogue.pk)] == [
        p.pk for p in Page.objects.filter(depth=catalogue.depth).exclude(pk=catalogue.pk)]
    # A negative value, which Django leaves out of the SQL of a positive field.
    deeper = PreparedQuery(lambda depth: Page.objects.filter(depth__gte=depth), depth=int)
    assert len(deeper.rows(depth=-1)) == Page.objects.count()
    assert len(deeper.rows(depth=page.depth)) == Page.objects.filter(
        depth__gte=page.depth).count()
    # A string a lookup escapes (iexact is a LIKE on SQLite and MySQL): plain strings go in,
    # others are compiled as usual.
    named = PreparedQuery(lambda slug: Page.objects.filter(slug__iexact=slug), slug=str)
    assert [p.pk for p in named.rows(slug="ONE")] == [page.pk]
    assert named.rows(slug="o_e") == [] and named.rows(slug="o%") == []
    # A constant that happens to equal a placeholder is a constant.
    constant = PreparedQuery(lambda pk: Page.objects.filter(pk__in=[pk, 2_100_000_000]),
                             pk=int)
    assert [p.pk for p in constant.rows(pk=page.pk)] == [page.pk]
    # A query Django finds empty before asking the database.
    none = PreparedQuery(lambda pk: Page.objects.filter(pk__in=[]).filter(pk=pk), pk=int)
    assert none.rows(pk=page.pk) == []


def test_rows_made_from_a_prepared_query_are_ordinary_pages(catalogue):
    """A chained query (a filter on a listed page's relation) compiles its own SQL."""
    sub = add_live(catalogue, CatalogueIndexPage(title="子目录", slug="sub"))
    page = item(sub, "deep")
    [loaded] = _public_page(CatalogueItemPage).rows(pk=page.pk)
    assert loaded.get_parent().pk == sub.pk
    assert [p.pk for p in loaded.get_ancestors().filter(pk=catalogue.pk)] == [catalogue.pk]


@pytest.mark.django_db(transaction=True)
def test_a_query_compiled_in_one_thread_runs_on_another_threads_connection(root_page):
    """A compiled query keeps no connection: a threaded server's other threads run it on
    their own."""
    catalogue = add_live(root_page, CatalogueIndexPage(title="目录", slug="xxgk"))
    page = item(catalogue, "one")
    prepared = PreparedQuery(lambda pk: Page.objects.filter(pk=pk), pk=int)
    assert [p.pk for p in prepared.rows(pk=page.pk)] == [page.pk]
    seen = {}

    def run():
        try:
            seen["rows"] = prepared.rows(pk=catalogue.pk)
            seen["connection"] = connections["default"]
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert [p.pk for p in seen["rows"]] == [catalogue.pk]
    assert seen["connection"] is not connection


def release_rule_queries_compiled(client, url: str) -> list[str]:
    """The SQL Django compiled for ``url``'s second request that carries the release rule (a
    query compiled once carries it without compiling again)."""
    client.get(url)
    compiled, original = [], SQLCompiler.as_sql

    def as_sql(compiler, *args, **kwargs):
        sql, params = original(compiler, *args, **kwargs)
        compiled.append(sql)
        return sql, params

    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=as_sql):
        response = client.get(url)
    assert response.status_code == 200, url
    return [sql for sql in compiled if "govinfo_core_releaserecord" in sql]


def test_public_pages_compile_their_release_rule_queries_once(client, catalogue, agency):
    """What issue 16's rendering cost rests on: the routing, the listings and the related
    lists of every public page type are compiled once, not at each request (a value a
    placeholder cannot stand for makes the query compile at each request, silently)."""
    from govinfo_wagtail.policies.models import (
        InterpretationPage,
        InterpretedPolicy,
        PolicyDocumentPage,
    )
    from govinfo_wagtail.reports.models import AnnualReportPage

    amending = item(catalogue, "amending", agency=agency)
    item(catalogue, "amended", agency=agency, validity="amended",
         validity_changed_on=date(2026, 4, 1), validity_changed_by=amending)
    policy = add_live(catalogue, PolicyDocumentPage(
        title="政策", slug="policy", agency=agency, category="other",
        requires_interpretation=False))
    interpretation = add_live(catalogue, InterpretationPage(
        title="解读", slug="interpretation", agency=agency,
        policy_links=[InterpretedPolicy(policy=policy)]))
    for year in (2024, 2025):
        report = add_live(catalogue, AnnualReportPage(
            title=f"{year}年报", slug=f"ndbg-{year}", year=year, agency=agency))
    section = add_live(catalogue, CatalogueIndexPage(title="子目录", slug="sub"))
    item(section, "deep", agency=agency)
    collection = CatalogueCollectionPage(title="现行有效", slug="valid", validity="valid")
    collection.page_types.set([ContentType.objects.get_for_model(CatalogueItemPage)])
    collection = add_live(catalogue, collection)
    pages = (amending, policy, interpretation, report, catalogue, section, collection)
    for page in pages:
        assert release_rule_queries_compiled(client, page.url) == [], page.url
