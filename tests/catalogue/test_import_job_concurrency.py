"""Two workers claim the same import job at the same moment, in two threads with their own
database connections: one runs it, the other finds it taken (a server database; SQLite has
a single writer)."""

import threading

import pytest
from django.db import connection

from govinfo_wagtail.catalogue.importing import background
from govinfo_wagtail.catalogue.importing.background import queue_job, run_queued_job
from govinfo_wagtail.catalogue.models import CatalogueItemPage, ImportJob
from tests.catalogue.test_admin_import_background import csv_bytes, rows
from tests.catalogue.test_import_job_security import importer, topic  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_workers_claiming_one_job_at_once_run_it_once(
        importer, catalogue, agency, topic, monkeypatch):  # noqa: F811 - the fixture
    if connection.vendor == "sqlite":
        pytest.skip("needs a server database (PostgreSQL or MariaDB) for concurrent claims")
    monkeypatch.setattr(background, "_enqueue", lambda job_id: None)  # the threads run it
    job = queue_job(csv_bytes(rows(agency, topic)), "items.csv", parent=catalogue,
                    user=importer, publish=True, reason="从旧系统迁移", total_rows=4)
    runs, errors = [], []
    run_job = background.run_job

    def counted(*args, **kwargs):
        runs.append(threading.get_ident())
        return run_job(*args, **kwargs)

    monkeypatch.setattr(background, "run_job", counted)
    start = threading.Barrier(2)

    def worker():
        try:
            start.wait()
            run_queued_job(job.pk)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors and len(runs) == 1
    job.refresh_from_db()
    assert (job.state, job.created) == (ImportJob.State.COMPLETED, 4)
    assert CatalogueItemPage.objects.released().count() == 4
