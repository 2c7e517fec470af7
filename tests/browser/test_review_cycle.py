"""A whole review in Chromium (issue 15): a return at each of the three gates, each followed
by a changed resubmission that starts again at the first gate, then three passes and the
release. The gate the page waits at and the message after every action are checked at each
step; the screenshots are the ones the editors' and reviewers' guides show."""

import subprocess
from pathlib import Path

from django.conf import settings
from playwright.sync_api import expect
from wagtail.models import Page, PageLogEntry

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.core.release import RELEASE_LOG_ACTION
from govinfo_wagtail.review.signoff import build_signoff_sheet, render_signoff_html
from tests.browser import test_review as base
from tests.browser.helpers import screenshot
from tests.browser.test_review import log_in, open_editor, workflow_button

# The fixtures of the review's browser tests: one user per role, a draft in the catalogue.
people = base.people
draft = base.draft

GATES = ("政治审核", "政策审核", "文字审核")
REVIEWERS = ("political", "policy", "wording")
OPINIONS = {
    "political": "标题中的机构名称应为全称。",
    "policy": "第二段所引文件已废止，请改为现行文件。",
    "wording": "第三段“截止”应为“截至”。",
}


def messages_text(page) -> str:
    return " ".join(page.locator(".messages").all_inner_texts())


def dashboard_row(page, draft):
    return page.locator(f'.govinfo-awaiting-review tr[data-page="{draft.pk}"]')


def act(page, live_server, draft, who: str, action: str, opinion: str,
        shoot: str = "") -> str:
    """``who`` finds the page at their gate on the dashboard and decides; the message."""
    log_in(page, live_server, who)
    expect(dashboard_row(page, draft)).to_contain_text(GATES[REVIEWERS.index(who)])
    if shoot:
        screenshot(page, f"{shoot}-dashboard")
    open_editor(page, live_server, draft)
    workflow_button(page, action).click()
    modal = page.locator(".modal-dialog .govinfo-gate")
    expect(modal).to_be_visible()
    if action == "approve":
        boxes = modal.locator('input[name="checklist"]')
        for i in range(boxes.count()):
            boxes.nth(i).check()
    modal.locator("textarea[name=opinion]").fill(opinion)
    if shoot:
        screenshot(page, f"{shoot}-dialog")
    modal.locator("button[type=submit]").click()
    # A shared 2-core machine: the release at the last gate may take a while.
    expect(page.locator(".modal-dialog")).to_have_count(0, timeout=30_000)
    expect(page.locator(".messages")).to_be_visible()
    said = messages_text(page)
    assert "没有权限" not in said and "已被更新" not in said, said
    return said


def resubmit_changed(page, live_server, draft, gate: str, opinion: str, n: int,
                     shoot: bool) -> None:
    log_in(page, live_server, "editor")
    # The dashboard and the page listing show the opinion, the gate and the reviewer.
    expect(page.locator(".govinfo-my-pages [data-opinion]")).to_contain_text(opinion)
    if shoot:
        screenshot(page, "cycle-editor-dashboard-after-return")
    page.goto(f"{live_server.url}/admin/pages/{draft.get_parent().pk}/")
    mark = page.locator(f'tr:has(a[href$="/pages/{draft.pk}/edit/"]) [data-govinfo-return]')
    expect(mark).to_contain_text(gate)
    expect(mark).to_contain_text(opinion[:10])
    if shoot:
        screenshot(page, "cycle-editor-listing-after-return")
    open_editor(page, live_server, draft)
    notice = page.locator(".messages")
    expect(notice).to_contain_text(opinion)
    expect(notice).to_contain_text(gate)
    if shoot:
        page.set_viewport_size({"width": 1280, "height": 720})
        screenshot(page, "cycle-editor-edit-view-after-return")
    page.fill("#id_summary", f"道路养护计划（第{n}次按意见修改）。")
    resubmit = page.locator('button[name="action-submit"]')
    if not resubmit.is_visible():
        page.locator("footer .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    expect(resubmit).to_contain_text("重新提交审核")
    resubmit.click()
    expect(page.locator(".messages")).to_be_visible()


def test_a_return_at_each_gate_then_the_release(page, live_server, people, draft, tmp_path):
    log_in(page, live_server, "editor")
    open_editor(page, live_server, draft)
    submit = page.locator('button[name="action-submit"]')
    if not submit.is_visible():
        page.locator("footer .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    submit.click()
    expect(page.locator(".messages")).to_be_visible()

    for n, returning in enumerate(REVIEWERS, start=1):
        gate = GATES[n - 1]
        if n > 1:
            # Back at the first gate: the gate that returned it does not list it.
            log_in(page, live_server, returning)
            expect(dashboard_row(page, draft)).to_have_count(0)
        # Passes up to the returning gate, each saying where the page went.
        for k, who in enumerate(REVIEWERS[: n - 1]):
            said = act(page, live_server, draft, who, "approve", "同意",
                       shoot="cycle-reviewer" if (n, k) == (3, 1) else "")
            assert f"已通过{GATES[k]}，已转{GATES[k + 1]}" in said, said
        said = act(page, live_server, draft, returning, "reject", OPINIONS[returning],
                   shoot="cycle-return" if n == 3 else "")
        assert f"已退回编辑，意见：{OPINIONS[returning]}" in said, said
        assert not Page.objects.get(pk=draft.pk).live
        resubmit_changed(page, live_server, draft, gate, OPINIONS[returning], n, shoot=n == 2)

    # The last version: three passes, in order, from the first gate (each reviewer finds it
    # at their gate on the dashboard, in act()).
    for k, who in enumerate(REVIEWERS):
        said = act(page, live_server, draft, who, "approve", "同意")
        if k < 2:
            assert f"已通过{GATES[k]}，已转{GATES[k + 1]}" in said, said
        else:
            assert f"已通过{GATES[k]}：“{draft.title}”已发布" in said, said
    live = CatalogueItemPage.objects.get(pk=draft.pk)
    assert live.live and "第3次按意见修改" in live.summary

    # The sign-off sheet: the released version's gates in order, and all three returns.
    entry = PageLogEntry.objects.get(page=draft, action=RELEASE_LOG_ACTION)
    sheet = build_signoff_sheet(entry)
    assert [g.gate for g in sheet.gates] == list(GATES)
    assert sheet.returns == 3 and sheet.released_by_system
    assert [e.opinion for e in sheet.history if e.returned] == list(OPINIONS.values())
    log_in(page, live_server, "editor")
    pdf = tmp_path / "sheet.pdf"
    response = page.request.get(f"{live_server.url}/admin/govinfo/review/signoff/{entry.pk}.pdf")
    assert response.ok and response.body().startswith(b"%PDF")
    pdf.write_bytes(response.body())
    out = Path(settings.SCREENSHOT_DIR)
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(out / "cycle-signoff-sheet")],
                   check=True)
    assert sorted(p.name for p in out.glob("cycle-signoff-sheet*.png"))
    # Every return's opinion is on the sheet (the PDF's narrow cells wrap the text, so read
    # its HTML; tests/review/test_signoff_sheet.py reads the PDF's own text).
    html = render_signoff_html(sheet)
    for opinion in OPINIONS.values():
        assert opinion in html
