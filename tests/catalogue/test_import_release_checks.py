"""A legacy import that releases at once runs the automated checks, like every release: a row
whose release they block is not imported and is reported; an explicit override with a reason
releases it, recorded and logged per page (issue 12). Via the command and the admin."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Page, PageLogEntry

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.conf import govinfo_settings
from govinfo_wagtail.core.models import IndexNumber
from govinfo_wagtail.core.release import RELEASE_LOG_ACTION
from govinfo_wagtail.core.setup import run_setup
from govinfo_wagtail.review.gates import OVERRIDE_LOG_ACTION
from govinfo_wagtail.review.models import CheckOverride

URL = "/admin/govinfo/catalogue/import/"
ID_NUMBER = "11010519491231002X"  # a valid 身份证号 (check digit X)
SECRET_BODY = f"联系人身份证号{ID_NUMBER}。本文件密级：绝密★10年。"
OVERRIDE = "旧系统已公开十年，经保密办复核同意原样迁移"


def csv_bytes(agency):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["标题", "发布机构", "发布日期", "正文"])
    writer.writerow(["2015年公路养护计划", agency.name, "2015-03-02", "普通正文。"])
    writer.writerow(["2016年人员名单", agency.name, "2016-04-05", SECRET_BODY])
    writer.writerow(["2017年工作总结", agency.name, "2017-05-06", "另一段普通正文。"])
    return out.getvalue().encode("utf-8")


@pytest.fixture
def setup_done(catalogue):
    run_setup(log=lambda *_: None)


@pytest.fixture
def admin_user(django_user_model, setup_done):
    user = django_user_model.objects.create_user("siteadmin", "s@x.org", "pw")
    user.groups.add(Group.objects.get(name=govinfo_settings.ADMIN_GROUP))
    return user


def run(path, *args):
    out = io.StringIO()
    try:
        call_command("govinfo_import", str(path), "--no-progress", "--publish", "--user",
                     "siteadmin", "--reason", "迁移旧系统已公开信息", *args, stdout=out)
        return out.getvalue(), None
    except CommandError as exc:
        return out.getvalue(), exc


def assert_blocked(report_lines):
    """The report names row 3, and each blocking finding with a short, masked excerpt."""
    lines = [line for line in report_lines if "3" in line and "绝密" in line]
    assert len(lines) == 1, report_lines
    line = lines[0]
    assert ID_NUMBER not in line  # personal data is masked in the finding
    assert len(line) < 600


def assert_secret_row_not_imported(catalogue):
    titles = sorted(CatalogueItemPage.objects.child_of(catalogue).values_list("title", flat=True))
    assert titles == ["2015年公路养护计划", "2017年工作总结"]
    assert all(p.live for p in CatalogueItemPage.objects.all())
    assert not Page.objects.filter(title="2016年人员名单").exists()
    assert IndexNumber.objects.count() == 2
    assert not CheckOverride.objects.exists()
    assert Page.objects.get(pk=catalogue.pk).numchild == 2


def assert_released_with_override(catalogue, user):
    page = CatalogueItemPage.objects.get(title="2016年人员名单")
    assert page.live and page.index_number
    overrides = CheckOverride.objects.filter(page_id=page.pk)
    assert overrides.count() >= 2 and {o.reason for o in overrides} == {OVERRIDE}
    assert all(o.user == user for o in overrides)
    logged = PageLogEntry.objects.filter(page=page, action=OVERRIDE_LOG_ACTION)
    assert logged.count() == overrides.count()
    assert all(e.data["reason"] == OVERRIDE for e in logged)
    assert PageLogEntry.objects.filter(page=page, action=RELEASE_LOG_ACTION).exists()
    assert CatalogueItemPage.objects.child_of(catalogue).count() == 3
    # The clean rows have no override recorded.
    assert not CheckOverride.objects.exclude(page_id=page.pk).exists()


def test_command_publish_refuses_the_blocked_row_and_imports_the_others(
        tmp_path, catalogue, agency, admin_user):
    path = tmp_path / "legacy.csv"
    path.write_bytes(csv_bytes(agency))
    out, error = run(path)
    assert error is not None and "1" in str(error)
    assert_blocked(out.splitlines())
    assert_secret_row_not_imported(catalogue)


def test_command_override_findings_releases_it_and_logs_the_override(
        tmp_path, catalogue, agency, admin_user):
    path = tmp_path / "legacy.csv"
    path.write_bytes(csv_bytes(agency))
    out, error = run(path, "--override-findings", OVERRIDE)
    assert error is None, out
    assert_released_with_override(catalogue, admin_user)


def test_command_override_needs_publish(tmp_path, catalogue, agency, admin_user):
    path = tmp_path / "legacy.csv"
    path.write_bytes(csv_bytes(agency))
    with pytest.raises(CommandError, match="--override-findings"):
        call_command("govinfo_import", str(path), "--no-progress", "--user", "siteadmin",
                     "--override-findings", OVERRIDE, stdout=io.StringIO())
    assert not CatalogueItemPage.objects.exists()


def _post(client, catalogue, agency, **extra):
    upload = SimpleUploadedFile("legacy.csv", csv_bytes(agency), "text/csv")
    return client.post(URL, {"file": upload, "catalogue": catalogue.pk, "publish": "on",
                             "reason": "迁移旧系统已公开信息", **extra})


def test_admin_publish_refuses_the_blocked_row_and_imports_the_others(
        client, catalogue, agency, admin_user):
    client.force_login(admin_user)
    response = _post(client, catalogue, agency)
    assert response.status_code == 200
    assert response.context["summary"]
    assert_blocked(response.context["report"])
    assert_secret_row_not_imported(catalogue)


def test_admin_override_releases_it_and_logs_the_override(client, catalogue, agency,
                                                          admin_user):
    client.force_login(admin_user)
    response = _post(client, catalogue, agency, override_findings=OVERRIDE)
    assert response.status_code == 200 and not response.context["report"]
    assert_released_with_override(catalogue, admin_user)


def test_admin_override_needs_release_at_once(client, catalogue, agency, admin_user):
    client.force_login(admin_user)
    upload = SimpleUploadedFile("legacy.csv", csv_bytes(agency), "text/csv")
    response = client.post(URL, {"file": upload, "catalogue": catalogue.pk,
                                 "override_findings": OVERRIDE})
    assert "override_findings" in response.context["form"].errors
    assert not CatalogueItemPage.objects.exists()


def test_editors_cannot_reach_the_import_or_its_override(client, django_user_model, catalogue,
                                                        agency, setup_done):
    editor = django_user_model.objects.create_user("editor", "e@x.org", "pw")
    editor.groups.add(Group.objects.get(name=govinfo_settings.EDITOR_GROUP))
    client.force_login(editor)
    response = _post(client, catalogue, agency, override_findings=OVERRIDE)
    assert response.status_code in (302, 403)
    assert not CatalogueItemPage.objects.exists()


def test_a_batch_release_finds_what_a_single_release_finds(catalogue, agency, admin_user):
    """The batch path reads the page row as the revision's content (it holds exactly that):
    the same blocking findings, for the same rows, as a release of one page."""
    from govinfo_wagtail.core.release import ReleaseBlocked, ReleaseReason, release
    from govinfo_wagtail.core.release_batch import release_many

    def draft(title, body):
        page = CatalogueItemPage(title=title, agency=agency, body=body, live=False)
        catalogue.add_child(instance=page)
        return page.save_revision(user=admin_user)

    batch = [draft("批量一", "普通正文。"), draft("批量二", SECRET_BODY),
             draft("批量三", f"<p>附{ID_NUMBER}</p>")]
    result = release_many(batch, reason=ReleaseReason.LEGACY_IMPORT, user=admin_user,
                          skip_blocked=True)
    assert sorted(result.blocked) == [batch[1].pk, batch[2].pk]
    assert [p.title for p in result.pages] == ["批量一"]
    for revision, body in ((batch[1], SECRET_BODY), (batch[2], f"<p>附{ID_NUMBER}</p>")):
        single = draft("单条", body)
        with pytest.raises(ReleaseBlocked) as blocked:
            release(single, reason=ReleaseReason.LEGACY_IMPORT, user=admin_user)
        assert sorted((f.code, f.location) for f in result.blocked[revision.pk].findings) \
            == sorted((f.code, f.location) for f in blocked.value.findings)
    assert {(f.kind, f.code) for f in result.blocked[batch[1].pk].findings} >= {
        ("secrecy", "marking"), ("personal_data", "id_card")}


# --- The import's own bulk release: the pages as written, never an object changed since ----


def _draft_with_a_changed_object(catalogue, agency):
    from tests.conftest import add_draft

    page = add_draft(catalogue, CatalogueItemPage(title="普通通知", agency=agency,
                                                  body="<p>本文件密级：绝密★10年。</p>"))
    page = CatalogueItemPage.objects.get(pk=page.pk)
    page.body = "<p>无害的正文。</p>"  # the row keeps the secret body
    return page, page.save_revision()  # Wagtail caches the object as content_object


def test_a_batch_release_releases_the_revision_not_a_row_that_no_check_saw(catalogue, agency):
    from govinfo_wagtail.core.release import ReleaseReason
    from govinfo_wagtail.core.release_batch import release_many

    page, revision = _draft_with_a_changed_object(catalogue, agency)
    release_many([revision], reason=ReleaseReason.TEST)
    live = CatalogueItemPage.objects.get(pk=page.pk)
    assert live.live and "绝密" not in live.body


def test_the_imports_release_reads_back_a_page_that_is_not_the_object_it_wrote(
        catalogue, agency):
    from govinfo_wagtail.core.release import ReleaseReason
    from govinfo_wagtail.core.release_batch import release_written

    page, revision = _draft_with_a_changed_object(catalogue, agency)
    other = CatalogueItemPage.objects.get(pk=page.pk)  # not the revision's content_object
    release_written([(revision, other)], reason=ReleaseReason.TEST)
    live = CatalogueItemPage.objects.get(pk=page.pk)
    assert live.live and "绝密" not in live.body
