"""Three-gate review in the Wagtail admin, in Chromium: an editor submits, three reviewers pass
it with their checklists, the page is live; a return with an opinion reaches the editor.

Labels are English source strings until the zh_Hans catalogue is filled, so the test finds
controls by name/value and data attributes, and checks data (the opinion, live state).
"""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect
from wagtail.models import Page

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.conf import govinfo_settings
from govinfo_wagtail.core.setup import run_setup
from tests.browser.helpers import screenshot
from tests.conftest import add_draft


@pytest.fixture
def people(django_user_model, catalogue):
    run_setup(log=lambda *_: None)

    def make(name, group):
        user = django_user_model.objects.create_user(name, f"{name}@example.org", "pw")
        user.groups.add(Group.objects.get(name=group))
        return user

    political, policy, wording = govinfo_settings.REVIEWER_GROUPS
    return {
        "editor": make("editor", govinfo_settings.EDITOR_GROUP),
        "political": make("political", political),
        "policy": make("policy", policy),
        "wording": make("wording", wording),
    }


def log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def open_editor(page, live_server, draft):
    page.goto(f"{live_server.url}/admin/pages/{draft.pk}/edit/")


def workflow_button(page, name: str):
    """A workflow action in the editor's action menu (opening the menu if needed)."""
    button = page.locator(f'button[data-workflow-action-name="{name}"]')
    if not button.first.is_visible():
        page.locator("footer .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    return button.first


def submit_for_review(page, live_server, draft):
    open_editor(page, live_server, draft)
    submit = page.locator('button[name="action-submit"]')
    if not submit.is_visible():
        page.locator("footer .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    submit.click()
    expect(page.locator(".messages")).to_be_visible()


def pass_gate(page, live_server, draft, who):
    log_in(page, live_server, who)
    # The dashboard lists the page at this reviewer's gate.
    expect(page.locator(f'.govinfo-awaiting-review tr[data-page="{draft.pk}"]')).to_be_visible()
    open_editor(page, live_server, draft)
    workflow_button(page, "approve").click()
    modal = page.locator(".modal-dialog .govinfo-gate")
    expect(modal).to_be_visible()
    boxes = modal.locator('input[name="checklist"]')
    # Two at the policy gate of a notice: 解读材料齐全 is asked only where interpretations apply.
    assert boxes.count() >= 2
    screenshot(page, f"review-gate-{who}")
    for i in range(boxes.count()):
        boxes.nth(i).check()
    modal.locator("textarea[name=opinion]").fill(f"{who} 同意")
    modal.locator("button[type=submit]").click()
    expect(page.locator(".modal-dialog")).to_have_count(0)


@pytest.fixture
def draft(catalogue, agency):
    return add_draft(catalogue, CatalogueItemPage(
        title="关于2025年道路养护计划的通知", agency=agency, summary="道路养护计划。",
        body="<p>各镇人民政府：现将2025年道路养护计划印发给你们。</p>",
    ))


def test_three_reviewers_pass_and_the_page_goes_live(page, live_server, people, draft):
    log_in(page, live_server, "editor")
    submit_for_review(page, live_server, draft)
    for who in ("political", "policy", "wording"):
        assert not Page.objects.get(pk=draft.pk).live
        pass_gate(page, live_server, draft, who)
    live = CatalogueItemPage.objects.get(pk=draft.pk)
    assert live.live and live.index_number
    page.goto(live_server.url + live.get_url_parts()[2])
    expect(page.get_by_role("heading", level=1)).to_have_text(live.title)
    screenshot(page, "review-live-page")


def test_a_return_with_an_opinion_reaches_the_editor(page, live_server, people, draft):
    log_in(page, live_server, "editor")
    submit_for_review(page, live_server, draft)
    log_in(page, live_server, "political")
    open_editor(page, live_server, draft)
    workflow_button(page, "reject").click()
    modal = page.locator(".modal-dialog .govinfo-gate")
    expect(modal).to_be_visible()
    modal.locator("button[type=submit]").click()  # no opinion: refused, with a field error
    expect(modal.locator(".error-message").first).to_be_visible()
    modal.locator("textarea[name=opinion]").fill("第二段所引文件已废止，请改为现行文件。")
    modal.locator("button[type=submit]").click()
    expect(page.locator(".modal-dialog")).to_have_count(0)

    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/admin/pages/{draft.pk}/workflow_history/")
    page.locator("a[href*='workflow_history/detail']").first.click()
    expect(page.get_by_text("第二段所引文件已废止，请改为现行文件。").first).to_be_visible()
    screenshot(page, "review-returned-editor-view")
    assert not Page.objects.get(pk=draft.pk).live


# --- Everyday work: messages, the opinion where the editor works, resubmission -------------


def messages_text(page):
    return " ".join(page.locator(".messages").all_inner_texts())


def test_a_pass_says_where_the_page_went_with_no_permission_error(page, live_server, people,
                                                                  draft):
    log_in(page, live_server, "editor")
    submit_for_review(page, live_server, draft)
    pass_gate(page, live_server, draft, "political")
    expect(page.locator(".messages")).to_contain_text("已通过政治审核，已转政策审核")
    assert "没有权限" not in messages_text(page)
    screenshot(page, "review-after-pass")


def test_a_refused_pass_keeps_the_dialog_with_the_reason(page, live_server, people, draft):
    from govinfo_wagtail.review.models import LexiconWord

    LexiconWord.objects.create(word="内部资料", severity="blocking")
    flagged = Page.objects.get(pk=draft.pk).specific
    flagged.body = "<p>本通知为内部资料，请勿外传。</p>"
    flagged.save_revision(user=people["editor"])
    log_in(page, live_server, "editor")
    submit_for_review(page, live_server, draft)
    log_in(page, live_server, "political")
    open_editor(page, live_server, draft)
    workflow_button(page, "approve").click()
    modal = page.locator(".modal-dialog .govinfo-gate")
    expect(modal).to_be_visible()
    expect(modal.locator('td[data-location="body"]').first).to_have_text("正文")
    boxes = modal.locator('input[name="checklist"]')
    for i in range(boxes.count()):
        boxes.nth(i).check()
    modal.locator("textarea[name=opinion]").fill("同意发布")
    screenshot(page, "review-refused-pass-before")
    modal.locator("button[type=submit]").click()
    expect(modal.locator(".messages .error").first).to_contain_text("阻断性问题")
    # The dialog stays, as entered.
    expect(modal.locator("textarea[name=opinion]")).to_have_value("同意发布")
    assert modal.locator('input[name="checklist"]:checked').count() == boxes.count()
    screenshot(page, "review-refused-pass-after")
    assert "没有权限" not in messages_text(page)


def test_after_a_return_the_editor_sees_the_opinion_and_resubmits_to_the_first_gate(
    page, live_server, people, draft, settings
):
    from tests.review.test_return_without_mail import closed_port

    # The mail server is down: the return stands all the same.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    log_in(page, live_server, "editor")
    submit_for_review(page, live_server, draft)
    pass_gate(page, live_server, draft, "political")
    log_in(page, live_server, "policy")
    open_editor(page, live_server, draft)
    workflow_button(page, "reject").click()
    modal = page.locator(".modal-dialog .govinfo-gate")
    modal.locator("textarea[name=opinion]").fill("第二段所引文件已废止，请改为现行文件。")
    screenshot(page, "review-return-mail-down-dialog")
    modal.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text(
        "已退回编辑，意见：第二段所引文件已废止，请改为现行文件。")
    screenshot(page, "review-return-mail-down-done")

    log_in(page, live_server, "editor")
    panel = page.locator(".govinfo-my-pages")
    expect(panel.locator("[data-opinion]")).to_contain_text("第二段所引文件已废止")
    expect(panel).to_contain_text("在政策审核退回")
    screenshot(page, "review-editor-dashboard-after-return")
    open_editor(page, live_server, draft)
    expect(page.locator(".messages")).to_contain_text("第二段所引文件已废止")
    expect(page.locator(".messages")).to_contain_text("政策审核")
    screenshot(page, "review-editor-edit-view-after-return")
    page.fill("#id_summary", "道路养护计划（已按意见修改）。")
    resubmit = page.locator('button[name="action-submit"]')
    if not resubmit.is_visible():
        page.locator("footer .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    expect(resubmit).to_contain_text("重新提交审核")
    resubmit.click()
    expect(page.locator(".messages")).to_be_visible()
    # A changed version starts again at the first gate.
    log_in(page, live_server, "political")
    expect(page.locator(f'.govinfo-awaiting-review tr[data-page="{draft.pk}"]')).to_contain_text(
        "政治审核")
    screenshot(page, "review-reviewer-dashboard")
