"""The public search in Chromium: search, narrow by a facet, open a result (screenshots, axe).

Labels are English source strings until the zh_Hans catalogue is filled: the checks look at
data (titles, counts, facet values) and structure, not at label text.
"""

import re

from playwright.sync_api import expect

from tests.browser.helpers import assert_no_serious_axe_violations, screenshot


def test_search_facet_and_open_result(page, live_server, corpus):
    finance, items = corpus["finance"], corpus["pages"]

    page.goto(live_server.url + "/govinfo/search/")
    form = page.locator("main").get_by_role("search")
    form.locator("input[name=q]").fill("预算")
    form.get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"[?&]q=%E9%A2%84%E7%AE%97"))
    hits = page.locator("ol.govinfo-hits > li")
    expect(hits).to_have_count(4)
    expect(page.locator(".govinfo-result-count")).to_have_attribute("data-count", "4")
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
