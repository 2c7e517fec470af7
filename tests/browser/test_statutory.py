"""The statutory pages and the footer identifiers in Chromium: the 政府信息公开指南 and its
printable version, the 法定主动公开内容 page leading to the filtered catalogue, the topic tree
beside the listing, and the footer on each; axe-core and screenshots at 390 px and desktop.

The checks look at data and structure, not at label text (English source strings until the
zh_Hans catalogue has them)."""

import io
from dataclasses import dataclass

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from playwright.sync_api import expect
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from govinfo_wagtail.catalogue.demo_statutory import GUIDE
from govinfo_wagtail.catalogue.models import (
    CatalogueItemPage,
    DisclosureGuidePage,
    StatutoryCategoryTopic,
    StatutoryContentPage,
)
from govinfo_wagtail.core.demo_site_settings import DEMO_FOOTER
from govinfo_wagtail.core.models import Topic
from govinfo_wagtail.core.site_settings import PublicSiteSettings
from tests.browser.helpers import assert_no_serious_axe_violations, screenshot
from tests.conftest import add_live


@dataclass
class Statutory:
    catalogue: Page
    guide: DisclosureGuidePage
    statutory: StatutoryContentPage
    policy: Topic

    def url(self, live_server, page) -> str:
        return live_server.url + page.get_url_parts()[2]


@pytest.fixture
def content(catalogue, agency) -> Statutory:
    policy = Topic.objects.create(name="政策文件")
    normative = Topic.objects.create(name="规范性文件", parent=policy)
    functions = Topic.objects.create(name="机构职能")
    for title, topic in [("海丰县交通运输局行政规范性文件管理办法", normative),
                         ("关于公布道路运输服务事项的通知", policy),
                         ("海丰县交通运输局机构职能", functions)]:
        add_live(catalogue, CatalogueItemPage(title=title, agency=agency, topic=topic,
                                              summary="摘要。", body="<p>正文。</p>"))
    guide = add_live(catalogue, DisclosureGuidePage(**{**GUIDE, "agency": agency}))
    statutory = StatutoryContentPage(title="法定主动公开内容", slug="fdgknr",
                                     intro="<p>根据条例第二十条主动公开下列信息。</p>")
    statutory.category_topics = [StatutoryCategoryTopic(category=1, topic=policy),
                                 StatutoryCategoryTopic(category=2, topic=functions)]
    statutory = add_live(catalogue, statutory)
    buffer = io.BytesIO()
    PILImage.new("RGB", (110, 110), "#c8161d").save(buffer, "PNG")
    mark = get_image_model().objects.create(title="标识", file=ImageFile(buffer, name="m.png"))
    config = PublicSiteSettings.for_site(Site.objects.get(is_default_site=True))
    for field, value in DEMO_FOOTER.items():
        setattr(config, field, value)
    config.conac_mark = mark
    config.guide_page, config.catalogue_page = guide, catalogue
    config.accessibility_page = guide  # any live page will do for the link
    config.save()
    return Statutory(catalogue, guide, statutory, policy)


def check_footer(page):
    footer = page.locator("footer.govinfo-footer")
    expect(footer.locator(".govinfo-footer__sponsor")).to_contain_text(DEMO_FOOTER["sponsor"])
    expect(footer.locator(".govinfo-footer__site_code")).to_contain_text("4415210001")
    expect(footer.locator(".govinfo-footer__icp a")).to_have_attribute(
        "href", "https://beian.miit.gov.cn/")
    expect(footer.locator(".govinfo-footer__police a")).to_have_attribute(
        "href", "https://beian.mps.gov.cn/#/query/webSearch?code=44152102000001")
    mark = footer.locator(".govinfo-footer__conac img")
    expect(mark).to_be_visible()
    # Bottom centre: the mark's centre is within a few pixels of the footer's.
    box, foot = mark.bounding_box(), footer.bounding_box()
    assert abs((box["x"] + box["width"] / 2) - (foot["x"] + foot["width"] / 2)) < 4


def test_guide_page_footer_and_printable_version(page, phone_page, live_server, content):
    url = content.url(live_server, content.guide)
    page.goto(url)
    expect(page.locator("h1")).to_have_text(GUIDE["title"])
    office = page.locator(".govinfo-guide__office")
    for value in (GUIDE["office_name"], GUIDE["office_phone"], GUIDE["office_fax"],
                  GUIDE["office_email"], GUIDE["application_url"]):
        expect(office).to_contain_text(value)
    check_footer(page)
    assert_no_serious_axe_violations(page)
    screenshot(page, "statutory-guide-desktop")
    page.locator(".govinfo-guide__print a").click()
    expect(page.locator("header.govinfo-header")).to_have_count(0)
    expect(page.locator(".govinfo-guide__office")).to_contain_text(GUIDE["office_name"])
    assert_no_serious_axe_violations(page)
    screenshot(page, "statutory-guide-print-desktop")
    page.emulate_media(media="print")
    expect(page.locator(".govinfo-print__tools")).to_be_hidden()
    phone_page.goto(url)
    check_footer(phone_page)
    assert_no_serious_axe_violations(phone_page)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "statutory-guide-phone")


def test_statutory_content_leads_to_the_filtered_catalogue(page, phone_page, live_server,
                                                           content):
    url = content.url(live_server, content.statutory)
    page.goto(url)
    expect(page.locator(".govinfo-statutory__category")).to_have_count(15)
    assert_no_serious_axe_violations(page)
    screenshot(page, "statutory-content-desktop")
    phone_page.goto(url)
    assert_no_serious_axe_violations(phone_page)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "statutory-content-phone")
    page.locator("#category-1 a").first.click()
    # The catalogue filtered by the topic and its subtopics: two of the three items.
    expect(page.locator("nav.govinfo-topic-tree a[aria-current]")).to_have_text("政策文件")
    listing = page.locator("main")
    expect(listing).to_contain_text("行政规范性文件管理办法")
    expect(listing).not_to_contain_text("机构职能</a>")


def test_topic_tree_beside_the_catalogue(page, phone_page, live_server, content):
    url = content.url(live_server, content.catalogue)
    page.goto(url)
    tree = page.locator("nav.govinfo-topic-tree")
    expect(tree.locator("a")).to_have_count(3)
    # Desktop: the tree stands to the left of the listing.
    assert tree.bounding_box()["x"] < page.locator(".govinfo-catalogue__main").bounding_box()["x"]
    check_footer(page)
    assert_no_serious_axe_violations(page)
    screenshot(page, "catalogue-topic-tree-desktop")
    phone_page.goto(url)
    # Phone: the listing first, the tree below it.
    main_box = phone_page.locator(".govinfo-catalogue__main").bounding_box()
    assert phone_page.locator("nav.govinfo-topic-tree").bounding_box()["y"] > main_box["y"]
    assert_no_serious_axe_violations(phone_page)
    screenshot(phone_page, "catalogue-topic-tree-phone")


def test_error_report_from_the_footer(page, phone_page, live_server, content):
    from govinfo_wagtail.core.error_reports import ErrorReport

    page.goto(content.url(live_server, content.guide))
    page.locator(".govinfo-footer__report_error a").click()
    expect(page.locator("#id_page_url")).to_have_value(content.guide.url)
    assert_no_serious_axe_violations(page)
    screenshot(page, "error-report-desktop")
    page.select_option("#id_kind", "link")
    page.fill("#id_description", "办事指南附件链接打不开。")
    page.wait_for_timeout(3200)  # a person takes longer than the form's minimum
    page.get_by_role("button").last.click()
    expect(page.locator("h1")).to_be_visible()
    report = ErrorReport.objects.get()
    assert report.page_url == content.guide.url
    expect(page.locator("main")).to_contain_text(str(report.pk))
    phone_page.goto(live_server.url + "/govinfo/report-error/")
    assert_no_serious_axe_violations(phone_page)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "error-report-phone")


def test_on_request_column_and_an_agencys_footer(page, phone_page, live_server, content,
                                                 agency):
    """The demo's 依申请公开 column (how to apply, the application form and the procedure),
    reached from the section navigation, and an agency's own sponsor and phone in the footer
    of its pages; axe-core and screenshots at both widths."""
    from govinfo_wagtail.catalogue.demo_statutory import (
        ON_REQUEST_INTRO,
        ON_REQUEST_ITEMS,
        ON_REQUEST_TOPIC,
    )
    from govinfo_wagtail.catalogue.models import CatalogueCollectionPage

    agency.footer_sponsor, agency.phone = "海丰县交通运输局", "0660-6699999"
    agency.save()
    topic = Topic.objects.create(name=ON_REQUEST_TOPIC)
    for slug, title, summary, body in ON_REQUEST_ITEMS:
        add_live(content.catalogue, CatalogueItemPage(
            title=title, slug=slug, agency=agency, topic=topic, summary=summary, body=body))
    column = CatalogueCollectionPage(title="依申请公开", slug="ysqgk", intro=ON_REQUEST_INTRO)
    column.topics = [topic]
    column = add_live(content.catalogue, column)
    config = PublicSiteSettings.for_site(Site.objects.get(is_default_site=True))
    config.on_request_page = column
    config.save()

    page.goto(content.url(live_server, content.catalogue))
    page.locator(".govinfo-section-nav__on_request a").click()
    expect(page.locator("h1")).to_have_text("依申请公开")
    expect(page.locator("main")).to_contain_text("20个工作日")
    expect(page.locator("main")).to_contain_text(ON_REQUEST_ITEMS[0][1])
    check_footer(page)  # a collection has no agency: the site's footer
    assert_no_serious_axe_violations(page)
    screenshot(page, "on-request-column-desktop")
    phone_page.goto(page.url)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_serious_axe_violations(phone_page)
    screenshot(phone_page, "on-request-column-phone")

    item = CatalogueItemPage.objects.get(slug=ON_REQUEST_ITEMS[0][0])
    for browser_page, name in ((page, "agency-footer-desktop"),
                               (phone_page, "agency-footer-phone")):
        browser_page.goto(content.url(live_server, item))
        footer = browser_page.locator("footer.govinfo-footer")
        expect(footer.locator(".govinfo-footer__sponsor")).to_contain_text("海丰县交通运输局")
        expect(footer.locator(".govinfo-footer__phone a")).to_have_attribute(
            "href", "tel:06606699999")
        expect(footer.locator(".govinfo-footer__site_code")).to_contain_text("4415210001")
        assert_no_serious_axe_violations(browser_page)
        screenshot(browser_page, name)
