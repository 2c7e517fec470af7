"""Health endpoint for load balancers: ``GET /govinfo/health/`` (JSON, 200 or 503).

Anyone gets ``{"status": "ok"}`` or ``{"status": "fail"}`` and nothing else, from the cheap
checks of what this machine needs to serve (the database and the cache backend), run at most
once every ``GOVINFO_HEALTH_CACHE_SECONDS`` per process: a burst of requests costs one query.
A request with the header ``X-Govinfo-Health-Token: <GOVINFO_HEALTH_TOKEN>``, or from an
address in ``GOVINFO_HEALTH_ALLOWED`` (the visitor's address behind
``GOVINFO_TRUSTED_PROXIES``), gets every check run now, each with ``ok`` and its time: also
the background task queue (lag and tasks a dead worker left) and the search backends. Even
then it says only which check failed and the exception's class: no host names, no settings,
no counts of people or content, no personal data. It is never cached by a front cache.
"""

from __future__ import annotations

import hmac
import threading
import time
import uuid

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .conf import govinfo_settings
from .core.client_ip import client_ip, in_networks, networks, parse_address


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
# What a load balancer needs to know of this machine: the search cluster and the task queue
# are shared by every web machine, and would take them all out of rotation at once.
PUBLIC_CHECKS = ("database", "cache")
HEADER = "HTTP_X_GOVINFO_HEALTH_TOKEN"

_public_lock = threading.Lock()
_public = {"until": 0.0, "ok": True}


def forget() -> None:
    """Drop the kept public status (tests)."""
    with _public_lock:
        _public["until"] = 0.0


def public_ok() -> bool:
    with _public_lock:
        now = time.monotonic()
        if now >= _public["until"]:
            _public["ok"] = all(_timed(CHECKS[name])["ok"] for name in PUBLIC_CHECKS)
            _public["until"] = now + max(0, govinfo_settings.HEALTH_CACHE_SECONDS)
        return _public["ok"]


def may_see_details(request) -> bool:
    token = govinfo_settings.HEALTH_TOKEN
    sent = request.META.get(HEADER, "")
    if token and sent and hmac.compare_digest(sent.encode(), str(token).encode()):
        return True
    allowed = networks(govinfo_settings.HEALTH_ALLOWED)
    return bool(allowed) and in_networks(parse_address(client_ip(request)), allowed)


@never_cache
@require_GET
def health(request):
    if not may_see_details(request):
        ok = public_ok()
        return JsonResponse({"status": "ok" if ok else "fail"}, status=200 if ok else 503)
    checks = {name: _timed(check) for name, check in CHECKS.items()}
    ok = all(c["ok"] for c in checks.values())
    return JsonResponse({"status": "ok" if ok else "fail", "checks": checks},
                        status=200 if ok else 503)
