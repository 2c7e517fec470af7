"""The statutory pages beside the catalogue: the 政府信息公开指南 (structured, one per agency,
printable), the 法定主动公开内容 linked to the catalogue filters, and the topic tree."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from wagtail.models import Page

from govinfo_wagtail.catalogue.models import (
    CatalogueIndexPage,
    CatalogueItemPage,
    DisclosureGuidePage,
    StatutoryCategoryTopic,
    StatutoryContentPage,
)
from govinfo_wagtail.catalogue.statutory import ARTICLE_20
from govinfo_wagtail.core.models import Agency, Topic
from tests.conftest import add_draft, add_live

pytestmark = pytest.mark.django_db


def soup(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content.decode(), "html.parser")


def guide_for(agency, **extra):
    fields = dict(
        title="政府信息公开指南", agency=agency,
        classification="<p>按主题分为机构职能、政策文件等类别。</p>",
        obtaining="<p>可以通过在线申请、信函或者当面提交的方式申请。</p>",
        office_name="县政务公开办", office_address="海城镇人民路1号",
        office_hours="工作日8:30—17:30", office_phone="0660-6612345", office_fax="0660-6612346",
        office_email="gk@example.gov.cn", application_url="https://www.example.gov.cn/ysqgk/",
    )
    fields.update(extra)
    return DisclosureGuidePage(**fields)


def test_guide_shows_what_the_regulation_asks_and_prints(client, catalogue, agency):
    guide = add_live(catalogue, guide_for(agency))
    page = soup(client, guide.url)
    text = page.select_one("main").get_text(" ", strip=True)
    for value in ("按主题分为机构职能", "当面提交", "县政务公开办", "海城镇人民路1号",
                  "工作日8:30—17:30", "0660-6612345", "0660-6612346", "gk@example.gov.cn",
                  agency.name):
        assert value in text, value
    assert [h.get("id") for h in page.select("main h2")] == [
        "guide-classification", "guide-obtaining", "guide-office"]
    assert page.select_one('a[href="https://www.example.gov.cn/ysqgk/"]')
    print_link = page.select_one(".govinfo-guide__print a")["href"]
    printable = soup(client, print_link)
    # The printable version: the guide alone, without the header and section navigation.
    assert printable.select_one("header.govinfo-header") is None
    assert printable.select_one("nav.govinfo-section-nav") is None
    assert "县政务公开办" in printable.select_one("main").get_text()
    assert printable.select_one('meta[name="robots"]')["content"] == "noindex"


def test_guide_links_a_live_application_page_over_the_address(client, catalogue, agency):
    form = add_live(catalogue, CatalogueItemPage(title="在线申请", agency=agency))
    guide = add_live(catalogue, guide_for(agency, application_page=form))
    assert soup(client, guide.url).select_one(f'main a[href="{form.url}"]')


def test_one_guide_per_agency(catalogue, agency):
    add_live(catalogue, guide_for(agency))
    second = guide_for(agency, title="另一份指南", slug="zhinan-2")
    with pytest.raises(ValidationError) as error:
        catalogue.add_child(instance=second)  # Wagtail's page save runs full_clean
    assert "agency" in error.value.message_dict
    other = Agency.objects.create(name="海丰县财政局", index_code="007040638")
    # Another agency: fine (as a draft: a guide goes live only through the release service).
    catalogue.add_child(instance=guide_for(other, slug="zhinan-3", live=False))


def test_catalogue_accepts_the_statutory_types():
    allowed = CatalogueIndexPage.clean_subpage_models()
    assert DisclosureGuidePage in allowed and StatutoryContentPage in allowed
    assert DisclosureGuidePage.can_create_at(Page.objects.get(depth=1).get_children().first())


@pytest.fixture
def topics(db):
    policy = Topic.objects.create(name="政策文件")
    normative = Topic.objects.create(name="规范性文件", parent=policy)
    Topic.objects.create(name="应急管理")  # no items: left out of the tree
    return policy, normative


def test_statutory_page_lists_every_category_linked_to_the_catalogue(client, catalogue, agency,
                                                                     topics):
    policy, normative = topics
    other = Agency.objects.create(name="海丰县财政局", index_code="007040638")
    add_live(catalogue, CatalogueItemPage(title="规章甲", agency=agency, topic=normative))
    add_live(catalogue, CatalogueItemPage(title="规章乙", agency=agency, topic=policy))
    add_live(catalogue, CatalogueItemPage(title="财政局文件", agency=other, topic=policy))
    add_draft(catalogue, CatalogueItemPage(title="草稿", agency=agency, topic=policy))
    page = StatutoryContentPage(title="法定主动公开内容", agency=agency)
    page.category_topics = [StatutoryCategoryTopic(category=1, topic=policy)]
    page = add_live(catalogue, page)
    html = soup(client, page.url)
    categories = html.select(".govinfo-statutory__category")
    assert len(categories) == len(ARTICLE_20) == 15
    assert "行政法规、规章和规范性文件" in categories[0].get_text()
    assert "公务员招考" in categories[13].get_text()
    link = categories[0].select_one("a")
    assert link["href"] == f"{catalogue.url}?topic={policy.pk}&agency={agency.pk}"
    # This agency's live items of the topic and the topics below it; not the draft, not the
    # other agency's.
    assert "2" in categories[0].select_one(".govinfo-statutory__count").get_text()
    assert categories[1].select_one("a") is None
    listing = soup(client, link["href"]).select_one("main").get_text()
    assert "规章甲" in listing and "规章乙" in listing and "财政局文件" not in listing


def test_topic_tree_beside_the_listing(client, catalogue, agency, topics):
    policy, normative = topics
    add_live(catalogue, CatalogueItemPage(title="规章甲", agency=agency, topic=normative))
    add_live(catalogue, CatalogueItemPage(title="规章乙", agency=agency, topic=policy))
    tree = soup(client, catalogue.url).select_one("nav.govinfo-topic-tree")
    entries = [(a.get_text(), a.find_next_sibling("span").get_text()) for a in tree.select("a")]
    assert entries == [("政策文件", "(2)"), ("规范性文件", "(1)")]
    assert tree.select_one("ul ul a").get_text() == "规范性文件"  # nested under its parent
    selected = soup(client, f"{catalogue.url}?topic={normative.pk}").select_one(
        "nav.govinfo-topic-tree a[aria-current]")
    assert selected.get_text() == "规范性文件"
