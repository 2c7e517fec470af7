"""Search server down: releases still go through, every failed index update is recorded and
re-run by ``govinfo_search_retry``; the public search answers 503 when its index is gone."""

from contextlib import contextmanager
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.search.indexing import PUBLIC_INDEX, retry_failures
from govinfo_wagtail.search.models import IndexFailure, SearchDocument
from tests.search.factories import item


def _free_port() -> int:
    import socket

    with socket.socket() as s:  # bound and closed: nothing listens there afterwards
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


DATABASE_BACKEND = {"BACKEND": "govinfo_wagtail.search.backends.database"}


def dead_search_server():
    return {
        "BACKEND": "govinfo_wagtail.search.backends.elasticsearch8",
        "URLS": [f"http://127.0.0.1:{_free_port()}"],
        "TIMEOUT": 2,
        "OPTIONS": {"max_retries": 0, "retry_on_timeout": False},
    }


def test_release_goes_through_and_failure_is_recorded(catalogue, agency, capsys):
    with override_settings(WAGTAILSEARCH_BACKENDS={"default": DATABASE_BACKEND,
                                                   "cluster": dead_search_server()}):
        page = item(catalogue, "关于开展森林防火检查的通知", agency=agency,
                    body="<p>清明前后森林防火。</p>", published=date(2024, 3, 1))
        assert CatalogueItemPage.objects.get(pk=page.pk).live  # the release was not undone
        assert SearchDocument.objects.filter(page_id=page.pk).exists()  # public index updated
        failure = IndexFailure.objects.get(page_id=page.pk)
        assert failure.backend == "cluster" and failure.attempts >= 1  # one per save
        assert "Connection" in failure.error or "connect" in failure.error.lower()
        assert not IndexFailure.objects.filter(backend=PUBLIC_INDEX).exists()

        # Still down: the command keeps the record, counts the attempt and exits non-zero.
        with pytest.raises(SystemExit) as exit_info:
            call_command("govinfo_search_retry")
        assert exit_info.value.code == 1
        assert IndexFailure.objects.get(page_id=page.pk).attempts == failure.attempts + 1

    # The cluster is back (here: a working backend under the same name): the re-run indexes
    # the page there and clears the record.
    with override_settings(WAGTAILSEARCH_BACKENDS={"default": DATABASE_BACKEND,
                                                   "cluster": DATABASE_BACKEND}):
        call_command("govinfo_search_retry")
        assert not IndexFailure.objects.exists()
        from modelsearch.backends import get_search_backend

        found = get_search_backend("cluster").search("森林防火", CatalogueItemPage)
        assert [p.pk for p in found] == [page.pk]
    assert "1" in capsys.readouterr().out


def test_delete_failure_is_recorded_and_retried(catalogue, agency):
    with override_settings(WAGTAILSEARCH_BACKENDS={"default": DATABASE_BACKEND,
                                                   "cluster": dead_search_server()}):
        page = item(catalogue, "待删除的公告", agency=agency)
        IndexFailure.objects.all().delete()
        page_id = page.pk
        page.delete()
        failure = IndexFailure.objects.get(page_id=page_id)
        assert failure.operation == "delete" and failure.backend == "cluster"
        assert not SearchDocument.objects.filter(page_id=page_id).exists()
    with override_settings(WAGTAILSEARCH_BACKENDS={"default": DATABASE_BACKEND,
                                                   "cluster": DATABASE_BACKEND}):
        assert retry_failures() == (1, 0)
        assert not IndexFailure.objects.exists()


@contextmanager
def public_index_broken():
    """Take the vendor full-text index away, as when its storage fails."""
    vendor = connection.vendor
    broken, fixed = {
        "sqlite": ("ALTER TABLE govinfo_search_fts RENAME TO govinfo_search_fts_away",
                   "ALTER TABLE govinfo_search_fts_away RENAME TO govinfo_search_fts"),
        "postgresql": ("ALTER TABLE govinfo_search_searchdocument RENAME COLUMN tsv TO tsv_away",
                       "ALTER TABLE govinfo_search_searchdocument RENAME COLUMN tsv_away TO tsv"),
        "mysql": ("RENAME TABLE govinfo_search_searchdocument TO govinfo_search_doc_away",
                  "RENAME TABLE govinfo_search_doc_away TO govinfo_search_searchdocument"),
    }[vendor]
    with connection.cursor() as cursor:
        cursor.execute(broken)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(fixed)


def test_public_search_says_unavailable_with_503(client, catalogue, agency):
    item(catalogue, "森林防火通告", agency=agency)
    with public_index_broken():
        response = client.get("/govinfo/search/", {"q": "森林防火"})
        assert response.status_code == 503
        assert response.context["unavailable"] is True
        assert b'data-status="unavailable"' in response.content
        api = client.get("/govinfo/api/search/", {"q": "森林防火"})
        assert api.status_code == 503 and api.json()["error"] == "search_unavailable"
    assert client.get("/govinfo/search/", {"q": "森林防火"}).context["results"].count == 1


def test_rebuild_command_restores_the_public_index(catalogue, agency, capsys):
    page = item(catalogue, "河长制工作方案", agency=agency)
    SearchDocument.objects.all().delete()
    call_command("govinfo_search_rebuild")
    assert list(SearchDocument.objects.values_list("page_id", flat=True)) == [page.pk]
