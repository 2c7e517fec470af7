"""The load balancers' health endpoint: /govinfo/health/ (govinfo_wagtail/health.py).

Anyone gets only ``{"status": "ok"|"fail"}`` from cheap checks (database and cache), kept a
few seconds per process; the checks with their timings, the task queue and the search
backends only a request with the configured token or from a configured address."""

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from govinfo_wagtail import health

URL = "/govinfo/health/"
TOKEN = "health-token-for-the-tests-5b7e"
DETAILS = {"HTTP_X_GOVINFO_HEALTH_TOKEN": TOKEN}
DEAD = {"CLIENT": "elasticsearch", "URLS": ["http://127.0.0.1:9"], "INDEX": "govinfo_health",
        "OPTIONS": {"request_timeout": 2}}
DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
BROKEN_CACHE = {"default": {
    # A real backend that cannot write: its folder cannot be created under /proc.
    "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
    "LOCATION": "/proc/govinfo-no-such-cache"}}


@pytest.fixture(autouse=True)
def fresh(settings):
    settings.GOVINFO_HEALTH_TOKEN = TOKEN
    health.forget()
    yield
    health.forget()


def never_cached(response) -> bool:
    return "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_public_answer_is_the_status_alone(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert never_cached(response)
    assert response.json() == {"status": "ok"}


def test_the_public_answer_is_cheap_and_kept_a_few_seconds(client, db,
                                                           django_assert_num_queries):
    with django_assert_num_queries(1):  # SELECT 1 (the cache of the tests is in memory)
        assert client.get(URL).status_code == 200
    with django_assert_num_queries(0):
        for _ in range(20):
            assert client.get(URL).json() == {"status": "ok"}


@override_settings(GOVINFO_SEARCH_CLUSTER=DEAD)
def test_the_public_answer_does_not_call_the_search_cluster(client, db):
    # The cluster is the same for every web machine: it never takes one out of rotation.
    assert client.get(URL).json() == {"status": "ok"}
    response = client.get(URL, **DETAILS)
    assert response.status_code == 503
    assert response.json()["checks"]["search"]["ok"] is False


@override_settings(CACHES=BROKEN_CACHE)
def test_a_cache_that_cannot_store_fails_the_public_answer_without_saying_why(client, db):
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"status": "fail"}
    response = client.get(URL, **DETAILS)
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False


def test_the_token_gets_the_checks_and_nothing_secret(client, db, settings):
    response = client.get(URL, **DETAILS)
    assert response.status_code == 200 and never_cached(response)
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "tasks", "search"}
    text = response.content.decode()
    for secret in (settings.SECRET_KEY, str(settings.DATABASES["default"]["NAME"]),
                   "127.0.0.1", "password", TOKEN):
        assert secret not in text


@pytest.mark.parametrize("header", [None, "", "wrong", TOKEN[:-1], TOKEN + "x"])
def test_without_the_right_token_the_public_answer(client, db, header):
    extra = {} if header is None else {"HTTP_X_GOVINFO_HEALTH_TOKEN": header}
    assert client.get(URL, **extra).json() == {"status": "ok"}


@override_settings(GOVINFO_HEALTH_TOKEN=None)
def test_no_token_configured_means_no_token_opens_the_details(client, db):
    for header in ("", "None", TOKEN):
        assert client.get(URL, HTTP_X_GOVINFO_HEALTH_TOKEN=header).json() == {"status": "ok"}


@override_settings(GOVINFO_HEALTH_ALLOWED=["10.0.0.0/8"], GOVINFO_TRUSTED_PROXIES=["127.0.0.1"])
def test_allowed_addresses_get_the_checks_and_cannot_be_spoofed(db):
    def body(remote, forwarded=None):
        extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
        return Client(REMOTE_ADDR=remote, **extra).get(URL).json()

    assert "checks" in body("10.1.2.3")                    # the monitoring host, direct
    assert "checks" in body("127.0.0.1", "10.1.2.3")       # through nginx and Varnish
    assert body("203.0.113.5") == {"status": "ok"}
    # A visitor who writes an allowed address into X-Forwarded-For: nginx appends theirs.
    assert body("127.0.0.1", "10.1.2.3, 203.0.113.5") == {"status": "ok"}
    # A client that is not a proxy is taken at its own address.
    assert body("203.0.113.5", "10.1.2.3") == {"status": "ok"}


@override_settings(TASKS=DB_QUEUE, GOVINFO_TASK_LAG_WARNING=60)
def test_a_lagging_task_queue_is_503_in_the_details(client, db):
    from django_tasks_db.models import DBTaskResult

    from tests.core.worker_tasks import blocking_task

    assert client.get(URL, **DETAILS).status_code == 200
    result = blocking_task.enqueue("/nonexistent")
    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - timedelta(minutes=5))
    response = client.get(URL, **DETAILS)
    assert response.status_code == 503
    assert response.json()["checks"]["tasks"]["ok"] is False
    assert response.json()["checks"]["tasks"]["waiting"] == 1
    assert client.get(URL).json() == {"status": "ok"}  # the machine itself can serve


def test_a_proxy_address_allowed_without_trusted_proxies_is_reported():
    from django.core import checks

    def ids(**settings):
        with override_settings(**settings):
            return [message.id for message in checks.run_checks()]

    assert "govinfo_core.W003" in ids(GOVINFO_HEALTH_ALLOWED=["127.0.0.1"])
    assert "govinfo_core.W003" not in ids(GOVINFO_HEALTH_ALLOWED=["127.0.0.1"],
                                          GOVINFO_TRUSTED_PROXIES=["127.0.0.1"])
    assert "govinfo_core.E002" in ids(GOVINFO_HEALTH_ALLOWED=["monitoring"])
