from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.test.utils import WagtailTestUtils

from govinfo_wagtail.catalogue.models import (
    CatalogueCollectionPage,
    CatalogueIndexPage,
    CatalogueItemPage,
)
from govinfo_wagtail.core.models import Agency, Topic, Validity
from tests.conftest import add_draft, add_live


@pytest.fixture
def items(catalogue, agency, topic):
    other_agency = Agency.objects.create(name="海丰县财政局", index_code="007040638")
    budget = Topic.objects.create(name="财政预决算")
    pages = []
    for i in range(25):
        pages.append(add_live(catalogue, CatalogueItemPage(
            title=f"公开事项{i:02d}",
            agency=agency if i % 2 else other_agency,
            topic=topic if i % 3 else budget,
            published_date=date(2019 + i % 2, 3, 1 + i),
            validity=Validity.VALID if i % 5 else Validity.REPEALED,
            validity_changed_on=None if i % 5 else date(2020, 6, 1),
        )))
    return pages


def test_item_page_shows_the_eight_field_index_box(client, catalogue, agency, topic):
    page = add_live(catalogue, CatalogueItemPage(
        title="海丰县交通运输局2019年部门预算", agency=agency, topic=topic,
        document_number="海交〔2019〕8号", keywords="预算 公开",
        written_date=date(2019, 2, 1), published_date=date(2019, 2, 15),
        summary="预算总表", body="<p>收入预算合计2,356.7万元</p>",
    ))
    html = client.get(page.url).content.decode()
    box = html[html.index("govinfo-index-box"):html.index("</section>")]
    for value in [page.index_number, "政策文件", "海丰县交通运输局", "2019-02-01",
                  "2019-02-15", "海交〔2019〕8号", "预算 公开"]:
        assert value in box
    assert box.count('<th scope="row">') == 8
    # The public site reads in Chinese (the package's zh_Hans catalogue is loaded).
    assert "信息索引" in box and "发布机构" in box and "有效" in box
    assert "收入预算合计2,356.7万元" in html


def test_drafts_are_not_listed_or_served(client, catalogue, agency):
    draft = add_draft(catalogue, CatalogueItemPage(title="未发布的草稿", agency=agency))
    assert "未发布的草稿" not in client.get(catalogue.url).content.decode()
    assert client.get(draft.url or f"{catalogue.url}{draft.slug}/").status_code == 404


def test_catalogue_filters_by_topic_agency_year_and_validity(client, catalogue, items, topic,
                                                             agency):
    def titles(**params):
        response = client.get(catalogue.url, params)
        assert response.status_code == 200
        return {p.title for p in response.context["page_obj"].paginator.object_list}

    assert titles(topic=topic.pk) == {p.title for p in items if p.topic_id == topic.pk}
    assert titles(agency=agency.pk) == {p.title for p in items if p.agency_id == agency.pk}
    assert titles(year=2020) == {p.title for p in items if p.published_date.year == 2020}
    assert titles(validity="repealed") == {p.title for p in items if p.validity == "repealed"}
    # Unknown or malformed filter values are ignored, never a server error.
    assert len(titles(topic="999999", year="abc", validity="x", page="-3")) == 25


def test_topic_filter_includes_subtopics(client, catalogue, agency, topic):
    child = Topic.objects.create(name="规范性文件", parent=topic)
    add_live(catalogue, CatalogueItemPage(title="子类事项", agency=agency, topic=child))
    response = client.get(catalogue.url, {"topic": topic.pk})
    assert [p.title for p in response.context["page_obj"]] == ["子类事项"]


def test_catalogue_paginates_and_keeps_filters_in_links(client, catalogue, items, agency):
    first = client.get(catalogue.url)
    assert len(first.context["page_obj"]) == 20
    second = client.get(catalogue.url, {"page": 2})
    assert len(second.context["page_obj"]) == 5
    filtered = client.get(catalogue.url, {"agency": agency.pk, "page": 1}).content.decode()
    assert f"agency={agency.pk}&amp;page=2" not in filtered  # 12 items: one page only
    out_of_range = client.get(catalogue.url, {"page": 99})
    assert out_of_range.context["page_obj"].number == 2


def test_listing_query_count_does_not_grow_with_items(client, catalogue, agency, topic):
    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(catalogue.url).status_code == 200
        return len(ctx.captured_queries)

    add_live(catalogue, CatalogueItemPage(title="甲", agency=agency, topic=topic))
    few = count_queries()
    for i in range(8):
        add_live(catalogue, CatalogueItemPage(title=f"乙{i}", agency=agency, topic=topic))
    assert count_queries() == few


def test_feeds_list_live_items(client, catalogue, items):
    rss = client.get(f"{catalogue.url}feed/rss/")
    assert rss.status_code == 200 and rss["Content-Type"].startswith("application/rss+xml")
    assert rss.content.decode().count("<item>") == 25
    atom = client.get(f"{catalogue.url}feed/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "公开事项00" in atom.content.decode()


def test_validity_notice_and_link_back_from_superseding_document(client, catalogue, agency):
    new = add_live(catalogue, CatalogueItemPage(title="新办法", agency=agency))
    old = add_live(catalogue, CatalogueItemPage(
        title="旧办法", agency=agency, validity=Validity.REPEALED,
        validity_changed_on=date(2021, 1, 1), validity_changed_by=new,
    ))
    old_html = client.get(old.url).content.decode()
    assert "govinfo-notice--repealed" in old_html and new.url in old_html
    assert old.url in client.get(new.url).content.decode()


def test_validity_change_requires_a_date(agency):
    page = CatalogueItemPage(title="x", slug="x", agency=agency, validity=Validity.EXPIRED)
    with pytest.raises(Exception) as exc:
        page.full_clean()
    assert "validity_changed_on" in exc.value.message_dict


def test_collection_page_lists_matching_live_items(client, catalogue, items, topic):
    collection = add_live(catalogue, CatalogueCollectionPage(
        title="现行有效信息", validity=Validity.VALID, year_from=2020, year_to=2020))
    collection.topics.add(topic)
    collection.save()
    expected = {p.title for p in items
                if p.validity == "valid" and p.published_date.year == 2020
                and p.topic_id == topic.pk}
    response = client.get(collection.url)
    page_obj = response.context["page_obj"]
    assert {p.title for p in page_obj.paginator.object_list} == expected
    assert 0 < len(expected) <= page_obj.paginator.per_page
    assert {p.title for p in page_obj.object_list} == expected
    assert page_obj.paginator.count == len(expected)


class TestAdmin(WagtailTestUtils):
    @pytest.fixture(autouse=True)
    def login(self, client, django_user_model):
        user = django_user_model.objects.create_superuser("admin", "a@example.org", "pw")
        client.force_login(user)

    def test_page_types_can_be_created_under_the_right_parents(self, root_page):
        assert CatalogueItemPage.can_create_at(
            CatalogueIndexPage(title="x", slug="x", depth=3, path="0001"))
        assert not CatalogueItemPage.can_create_at(root_page)
        from govinfo_wagtail.core.models import DisclosurePage
        assert not DisclosurePage.is_creatable

    def test_edit_forms_render(self, client, catalogue, agency):
        item = add_draft(catalogue, CatalogueItemPage(title="编辑我", agency=agency))
        for page in (catalogue, item):
            response = client.get(f"/admin/pages/{page.pk}/edit/")
            assert response.status_code == 200
        response = client.get(
            f"/admin/pages/add/govinfo_catalogue/catalogueitempage/{catalogue.pk}/")
        assert response.status_code == 200
        assert "document_number" in response.content.decode()

    def test_snippets_listing(self, client, agency):
        response = client.get("/admin/snippets/govinfo_core/agency/")
        assert response.status_code == 200
        assert "海丰县交通运输局" in response.content.decode()

    def test_agency_form_rejects_bad_credit_code(self, client):
        response = client.post("/admin/snippets/govinfo_core/agency/add/", {
            "name": "某局", "kind": "department", "credit_code": "11620622013933539C",
            "index_code": "X1",
        })
        assert response.status_code == 200
        assert not Agency.objects.filter(name="某局").exists()



def test_the_catalogue_accepts_the_disclosure_types_that_name_it_as_their_parent():
    """Policies and reports add their page types to the catalogue by naming it in their
    parent_page_types; the catalogue does not list them, and an ordinary page type is not
    offered."""
    from wagtail.models import Page as WagtailPage

    from govinfo_wagtail.catalogue.models import CatalogueIndexPage
    from govinfo_wagtail.policies.models import InterpretationPage, PolicyDocumentPage
    from govinfo_wagtail.reports.models import AnnualReportPage

    allowed = CatalogueIndexPage.clean_subpage_models()
    for model in (PolicyDocumentPage, InterpretationPage, AnnualReportPage):
        assert model in allowed
        assert CatalogueIndexPage in model.allowed_parent_page_models()
    assert WagtailPage not in allowed
    assert "govinfo_policies.PolicyDocumentPage" not in CatalogueIndexPage.subpage_types
