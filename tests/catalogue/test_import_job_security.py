"""Import jobs as a security boundary: a job runs once however often it is started, the
worker re-checks the starter's right for every job, and importers see only their own jobs."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group

from govinfo_wagtail.catalogue.importing import background, jobs
from govinfo_wagtail.catalogue.importing.background import queue_job, requeue_job, run_queued_job
from govinfo_wagtail.catalogue.models import CatalogueItemPage, ImportJob
from govinfo_wagtail.conf import govinfo_settings
from govinfo_wagtail.core.setup import run_setup
from tests.catalogue.test_admin_import_background import csv_bytes, rows
from tests.conftest import grant_permission

JOB_URL = "/admin/govinfo/catalogue/import/job/{}/"
IMPORT_URL = "/admin/govinfo/catalogue/import/"
TITLES = sorted(f"第{n}号通知" for n in range(1, 5))


@pytest.fixture
def topic(db):  # not the setup's own 政策文件, which would make the name ambiguous
    from govinfo_wagtail.core.models import Topic

    return Topic.objects.create(name="导入测试主题")


@pytest.fixture
def importer(django_user_model, catalogue):
    return make_importer(django_user_model, "siteadmin")


def make_importer(django_user_model, username):
    run_setup(log=lambda *_: None)
    user = django_user_model.objects.create_user(username, f"{username}@x.org", "pw")
    user.groups.add(Group.objects.get(name=govinfo_settings.ADMIN_GROUP))
    return user


def titles():
    return sorted(CatalogueItemPage.objects.values_list("title", flat=True))


def small_batches(monkeypatch, after_batch):
    run_job = background.run_job
    monkeypatch.setattr(background, "run_job", lambda *args, **kwargs: run_job(
        *args, **kwargs, batch_rows=2, after_batch=after_batch))


# -- 8: one job, one run -----------------------------------------------------------------

def test_a_job_started_again_while_it_runs_is_not_run_twice(
        importer, catalogue, agency, topic, monkeypatch):
    job = queue_job(csv_bytes(rows(agency, topic)), "items.csv", parent=catalogue,
                    user=importer, publish=True, reason="从旧系统迁移", total_rows=4)
    second = []

    def a_second_delivery_of_the_task(job):
        if not second:
            second.append(run_queued_job(job.pk))  # while the first run is between batches

    small_batches(monkeypatch, a_second_delivery_of_the_task)
    job = run_queued_job(job.pk)
    assert second, (job.state, job.error, job.report)
    assert second[0].state == ImportJob.State.RUNNING  # it found the job taken, ran nothing
    assert (job.state, job.created, job.rows_done) == (ImportJob.State.COMPLETED, 4, 4)
    assert titles() == TITLES and CatalogueItemPage.objects.released().count() == 4


def test_a_resume_posted_twice_queues_the_job_once(importer, catalogue, agency, topic,
                                                   monkeypatch,
                                                   django_capture_on_commit_callbacks):
    job = queue_job(csv_bytes(rows(agency, topic)), "items.csv", parent=catalogue,
                    user=importer, publish=False, total_rows=4)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.INTERRUPTED)
    job.state = ImportJob.State.INTERRUPTED
    enqueued = []
    monkeypatch.setattr(background, "_enqueue", enqueued.append)
    with django_capture_on_commit_callbacks(execute=True):
        requeue_job(job)  # both requests read the job as interrupted
        requeue_job(job)
    assert enqueued == [job.pk]


@pytest.mark.parametrize("left", [ImportJob.State.INTERRUPTED, ImportJob.State.RUNNING])
def test_two_commands_resuming_one_job_write_each_row_once(
        importer, catalogue, agency, topic, left):
    """Two ``govinfo_import FILE`` runs read the same unfinished job (interrupted, or left
    running by a killed process): the second stops without writing, the first finishes."""
    data = csv_bytes(rows(agency, topic))

    def killed(job):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        jobs.run_job(data, "items.csv", jobs.check_file(data, "items.csv", parent=catalogue),
                     user=importer, batch_rows=2, after_batch=killed)
    ImportJob.objects.update(state=left)
    first = jobs.check_file(data, "items.csv", parent=catalogue)
    stale = jobs.check_file(data, "items.csv", parent=catalogue)
    assert first.job.pk == stale.job.pk and first.job.next_row == stale.job.next_row
    taken = []

    def the_other_command(job):
        with pytest.raises(jobs.JobTaken) as exc:
            jobs.run_job(data, "items.csv", stale, user=importer, batch_rows=1)
        taken.append(exc.value)

    job = jobs.run_job(data, "items.csv", first, user=importer, batch_rows=1,
                       after_batch=lambda job: taken or the_other_command(job))
    assert taken and taken[0].code == "job_taken"
    assert (job.state, job.rows_done, job.created) == (ImportJob.State.COMPLETED, 4, 4)
    job.refresh_from_db()
    assert job.state == ImportJob.State.COMPLETED and not job.error
    assert titles() == TITLES


def test_a_rollback_while_the_job_runs_stops_it_and_leaves_nothing(
        importer, catalogue, agency, topic, monkeypatch):
    """``govinfo_import --rollback`` between two batches of a running job: the run writes no
    further batch and does not mark the job completed; everything it wrote is removed."""
    job = queue_job(csv_bytes(rows(agency, topic)), "items.csv", parent=catalogue,
                    user=importer, publish=True, reason="从旧系统迁移", total_rows=4)
    removed = []

    def the_rollback_command(job):
        if not removed:
            removed.append(jobs.rollback_job(ImportJob.objects.get(pk=job.pk)))

    small_batches(monkeypatch, the_rollback_command)
    job = run_queued_job(job.pk)
    assert removed == [2]  # the first batch
    assert job.state == ImportJob.State.ROLLED_BACK
    assert not CatalogueItemPage.objects.exists()


def test_a_rolled_back_queued_job_is_not_started_by_the_worker(
        importer, catalogue, agency, topic):
    job = queue_job(csv_bytes(rows(agency, topic)), "items.csv", parent=catalogue,
                    user=importer, publish=False, total_rows=4)
    assert jobs.rollback_job(job) == 0
    job = run_queued_job(job.pk)
    assert job.state == ImportJob.State.ROLLED_BACK
    assert not CatalogueItemPage.objects.exists()


def test_a_rollback_that_finds_the_job_moved_on_removes_nothing(
        importer, catalogue, agency, topic):
    """The rollback read the job, then the running import committed another batch (it held
    the job's row meanwhile): the rollback stops and says so; nothing is removed."""
    from django.core.management import CommandError, call_command

    data = csv_bytes(rows(agency, topic))

    def killed(job):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        jobs.run_job(data, "items.csv", jobs.check_file(data, "items.csv", parent=catalogue),
                     user=importer, batch_rows=2, after_batch=killed)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(next_row=job.next_row + 1)  # moved on
    with pytest.raises(jobs.JobTaken):
        jobs.rollback_job(job)
    assert len(titles()) == 2
    job.refresh_from_db()
    assert job.state == ImportJob.State.INTERRUPTED
    call_command("govinfo_import", "unused.csv", "--rollback", str(job.pk), stdout=StringIO())
    assert not CatalogueItemPage.objects.exists()
    with pytest.raises(CommandError) as exc:
        call_command("govinfo_import", "unused.csv", "--rollback", str(job.pk))
    assert "rolled back already" in str(exc.value) or "已" in str(exc.value)


def test_a_rollback_while_the_worker_validates_keeps_its_state(
        importer, catalogue, agency, topic, monkeypatch):
    """The worker holds the job (running) and is still checking it when a rollback claims
    it; the worker's refusal that follows does not relabel the rolled-back job."""
    job = queue_job(csv_bytes(rows(agency, topic)), "items.csv", parent=catalogue,
                    user=importer, publish=False, total_rows=4)

    def rolled_back_meanwhile(user):
        jobs.rollback_job(ImportJob.objects.get(pk=job.pk))
        return False  # and the right is gone: the worker stops

    monkeypatch.setattr(background, "can_import_published", rolled_back_meanwhile)
    job = run_queued_job(job.pk)
    assert job.state == ImportJob.State.ROLLED_BACK
    assert not CatalogueItemPage.objects.exists()


# -- 9: the right, re-checked for every job -----------------------------------------------

@pytest.mark.parametrize("publish", [False, True])
def test_a_queued_job_whose_user_lost_the_import_right_writes_nothing(
        importer, catalogue, agency, topic, publish):
    job = queue_job(csv_bytes(rows(agency, topic)), "items.csv", parent=catalogue,
                    user=importer, publish=publish, reason="从旧系统迁移", total_rows=4)
    importer.groups.clear()  # revoked after queueing
    job = run_queued_job(job.pk)
    assert job.state == ImportJob.State.INTERRUPTED and job.error
    assert not CatalogueItemPage.objects.exists()


def test_a_resumed_draft_job_whose_user_lost_the_right_writes_no_more(
        importer, catalogue, agency, topic, monkeypatch):
    job = queue_job(csv_bytes(rows(agency, topic)), "items.csv", parent=catalogue,
                    user=importer, publish=False, total_rows=4)

    def killed(job):
        raise RuntimeError("worker killed")

    small_batches(monkeypatch, killed)
    with pytest.raises(RuntimeError):
        run_queued_job(job.pk)
    assert CatalogueItemPage.objects.count() == 2
    importer.is_active = False
    importer.save()
    job = run_queued_job(job.pk)
    assert job.state == ImportJob.State.INTERRUPTED and job.error
    assert CatalogueItemPage.objects.count() == 2


# -- 10: whose jobs an importer sees -------------------------------------------------------

@pytest.fixture
def other_importer(django_user_model, importer):
    return make_importer(django_user_model, "otheradmin")


@pytest.fixture
def interrupted_job(importer, catalogue, agency, topic):
    job = queue_job(csv_bytes(rows(agency, topic)), "items.csv", parent=catalogue,
                    user=importer, publish=False, total_rows=4)
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.INTERRUPTED, report=["第3行：张三的身份证号码有误"])
    return job


def test_another_importer_cannot_see_or_resume_a_job(client, other_importer, interrupted_job,
                                                      django_capture_on_commit_callbacks):
    client.force_login(other_importer)
    url = JOB_URL.format(interrupted_job.pk)
    response = client.get(url)
    assert response.status_code == 404 and "张三" not in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 404
    interrupted_job.refresh_from_db()
    assert interrupted_job.state == ImportJob.State.INTERRUPTED
    assert not CatalogueItemPage.objects.exists()
    listing = client.get(IMPORT_URL)
    assert listing.status_code == 200 and url not in listing.content.decode()


def test_the_importer_and_those_who_oversee_imports_see_the_job(
        client, importer, other_importer, django_user_model, interrupted_job):
    url = JOB_URL.format(interrupted_job.pk)
    boss = django_user_model.objects.create_superuser("boss", "b@x.org", "pw")
    grant_permission(other_importer, "govinfo_catalogue.view_importjob")
    for user in (importer, boss, other_importer):
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200 and "张三" in page.content.decode(), user
        assert url in client.get(IMPORT_URL).content.decode(), user
