"""A finished public site in Chromium (issue 18): the header's search box on every public page
type, facets (select, remove, combine), the no-results page, a search at phone width, an
English-language browser reading Chinese pages, and no request that leaves the site from the
public pages or the admin dashboard. Screenshots at phone and desktop width, axe-core on each.
"""

import re
from urllib.parse import parse_qs, urlsplit

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from govinfo_wagtail.core.site_settings import PublicSiteSettings
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import assert_no_serious_axe_violations, screenshot
from tests.browser.test_public_site import one_live_page_of, public_page_models
from tests.browser.test_public_site import site as site  # noqa: F401 - the fixture

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def params(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def facet(page, name):
    return page.locator(f"[data-facet={name}]")


def test_header_search_on_every_public_page_type(page, live_server, site):  # noqa: F811
    targets = [one_live_page_of(m, site) for m in public_page_models()]
    urls = [live_server.url + p.get_url_parts()[2] for p in targets]
    urls += [f"{live_server.url}/govinfo/search/?q=预算", f"{live_server.url}/govinfo/leave/"]
    for url in urls:
        page.goto(url)
        box = page.locator("header").get_by_role("search")
        expect(box).to_have_count(1)
        # Labelled (for screen readers) and reachable by the label's name.
        field = box.get_by_role("searchbox", name="检索公开信息")
        expect(field).to_be_visible()
        field.fill("通知")
        field.press("Enter")
        expect(page).to_have_url(re.compile(r"/govinfo/search/\?q=%E9%80%9A%E7%9F%A5$"))
        expect(page.locator("ol.govinfo-hits > li").first).to_contain_text("通知")


def test_facets_select_remove_and_combine(page, new_page, live_server, corpus):
    finance, budget = corpus["finance"], corpus["budget"]
    page.goto(f"{live_server.url}/govinfo/search/?q=预算")
    hits = page.locator("ol.govinfo-hits > li")
    expect(hits).to_have_count(4)

    # Select an agency: it is marked selected, the other agency stays listed with its count.
    facet(page, "agency").get_by_role("link", name=re.compile(finance.name)).click()
    expect(hits).to_have_count(2)
    assert params(page)["agency"] == [str(finance.pk)]
    selected = facet(page, "agency").locator("a[aria-current=true]")
    expect(selected).to_have_count(1)
    expect(selected).to_contain_text(finance.name)
    other = facet(page, "agency").locator("a:not([aria-current])")
    expect(other).to_have_count(1)
    expect(other).to_contain_text(f"{corpus['transport'].name} (2)")
    expect(page.locator(".govinfo-chip")).to_have_count(1)
    screenshot(page, "portal-search-facet-desktop")
    assert_no_serious_axe_violations(page)

    # Switching to the other agency replaces the value: never two agency parameters.
    other.click()
    expect(hits).to_have_count(2)
    assert params(page)["agency"] == [str(corpus["transport"].pk)]

    # Combine: agency and a year, then a topic; each facet keeps one value.
    facet(page, "year").get_by_role("link", name=re.compile("2022")).click()
    expect(hits).to_have_count(1)
    facet(page, "topic").get_by_role("link", name=re.compile(budget.name)).click()
    expect(hits).to_have_count(1)
    query = params(page)
    assert query["year"] == ["2022"] and query["topic"] == [str(budget.pk)]
    assert all(len(v) == 1 for v in query.values()), query
    expect(page.locator(".govinfo-chip")).to_have_count(3)
    # The other year is still offered, with its count under the other filters.
    expect(facet(page, "year").locator("a:not([aria-current])")).to_contain_text("2021")
    screenshot(page, "portal-search-combined-desktop")
    assert_no_serious_axe_violations(page)

    # Clicking the selected year removes it alone; the chip of the topic removes the topic.
    facet(page, "year").locator("a[aria-current=true]").click()
    query = params(page)
    assert "year" not in query and query["topic"] == [str(budget.pk)]
    assert query["agency"] == [str(corpus["transport"].pk)]
    page.locator(".govinfo-chip[data-remove=topic]").click()
    assert set(params(page)) == {"q", "agency"}
    expect(hits).to_have_count(2)
    # The form keeps the remaining filter when a new word is searched.
    form = page.locator("main").get_by_role("search")
    form.locator("input[name=q]").fill("交通运输局")
    form.get_by_role("button").click()
    assert params(page)["agency"] == [str(corpus["transport"].pk)]

    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.goto(page.url)
    screenshot(phone, "portal-search-facet-phone")


def test_no_results_page_helps(page, new_page, live_server, corpus, site):  # noqa: F811
    from govinfo_wagtail.catalogue.models import CatalogueItemPage
    from tests.conftest import add_live

    on_request = add_live(site.catalogue, CatalogueItemPage(title="依申请公开", agency=site.agency))
    config = PublicSiteSettings.objects.get()
    config.on_request_page = on_request
    config.save()
    page.goto(f"{live_server.url}/govinfo/search/?q=预算 火星基地&agency={corpus['finance'].pk}")
    box = page.locator(".govinfo-no-results")
    expect(box).to_be_visible()
    expect(box.get_by_role("heading")).to_contain_text("预算 火星基地")
    # Suggestions that find something (a word fewer, or without the filter), with counts.
    suggestions = box.locator(".govinfo-suggestions a")
    expect(suggestions.first).to_be_visible()
    expect(box.locator(".govinfo-tips li")).to_have_count(5)
    expect(box.locator(".govinfo-tips")).to_contain_text("〔2019〕")
    expect(box.get_by_role("link", name=re.compile("依申请公开"))).to_have_attribute(
        "href", on_request.url)
    # The selected filter is still shown and removable.
    expect(page.locator(".govinfo-chip")).to_have_count(1)
    screenshot(page, "portal-no-results-desktop")
    assert_no_serious_axe_violations(page)
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.goto(page.url)
    screenshot(phone, "portal-no-results-phone")
    assert_no_serious_axe_violations(phone)
    suggestions.first.click()
    expect(page.locator("ol.govinfo-hits > li").first).to_be_visible()


def test_search_at_phone_width(phone_page, live_server, corpus):
    page = phone_page
    page.goto(f"{live_server.url}/govinfo/search/")
    header_box = page.locator("header").get_by_role("search")
    header_box.get_by_role("searchbox").fill("预算")
    header_box.get_by_role("button").click()
    hits = page.locator("ol.govinfo-hits > li")
    expect(hits).to_have_count(4)
    # Results come before the facets on a phone, and nothing scrolls sideways.
    first_hit = hits.first.bounding_box()
    facets = page.locator(".govinfo-facets").bounding_box()
    assert first_hit["y"] < facets["y"], (first_hit, facets)
    assert first_hit["y"] < PHONE["height"], "the first result is below the first screen"
    widths = page.evaluate("() => [document.documentElement.scrollWidth, "
                           "document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths
    # The link in the count leads to the facets.
    page.locator(".govinfo-to-facets").click()
    expect(page).to_have_url(re.compile("#govinfo-facets$"))
    screenshot(page, "portal-search-phone")
    assert_no_serious_axe_violations(page)


def test_english_browser_reads_chinese_pages(browser, live_server, site):  # noqa: F811
    context = browser.new_context(locale="en-US", viewport=DESKTOP,
                                  extra_http_headers={"Accept-Language": "en-US,en;q=0.9"})
    try:
        page = context.new_page()
        assert page.evaluate("() => navigator.language") == "en-US"
        for url in (site.url(live_server, site.catalogue), site.url(live_server, site.item),
                    f"{live_server.url}/govinfo/search/?q=预算"):
            response = page.goto(url)
            assert response.request.headers["accept-language"].startswith("en")
            expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
            expect(page.locator(".govinfo-text-toggle")).to_have_text("大字版")
            expect(page.locator(".govinfo-skip")).to_have_text("跳到主要内容")
            body = page.locator("body").inner_text()
            for english in ("Large text", "Topic", "Filter", "Index number", "Search"):
                assert english not in body, f"{english!r} on {url}"
        screenshot(page, "portal-english-browser-desktop")
    finally:
        context.close()


def test_large_text_toggle_shows_its_state(page, live_server, site):  # noqa: F811
    page.goto(site.url(live_server, site.item))
    toggle = page.locator(".govinfo-text-toggle")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(toggle.locator(".govinfo-text-toggle__state")).to_have_count(0)
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(toggle.locator(".govinfo-text-toggle__state")).to_be_visible()
    expect(toggle).to_contain_text("大字版")
    screenshot(page, "portal-large-text-on-desktop")


def test_no_request_leaves_the_site(page, live_server, site, django_user_model):  # noqa: F811
    outside = []
    page.on("request", lambda r: None if urlsplit(r.url).hostname in LOCAL_HOSTS
            or r.url.startswith(("data:", "blob:")) else outside.append(r.url))
    for p in (site.catalogue, site.item):
        page.goto(site.url(live_server, p))
        page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/govinfo/search/?q=预算")
    page.wait_for_load_state("networkidle")
    get_user_model().objects.create_superuser("portaladmin", "portaladmin@example.org", "pw")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "portaladmin")
    page.fill("input[name=password]", "pw")
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.wait_for_load_state("networkidle")
    # The avatar is Wagtail's default image from the site, not Gravatar's.
    avatar = page.locator(".avatar img").first
    if avatar.count():
        assert urlsplit(avatar.get_attribute("src")).hostname in (None, *LOCAL_HOSTS)
    page.goto(f"{live_server.url}/admin/account/")
    page.wait_for_load_state("networkidle")
    assert outside == [], f"requests to other hosts: {outside}"
