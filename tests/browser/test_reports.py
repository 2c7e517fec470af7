"""The annual report page in Chromium: tables, charts, downloads (PDF and open data).

Checks look at data and structure (ids, roles, file contents), not at UI label text.
"""

import json

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect
from wagtail.models import Site

from govinfo_wagtail.core.demo import DemoContext
from govinfo_wagtail.core.models import Topic
from govinfo_wagtail.reports.models import AnnualReportPage
from tests.browser.helpers import assert_no_serious_axe_violations, screenshot


@pytest.fixture
def reports(catalogue, agency):
    from govinfo_wagtail.reports.demo import load_demo

    site = Site.objects.get(is_default_site=True)
    admin = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
    topic = Topic.objects.create(name="政府信息公开年报")
    # Outside a test transaction the release commits, and the PDF task runs on commit.
    load_demo(DemoContext(site=site, home=site.root_page, catalogue=catalogue,
                          agencies={agency.name: agency}, topics={topic.name: topic},
                          admin=admin), log=lambda *a: None)
    return {r.year: r for r in AnnualReportPage.objects.order_by("year")}


def test_report_page_tables_charts_and_downloads(page, live_server, reports):
    report = reports[2020]
    page.goto(live_server.url + report.get_url_parts()[2])
    expect(page.locator("h1")).to_have_text(report.title)
    expect(page.locator(".govinfo-report-section > h2")).to_have_count(6)
    expect(page.locator("#t-applications-applications")).to_be_visible()
    # 一、本年新收 / 总计 as entered.
    new_requests = page.locator("#t-applications-applications tbody tr").first
    expect(new_requests.locator("td").last).to_have_text("76")
    expect(page.locator("figure.govinfo-chart svg")).to_have_count(2)
    screenshot(page, "report-2020")
    assert_no_serious_axe_violations(page)

    with page.expect_download() as info:
        page.locator("a.govinfo-pdf-link").click()
    pdf = info.value
    content = open(pdf.path(), "rb").read()
    assert content.startswith(b"%PDF") and len(content) > 10_000

    with page.expect_download() as info:
        page.locator('a[data-format="json"]').click()
    data = json.loads(open(info.value.path(), encoding="utf-8").read())
    assert data["tables"]["applications"]["rows"]["new_requests"]["total"] == 76


def test_report_page_on_a_phone(phone_page, live_server, reports):
    phone_page.goto(live_server.url + reports[2019].get_url_parts()[2])
    # The wide table scrolls inside its region; the page itself does not scroll sideways.
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1
    screenshot(phone_page, "report-2019-phone")
    assert_no_serious_axe_violations(phone_page)


def test_table_editor_in_the_admin(page, live_server, reports):
    """The editor's tables look like the official ones; a wrong figure is flagged on save."""
    from django.test import Client

    from govinfo_wagtail.reports.models import AnnualReportPage as Report

    user = get_user_model().objects.get(username="boss")
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    report = Report.objects.get(year=2019)
    page.goto(f"{live_server.url}/admin/pages/{report.pk}/edit/")
    editor = page.locator(".govinfo-table-editor")
    expect(editor).to_be_visible()
    cell = editor.locator('input[name="tables-cell.applications.new_requests.natural_person"]')
    expect(cell).to_have_value("52")
    cell.fill("60")
    page.locator('button[name="action-submit"], input[name="action-submit"]').first \
        .dispatch_event("click")
    expect(editor.locator('[data-cell="applications.new_requests.total"]')).to_have_count(1)
    flagged = editor.locator('input[name="tables-cell.applications.new_requests.total"]')
    expect(flagged).to_have_attribute("aria-invalid", "true")
    editor.scroll_into_view_if_needed()
    screenshot(page, "report-table-editor")
    # Leave the editor so that its autosave sends nothing while the database is flushed.
    page.goto("about:blank")
    page.wait_for_timeout(500)
