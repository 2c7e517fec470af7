"""The load balancers' health endpoint: /govinfo/health/ (govinfo_wagtail/health.py)."""

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

URL = "/govinfo/health/"
DEAD = {"CLIENT": "elasticsearch", "URLS": ["http://127.0.0.1:9"], "INDEX": "govinfo_health",
        "OPTIONS": {"request_timeout": 2}}
DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_all_well_is_200_json_never_cached_and_says_nothing_secret(client, db, settings):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "tasks", "search"}
    text = response.content.decode()
    for secret in (settings.SECRET_KEY, str(settings.DATABASES["default"]["NAME"]),
                   "127.0.0.1", "password"):
        assert secret not in text


@override_settings(GOVINFO_SEARCH_CLUSTER=DEAD)
def test_an_unreachable_search_cluster_is_503_naming_only_the_check(client, db):
    response = client.get(URL)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["search"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert "127.0.0.1" not in response.content.decode()  # the error's class, not its text


@override_settings(TASKS=DB_QUEUE, GOVINFO_TASK_LAG_WARNING=60)
def test_a_lagging_task_queue_is_503(client, db):
    from django_tasks_db.models import DBTaskResult

    from tests.core.worker_tasks import blocking_task

    assert client.get(URL).status_code == 200
    result = blocking_task.enqueue("/nonexistent")
    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - timedelta(minutes=5))
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["checks"]["tasks"]["ok"] is False
    assert response.json()["checks"]["tasks"]["waiting"] == 1


@override_settings(CACHES={"default": {
    # A real backend that cannot write: its folder cannot be created under /proc.
    "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
    "LOCATION": "/proc/govinfo-no-such-cache"}})
def test_a_cache_that_cannot_store_is_503(client, db):
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False
