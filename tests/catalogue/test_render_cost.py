"""What a public page costs in queries (issue 16: rendering cost). Each bound is the count
measured when it was set, and the count must not grow with the number of attachments, listed
items or newest releases: a query per item (N+1) fails here. The release check, the view
restrictions and drafts are resolved in those queries without letting anything through."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.documents import get_document_model
from wagtail.models import Page, PageViewRestriction, Site

from govinfo_wagtail.catalogue.models import (
    CatalogueCollectionPage,
    CatalogueIndexPage,
    CatalogueItemPage,
)
from govinfo_wagtail.core.models import DisclosurePage, ReleaseRecord, Validity
from govinfo_wagtail.core.routing import for_public_page
from tests.conftest import add_draft, add_live

pytestmark = pytest.mark.django_db

# Measured on SQLite when set (a disclosure page 12-13, a listing 16, the home page's columns
# 4) and holding on PostgreSQL and MariaDB: a bound someone notices, not every query. Since
# the catalogue itself is a released type, its serve check asks for its release record: one
# query more (a listing 16 unfiltered, 19 filtered, on SQLite on 2 December). The topic
# filter offers the topics the topic tree read (3 December): a listing 16.
ITEM_QUERIES = 13
LISTING_QUERIES = 16
HOME_QUERIES = 4


def count_queries(client, url: str) -> int:
    client.get(url)  # warm Wagtail's per-process caches (site root paths, content types)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def item_with_attachments(catalogue, agency, topic, slug: str, n: int) -> CatalogueItemPage:
    Document = get_document_model()
    docs = [Document.objects.create(title=f"附件{i}", file=ContentFile(
        b"text", name=f"{slug}-{i}.txt")) for i in range(n)]
    return add_live(catalogue, CatalogueItemPage(
        title=f"通知{slug}", slug=slug, agency=agency, topic=topic,
        published_date=date(2026, 3, 1),
        attachments=[("attachment", {"document": d, "title": ""}) for d in docs]))


def test_a_disclosure_page_costs_the_same_queries_with_1_or_20_attachments(
        client, catalogue, agency, topic):
    one = item_with_attachments(catalogue, agency, topic, "one", 1)
    twenty = item_with_attachments(catalogue, agency, topic, "twenty", 20)
    # A document it amended: listed under "documents changed by this document".
    add_live(catalogue, CatalogueItemPage(
        title="旧办法", slug="old", agency=agency, validity=Validity.AMENDED,
        validity_changed_on=date(2026, 4, 1), validity_changed_by=twenty))
    counts = {count_queries(client, one.url), count_queries(client, twenty.url)}
    html = client.get(twenty.url).content.decode()
    assert html.count("附件") >= 20 and "旧办法" in html and agency.name in html
    # 20 has one query more than 1: the documents it changed (1 changed none: none asked).
    assert max(counts) <= ITEM_QUERIES and max(counts) - min(counts) <= 1, counts


def test_a_catalogue_listing_of_20_items_costs_what_one_of_1_costs(client, catalogue,
                                                                   agency, topic):
    add_live(catalogue, CatalogueItemPage(title="第一件", agency=agency, topic=topic,
                                          published_date=date(2026, 1, 1)))
    few = count_queries(client, catalogue.url)
    for i in range(19):
        add_live(catalogue, CatalogueItemPage(title=f"事项{i:02d}", agency=agency, topic=topic,
                                              published_date=date(2025, 1, 1 + i)))
    many = count_queries(client, catalogue.url)
    html = client.get(catalogue.url).content.decode()
    assert html.count("govinfo-listing") and "事项18" in html and "20" in html
    assert many == few and many <= LISTING_QUERIES, (few, many)
    # Filtered (the paginator counts then): one query more, still not one per item.
    assert count_queries(client, f"{catalogue.url}?topic={topic.pk}") <= LISTING_QUERIES + 2


def test_the_topic_filter_offers_every_topic_and_keeps_the_chosen_one(client, catalogue,
                                                                     agency, topic):
    from govinfo_wagtail.core.models import Topic

    Topic.objects.filter(pk=topic.pk).update(sort_order=2)
    other = Topic.objects.create(name="教育", sort_order=1)
    add_live(catalogue, CatalogueItemPage(title="第一件", agency=agency, topic=topic))
    html = client.get(f"{catalogue.url}?topic={topic.pk}").content.decode()
    select = html[html.index('<select name="topic"'):]
    select = select[:select.index("</select>")]
    # The taxonomy's order (sort_order, then name), the chosen topic selected.
    assert select.index(f'value="{other.pk}"') < select.index(f'value="{topic.pk}"')
    assert f'<option value="{topic.pk}" selected>' in select
    assert '<option value="">' in select


def test_a_county_taxonomy_costs_the_listing_no_query_per_topic(client, catalogue, agency):
    """A county's taxonomy is nested (主题 / 子主题) and counts a hundred topics; the topic
    filter names each topic with its parents, which cost a query per parent."""
    from govinfo_wagtail.core.models import Topic

    flat = Topic.objects.create(name="政策文件")
    add_live(catalogue, CatalogueItemPage(title="第一件", agency=agency, topic=flat))
    few = count_queries(client, catalogue.url)
    for i in range(20):
        parent = Topic.objects.create(name=f"主题{i:02d}", sort_order=i)
        for j in range(4):
            child = Topic.objects.create(name=f"子主题{i:02d}-{j}", parent=parent, sort_order=j)
        add_live(catalogue, CatalogueItemPage(title=f"事项{i:02d}", agency=agency, topic=child))
    Topic.objects.create(name="农村公路", parent=child)  # a third level, without items
    many = count_queries(client, catalogue.url)
    assert many == few, (few, many)
    html = client.get(catalogue.url).content.decode()
    select = html[html.index('<select name="topic"'):]
    select = select[:select.index("</select>")]
    assert f'<option value="{child.pk}">主题19 / 子主题19-3</option>' in select
    assert "主题19 / 子主题19-3 / 农村公路</option>" in select
    # The tree links each topic to the listing filtered by it, relative to this site.
    assert f'<a href="{catalogue.url}?topic={child.pk}">子主题19-3</a>' in html


def render_home(request) -> tuple[str, int]:
    template = Template('{% include "govinfo_core/includes/portal_home.html" %}')
    with CaptureQueriesContext(connection) as ctx:
        html = template.render(Context({"request": request, "portal_name": "门户", "title": "",
                                        "body": ""}))
    return html, len(ctx.captured_queries)


def test_the_home_page_columns_cost_the_same_with_1_or_20_releases(catalogue, agency):
    request = RequestFactory().get("/")
    request.site = Site.objects.get(is_default_site=True)
    add_live(catalogue, CatalogueItemPage(title="首件", agency=agency))
    render_home(request)
    _html, few = render_home(request)
    for i in range(19):
        add_live(catalogue, CatalogueItemPage(title=f"新件{i:02d}", agency=agency,
                                              published_date=date(2026, 2, 1 + i)))
    html, many = render_home(request)
    assert "新件18" in html
    assert many == few and many <= HOME_QUERIES, (few, many)


# --- what the cheaper queries must still keep out ------------------------------------------


def test_a_private_item_stays_out_of_listings_collections_and_the_home_page(
        client, catalogue, agency):
    add_live(catalogue, CatalogueItemPage(title="公开件", slug="open", agency=agency))
    section = add_live(catalogue, CatalogueIndexPage(title="内部栏目", slug="internal"))
    hidden = add_live(section, CatalogueItemPage(title="内部件", slug="hidden", agency=agency))
    PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    collection = CatalogueCollectionPage(title="全部", slug="all")
    collection.page_types.set([ContentType.objects.get_for_model(CatalogueItemPage)])
    collection = add_live(catalogue, collection)
    for url in (catalogue.url, collection.url):
        html = client.get(url).content.decode()
        assert "公开件" in html and "内部件" not in html, url
    request = RequestFactory().get("/")
    assert "内部件" not in render_home(request)[0]
    public = DisclosurePage.objects.released().public()
    assert hidden.pk not in public.values_list("pk", flat=True)
    assert hidden.pk in DisclosurePage.objects.released().not_public().values_list(
        "pk", flat=True)
    # A restriction on a page whose path is a prefix of a sibling's hides only its own tree.
    assert public.filter(title="公开件").exists()


def test_a_live_page_without_a_release_record_is_not_found_and_drafts_never_show(
        client, catalogue, agency):
    page = add_live(catalogue, CatalogueItemPage(title="已发布", slug="released",
                                                 agency=agency))
    assert client.get(page.url).status_code == 200
    ReleaseRecord.objects.filter(page_id=page.pk).delete()
    assert client.get(page.url).status_code == 404
    draft = add_draft(catalogue, CatalogueItemPage(title="草稿件", slug="draft"))
    assert client.get(f"{catalogue.url}draft/").status_code == 404
    assert "草稿件" not in client.get(catalogue.url).content.decode()
    assert not Page.objects.get(pk=draft.pk).live


def test_a_resolved_release_state_counts_only_for_the_revision_it_was_resolved_for(
        catalogue, agency, django_assert_num_queries):
    page = add_live(catalogue, CatalogueItemPage(title="某件", agency=agency))
    loaded = for_public_page(CatalogueItemPage.objects).get(pk=page.pk)
    with django_assert_num_queries(0):
        assert loaded.is_released()
        assert not loaded.get_superseded_documents()
    # The live revision changed after loading (a take-down and a new revision): ask again.
    loaded.live_revision_id = page.save_revision().pk
    with django_assert_num_queries(1):
        assert not loaded.is_released()


def test_the_home_page_columns_follow_releases_and_take_downs_and_keep_to_their_type(
        catalogue, agency):
    """The columns' query is built once per process (core.templatetags.govinfo_tags): what
    it lists is still read at each render."""
    from govinfo_wagtail.policies.models import PolicyDocumentPage

    request = RequestFactory().get("/")
    request.site = Site.objects.get(is_default_site=True)
    item = add_live(catalogue, CatalogueItemPage(title="旧事项", agency=agency,
                                                 published_date=date(2026, 1, 1)))
    html = render_home(request)[0]
    assert "旧事项" in html and "政策一号" not in html
    policy = add_live(catalogue, PolicyDocumentPage(
        title="政策一号", agency=agency, published_date=date(2026, 2, 1), category="other",
        requires_interpretation=False))
    html = render_home(request)[0]
    policies = html[html.index('id="govinfo-home-policies"'):]
    assert "政策一号" in policies and "旧事项" not in policies
    item.unpublish()
    html = render_home(request)[0]
    assert "旧事项" not in html and "政策一号" in html
    assert policy.pk in DisclosurePage.objects.released().values_list("pk", flat=True)


def test_a_collection_below_a_catalogue_is_routed_with_its_release_state(
        client, catalogue, django_assert_num_queries):
    """A released type that is not a disclosure page (a collection, a section) has its
    release state resolved by the catalogue's routing query; a stale one is asked again."""
    from govinfo_wagtail.core.routing import _public_page

    collection = CatalogueCollectionPage(title="全部", slug="all")
    collection.page_types.set([ContentType.objects.get_for_model(CatalogueItemPage)])
    collection = add_live(catalogue, collection)
    [loaded] = _public_page(CatalogueCollectionPage).rows(pk=collection.pk)
    with django_assert_num_queries(0):
        assert loaded.is_released()
    loaded.live_revision_id = collection.save_revision().pk
    with django_assert_num_queries(1):
        assert not loaded.is_released()
    assert client.get(collection.url).status_code == 200
    ReleaseRecord.objects.filter(page_id=collection.pk).delete()
    assert client.get(collection.url).status_code == 404
