"""The admin as a zh-hans editor and reviewer meet it, in Chromium: no English left on the
pages of everyday work (Wagtail's strings the package translates, the package's own): the
dashboards, the explorer, the edit view with its status panel, workflow dialog and checks, a
new page with the rich-text placeholder, history, workflow history, search, usage, privacy,
the review audit report and the reviewer's gate dialog.

Each page's visible text (and the placeholders of visible fields) is searched for words in
Latin script; only the allow-list below may remain. Screenshots of every page are saved in
test-artifacts/screenshots/ (``admin-zh-*.png``).
"""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.conf import govinfo_settings
from tests.browser.helpers import screenshot
from tests.browser.test_review import log_in, people, workflow_button  # noqa: F401 (fixture)
from tests.conftest import add_draft
from tests.review.conftest import return_gate, submit

# What may stay in Latin script: product names, the users' own names (user data, not UI),
# and file formats / abbreviations that Chinese text writes in Latin letters too.
ALLOWED = {
    "Wagtail",  # the product's name, in the editor-guide link and the footer
    "editor", "political", "policy", "wording", "siteadmin",  # the test users' user names
    "localhost",  # the test site's host name, the dashboard's heading (a setting, not UI)
    "PDF", "DOCX", "XLSX", "CSV", "TXT", "ID", "URL", "UTC",
}
WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*[A-Za-z]|[A-Za-z]")

VISIBLE_TEXT = """() => {
    const parts = [document.body.innerText];
    for (const el of document.querySelectorAll("input[placeholder], textarea[placeholder]")) {
        if (el.offsetParent !== null) parts.push(el.placeholder);
    }
    return parts.join("\\n");
}"""


def english_lines(page) -> list[str]:
    """The visible lines with Latin-script words outside the allow-list."""
    found = []
    for line in page.evaluate(VISIBLE_TEXT).splitlines():
        if any(word not in ALLOWED for word in WORD.findall(line)):
            found.append(line.strip()[:160])
    return list(dict.fromkeys(found))


@pytest.fixture
def pages(people, catalogue, agency, django_user_model):  # noqa: F811
    returned = add_draft(catalogue, CatalogueItemPage(
        title="关于2025年道路养护计划的通知", agency=agency, summary="道路养护计划。",
        body="<p>各镇人民政府：现将2025年道路养护计划印发给你们。</p>"))
    waiting = add_draft(catalogue, CatalogueItemPage(
        title="关于农村公路建设的通知", agency=agency, summary="农村公路建设。",
        body="<p>各镇人民政府：现将农村公路建设安排印发给你们。</p>"))
    state = submit(returned, people["editor"])
    return_gate(state, people["political"], "第二段所引文件已废止，请改为现行文件。")
    submit(waiting, people["editor"])
    admin = django_user_model.objects.create_user("siteadmin", "siteadmin@example.org", "pw")
    admin.groups.add(Group.objects.get(name=govinfo_settings.ADMIN_GROUP))
    return {"returned": returned, "waiting": waiting}


def visit(page, url: str, name: str, leftovers: dict):
    if url:
        page.goto(url)
    page.wait_for_load_state("networkidle")
    screenshot(page, f"admin-zh-{name}")
    lines = english_lines(page)
    if lines:
        leftovers[name] = lines


def test_the_admin_of_everyday_work_is_in_chinese(page, live_server, people, catalogue, pages):  # noqa: F811
    base = live_server.url
    returned, waiting = pages["returned"], pages["waiting"]
    leftovers: dict[str, list[str]] = {}

    log_in(page, live_server, "editor")
    visit(page, "", "editor-dashboard", leftovers)
    visit(page, f"{base}/admin/pages/{catalogue.pk}/", "explorer", leftovers)
    visit(page, f"{base}/admin/pages/{returned.pk}/edit/", "edit-view", leftovers)
    page.locator('[data-side-panel-toggle="status"]').click()
    expect(page.locator('[data-side-panel="status"]')).to_be_visible()
    visit(page, "", "status-panel", leftovers)
    page.locator('[data-side-panel="status"] [data-a11y-dialog-show="workflow-status-dialog"]'
                 ).click()
    visit(page, "", "workflow-status", leftovers)
    page.keyboard.press("Escape")
    page.locator('[data-side-panel-toggle="checks"]').click()
    visit(page, "", "checks-panel", leftovers)
    model = CatalogueItemPage._meta
    visit(page, f"{base}/admin/pages/add/{model.app_label}/{model.model_name}/{catalogue.pk}/",
          "new-page", leftovers)
    # The rich-text editor's placeholder (from Wagtail's JavaScript catalogue), shown on the
    # focused empty line as CSS generated content, which innerText does not include.
    body = page.locator('[data-contentpath="body"] .public-DraftEditor-content')
    body.scroll_into_view_if_needed()
    body.click()
    empty_line = page.locator('[data-contentpath="body"] .Draftail-block--empty').first
    expect(empty_line).to_be_visible()
    placeholder = empty_line.evaluate("el => getComputedStyle(el, '::before').content")
    assert placeholder == '"输入内容，或键入“/”插入区块"', placeholder
    screenshot(page, "admin-zh-rich-text-placeholder")
    visit(page, f"{base}/admin/pages/{returned.pk}/history/", "history", leftovers)
    visit(page, f"{base}/admin/pages/{returned.pk}/workflow_history/", "workflow-history",
          leftovers)
    visit(page, f"{base}/admin/pages/search/?q=道路", "search", leftovers)
    visit(page, f"{base}/admin/pages/{catalogue.pk}/usage/", "usage", leftovers)

    # Privacy: set by the site's administrators (editors may not).
    log_in(page, live_server, "siteadmin")
    page.goto(f"{base}/admin/pages/{catalogue.pk}/edit/")
    page.locator('[data-side-panel-toggle="status"]').click()
    page.locator('[data-a11y-dialog-show="set-privacy"]').first.click()
    expect(page.locator("#set-privacy input[name=restriction_type]").first).to_be_visible()
    visit(page, "", "privacy", leftovers)
    visit(page, f"{base}/admin/govinfo/review/audit/", "audit-report", leftovers)

    log_in(page, live_server, "political")
    visit(page, "", "reviewer-dashboard", leftovers)
    page.goto(f"{base}/admin/pages/{waiting.pk}/edit/")
    workflow_button(page, "approve").click()
    expect(page.locator(".modal-dialog .govinfo-gate")).to_be_visible()
    visit(page, "", "review-dialog", leftovers)

    assert not leftovers, "English left on the admin pages:\n" + "\n".join(
        f"- {name}: " + " | ".join(lines) for name, lines in leftovers.items())
