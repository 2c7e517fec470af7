"""Automated checks at the gates, overrides, the audit trail and report, emergency release."""

import io

import pytest
from openpyxl import load_workbook
from wagtail.models import Page, PageLogEntry

from govinfo_wagtail.conf import govinfo_settings
from govinfo_wagtail.core.release import RELEASE_LOG_ACTION
from govinfo_wagtail.review.gates import GATE_DECISION_LOG_ACTION, OVERRIDE_LOG_ACTION
from govinfo_wagtail.review.inspection import check_revision
from govinfo_wagtail.review.models import CheckOverride, EmergencyRelease, LexiconWord
from govinfo_wagtail.review.services import emergency_release
from tests.conftest import grant_permission
from tests.review.conftest import current, is_live, pass_gate, return_gate, submit
from tests.review.test_gates import refused


@pytest.fixture
def flagged(draft):
    LexiconWord.objects.create(word="敏感词甲", severity="blocking")
    LexiconWord.objects.create(word="截止", correction="截至", severity="warning")
    page = Page.objects.get(pk=draft.pk).specific
    page.body = "<p>本通知截止2024年底有效，含敏感词甲。</p>"
    page.save_revision()
    return page


def test_checks_run_on_the_revision_under_review(flagged):
    report = check_revision(flagged.get_latest_revision())
    codes = {(f.kind, f.severity, f.matched) for f in report.findings}
    assert ("lexicon", "blocking", "敏感词甲") in codes
    assert ("lexicon", "warning", "截止") in codes
    assert len(report.unresolved) == 1


def test_blocking_finding_needs_a_recorded_override(users, flagged):
    state = submit(flagged, users["editor"])
    refused("unresolved_findings", pass_gate, state, users["political"])
    fingerprint = check_revision(current(state).revision).unresolved[0].fingerprint
    pass_gate(state, users["political"], overrides={fingerprint: "引用原文，不能改"})
    override = CheckOverride.objects.get(fingerprint=fingerprint)
    assert override.user == users["political"] and override.reason == "引用原文，不能改"
    assert PageLogEntry.objects.filter(page=flagged, action=OVERRIDE_LOG_ACTION).exists()
    # The recorded override holds at the next gates.
    pass_gate(state, users["policy"])
    pass_gate(state, users["wording"])
    assert is_live(flagged)


def test_the_gate_modal_shows_findings_and_refuses_an_incomplete_checklist(
    client, users, flagged
):
    state = submit(flagged, users["editor"])
    task_state = current(state)
    url = f"/admin/pages/workflow/action/{flagged.pk}/approve/{task_state.pk}/"
    client.force_login(users["political"])
    response = client.get(url)
    assert response.status_code == 200
    html = response.json()["html"]
    assert "敏感词甲" in html and 'data-severity="blocking"' in html
    assert "无涉密内容" in html
    client.post(url, {"checklist": ["无涉密内容"]})
    assert current(state).pk == task_state.pk and current(state).status == "in_progress"
    # Another gate's reviewer cannot even open it.
    client.force_login(users["policy"])
    assert client.get(url).status_code in (302, 403)  # Wagtail redirects a refused user


def test_editor_check_view_shows_findings(client, users, flagged):
    client.force_login(users["editor"])
    response = client.get(f"/admin/govinfo/review/check/{flagged.pk}/")
    assert response.status_code == 200
    assert "敏感词甲" in response.content.decode()


def test_audit_trail_records_decisions_and_exports_xlsx(client, users, draft):
    state = submit(draft, users["editor"])
    return_gate(state, users["political"], "请补充依据")
    state.refresh_from_db()
    state.resume(user=users["editor"])
    pass_gate(state, users["political"], opinion="同意")
    pass_gate(state, users["policy"])
    pass_gate(state, users["wording"])
    decisions = PageLogEntry.objects.filter(page=draft, action=GATE_DECISION_LOG_ACTION)
    assert [e.data["decision"] for e in decisions.order_by("timestamp", "pk")] == [
        "returned", "passed", "passed", "passed"]
    first_pass = decisions.filter(data__decision="passed").order_by("pk").first()
    assert first_pass.user == users["political"] and first_pass.data["opinion"] == "同意"
    assert first_pass.data["checklist"] == first_pass.data["checklist_all"]
    assert PageLogEntry.objects.filter(page=draft, action=RELEASE_LOG_ACTION).exists()

    client.force_login(users["siteadmin"])
    response = client.get("/admin/govinfo/review/audit/")
    assert response.status_code == 200 and "请补充依据" in response.content.decode()
    response = client.get("/admin/govinfo/review/audit/?export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                     if response.streaming else response.content)).active
    rows = list(sheet.values)
    assert any("请补充依据" in str(cell) for row in rows for cell in row)
    assert len(rows) >= 6
    # Filtered to one user: only that reviewer's decisions.
    response = client.get(f"/admin/govinfo/review/audit/?user={users['policy'].pk}")
    assert "请补充依据" not in response.content.decode()


def test_dashboard_lists_pages_awaiting_my_gate(client, users, draft):
    submit(draft, users["editor"])
    client.force_login(users["political"])
    html = client.get("/admin/").content.decode()
    assert 'data-awaiting="1"' in html and f'data-page="{draft.pk}"' in html
    client.force_login(users["policy"])
    assert 'data-awaiting' not in client.get("/admin/").content.decode()


def test_emergency_release_is_off_by_default(users, draft):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        emergency_release(draft, users["superuser"], "紧急发布：台风预警")
    assert not is_live(draft)


def test_emergency_release_by_a_member_is_logged_and_flagged(client, users, draft):
    from django.contrib.auth.models import Group
    from django.core.exceptions import PermissionDenied, ValidationError

    grant_permission(Group.objects.get(name=govinfo_settings.ADMIN_GROUP),
                     "govinfo_review.release_in_emergency")

    with pytest.raises(PermissionDenied):
        emergency_release(draft, users["superuser"], "台风预警，须立即发布")
    with pytest.raises(ValidationError):
        emergency_release(draft, users["siteadmin"], " ")
    submit(draft, users["editor"])
    emergency_release(draft, users["siteadmin"], "台风预警，须立即发布")
    assert is_live(draft)
    flag = EmergencyRelease.objects.get(page=draft)
    assert flag.reason == "台风预警，须立即发布" and flag.reviewed_at is None
    release = PageLogEntry.objects.get(page=draft, action=RELEASE_LOG_ACTION)
    assert release.data["reason"] == "emergency"
    client.force_login(users["siteadmin"])
    assert 'data-emergencies="1"' in client.get("/admin/").content.decode()
    client.post(f"/admin/govinfo/review/retrospective/{flag.pk}/", {"note": "已复核"})
    flag.refresh_from_db()
    assert flag.reviewed_by == users["siteadmin"]
