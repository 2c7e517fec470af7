"""The background task queue as administrators and load balancers see it.

The package's background work (search index updates, report PDFs) goes through django-tasks.
In production the queue is django-tasks-db's table, run by ``manage.py db_worker`` processes
(docs/deployment.md). This module reads that table — how long the oldest waiting task has
waited, what failed — and puts back tasks that a dead worker left marked as running:
django-tasks-db never retries those by itself (a worker killed with SIGKILL, an OOM kill, a
machine that lost power leaves its task ``RUNNING`` for ever).

Everything here is a no-op returning ``None`` when the default task backend is not
django-tasks-db's (the immediate backend of development and tests): nothing waits then.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta

from django.utils import timezone

from ..conf import govinfo_settings


def database_queue():
    """The DBTaskResult model when the default task backend is django-tasks-db's, else None."""
    try:
        from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # django-tasks-db not installed
        return None
    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return None
    return DBTaskResult


@dataclass
class QueueState:
    waiting: int  # ready to run now
    oldest_wait_seconds: float  # how long the oldest of them has waited (0 when none)
    running: int
    stale: int  # running for longer than GOVINFO_TASK_STALE_AFTER: a dead worker's
    failed: int  # failed in the last GOVINFO_TASK_FAILED_WINDOW_DAYS days
    lagging: bool  # oldest_wait_seconds above GOVINFO_TASK_LAG_WARNING

    def as_dict(self) -> dict:
        return asdict(self)


def queue_state() -> QueueState | None:
    model = database_queue()
    if model is None:
        return None
    from django.db.models import Min

    now = timezone.now()
    ready = model.objects.ready().filter(backend_name="default")
    waiting = ready.count()
    oldest = ready.aggregate(oldest=Min("enqueued_at"))["oldest"]
    wait = max((now - oldest).total_seconds(), 0.0) if oldest else 0.0
    running = model.objects.running().filter(backend_name="default")
    stale_before = now - timedelta(seconds=govinfo_settings.TASK_STALE_AFTER)
    failed_since = now - timedelta(days=govinfo_settings.TASK_FAILED_WINDOW_DAYS)
    return QueueState(
        waiting=waiting,
        oldest_wait_seconds=round(wait, 1),
        running=running.count(),
        stale=running.filter(started_at__lt=stale_before).count(),
        failed=model.objects.failed().filter(backend_name="default",
                                             finished_at__gte=failed_since).count(),
        lagging=wait > govinfo_settings.TASK_LAG_WARNING,
    )


def recent_failures(limit: int = 10) -> list:
    model = database_queue()
    if model is None:
        return []
    since = timezone.now() - timedelta(days=govinfo_settings.TASK_FAILED_WINDOW_DAYS)
    return list(model.objects.failed().filter(backend_name="default", finished_at__gte=since)
                .order_by("-finished_at")[:limit])


def requeue_stale(older_than: float | None = None) -> int:
    """Put tasks marked running for longer than ``older_than`` seconds (default
    GOVINFO_TASK_STALE_AFTER) back in the queue; returns how many.

    The package's tasks are safe to run twice (an index update rewrites the page's rows, a PDF
    replaces the previous file), so a task that was in fact still running only costs its work
    again. Set GOVINFO_TASK_STALE_AFTER above the longest task a worker runs.
    """
    model = database_queue()
    if model is None:
        return 0
    seconds = govinfo_settings.TASK_STALE_AFTER if older_than is None else older_than
    before = timezone.now() - timedelta(seconds=seconds)
    from django_tasks_db.compat import TaskResultStatus

    return (model.objects.running().filter(backend_name="default", started_at__lt=before)
            .update(status=TaskResultStatus.READY, started_at=None))
