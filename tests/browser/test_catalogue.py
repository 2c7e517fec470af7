"""The public catalogue in Chromium: listing, topic filter, pagination, an item's index box.

UI labels are English source strings until the zh_Hans catalogue is filled, so the checks
look at data (titles, index numbers) and structure (roles, rows), never at label text.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.core.models import Agency, Topic
from tests.browser.helpers import assert_no_serious_axe_violations, screenshot
from tests.conftest import add_live

ITEMS = 25  # page size 20: two pages
FIRST_DATE = date(2024, 12, 20)


@dataclass
class Content:
    catalogue: CatalogueItemPage
    topics: list[Topic]
    agencies: list[Agency]
    items: list[CatalogueItemPage]  # newest first, as the catalogue lists them

    def url(self, live_server, page=None) -> str:
        return live_server.url + (page or self.catalogue).get_url_parts()[2]


@pytest.fixture
def content(catalogue, agency, topic) -> Content:
    topics = [topic, Topic.objects.create(name="财政信息")]
    agencies = [agency, Agency.objects.create(
        name="海丰县财政局", short_name="县财政局", index_code="007040638")]
    items = []
    for i in range(ITEMS):
        written = FIRST_DATE + timedelta(days=i)
        items.append(add_live(catalogue, CatalogueItemPage(
            title=f"关于做好第{i + 1}批民生实事项目公开工作的通知",
            topic=topics[i % 2],
            agency=agencies[i % 3 == 0],
            written_date=written,
            published_date=written + timedelta(days=2),
            document_number=f"海府〔{written.year}〕{i + 1}号",
            keywords="民生实事,公开",
            summary="为进一步做好政府信息公开工作，现将有关事项通知如下。",
            body="<p>各镇人民政府，县政府各部门：</p><p>请认真贯彻落实。</p>",
        )))
    items.reverse()
    return Content(catalogue, topics, agencies, items)


def listed_titles(page) -> list[str]:
    return page.locator("table.govinfo-listing tbody tr td:nth-child(2) a").all_inner_texts()


def test_catalogue_list_filter_paginate_and_item(page, live_server, content):
    # The listing: Chinese page, first 20 items newest first, each with its index number.
    page.goto(content.url(live_server))
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^zh"))
    expect(page).to_have_title(re.compile("政府信息公开目录"))
    expect(page.get_by_role("heading", level=1)).to_have_text("政府信息公开目录")
    rows = page.locator("table.govinfo-listing tbody tr")
    expect(rows).to_have_count(20)
    assert listed_titles(page) == [item.title for item in content.items[:20]]
    expect(rows.first.locator("td").first).to_have_text(content.items[0].index_number)
    expect(page.locator(".govinfo-count")).to_contain_text(str(ITEMS))
    screenshot(page, "catalogue-desktop")
    assert_no_serious_axe_violations(page)

    # Filter by the second topic with the form: only its items remain.
    finance = content.topics[1]
    form = page.locator("main").get_by_role("search")
    form.locator("select[name=topic]").select_option(label=finance.name)
    form.get_by_role("button").click()
    expect(page).to_have_url(re.compile(rf"[?&]topic={finance.pk}(&|$)"))
    expected = [item.title for item in content.items if item.topic_id == finance.pk]
    expect(rows).to_have_count(len(expected))
    assert listed_titles(page) == expected
    expect(form.locator("select[name=topic]")).to_have_value(str(finance.pk))
    expect(page.locator(".govinfo-pagination")).to_have_count(0)

    # Page 2 of the unfiltered list: the five oldest items.
    page.goto(content.url(live_server))
    page.locator(".govinfo-pagination a[rel=next]").click()
    expect(page).to_have_url(re.compile(r"[?&]page=2$"))
    expect(rows).to_have_count(ITEMS - 20)
    assert listed_titles(page) == [item.title for item in content.items[20:]]
    expect(page.locator(".govinfo-pagination a[rel=prev]")).to_be_visible()

    # Open an item: its information-index box has eight rows, the first its index number.
    item = content.items[-1]
    page.get_by_role("link", name=item.title, exact=True).click()
    expect(page).to_have_url(content.url(live_server, item))
    expect(page.get_by_role("heading", level=1)).to_have_text(item.title)
    box = page.locator("section.govinfo-index-box")
    expect(box.get_by_role("row")).to_have_count(8)
    expect(box.get_by_role("rowheader")).to_have_count(8)
    cells = box.get_by_role("cell")
    expect(cells).to_have_text([
        item.index_number, item.topic.name, item.agency.name,
        item.written_date.isoformat(), item.published_date.isoformat(),
        item.document_number, item.keywords, re.compile(r"\S"),
    ])
    assert re.fullmatch(r"007040638/\d{4}-\d{5}", item.index_number)
    expect(page.locator(".govinfo-notice")).to_have_count(0)
    screenshot(page, "item-desktop")
    assert_no_serious_axe_violations(page)


def test_catalogue_and_item_at_phone_width(phone_page, live_server, content):
    page = phone_page
    page.goto(content.url(live_server))
    expect(page.get_by_role("heading", level=1)).to_have_text("政府信息公开目录")
    expect(page.locator("table.govinfo-listing tbody tr")).to_have_count(20)
    assert_no_horizontal_scroll(page)
    screenshot(page, "catalogue-phone")
    assert_no_serious_axe_violations(page)

    item = content.items[0]
    page.get_by_role("link", name=item.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(item.title)
    expect(page.locator("section.govinfo-index-box").get_by_role("row")).to_have_count(8)
    assert_no_horizontal_scroll(page)
    screenshot(page, "item-phone")
    assert_no_serious_axe_violations(page)


def assert_no_horizontal_scroll(page):
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"page is {widths[0]}px wide in a {widths[1]}px viewport"
