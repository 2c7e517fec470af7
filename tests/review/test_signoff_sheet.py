"""The sign-off sheet (审签单) of a release, as a PDF: what it says, who may print it."""

import re
import subprocess

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext
from wagtail.models import Page, PageLogEntry

from govinfo_wagtail.conf import govinfo_settings
from govinfo_wagtail.core.release import RELEASE_LOG_ACTION, ReleaseReason
from govinfo_wagtail.pdf.fonts import FAMILY
from govinfo_wagtail.review.inspection import check_revision
from govinfo_wagtail.review.models import Decision, EmergencyRelease, LexiconWord
from govinfo_wagtail.review.services import emergency_release, record_retrospective_review
from govinfo_wagtail.review.signoff import build_signoff_sheet, render_signoff_html
from tests.conftest import grant_permission
from tests.review.conftest import current, pass_gate, submit

OPINIONS = {
    "political": "同意发布<script>alert(1)</script>",
    "policy": "与现行政策一致<b>粗体</b>",
    "wording": "文字规范，同意",
}
NAMES = {"political": "张政治", "policy": "李政策", "wording": "王文字"}
OVERRIDE_REASON = "引用上级文件原文"


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True).stdout.decode()
    # Table cells wrap lines anywhere; compare without whitespace.
    return re.sub(r"\s+", "", out)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", str(text))


def sheet_url(entry) -> str:
    return f"/admin/govinfo/review/signoff/{entry.pk}.pdf"


@pytest.fixture
def released(users, draft):
    """The draft, with a document number and a blocking finding, passed by three reviewers
    (the first overriding the finding with a reason); returns the release log entry."""
    for role, name in NAMES.items():
        users[role].first_name = name
        users[role].save()
    LexiconWord.objects.create(word="敏感词甲", severity="blocking")
    page = Page.objects.get(pk=draft.pk).specific
    page.document_number = "海交〔2026〕3号"
    page.body = "<p>养护期间含敏感词甲。</p>"
    page.save_revision(user=users["editor"])
    state = submit(page, users["editor"])
    finding = check_revision(current(state).revision).unresolved[0]
    pass_gate(state, users["political"], opinion=OPINIONS["political"],
              overrides={finding.fingerprint: OVERRIDE_REASON})
    pass_gate(state, users["policy"], opinion=OPINIONS["policy"])
    pass_gate(state, users["wording"], opinion=OPINIONS["wording"])
    return PageLogEntry.objects.get(page=draft, action=RELEASE_LOG_ACTION)


def test_sheet_of_a_three_gate_release(client, users, released, tmp_path):
    client.force_login(users["siteadmin"])
    response = client.get(sheet_url(released))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content, tmp_path)

    page = Page.objects.get(pk=released.page_id).specific
    assert page.live and page.index_number
    for value in (page.index_number, page.title, "海交〔2026〕3号", page.agency.name,
                  str(released.data["revision_id"]), ReleaseReason.REVIEW.label,
                  OVERRIDE_REASON, "敏感词甲", NAMES["political"]):
        assert squash(value) in text, value
    for role in ("political", "policy", "wording"):
        assert NAMES[role] in text and f"（{role}）" in text
        assert squash(OPINIONS[role]) in text  # <script>, <b> printed as the text they are
    # Submitted by the editor; each gate's whole checklist, ticked, in the gates' order.
    assert "editor" in text
    for item in ("无涉密内容", "与现行政策法规一致", "有效性标注正确", "机构名称和领导职务准确"):
        assert f"■{item}" in text
    assert "□" not in text
    assert text.index("张政治") < text.index("李政策") < text.index("王文字")
    # Not an emergency release.
    assert squash(gettext("EMERGENCY RELEASE — published before review")) not in text


def test_user_text_is_escaped_in_the_sheet(released):
    html = render_signoff_html(build_signoff_sheet(released))
    assert "<script>" not in html and "<b>粗体</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;粗体&lt;/b&gt;" in html


@pytest.mark.parametrize("who", ["editor", "political", "wording", "superuser"])
def test_editors_and_reviewers_may_print_the_sheet(client, users, released, who):
    client.force_login(users[who])
    response = client.get(sheet_url(released))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_users_without_access_to_the_page_are_refused(client, django_user_model, released):
    # An admin user with no rights on the page: no access to its history, no sheet.
    outsider = django_user_model.objects.create_user("outsider", "o@example.org", "pw")
    group = Group.objects.create(name="其他单位")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    outsider.groups.add(group)
    client.force_login(outsider)
    response = client.get(sheet_url(released))
    assert response.status_code in (403, 404)
    assert not response.content.startswith(b"%PDF")
    client.logout()
    assert not client.get(sheet_url(released)).content.startswith(b"%PDF")


def test_only_release_entries_have_sheets(client, users, released):
    client.force_login(users["siteadmin"])
    other = PageLogEntry.objects.filter(page_id=released.page_id).exclude(
        action=RELEASE_LOG_ACTION).first()
    assert client.get(sheet_url(other)).status_code == 404


def test_audit_report_links_each_release_to_its_sheet(client, users, released):
    client.force_login(users["siteadmin"])
    html = client.get("/admin/govinfo/review/audit/").content.decode()
    links = re.findall(r'href="([^"]+)"[^>]*data-signoff-link', html)
    # One link per release row (the catalogue's own fixture release too), none elsewhere.
    releases = PageLogEntry.objects.filter(action=RELEASE_LOG_ACTION)
    assert sorted(links) == sorted(sheet_url(e) for e in releases)
    assert sheet_url(released) in links


def test_sheet_of_an_emergency_release(client, users, draft, tmp_path, django_user_model):
    grant_permission(Group.objects.get(name=govinfo_settings.ADMIN_GROUP),
                     "govinfo_review.release_in_emergency")
    # The retrospective review by someone in a group of the site's own with the permission.
    auditors = Group.objects.create(name="事后复核")
    grant_permission(auditors, "govinfo_review.review_emergency_release")
    auditor = django_user_model.objects.create_user("auditor", "a@example.org", "pw")
    auditor.groups.add(auditors)
    marker = squash(gettext("EMERGENCY RELEASE — published before review"))
    pending = squash(gettext("pending"))
    submit(draft, users["editor"])
    emergency_release(draft, users["siteadmin"], "台风预警，须立即发布")
    entry = PageLogEntry.objects.get(page=draft, action=RELEASE_LOG_ACTION)
    client.force_login(users["siteadmin"])
    text = pdf_text(client.get(sheet_url(entry)).content, tmp_path)
    assert marker in text and "台风预警，须立即发布" in text
    assert squash(ReleaseReason.EMERGENCY.label) in text
    assert pending in text
    # No gate passed it; who had submitted it is still shown.
    assert "■" not in text
    assert "editor" in text

    record_retrospective_review(EmergencyRelease.objects.get(page=draft), auditor,
                                "事后复核无误")
    text = pdf_text(client.get(sheet_url(entry)).content, tmp_path)
    assert marker in text and "事后复核无误" in text and "auditor" in text
    assert pending not in text


def test_sheet_renders_one_page_as_an_image(client, users, released, tmp_path):
    """Rasterises the first page; the PNG is kept with the browser tests' screenshots for a
    person to look at (glyphs, ruled layout)."""
    client.force_login(users["siteadmin"])
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(client.get(sheet_url(released)).content)
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(tmp_path / "sheet")], check=True)
    png = (tmp_path / "sheet.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    settings.SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    (settings.SCREENSHOT_DIR / "signoff-sheet.png").write_bytes(png)
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True).stdout
    # Only the packaged Chinese font, embedded: no tofu boxes for want of a system font.
    names = [line.split()[0] for line in fonts.decode().splitlines()[2:] if line.strip()]
    assert names and all("+" + FAMILY.replace(" ", "-") in name for name in names)


def test_one_pages_audit_trail_and_its_header_link_to_the_sheet(client, users, released):
    client.force_login(users["siteadmin"])
    html = client.get(f"/admin/govinfo/review/audit/?page={released.page_id}").content.decode()
    assert re.findall(r'href="([^"]+)"[^>]*data-signoff-link', html) == [sheet_url(released)]
    client.force_login(users["editor"])
    edit = client.get(f"/admin/pages/{released.page_id}/edit/").content.decode()
    assert sheet_url(released) in edit


def test_sheet_and_audit_report_show_labels_not_codes(client, users, released):
    """Recorded values read as words: the override's kind and field (错敏词, 正文, not
    lexicon / body), the time zone (北京时间, not Asia/Shanghai), the audit report's
    decisions, workflow states and release reasons (not passed / in_progress / review)."""
    from wagtail.models import WorkflowState

    from govinfo_wagtail.review.checks.findings import FindingKind
    from govinfo_wagtail.review.models import Decision

    page_class = Page.objects.get(pk=released.page_id).specific_class
    body = str(page_class._meta.get_field("body").verbose_name)
    sheet = re.sub(r"<[^>]+>", " ", render_signoff_html(build_signoff_sheet(released)))
    for label in (FindingKind.LEXICON.label, body, gettext("Beijing time")):
        assert str(label) in sheet, label
    for code in ("Asia/Shanghai", "lexicon", "body"):
        assert code not in sheet

    client.force_login(users["siteadmin"])
    html = client.get(f"/admin/govinfo/review/audit/?page={released.page_id}").content.decode()
    cells = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.split("<tbody", 1)[1]))
    assert str(Decision.PASSED.label) in cells
    assert str(dict(WorkflowState.STATUS_CHOICES)["in_progress"]) in cells
    assert str(ReleaseReason.REVIEW.label) in cells
    for code in (" passed ", " in_progress ", " review ", " approved "):
        assert code not in cells, code
    # The page history's override entry names the field, not its code.
    history = client.get(f"/admin/pages/{released.page_id}/history/").content.decode()
    assert f"{FindingKind.LEXICON.label}" in history and body in history


def test_location_labels_of_attachment_parts():
    from govinfo_wagtail.review.inspection import location_label

    assert location_label(None, "attachment:a.pdf") == gettext("Attachment: %(name)s") % {
        "name": "a.pdf"}
    page2 = location_label(None, "attachment:报告:2026.pdf:page:2")
    assert "报告:2026.pdf" in page2 and (gettext("page %(number)s") % {"number": 2}) in page2
    assert gettext("comments and annotations") in location_label(
        None, "attachment:a.docx:metadata:comment:1:author")
    assert location_label(None, "nonexistent") == "nonexistent"


# --- who released it, signature lines, the whole course of the review -----------------------


def test_the_system_releases_after_the_last_gate_and_each_gate_has_a_signature_line(
    released, tmp_path, client, users
):
    sheet = build_signoff_sheet(released)
    assert sheet.released_by_system and sheet.last_gate.gate == "文字审核"
    html = render_signoff_html(sheet)
    assert html.count("data-signature") == 3
    assert "data-released-by-system" in html
    text = squash(re.sub(r"<[^>]+>", "", html))
    said = squash(gettext(
        "The system, on the pass of the last gate (%(gate)s, passed by %(reviewer)s); no person "
        "released it separately.") % {"gate": "文字审核", "reviewer": "王文字（wording）"})
    assert said in text
    # Nobody is named as the one who released it: the last reviewer only passed a gate.
    assert squash(gettext("Ordered by")) not in text
    assert text.count(squash(gettext("Signature"))) == 3
    client.force_login(users["siteadmin"])
    pdf = pdf_text(client.get(sheet_url(released)).content, tmp_path)
    assert pdf.count(squash(gettext("Signature"))) == 3


def test_the_sheet_shows_the_whole_review_with_its_returns(users, draft, tmp_path, client):
    from tests.review.conftest import return_gate
    from tests.review.test_resubmission import edit, resubmit

    state = submit(draft, users["editor"])
    pass_gate(state, users["political"])
    return_gate(state, users["policy"], "请补充政策依据。")
    edit(draft, users["editor"], summary="关于道路养护的通知（已补充依据）")
    resubmit(state, users["editor"])
    pass_gate(state, users["political"])
    pass_gate(state, users["policy"])
    return_gate(state, users["wording"], "标点需统一。")
    edit(draft, users["editor"], summary="关于道路养护的通知（已补充依据，标点统一）")
    resubmit(state, users["editor"])
    for role in ("political", "policy", "wording"):
        pass_gate(state, users[role])
    entry = PageLogEntry.objects.get(page=draft, action=RELEASE_LOG_ACTION)

    sheet = build_signoff_sheet(entry)
    steps = [(e.gate, e.what) for e in sheet.history]
    passed, returned = str(Decision.PASSED.label), str(Decision.RETURNED.label)
    assert steps[0] == ("", gettext("Submitted for review"))
    assert [s for s in steps if s[1] in (passed, returned)] == [
        ("政治审核", passed), ("政策审核", returned),
        ("政治审核", passed), ("政策审核", passed), ("文字审核", returned),
        ("政治审核", passed), ("政策审核", passed), ("文字审核", passed)]
    assert steps.count(("", gettext("Resubmitted for review"))) == 2
    # Each resubmission names the version resubmitted, the one the next decision is on.
    for i, event in enumerate(sheet.history):
        if event.what == gettext("Resubmitted for review"):
            following = next(e for e in sheet.history[i + 1:] if e.what == passed)
            assert event.revision_id == following.revision_id
    assert sheet.returns == 2
    # The gates of the released version, once each, in order.
    assert [g.gate for g in sheet.gates] == ["政治审核", "政策审核", "文字审核"]
    client.force_login(users["siteadmin"])
    text = pdf_text(client.get(sheet_url(entry)).content, tmp_path)
    assert "请补充政策依据。" in text and "标点需统一。" in text
    assert text.index("请补充政策依据。") < text.index("标点需统一。")
