"""The public site in Chromium: section navigation, the exit prompt with and without
JavaScript, the large-text mode, keyboard use, and axe-core plus screenshots on every public
page type.

UI labels are English source strings until the zh_Hans catalogue is filled, so the checks
look at data (titles, URLs) and structure (roles, attributes), never at label text.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect
from wagtail.models import Page, Site, get_page_models

from govinfo_wagtail.catalogue.models import (
    CatalogueCollectionPage,
    CatalogueIndexPage,
    CatalogueItemPage,
)
from govinfo_wagtail.core.models import Agency
from govinfo_wagtail.core.public import sign_target
from govinfo_wagtail.core.release import ReleaseReason, release
from govinfo_wagtail.core.site_settings import PublicSiteSettings
from tests.browser.conftest import PHONE
from tests.browser.helpers import assert_no_serious_axe_violations, screenshot
from tests.conftest import add_draft, add_live

OUTSIDE = "https://www.example.org/notice/2026"
GOV = "https://www.gd.gov.cn/zwgk/"


@dataclass
class PublicContent:
    catalogue: CatalogueIndexPage
    guide: CatalogueItemPage
    rules: CatalogueItemPage
    item: CatalogueItemPage
    other: CatalogueItemPage
    agency: Agency

    def url(self, live_server, page: Page) -> str:
        return live_server.url + page.get_url_parts()[2]


@pytest.fixture
def site(catalogue, agency, topic) -> PublicContent:
    def item(title, body="<p>正文。</p>", **kwargs):
        return add_live(catalogue, CatalogueItemPage(
            title=title, agency=agency, topic=topic, summary="摘要。", body=body, **kwargs))

    guide = item("海丰县交通运输局政府信息公开指南")
    rules = item("海丰县交通运输局政府信息公开制度")
    other = item("2026年部门预算", document_number="海交〔2026〕2号")
    target = item(
        "关于公布道路运输服务事项的通知", document_number="海交〔2026〕1号",
        body=f'<p>办事指引见<a href="{OUTSIDE}">外部服务平台</a>，政策原文见'
             f'<a href="{GOV}">广东省人民政府网站</a>，'
             f'另见<a href="{other.url}">部门预算</a>。</p>',
    )
    real_site = Site.objects.get(is_default_site=True)
    config = PublicSiteSettings.for_site(real_site)
    config.portal_name = "海丰县人民政府"
    config.guide_page, config.rules_page, config.catalogue_page = guide, rules, catalogue
    config.save()
    return PublicContent(catalogue, guide, rules, target, other, agency)


def stub_outside_site(page) -> None:
    """The outside site, served by the browser itself: no network is used."""
    page.route(re.compile(r"^https://www\.example\.org/.*"), lambda route: route.fulfill(
        status=200, content_type="text/html",
        body='<!DOCTYPE html><html lang="en"><title>Outside</title><h1>Outside site</h1></html>',
    ))


def test_section_navigation_breadcrumbs_and_skip_link(page, live_server, site):
    page.goto(site.url(live_server, site.item))
    nav = page.locator("nav.govinfo-section-nav")
    links = nav.get_by_role("link")
    # 指南, 制度, 目录 configured; 年报 and 依申请公开 left empty are not shown.
    expect(links).to_have_count(3)
    assert [urlsplit(h).path for h in [links.nth(i).get_attribute("href") for i in range(3)]] \
        == [site.guide.url, site.rules.url, site.catalogue.url]
    # An item lies under the catalogue: 目录 is current, and only it.
    expect(nav.locator("[aria-current]")).to_have_count(1)
    expect(nav.locator(".govinfo-section-nav__catalogue a")).to_have_attribute(
        "aria-current", "true")
    crumbs = page.locator("nav.govinfo-breadcrumbs li")
    expect(crumbs.last).to_have_text(site.item.title)
    expect(crumbs.last).to_have_attribute("aria-current", "page")
    expect(crumbs.nth(-2).get_by_role("link")).to_have_text(site.catalogue.title)

    # Keyboard: the first Tab reaches the skip link, Enter moves focus into <main>.
    page.keyboard.press("Tab")
    expect(page.locator(".govinfo-skip")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#govinfo-main")).to_be_focused()

    nav.locator(".govinfo-section-nav__guide a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(site.guide.title)
    # The guide is a catalogue item too; the deeper, exact link wins.
    expect(nav.locator("[aria-current]")).to_have_count(1)
    expect(nav.locator(".govinfo-section-nav__guide a")).to_have_attribute(
        "aria-current", "true")
    expect(page).to_have_title(re.compile("海丰县人民政府"))


def test_browse_filter_open_item_and_leave_through_the_dialog(page, live_server, site):
    stub_outside_site(page)
    # Browse the catalogue from the section navigation, filter it, open an item.
    page.goto(site.url(live_server, site.guide))
    page.locator("nav.govinfo-section-nav .govinfo-section-nav__catalogue a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(site.catalogue.title)
    rows = page.locator("table.govinfo-listing tbody tr")
    expect(rows).to_have_count(4)
    form = page.locator("main").get_by_role("search")
    form.locator("select[name=year]").select_option(str(site.item.published_date.year))
    form.get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"[?&]year=\d{4}"))
    expect(rows).to_have_count(4)
    form.locator("select[name=validity]").select_option("repealed")
    form.get_by_role("button").click()
    expect(rows).to_have_count(0)
    form.locator("select[name=validity]").select_option("valid")
    form.get_by_role("button").click()
    page.get_by_role("link", name=site.item.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(site.item.title)
    expect(page).to_have_url(site.url(live_server, site.item))

    body = page.locator(".govinfo-body")
    # Allow-listed and internal links are direct.
    expect(body.locator(f'a[href="{GOV}"]')).to_have_count(1)
    expect(body.locator(f'a[href="{site.other.url}"]')).to_have_count(1)
    outside = body.locator(f'a[data-govinfo-exit="{OUTSIDE}"]')
    expect(outside).to_have_attribute("href", re.compile(r"^/govinfo/leave/\?"))

    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_hidden()
    outside.click()
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-govinfo-exit-target]")).to_have_text(OUTSIDE)
    expect(dialog).to_contain_text("海丰县人民政府")  # the portal being left
    screenshot(page, "exit-dialog-desktop")
    assert_no_serious_axe_violations(page)

    # Focus starts on Continue and stays in the dialog (Tab, Shift+Tab cycle two buttons).
    continue_button = dialog.locator("[data-govinfo-exit-continue]")
    cancel_button = dialog.locator("[data-govinfo-exit-cancel]")
    expect(continue_button).to_be_focused()
    page.keyboard.press("Tab")
    expect(cancel_button).to_be_focused()
    page.keyboard.press("Tab")
    expect(continue_button).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(cancel_button).to_be_focused()

    # Esc closes it, nothing happens, and focus returns to the link.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page).to_have_url(site.url(live_server, site.item))
    expect(outside).to_be_focused()

    # Cancel closes it too.
    outside.click()
    cancel_button.click()
    expect(dialog).to_be_hidden()
    expect(page).to_have_url(site.url(live_server, site.item))

    # Continue leaves for the outside site, straight (the leave page is not needed).
    outside.press("Enter")
    expect(dialog).to_be_visible()
    continue_button.click()
    expect(page).to_have_url(OUTSIDE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Outside site")

    # The allow-listed government link asks nothing.
    page.goto(site.url(live_server, site.item))
    page.route(re.compile(r"^https://www\.gd\.gov\.cn/.*"), lambda route: route.fulfill(
        status=200, content_type="text/html", body="<title>GD</title><h1>广东</h1>"))
    body.locator(f'a[href="{GOV}"]').click()
    expect(page).to_have_url(GOV)


def test_exit_prompt_without_javascript_goes_through_the_leave_page(nojs_page, live_server,
                                                                     site):
    page = nojs_page
    stub_outside_site(page)
    page.goto(site.url(live_server, site.item))
    page.locator(f'.govinfo-body a[data-govinfo-exit="{OUTSIDE}"]').click()
    expect(page).to_have_url(re.compile(r"/govinfo/leave/\?"))
    params = parse_qs(urlsplit(page.url).query)
    assert params["url"] == [OUTSIDE]
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".govinfo-leave-message")).to_contain_text("海丰县人民政府")
    expect(page.locator(".govinfo-exit-target")).to_have_text(OUTSIDE)
    screenshot(page, "leave-desktop")

    # Back returns to the page the visitor came from.
    back = page.locator("a[data-govinfo-exit-cancel]")
    expect(back).to_have_attribute("href", site.url(live_server, site.item))
    page.locator("a[data-govinfo-exit-continue]").click()
    expect(page).to_have_url(OUTSIDE)


@pytest.mark.parametrize("tamper", ["unsigned", "other-target", "edited-signature"])
def test_leave_page_refuses_unsigned_or_tampered_targets(page, live_server, site, tamper):
    evil = "https://evil.example.com/phish"
    signed_sig = sign_target(OUTSIDE)
    params = {
        "unsigned": {"url": evil},
        "other-target": {"url": evil, "sig": signed_sig},  # a signature for another address
        "edited-signature": {"url": OUTSIDE, "sig": signed_sig[:-1] + (
            "A" if signed_sig[-1] != "A" else "B")},
    }[tamper]
    response = page.goto(f"{live_server.url}/govinfo/leave/?{urlencode(params)}")
    assert response.status == 400
    expect(page.locator("[data-govinfo-error=bad-signature]")).to_be_visible()
    # Nothing on the page leads to the target.
    for href in page.locator("a").evaluate_all("links => links.map(a => a.href)"):
        assert "evil.example.com" not in urlsplit(href).netloc
        assert "www.example.org" not in urlsplit(href).netloc
    if tamper == "unsigned":
        screenshot(page, "leave-refused-desktop")
        assert_no_serious_axe_violations(page)


def test_large_text_mode_persists_across_pages(page, live_server, site):
    page.goto(site.url(live_server, site.catalogue))
    html = page.locator("html")
    toggle = page.locator(".govinfo-text-toggle")
    base_size = font_size(page)
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(html).to_have_class(re.compile(r"\bgovinfo-large-text\b"))
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert font_size(page) >= base_size * 1.2
    assert page.evaluate("() => localStorage.getItem('govinfo-text-size')") == "large"

    # Another page, reached by a link: still large, and the toggle says so.
    page.get_by_role("link", name=site.item.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(site.item.title)
    expect(html).to_have_class(re.compile(r"\bgovinfo-large-text\b"))
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert font_size(page) >= base_size * 1.2
    screenshot(page, "item-large-text-desktop")
    assert_no_serious_axe_violations(page)

    # Keyboard: Space on the toggle switches back; a reload keeps the standard size.
    toggle.focus()
    page.keyboard.press("Space")
    expect(html).not_to_have_class(re.compile(r"\bgovinfo-large-text\b"))
    page.reload()
    expect(html).not_to_have_class(re.compile(r"\bgovinfo-large-text\b"))
    assert font_size(page) == base_size


def test_large_text_mode_without_javascript(nojs_page, live_server, site):
    page = nojs_page
    page.goto(site.url(live_server, site.catalogue))
    base_size = font_size(page)
    page.locator(".govinfo-text-toggle").click()
    # Back on the same page, rendered large by the server from the cookie.
    expect(page).to_have_url(site.url(live_server, site.catalogue))
    expect(page.locator("html")).to_have_class(re.compile(r"\bgovinfo-large-text\b"))
    assert font_size(page) >= base_size * 1.2
    page.get_by_role("link", name=site.item.title, exact=True).click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bgovinfo-large-text\b"))
    # The no-JavaScript switch now leads back to the standard size.
    expect(page.locator(".govinfo-text-toggle")).to_have_attribute(
        "href", re.compile(r"size=normal"))


def font_size(page) -> float:
    return page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('main')).fontSize)")


# Every public page type ------------------------------------------------------------------


def public_page_models() -> list[type[Page]]:
    """Every page type of the package that an editor can create: each is a public page."""
    return sorted(
        (m for m in get_page_models()
         if m.__module__.startswith("govinfo_wagtail.") and m.is_creatable),
        key=lambda m: m._meta.label,
    )


def build_policy_pair(site: PublicContent) -> list[Page]:
    from govinfo_wagtail.policies.models import (
        InterpretationPage,
        InterpretedPolicy,
        PolicyDocumentPage,
    )

    policy = add_draft(site.catalogue, PolicyDocumentPage(
        title="海丰县农村公路养护管理办法", agency=site.agency, document_number="海府规〔2026〕1号",
        summary="规范农村公路养护管理。", body=f'<p>第一条 为加强农村公路养护，详见'
        f'<a href="{OUTSIDE}">外部平台</a>。</p>'))
    interpretation = add_draft(site.catalogue, InterpretationPage(
        title="《海丰县农村公路养护管理办法》政策解读", agency=site.agency,
        summary="一图读懂。", body="<p>一、起草背景。</p>",
        policy_links=[InterpretedPolicy(policy=policy)]))
    return release([policy.get_latest_revision(), interpretation.get_latest_revision()],
                   reason=ReleaseReason.TEST)


def build_annual_report(site: PublicContent) -> list[Page]:
    from govinfo_wagtail.reports.models import AnnualReportPage

    return [add_live(site.catalogue, AnnualReportPage(
        title="海丰县交通运输局2025年政府信息公开工作年度报告", agency=site.agency, year=2025,
        overview="<p>2025年，本局认真贯彻落实《条例》。</p>"))]


def build_collection(site: PublicContent) -> list[Page]:
    return [add_live(site.catalogue, CatalogueCollectionPage(
        title="现行有效信息", slug="xxyx", validity="valid",
        intro="<p>本页列出现行有效的全部公开信息。</p>"))]


def build_guide(site: PublicContent) -> list[Page]:
    from govinfo_wagtail.catalogue.statutory import DisclosureGuidePage

    return [add_live(site.catalogue.get_parent().specific, DisclosureGuidePage(
        title="海丰县交通运输局政府信息公开指南", slug="zhinan-jtj", agency=site.agency,
        classification="<p>按主题分类编排。</p>", obtaining="<p>通过网站查阅。</p>",
        office_name="海丰县交通运输局办公室", office_address="海丰县海城镇人民路1号",
        office_hours="工作日 8:30-12:00", office_phone="0660-6612345"))]


# Page types whose pages need more than a title; the others are built generically.
BUILDERS = {
    "govinfo_catalogue.DisclosureGuidePage": build_guide,
    "govinfo_policies.PolicyDocumentPage": build_policy_pair,
    "govinfo_policies.InterpretationPage": build_policy_pair,
    "govinfo_reports.AnnualReportPage": build_annual_report,
    "govinfo_catalogue.CatalogueCollectionPage": build_collection,
}


def one_live_page_of(model: type[Page], site: PublicContent) -> Page:
    if model is CatalogueItemPage:
        return site.item  # the one with external links in its body
    existing = model.objects.live().first()
    if existing is not None:
        return existing
    builder = BUILDERS.get(model._meta.label)
    try:
        if builder:
            builder(site)
        else:
            parent = (site.catalogue if CatalogueIndexPage in model.allowed_parent_page_models()
                      else site.catalogue.get_parent().specific)
            has_agency = any(f.name == "agency" for f in model._meta.fields)
            extra = {"agency": site.agency} if has_agency else {}
            add_live(parent, model(title=f"{model._meta.verbose_name}", **extra))
    except Exception as exc:  # noqa: BLE001 - the message names the type that needs a builder
        pytest.fail(f"Could not build a {model._meta.label} page for the public-site checks "
                    f"({exc!r}); add a builder to BUILDERS in {__name__}.", pytrace=False)
    return model.objects.live().first()


def test_every_public_page_type_is_accessible_at_phone_and_desktop(page, new_page, live_server,
                                                                   site):
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    models = public_page_models()
    labels = {m._meta.label for m in models}
    assert {"govinfo_catalogue.CatalogueIndexPage", "govinfo_catalogue.CatalogueItemPage",
            "govinfo_catalogue.CatalogueCollectionPage"} <= labels
    targets = [(m._meta.label, one_live_page_of(m, site)) for m in models]
    signed = urlencode({"url": OUTSIDE, "sig": sign_target(OUTSIDE)})
    urls = [(label.split(".")[1], site.url(live_server, p).rstrip("/") + "/")
            for label, p in targets]
    urls += [
        ("LeavePage", f"{live_server.url}/govinfo/leave/?{signed}"),
        ("LeavePageRefused", f"{live_server.url}/govinfo/leave/?url={OUTSIDE}"),
        ("CatalogueIndexPageFiltered",
         f"{site.url(live_server, site.catalogue)}?year=2099&validity=repealed"),
    ]
    for name, url in urls:
        for viewport, tab in (("desktop", page), ("phone", phone)):
            response = tab.goto(url)
            assert response.status in (200, 400), f"{name}: HTTP {response.status} at {url}"
            expect(tab.locator("html")).to_have_attribute("lang", re.compile(r"^zh"))
            expect(tab.locator("h1")).to_have_count(1)
            expect(tab.locator("main#govinfo-main")).to_have_count(1)
            if viewport == "phone":
                widths = tab.evaluate("() => [document.documentElement.scrollWidth, "
                                      "document.documentElement.clientWidth]")
                assert widths[0] <= widths[1], f"{name} scrolls sideways on a phone: {widths}"
            screenshot(tab, f"type-{name}-{viewport}")
            assert_no_serious_axe_violations(tab)


def test_move_between_a_policy_and_its_interpretation(page, live_server, site):
    policy, interpretation = (p.specific for p in build_policy_pair(site))
    page.goto(site.url(live_server, policy))
    expect(page.get_by_role("heading", level=1)).to_have_text(policy.title)
    page.locator(f'main a[href="{interpretation.url}"]').first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(interpretation.title)
    page.locator(f'main a[href="{policy.url}"]').first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(policy.title)
    # The policy's external link goes through the prompt like any other.
    expect(page.locator(f'.govinfo-body a[data-govinfo-exit="{OUTSIDE}"]')).to_have_count(1)


def test_open_a_report_and_download_its_pdf(page, live_server, site):
    report = build_annual_report(site)[0]
    page.goto(site.url(live_server, report))
    expect(page.get_by_role("heading", level=1)).to_have_text(report.title)
    link = page.locator("main a.govinfo-pdf-link")
    expect(link).to_have_count(1)
    with page.expect_download(timeout=60_000) as info:
        link.click()
    path = info.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
