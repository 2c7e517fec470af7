"""The rows a check passed are written from its spool, not from the file read a second time;
a file changed between the check and the write is refused; the spool never outlives the run."""

import io
import os
import stat
import tempfile

import pytest
from django.core.management import call_command

from govinfo_wagtail.catalogue.importing import jobs
from govinfo_wagtail.catalogue.importing.writing import BatchWriter
from govinfo_wagtail.catalogue.models import CatalogueItemPage, ImportJob

from .test_import_jobs import rows, start, write

REASON = "迁移旧系统已公开信息"


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "x")


@pytest.fixture
def spool_dir(tmp_path, monkeypatch):
    """Where this test's spools go (the temporary directory of the process, for the test)."""
    path = tmp_path / "tmp"
    path.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(path))
    return path


def test_the_write_reads_the_spool_not_the_file(tmp_path, spool_dir, catalogue, agency, admin,
                                                monkeypatch):
    path = write(tmp_path / "legacy.csv", rows(agency, 5))
    run = start(path, catalogue)
    spooled = run.spool.path
    modes = []

    def read_again(*args, **kwargs):
        raise AssertionError("the file was read a second time")

    monkeypatch.setattr(jobs, "read_table", read_again)
    job = jobs.run_job(path, path.name, run, user=admin, reason=REASON, batch_rows=2,
                       after_batch=lambda job: modes.append(
                           (stat.S_IMODE(os.stat(os.path.dirname(spooled)).st_mode),
                            stat.S_IMODE(os.stat(spooled).st_mode))))
    assert (job.state, job.created) == (ImportJob.State.COMPLETED, 5)
    assert sorted(CatalogueItemPage.objects.child_of(catalogue).values_list("title", flat=True)) \
        == sorted(f"第{i}号通知" for i in range(1, 6))
    assert modes[0] == (0o700, 0o600)  # private to this user while it exists
    assert not os.path.exists(spooled) and not os.listdir(spool_dir)


def test_a_file_changed_after_the_check_is_not_imported(tmp_path, spool_dir, catalogue, agency,
                                                        admin):
    path = write(tmp_path / "legacy.csv", rows(agency, 3))
    run = start(path, catalogue)
    table = rows(agency, 3)
    table[1][1] = "从未检查过的标题"
    write(path, table)  # replaced on disk between the check and the write
    with pytest.raises(jobs.FileChanged):
        jobs.run_job(path, path.name, run, user=admin, reason=REASON)
    assert not ImportJob.objects.exists()
    assert not CatalogueItemPage.objects.exists()
    assert not os.listdir(spool_dir)


def test_the_spool_is_removed_when_the_job_fails_and_the_resumed_job_completes(
        tmp_path, spool_dir, catalogue, agency, admin, monkeypatch):
    path = write(tmp_path / "legacy.csv", rows(agency, 5))
    write_batch = BatchWriter.write
    calls = []

    def fail_second_batch(self, batch):
        calls.append(batch[0].row)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return write_batch(self, batch)

    monkeypatch.setattr(BatchWriter, "write", fail_second_batch)
    with pytest.raises(RuntimeError):
        jobs.run_job(path, path.name, start(path, catalogue), user=admin, reason=REASON,
                     batch_rows=2)
    assert not os.listdir(spool_dir)
    job = ImportJob.objects.get()
    assert (job.state, job.next_row) == (ImportJob.State.INTERRUPTED, 4)

    monkeypatch.setattr(BatchWriter, "write", write_batch)
    again = start(path, catalogue)
    assert again.resumed
    job = jobs.run_job(path, path.name, again, user=admin, reason=REASON, batch_rows=2)
    assert (job.state, job.created) == (ImportJob.State.COMPLETED, 5)
    assert CatalogueItemPage.objects.child_of(catalogue).count() == 5  # rows 2-3 not twice
    assert not os.listdir(spool_dir)


def test_a_dry_run_and_a_file_with_errors_leave_no_spool(tmp_path, spool_dir, catalogue, agency):
    path = write(tmp_path / "legacy.csv", rows(agency, 2))
    call_command("govinfo_import", str(path), "--dry-run", "--no-progress", stdout=io.StringIO())
    assert not os.listdir(spool_dir)
    bad = rows(agency, 2)
    bad[0][2] = "不存在的机构"
    write(path, bad)
    run = jobs.check_file(path, path.name, parent=catalogue)
    assert not run.validation.ok and run.spool is None
    assert not os.listdir(spool_dir)


def test_the_command_says_the_file_changed_and_offers_no_resume(tmp_path, spool_dir, catalogue,
                                                               agency, admin, monkeypatch):
    from django.core.management.base import CommandError
    from django.utils import translation

    path = write(tmp_path / "legacy.csv", rows(agency, 3))
    check_file = jobs.check_file

    def check_then_replace(*args, **kwargs):
        run = check_file(*args, **kwargs)
        table = rows(agency, 3)
        table[1][1] = "从未检查过的标题"
        write(path, table)
        return run

    monkeypatch.setattr(jobs, "check_file", check_then_replace)
    with translation.override("zh-hans"), pytest.raises(CommandError) as raised:
        call_command("govinfo_import", str(path), "--no-progress", stdout=io.StringIO())
    message = str(raised.value)
    assert "已被更改" in message, message
    assert "--rollback" not in message and not ImportJob.objects.exists()
    assert not CatalogueItemPage.objects.exists()
