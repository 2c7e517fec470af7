"""The package's PostgreSQL index entries (search/backends/postgres_index.py) are the ones
Wagtail's stock backend writes, column for column, for every kind of indexed object."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from modelsearch.backends import get_search_backend
from modelsearch.backends.database.postgres import postgres as stock
from wagtail.documents import get_document_model
from wagtail.models import Page

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.search.backends.postgres_index import PostgresIndex
from tests.conftest import add_draft, add_live

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's own index entries (the PostgreSQL suite of .ci/run runs these)")

COLUMNS = ("object_id", "title::text", "autocomplete::text", "body::text", "title_text",
           "body_text", "title_norm")


def entries(model) -> list[tuple]:
    from django.contrib.contenttypes.models import ContentType

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(COLUMNS)} FROM {stock.IndexEntry._meta.db_table} "
            "WHERE content_type_id = %s ORDER BY object_id",
            [ContentType.objects.get_for_model(model).pk])
        return cursor.fetchall()


def written_by(index_class, model, objs) -> list[tuple]:
    stock.IndexEntry.objects.all().delete()
    index_class(get_search_backend()).add_items(model, objs)
    return entries(model)


@pytest.fixture
def objects(catalogue, agency, topic):
    """Disclosure pages full and nearly empty, a plain page, a document with tags
    (RelatedFields over a manager)."""
    full = add_live(catalogue, CatalogueItemPage(
        title="关于农村公路养护的通知", summary="做好农村公路养护工作", agency=agency, topic=topic,
        body="<p>各乡镇：请做好<b>养护</b>工作。</p>", document_number="海府〔2024〕3号",
        keywords="农村公路、养护", written_date=date(2024, 5, 1)))
    bare = add_draft(catalogue, CatalogueItemPage(title="空白", agency=agency))
    plain = catalogue.get_parent().add_child(instance=Page(title="Plain 页面", slug="plain"))
    document = get_document_model()(title="年度报告 annual")
    document.file.save("report.txt", ContentFile(b"x"), save=False)
    document.save()
    document.tags.add("财政", "预算")
    return {CatalogueItemPage: [CatalogueItemPage.objects.get(pk=full.pk),
                                CatalogueItemPage.objects.get(pk=bare.pk)],
            Page: [Page.objects.get(pk=plain.pk)],
            get_document_model(): [get_document_model().objects.get(pk=document.pk)]}


def test_the_backend_writes_entries_through_the_package_index():
    assert isinstance(get_search_backend().get_index_for_model(CatalogueItemPage), PostgresIndex)


@pytest.mark.parametrize("kind", ["item", "page", "document"])
def test_entries_are_those_of_the_stock_backend(objects, kind):
    model = {"item": CatalogueItemPage, "page": Page, "document": get_document_model()}[kind]
    objs = objects[model]
    expected = written_by(stock.PostgresIndex, model, objs)
    assert len(expected) == len(objs)
    assert written_by(PostgresIndex, model, objs) == expected
    if kind == "item":  # the analysed Chinese words are there, weighted
        assert "'养护':" in expected[0][3] and "'农村':" in expected[0][3]
    if kind == "document":  # the tags, through RelatedFields
        assert "财政" in expected[0][5]


def test_entries_are_updated_in_place(objects):
    page = objects[CatalogueItemPage][0]
    PostgresIndex(get_search_backend()).add_items(CatalogueItemPage, [page])
    page.title = "关于桥梁检测的通知"
    PostgresIndex(get_search_backend()).add_items(CatalogueItemPage, [page])
    rows = [r for r in entries(CatalogueItemPage) if r[0] == str(page.pk)]
    assert len(rows) == 1 and "桥梁" in rows[0][4]
    found = get_search_backend().search("桥梁检测", CatalogueItemPage)
    assert [p.pk for p in found] == [page.pk]
