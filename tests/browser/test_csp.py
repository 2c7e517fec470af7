"""The public pages, the exit prompt and Wagtail's admin under the package's
Content-Security-Policy (govinfo_wagtail.security.csp): Chromium reports no violation.

Violations are collected twice: the ``securitypolicyviolation`` events of each document
(listener added before any script of the page runs) and the console's CSP messages.
"""

import re

import pytest
from django.test import override_settings
from playwright.sync_api import expect
from wagtail.models import Site

from govinfo_wagtail.security.csp import CONTENT_SECURITY_POLICY
from tests.browser.test_public_site import OUTSIDE, site  # noqa: F401 - fixture
from tests.browser.test_reports import reports  # noqa: F401 - fixture
from tests.browser.test_review import draft, log_in, open_editor, people, workflow_button  # noqa: F401

LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
    `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""

pytestmark = pytest.mark.usefixtures("csp_on")


@pytest.fixture
def csp_on():
    with override_settings(CONTENT_SECURITY_POLICY=CONTENT_SECURITY_POLICY,
                           X_FRAME_OPTIONS="SAMEORIGIN"):
        yield


class Watch:
    def __init__(self, page):
        self.page = page
        self.console = []
        page.add_init_script(LISTEN)
        page.on("console", lambda m: self.console.append(m.text)
                if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text
                else None)

    def visit(self, url):
        response = self.page.goto(url)
        assert response.status == 200, url
        assert "default-src 'self'" in response.headers["content-security-policy"]
        self.page.wait_for_load_state("networkidle")
        return response

    def violations(self):
        try:
            events = self.page.evaluate("window.__csp || []")
        except Exception:  # navigating
            events = []
        return events + self.console


def test_public_pages_and_the_exit_prompt_under_the_policy(page, live_server, site,  # noqa: F811
                                                           reports):  # noqa: F811
    from govinfo_wagtail.catalogue.models import CatalogueItemPage

    watch = Watch(page)
    home = Site.objects.get(is_default_site=True).root_page
    item = CatalogueItemPage.objects.get(title="关于公布道路运输服务事项的通知")
    urls = [home.url, site.catalogue.url, f"{site.catalogue.url}?q=&year=2026", item.url,
            reports[2020].url, "/govinfo/search/?q=%E9%80%9A%E7%9F%A5"]
    for url in urls:
        watch.visit(live_server.url + url)
        assert watch.violations() == [], url
    # The exit prompt: an outside link opens the dialog (script from the site itself).
    watch.visit(live_server.url + item.url)
    page.locator(f'.govinfo-body a[data-govinfo-exit="{OUTSIDE}"]').click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-govinfo-exit-target]")).to_have_text(OUTSIDE)
    assert watch.violations() == []
    # The page a visitor without JavaScript gets.
    watch.visit(live_server.url + page.locator(
        f'.govinfo-body a[data-govinfo-exit="{OUTSIDE}"]').get_attribute("href"))
    assert watch.violations() == []


def test_a_policy_page_under_the_policy(page, live_server, catalogue, agency, topic):
    from govinfo_wagtail.core.release import ReleaseReason, release
    from govinfo_wagtail.policies.models import (
        InterpretationPage,
        InterpretedPolicy,
        PolicyDocumentPage,
    )
    from tests.conftest import add_draft

    policy = add_draft(catalogue, PolicyDocumentPage(
        title="海丰县农村公路养护管理办法", agency=agency, topic=topic,
        document_number="海府规〔2020〕2号", body="<p>第一条</p>"))
    interpretation = add_draft(catalogue, InterpretationPage(
        title="《办法》政策解读", agency=agency, topic=topic, interpretation_form="graphic",
        body="<p>一图读懂。</p>", policy_links=[InterpretedPolicy(policy=policy)]))
    release([policy.get_latest_revision(), interpretation.get_latest_revision()],
            reason=ReleaseReason.TEST)
    watch = Watch(page)
    for target in (policy, interpretation):
        target.refresh_from_db()
        watch.visit(live_server.url + target.url)
        assert watch.violations() == [], target.url


def test_the_admin_dashboard_page_editor_and_a_gate_dialog(page, live_server, people,  # noqa: F811
                                                          draft):  # noqa: F811
    from tests.browser.test_review import submit_for_review

    watch = Watch(page)
    log_in(page, live_server, "editor")
    assert watch.violations() == []
    watch.visit(f"{live_server.url}/admin/")
    assert watch.violations() == []
    open_editor(page, live_server, draft)
    page.wait_for_load_state("networkidle")
    page.locator("[data-side-panel-toggle='preview']").first.click()
    page.wait_for_timeout(1500)
    assert watch.violations() == []
    submit_for_review(page, live_server, draft)
    log_in(page, live_server, "political")
    open_editor(page, live_server, draft)
    workflow_button(page, "approve").click()
    expect(page.locator(".modal-dialog .govinfo-gate")).to_be_visible()
    page.wait_for_timeout(500)
    assert watch.violations() == []
    assert re.search("/admin/pages/", page.url)
