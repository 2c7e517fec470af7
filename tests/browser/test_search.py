"""The public search in Chromium: search, narrow by a facet, open a result (screenshots, axe).

Labels are English source strings until the zh_Hans catalogue is filled: the checks look at
data (titles, counts, facet values) and structure, not at label text.
"""

import re
from datetime import date

from playwright.sync_api import expect

from govinfo_wagtail.core.models import Agency, Topic
from tests.browser.helpers import assert_no_serious_axe_violations, screenshot
from tests.search.factories import item


def test_search_facet_and_open_result(page, live_server, catalogue, agency, topic):
    finance = Agency.objects.create(name="海丰县财政局", index_code="007040638")
    budget = Topic.objects.create(name="财政预决算")
    items = [
        item(catalogue, "海丰县2021年部门预算公开", agency=finance, topic=budget,
             published=date(2021, 3, 1), document_number="海财〔2021〕5号",
             body="<p>2021年一般公共预算收入安排28.6亿元。</p>"),
        item(catalogue, "海丰县交通运输局2021年部门预算", agency=agency, topic=topic,
             published=date(2021, 4, 1), body="<p>交通运输局部门预算说明。</p>"),
        item(catalogue, "海丰县2022年三公经费预算情况说明", agency=finance, topic=budget,
             published=date(2022, 4, 6), body="<p>三公经费预算合计386万元。</p>"),
    ]

    page.goto(live_server.url + "/govinfo/search/")
    form = page.locator("main").get_by_role("search")
    form.locator("input[name=q]").fill("预算")
    form.get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"[?&]q=%E9%A2%84%E7%AE%97"))
    hits = page.locator("ol.govinfo-hits > li")
    expect(hits).to_have_count(3)
    expect(page.locator(".govinfo-result-count")).to_have_attribute("data-count", "3")
    expect(hits.first.locator("mark").first).to_have_text("预算")
    agency_facet = page.locator("[data-facet=agency]")
    expect(agency_facet.locator("li")).to_have_count(2)
    expect(agency_facet.locator("li", has_text=finance.name)).to_contain_text("(2)")
    screenshot(page, "search-results-desktop")
    assert_no_serious_axe_violations(page)

    # Narrow by the finance bureau: its two items remain, the facet value is kept in the form.
    agency_facet.get_by_role("link", name=finance.name).click()
    expect(page).to_have_url(re.compile(rf"[?&]agency={finance.pk}(&|$)"))
    expect(hits).to_have_count(2)
    titles = hits.locator(".govinfo-hit__title a").all_inner_texts()
    assert set(titles) == {items[0].title, items[2].title}
    expect(page.locator(f"form input[type=hidden][name=agency][value='{finance.pk}']")) \
        .to_have_count(1)
    screenshot(page, "search-facet-desktop")

    # Open a result: the item page with its index number.
    page.get_by_role("link", name=items[0].title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(items[0].title)
    expect(page.locator("section.govinfo-index-box")).to_contain_text(items[0].index_number)
    screenshot(page, "search-result-item-desktop")
    assert_no_serious_axe_violations(page)
