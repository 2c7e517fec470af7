"""Background tasks through a real worker: django-tasks-db's queue and ``db_worker`` processes.

Every step runs in a process of its own (tests/core/worker_steps.py) against a database
that those processes share: on SQLite a migrated file made for the test (the test
database is in memory, which no other process can see), on PostgreSQL and MariaDB the
test database itself, used by a transactional test.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

REPO = Path(__file__).resolve().parents[2]
DEAD_PORT = "http://127.0.0.1:9"  # discard port: nothing listens, connections are refused

# Transactional: on PostgreSQL and MariaDB the worker processes see what the test commits.
pytestmark = [pytest.mark.slow,
              pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory):
    if connection.vendor != "sqlite":
        return None
    path = tmp_path_factory.mktemp("worker") / "template.sqlite3"
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v0"], check=True, cwd=REPO,
                   env=_env(str(path)), timeout=300)
    return path


def _env(database: str, cluster: str | None = None) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings_worker",
           "PYTHONPATH": str(REPO), "GOVINFO_WORKER_DATABASE": database}
    env.pop("GOVINFO_TEST_DATABASE_NAME", None)
    if cluster:
        env["GOVINFO_WORKER_SEARCH_CLUSTER"] = cluster
    return env


class Worker:
    """The shared database and the commands the test runs against it."""

    def __init__(self, database: str):
        self.database = database
        self.cluster: str | None = None

    def env(self):
        return _env(self.database, self.cluster)

    def step(self, name: str, *args: str) -> dict:
        done = subprocess.run([sys.executable, "-m", "tests.core.worker_steps", name, *args],
                              cwd=REPO, env=self.env(), capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "django", *args], cwd=REPO, env=self.env(),
                              capture_output=True, text=True, timeout=300)

    def start(self) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "django", "db_worker", "--interval", "0.2",
             "--no-startup-delay", "--no-reload"],
            cwd=REPO, env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)

    def run_batch(self) -> str:
        """A worker that runs every waiting task, then exits."""
        done = self.manage("db_worker", "--batch", "--no-startup-delay", "--no-reload")
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout


@pytest.fixture
def worker(migrated_sqlite, tmp_path):
    if migrated_sqlite is not None:
        path = tmp_path / "worker.sqlite3"
        shutil.copy(migrated_sqlite, path)
        return Worker(str(path))
    return Worker(connection.settings_dict["NAME"])


def test_index_updates_and_report_pdfs_wait_for_the_worker_and_run_in_it(worker):
    item = worker.step("setup")["item"]
    before = worker.step("state")
    # Released, but nothing ran in the releasing process: the work waits in the queue.
    assert before["indexed"] == [] and before["pdfs"]
    assert {status for _, status in before["tasks"]} == {"READY"}
    assert {name for name, _ in before["tasks"]} >= {"update_page_index_task",
                                                     "generate_report_pdf"}
    assert all(status == "pending" for _, status, _ in before["pdfs"])
    assert worker.step("queue")["waiting"] == len(before["tasks"])

    worker.run_batch()
    after = worker.step("state")
    assert {status for _, status in after["tasks"]} == {"SUCCESSFUL"}
    assert item in after["indexed"]
    assert len(after["pdfs"]) == 2
    assert all(status == "ready" and exists for _, status, exists in after["pdfs"])
    assert worker.step("queue")["waiting"] == 0


def _wait_for(predicate, timeout=60.0, what=""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_worker_killed_mid_task_leaves_it_for_recovery_and_another_worker(worker, tmp_path):
    folder = tmp_path / "blocking"
    folder.mkdir()
    worker.step("enqueue_blocking", str(folder))
    first = worker.start()
    try:
        _wait_for(lambda: (folder / "started-1").exists(), what="the task to start")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    (folder / "go").write_text("")
    assert not (folder / "done").exists()
    assert worker.step("state")["tasks"] == [["blocking_task", "RUNNING"]]

    # django-tasks-db never retries it by itself: a new worker leaves it alone.
    out = worker.run_batch()
    assert worker.step("state")["tasks"] == [["blocking_task", "RUNNING"]], out
    # The dashboard and the health endpoint see it once it is older than the limit.
    assert worker.step("queue")["stale"] == 0  # 600 s by default
    recover = worker.manage("govinfo_tasks_recover", "--older-than", "600")
    assert recover.returncode == 0 and worker.step("state")["tasks"][0][1] == "RUNNING"

    recover = worker.manage("govinfo_tasks_recover", "--older-than", "0")
    assert recover.returncode == 0, recover.stderr
    assert "1" in recover.stdout
    assert worker.step("state")["tasks"] == [["blocking_task", "READY"]]
    worker.run_batch()
    assert worker.step("state")["tasks"] == [["blocking_task", "SUCCESSFUL"]]
    assert (folder / "done").read_text() == "2"  # the second run finished it


def test_with_the_search_server_unreachable_updates_are_recorded_and_rerun(worker):
    worker.cluster = DEAD_PORT
    item = worker.step("setup")["item"]
    worker.run_batch()
    state = worker.step("state")
    # The release and the database index went through; the cluster's update is recorded.
    assert {status for _, status in state["tasks"]} == {"SUCCESSFUL"}
    assert item in state["indexed"]
    failures = {page: (backend, attempts) for page, backend, attempts in state["failures"]}
    backend, attempts = failures[item]  # one attempt per index update the release queued
    assert backend == "govinfo_cluster" and attempts >= 1

    # Still down: the retry keeps the record (and says so with its exit status).
    retry = worker.manage("govinfo_search_retry")
    assert retry.returncode == 1
    failures = {page: attempts for page, _, attempts in worker.step("state")["failures"]}
    assert failures[item] == attempts + 1

    server = os.environ.get("GOVINFO_TEST_SEARCH_URL")
    if not server:
        pytest.skip("GOVINFO_TEST_SEARCH_URL is not set: the re-run against a server that "
                    "came back needs a real Elasticsearch/OpenSearch (none is faked)")
    worker.cluster = server
    retry = worker.manage("govinfo_search_retry")
    assert retry.returncode == 0, retry.stdout + retry.stderr
    assert worker.step("state")["failures"] == []
