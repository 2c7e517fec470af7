"""Health endpoint for load balancers: ``GET /govinfo/health/`` (JSON, 200 or 503).

It checks what the site needs to serve and to keep the public view current: the database,
the cache backend, the background task queue (lag and tasks a dead worker left), and the
search backends. It says only which check failed and the exception's class: no host names,
no settings, no counts of people or content, no personal data. It is never cached.
"""

from __future__ import annotations

import time
import uuid

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        detail = check() or {}
    except Exception as exc:  # noqa: BLE001 - a failed check is the answer, never a 500
        detail = {"ok": False, "error": type(exc).__name__}
    detail.setdefault("ok", True)
    detail["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return detail


def check_database():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    from django.core.cache import cache

    key = f"govinfo-health-{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    found = cache.get(key)
    cache.delete(key)
    return {"ok": found == "1"}


def check_tasks():
    from .core.task_queue import queue_state

    state = queue_state()
    if state is None:  # tasks run in the web process (immediate backend): nothing waits
        return {"queue": False}
    return {"ok": not state.lagging and not state.stale, "queue": True,
            "waiting": state.waiting, "lag_seconds": state.oldest_wait_seconds,
            "stale": state.stale}


def check_search():
    from modelsearch.backends import get_search_backends_with_name

    from .search import cluster

    backends = {}
    if cluster.enabled():
        client = cluster.client()
        client._call(client.client.cluster.health)
        backends["cluster"] = True
    for name, backend in get_search_backends_with_name():
        es = getattr(backend, "es", None) or getattr(backend, "client", None)
        if es is not None and hasattr(es, "ping"):  # Elasticsearch/OpenSearch backends
            backends[name] = bool(es.ping())
    return {"ok": all(backends.values()), "backends": sorted(backends)}


CHECKS = {"database": check_database, "cache": check_cache, "tasks": check_tasks,
          "search": check_search}


@never_cache
@require_GET
def health(request):
    checks = {name: _timed(check) for name, check in CHECKS.items()}
    ok = all(c["ok"] for c in checks.values())
    return JsonResponse({"status": "ok" if ok else "fail", "checks": checks},
                        status=200 if ok else 503)
