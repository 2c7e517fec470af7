"""The example app (tests/example_extension) extends the package through each documented
extension point, without a line of the package knowing it: its page type is accepted by the
catalogue, its release check blocks a release with its message, its import kind imports a row,
and govinfo_setup runs its setup step."""

import csv
import io

import pytest
from django.core.management import call_command
from wagtail.models import Page

from govinfo_wagtail.catalogue.importing import page_kinds
from govinfo_wagtail.catalogue.models import CatalogueIndexPage
from govinfo_wagtail.core.models import ReleaseRecord, Topic
from govinfo_wagtail.core.release import ReleaseReason, ReleaseRefused, release
from govinfo_wagtail.core.release_batch import release_many
from tests.conftest import add_draft
from tests.example_extension.models import NoticePage


def notice(agency, **fields):
    return NoticePage(title="关于春节期间道路养护的公告", agency=agency,
                      summary="春节期间县道养护安排。", **fields)


def test_the_catalogue_accepts_the_page_type(client, users, catalogue, agency):
    assert NoticePage in CatalogueIndexPage.clean_subpage_models()
    assert NoticePage.can_exist_under(catalogue)
    # An editor finds it among the types to add and can open its create form.
    client.force_login(users["editor"])
    choose = client.get(f"/admin/pages/{catalogue.pk}/add_subpage/")
    assert "/admin/pages/add/example_extension/noticepage/" in choose.content.decode()
    form = client.get(f"/admin/pages/add/example_extension/noticepage/{catalogue.pk}/")
    assert form.status_code == 200 and "发布单位" in form.content.decode()
    page = add_draft(catalogue, notice(agency, issuer="县交通运输局"))
    assert Page.objects.get(pk=page.pk).get_parent().pk == catalogue.pk


def test_the_release_check_blocks_a_release_with_its_message(catalogue, agency):
    page = add_draft(catalogue, notice(agency))
    with pytest.raises(ReleaseRefused) as refused:
        release(page.get_latest_revision(), reason=ReleaseReason.TEST)
    assert refused.value.message == "“关于春节期间道路养护的公告”未注明发布单位，不能发布。"
    assert not Page.objects.get(pk=page.pk).live
    assert not ReleaseRecord.objects.filter(page_id=page.pk).exists()
    # The batch entry point (an import's) runs it too, on the page row as the content.
    with pytest.raises(ReleaseRefused):
        release_many([page.get_latest_revision()], reason=ReleaseReason.TEST)
    assert not Page.objects.get(pk=page.pk).live

    page.issuer = "海丰县交通运输局"
    release(page.save_revision(), reason=ReleaseReason.TEST)
    assert Page.objects.get(pk=page.pk).live


def test_the_import_kind_imports_a_row(catalogue, agency, tmp_path):
    Topic.objects.create(name="道路养护")
    assert page_kinds.get("notice").get_model() is NoticePage
    path = tmp_path / "notices.csv"
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["标题", "发布机构", "主题分类", "发布日期", "类型"])
    writer.writerow(["关于县道封闭施工的公告", agency.name, "道路养护", "2026-01-05", "公告"])
    path.write_text(out.getvalue(), encoding="utf-8")
    call_command("govinfo_import", str(path), "--catalogue", str(catalogue.pk),
                 "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    imported = NoticePage.objects.get(title="关于县道封闭施工的公告")
    assert imported.get_parent().pk == catalogue.pk and not imported.live
    assert imported.issuer == agency.name  # the kind's prepare hook filled it in


def test_setup_runs_the_step(db, root_page):
    out = io.StringIO()
    call_command("govinfo_setup", stdout=out)
    assert "Example extension: topic 公告公示 created" in out.getvalue()
    assert Topic.objects.filter(name="公告公示").exists()
    out = io.StringIO()
    call_command("govinfo_setup", stdout=out)
    assert "Example extension: topic 公告公示 checked" in out.getvalue()
