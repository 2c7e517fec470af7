"""The admin writes large files as background import jobs (the django-tasks queue) and
shows their progress; the releases they make still pass the permission and the checks."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from govinfo_wagtail.catalogue.importing.background import queue_job, run_queued_job
from govinfo_wagtail.catalogue.models import CatalogueItemPage, ImportJob, ImportUpload
from govinfo_wagtail.conf import govinfo_settings
from govinfo_wagtail.core.setup import run_setup
from tests.core.test_task_worker import REPO, Worker, migrated_sqlite, worker  # noqa: F401

URL = "/admin/govinfo/catalogue/import/"


def csv_bytes(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["标题", "发布机构", "主题分类", "成文日期", "发布日期", "正文"])
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
def topic(db):
    from govinfo_wagtail.core.models import Topic

    return Topic.objects.create(name="导入测试主题")


@pytest.fixture
def admin_user(django_user_model, catalogue):
    run_setup(log=lambda *_: None)
    user = django_user_model.objects.create_user("siteadmin", "s@x.org", "pw")
    user.groups.add(Group.objects.get(name=govinfo_settings.ADMIN_GROUP))
    return user


def rows(agency, topic, count=4):
    return [[f"第{n}号通知", agency.name, topic.name, "2021-02-03", "2021-02-04",
             f"<p>第{n}号通知的正文</p>"]
            for n in range(1, count + 1)]


def test_a_large_file_runs_as_a_background_job_with_a_progress_page(
        client, admin_user, catalogue, agency, topic, settings,
        django_capture_on_commit_callbacks):
    settings.GOVINFO_IMPORT_BACKGROUND_ROWS = 2
    client.force_login(admin_user)
    upload = SimpleUploadedFile("items.csv", csv_bytes(rows(agency, topic)), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):  # the immediate backend runs it
        response = client.post(URL, {"file": upload, "catalogue": catalogue.pk,
                                     "publish": "on", "reason": "从旧系统迁移"})
    assert response.status_code == 302, (response.context["summary"], response.context["report"],
                                         response.context["form"].errors)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/import/job/{job.pk}/")
    assert (job.state, job.total_rows, job.rows_done, job.created) == (
        ImportJob.State.COMPLETED, 4, 4, 4)
    assert CatalogueItemPage.objects.released().count() == 4
    assert not ImportUpload.objects.filter(job=job).exists()  # the stored file is gone
    page = client.get(response.url)
    text = page.content.decode()
    assert page.status_code == 200 and "4/4" not in text and 'http-equiv="refresh"' not in text
    assert page.context["percent"] == 100 and job.get_state_display() in text
    # The import page lists the job.
    assert f"/import/job/{job.pk}/" in client.get(URL).content.decode()


def test_a_small_file_is_still_written_while_the_user_waits(
        client, admin_user, catalogue, agency, topic):
    client.force_login(admin_user)
    upload = SimpleUploadedFile("items.csv", csv_bytes(rows(agency, topic, 2)), "text/csv")
    response = client.post(URL, {"file": upload, "catalogue": catalogue.pk})
    assert response.status_code == 200 and not ImportJob.objects.exists()
    assert CatalogueItemPage.objects.count() == 2


def test_the_progress_page_refreshes_while_the_job_runs(client, admin_user, catalogue, agency,
                                                         topic):
    client.force_login(admin_user)
    job = queue_job(csv_bytes(rows(agency, topic)), "items.csv", parent=catalogue,
                    user=admin_user, publish=False, total_rows=4)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING, rows_done=2)
    page = client.get(f"/admin/govinfo/catalogue/import/job/{job.pk}/")
    assert page.status_code == 200 and 'http-equiv="refresh"' in page.content.decode()
    assert page.context["percent"] == 50 and page.context["rate"]


def test_nobody_but_administrators_sees_a_job(client, django_user_model, admin_user, catalogue,
                                              agency, topic):
    job = queue_job(csv_bytes(rows(agency, topic)), "items.csv", parent=catalogue,
                    user=admin_user, publish=False, total_rows=4)
    editor = django_user_model.objects.create_user("editor", "e@x.org", "pw")
    editor.groups.add(Group.objects.get(name=govinfo_settings.EDITOR_GROUP))
    client.force_login(editor)
    assert client.get(f"/admin/govinfo/catalogue/import/job/{job.pk}/").status_code in (302, 403)


def test_a_queued_release_whose_user_lost_the_right_releases_nothing(
        admin_user, catalogue, agency, topic):
    job = queue_job(csv_bytes(rows(agency, topic)), "items.csv", parent=catalogue,
                    user=admin_user, publish=True, reason="从旧系统迁移", total_rows=4)
    admin_user.groups.clear()
    job = run_queued_job(job.pk)
    assert job.state == ImportJob.State.INTERRUPTED and job.error
    assert not CatalogueItemPage.objects.exists()


def test_a_queued_release_runs_the_automated_checks(admin_user, catalogue, agency, topic):
    bad = rows(agency, topic, 3)
    bad[1][5] = "<p>联系人身份证号11010519491231002X。本文件密级：绝密★10年。</p>"  # blocking
    job = queue_job(csv_bytes(bad), "items.csv", parent=catalogue, user=admin_user,
                    publish=True, reason="从旧系统迁移", total_rows=3)
    job = run_queued_job(job.pk)
    assert job.state == ImportJob.State.COMPLETED and (job.created, job.blocked) == (2, 1)
    assert job.report and "3" in job.report[0]
    assert CatalogueItemPage.objects.released().count() == 2


def test_a_file_that_no_longer_validates_stops_the_job_with_the_report(
        admin_user, catalogue, agency, topic):
    job = queue_job(csv_bytes(rows(agency, topic)), "items.csv", parent=catalogue,
                    user=admin_user, publish=False, total_rows=4)
    topic.delete()  # between the check in the request and the worker
    job = run_queued_job(job.pk)
    assert job.state == ImportJob.State.INTERRUPTED and job.report
    assert not CatalogueItemPage.objects.exists()


def test_an_interrupted_job_resumes_from_the_progress_page(
        client, admin_user, catalogue, agency, topic, monkeypatch,
        django_capture_on_commit_callbacks):
    from govinfo_wagtail.catalogue.importing import background

    job = queue_job(csv_bytes(rows(agency, topic)), "items.csv", parent=catalogue,
                    user=admin_user, publish=False, total_rows=4)
    batches = []

    def killed_after_the_first_batch(job):
        batches.append(job.rows_done)
        if len(batches) == 1:
            raise RuntimeError("worker killed")

    run_job = background.run_job
    monkeypatch.setattr(background, "run_job", lambda *args, **kwargs: run_job(
        *args, **kwargs, batch_rows=2, after_batch=killed_after_the_first_batch))
    with pytest.raises(RuntimeError):
        run_queued_job(job.pk)
    job.refresh_from_db()
    assert (job.state, job.rows_done) == (ImportJob.State.INTERRUPTED, 2)
    client.force_login(admin_user)
    url = f"/admin/govinfo/catalogue/import/job/{job.pk}/"
    assert client.get(url).context["resumable"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    job.refresh_from_db()
    assert (job.state, job.rows_done, job.created) == (ImportJob.State.COMPLETED, 4, 4)
    assert sorted(CatalogueItemPage.objects.values_list("title", flat=True)) == sorted(
        f"第{n}号通知" for n in range(1, 5))
