"""The administrators' dashboard notice of the background queue (core/task_queue.py)."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "pw")


def _queue():
    from django_tasks_db.models import DBTaskResult

    from tests.core.worker_tasks import blocking_task

    result = blocking_task.enqueue("/nonexistent")
    row = DBTaskResult.objects.get(pk=result.id)
    return row


@override_settings(TASKS=DB_QUEUE)
def test_no_notice_while_the_queue_keeps_up(client, admin, db):
    _queue()
    client.force_login(admin)
    assert "data-task-queue" not in client.get("/admin/").content.decode()


@override_settings(TASKS=DB_QUEUE, GOVINFO_TASK_LAG_WARNING=60)
def test_lag_stale_and_failed_tasks_are_shown_to_administrators_only(
        client, admin, django_user_model, db):
    from django_tasks_db.models import DBTaskResult

    waiting = _queue()
    DBTaskResult.objects.filter(pk=waiting.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=10))
    stale = _queue()
    DBTaskResult.objects.filter(pk=stale.pk).update(
        status="RUNNING", started_at=timezone.now() - timedelta(hours=1))
    failed = _queue()
    DBTaskResult.objects.filter(pk=failed.pk).update(
        status="FAILED", finished_at=timezone.now(),
        exception_class_path="builtins.RuntimeError")

    client.force_login(admin)
    html = client.get("/admin/").content.decode()
    assert 'data-waiting="1"' in html and 'data-stale="1"' in html and 'data-failed="1"' in html
    assert "后台任务" in html or "Background tasks" in html
    assert "builtins.RuntimeError" in html and "govinfo_tasks_recover" in html

    editor = django_user_model.objects.create_user("ed", "ed@example.org", "pw", is_staff=True)
    from django.contrib.auth.models import Permission
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    assert "data-task-queue" not in client.get("/admin/").content.decode()


@override_settings(TASKS=DB_QUEUE)
def test_recover_puts_back_only_tasks_older_than_the_limit(db):
    from django_tasks_db.models import DBTaskResult

    from govinfo_wagtail.core.task_queue import queue_state, requeue_stale

    old, recent = _queue(), _queue()
    DBTaskResult.objects.filter(pk=old.pk).update(
        status="RUNNING", started_at=timezone.now() - timedelta(hours=1))
    DBTaskResult.objects.filter(pk=recent.pk).update(status="RUNNING", started_at=timezone.now())
    assert queue_state().stale == 1
    assert requeue_stale() == 1
    assert DBTaskResult.objects.get(pk=old.pk).status == "READY"
    assert DBTaskResult.objects.get(pk=recent.pk).status == "RUNNING"


def test_nothing_to_show_with_the_immediate_backend(db):
    from govinfo_wagtail.core.task_queue import queue_state, requeue_stale

    assert queue_state() is None and requeue_stale() == 0
