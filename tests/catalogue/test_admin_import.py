"""The catalogue import and export in the admin: administrators only, same report as the
command, nothing written on errors or on a dry run."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.conf import govinfo_settings
from govinfo_wagtail.core.setup import run_setup
from tests.conftest import add_live

URL = "/admin/govinfo/catalogue/import/"


def csv_file(rows, encoding="utf-8"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["标题", "发布机构", "主题分类", "成文日期"])
    writer.writerows(rows)
    return SimpleUploadedFile("items.csv", out.getvalue().encode(encoding), "text/csv")


@pytest.fixture
def topic(db):
    # Not a name govinfo_setup creates: a topic name must be unambiguous in an import.
    from govinfo_wagtail.core.models import Topic

    return Topic.objects.create(name="导入测试主题")


@pytest.fixture
def admin_user(django_user_model, catalogue):
    run_setup(log=lambda *_: None)
    user = django_user_model.objects.create_user("siteadmin", "s@x.org", "pw")
    user.groups.add(Group.objects.get(name=govinfo_settings.ADMIN_GROUP))
    return user


def post(client, catalogue, upload, **extra):
    return client.post(URL, {"file": upload, "catalogue": catalogue.pk, **extra})


def test_editors_cannot_import_or_export(client, django_user_model, catalogue):
    run_setup(log=lambda *_: None)
    editor = django_user_model.objects.create_user("editor", "e@x.org", "pw")
    editor.groups.add(Group.objects.get(name=govinfo_settings.EDITOR_GROUP))
    client.force_login(editor)
    assert client.get(URL).status_code in (302, 403)
    assert client.get(f"/admin/govinfo/catalogue/{catalogue.pk}/export.csv").status_code in (
        302, 403)


def test_bad_rows_are_reported_by_row_and_nothing_is_written(client, admin_user, catalogue,
                                                             agency, topic):
    client.force_login(admin_user)
    upload = csv_file([["好的事项", agency.name, topic.name, "2021-02-03"],
                       ["", agency.name, topic.name, "2021-02-30"]])
    response = post(client, catalogue, upload)
    assert response.status_code == 200
    report = response.context["report"]
    assert report and all("3" in line for line in report)  # row 3 holds both problems
    assert not CatalogueItemPage.objects.exists()


def test_dry_run_writes_nothing_then_import_creates_drafts(client, admin_user, catalogue,
                                                            agency, topic):
    client.force_login(admin_user)
    rows = [["甲事项", agency.name, topic.name, "2021-02-03"],
            ["乙事项", agency.name, topic.name, "2021年3月1日"]]
    response = post(client, catalogue, csv_file(rows, "gb18030"), dry_run="on")
    assert response.context["summary"] and not response.context["report"]
    assert not CatalogueItemPage.objects.exists()
    post(client, catalogue, csv_file(rows, "gb18030"))
    pages = CatalogueItemPage.objects.order_by("title")
    assert [p.title for p in pages] == ["乙事项", "甲事项"]
    assert not any(p.live for p in pages)


def test_publish_needs_a_reason(client, admin_user, catalogue, agency, topic):
    client.force_login(admin_user)
    response = post(client, catalogue, csv_file([["甲", agency.name, topic.name, "2021-01-01"]]),
                    publish="on", reason=" ")
    assert "reason" in response.context["form"].errors
    assert not CatalogueItemPage.objects.exists()


def test_export_round_trips_through_import(client, admin_user, catalogue, agency, topic):
    add_live(catalogue, CatalogueItemPage(title="导出事项", agency=agency, topic=topic,
                                          document_number="海交〔2019〕8号"))
    client.force_login(admin_user)
    response = client.get(f"/admin/govinfo/catalogue/{catalogue.pk}/export.csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "导出事项" in text and "海交〔2019〕8号" in text
    xlsx = client.get(f"/admin/govinfo/catalogue/{catalogue.pk}/export.xlsx")
    assert xlsx.content[:2] == b"PK"
