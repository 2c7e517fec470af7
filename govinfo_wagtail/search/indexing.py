"""Search index updates for disclosure pages, run after the release transaction commits.

Wagtail's own signal handlers update the index inside the saving transaction; with the
PostgreSQL database backend every update also rewrites the title norms of the whole index,
so concurrent releases deadlock there. Disclosure pages opt out of them
(``search_auto_update = False``) and are indexed here once the transaction has committed, by
a django-tasks task (immediate in tests, a real queue in production) that updates:

* the public index (``SearchDocument`` + the vendor full-text index),
* its copy on an Elasticsearch/OpenSearch cluster when ``GOVINFO_SEARCH_CLUSTER`` is set
  (``cluster.py``; ``IndexFailure.backend`` ``"govinfo_cluster"``), and
* every Wagtail search backend (admin search; Elasticsearch/OpenSearch when configured).

A failure never reaches the release: it is recorded as an ``IndexFailure`` and re-run by
``manage.py govinfo_search_retry``.
"""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django_tasks import task

from ..core.models import DisclosurePage
from ..core.signals import disclosure_pages_changed
from . import cluster
from .cluster import CLUSTER_INDEX  # IndexFailure.backend of the cluster's public index
from .documents import build_document, sync_search_document
from .records import IndexFailure, SearchDocument

logger = logging.getLogger(__name__)

PUBLIC_INDEX = "govinfo_public"  # IndexFailure.backend of the public SearchDocument index


def _model_label(instance) -> str:
    return f"{instance._meta.app_label}.{instance._meta.model_name}"


class _PendingUpdates:
    """The pages saved in the current transaction, each indexed once after it commits
    (Wagtail saves a new page several times; an import saves thousands)."""

    def __init__(self):
        self.page_ids: dict[int, None] = {}

    def flush(self) -> None:
        page_ids, self.page_ids = self.page_ids, {}
        for page_id in page_ids:
            enqueue_page_update(page_id)


def _enqueue_update(instance, **kwargs):
    if kwargs.get("raw"):
        return
    connection = transaction.get_connection()
    pending = getattr(connection, "_govinfo_pending_index", None)
    # A new batch when none is waiting for this transaction's commit (the last one ran, or
    # was discarded with a rolled-back savepoint).
    if pending is None or not any(
        callback[1] == pending.flush for callback in connection.run_on_commit
    ):
        pending = connection._govinfo_pending_index = _PendingUpdates()
        pending.page_ids[instance.pk] = None
        transaction.on_commit(pending.flush)
    else:
        pending.page_ids[instance.pk] = None


def enqueue_page_update(page_id: int) -> None:
    try:
        update_page_index_task.enqueue(page_id)
    except Exception as exc:  # the queue itself is down: keep a record to retry
        logger.exception("Could not enqueue the search index update of page %s", page_id)
        record_failure(page_id, PUBLIC_INDEX, exc)


def _remove(instance, **kwargs):
    # The SearchDocument row goes with the page (ON DELETE CASCADE); the backends after commit.
    transaction.on_commit(partial(remove_page_from_backends, instance.pk, _model_label(instance)))


def _restriction_changed(instance, **kwargs):
    """A view restriction added or removed: the pages below it enter or leave the index."""
    if kwargs.get("raw"):
        return
    try:
        page_ids = list(
            instance.page.get_descendants(inclusive=True).values_list("pk", flat=True)
        )
    except Exception:  # the page itself is being deleted: its row goes with it
        return

    def reindex():
        for page_id in page_ids:
            enqueue_page_update(page_id)

    transaction.on_commit(reindex)


@task()
def update_page_index_task(page_id: int) -> None:
    update_page_index(page_id)


def update_page_index(page_id: int) -> list[str]:
    """Bring every index up to date for one page; returns the names of backends that failed."""
    from django.db import DatabaseError
    from modelsearch.backends import get_search_backends_with_name
    from wagtail.models import Page

    failed = []
    try:
        sync_search_document(page_id)
    except DatabaseError as exc:
        failed.append(PUBLIC_INDEX)
        record_failure(page_id, PUBLIC_INDEX, exc)
    else:
        clear_failure(page_id, PUBLIC_INDEX)
        # The cluster copies the row just written (or its absence); when the row could not be
        # written, the PUBLIC_INDEX failure's re-run does both.
        if not _sync_cluster(page_id):
            failed.append(CLUSTER_INDEX)

    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        return failed
    page = page.specific
    for name, backend in get_search_backends_with_name(with_auto_update=True):
        try:
            backend.add(page)
        except Exception as exc:  # connection refused, timeout, mapping error, ...
            logger.exception("Search backend %r could not index page %s", name, page_id)
            failed.append(name)
            record_failure(page_id, name, exc, model_label=_model_label(page))
        else:
            clear_failure(page_id, name)
    return failed


def remove_page_from_backends(page_id: int, model_label: str) -> list[str]:
    from django.apps import apps
    from modelsearch.backends import get_search_backends_with_name

    model = apps.get_model(model_label)
    failed = []
    if not _sync_cluster(page_id, operation="delete", model_label=model_label):
        failed.append(CLUSTER_INDEX)
    for name, backend in get_search_backends_with_name(with_auto_update=True):
        try:
            backend.delete(model(pk=page_id))
        except Exception as exc:
            logger.exception("Search backend %r could not remove page %s", name, page_id)
            failed.append(name)
            record_failure(page_id, name, exc, operation="delete", model_label=model_label)
        else:
            clear_failure(page_id, name)
    return failed


def _sync_cluster(page_id: int, *, operation: str = "update", model_label: str = "") -> bool:
    """Bring the cluster's public index in step with the page's SearchDocument row (nothing
    to do without GOVINFO_SEARCH_CLUSTER); False, with the failure recorded, if it failed."""
    if not cluster.enabled():  # (a failure recorded before it was switched off clears on retry)
        return True
    try:
        if operation == "delete":
            cluster.remove_page(page_id)
        else:
            cluster.sync_page(page_id)
    except Exception as exc:  # connection refused, timeout, rejected document, ...
        logger.exception("The search cluster could not %s page %s", operation, page_id)
        record_failure(page_id, CLUSTER_INDEX, exc, operation=operation,
                       model_label=model_label)
        return False
    clear_failure(page_id, CLUSTER_INDEX)
    return True


def record_failure(
    page_id: int, backend: str, exc: BaseException, *, operation: str = "update",
    model_label: str = "",
) -> None:
    from django.db.models import F

    error = f"{type(exc).__name__}: {exc}"[:2000]
    try:
        updated = IndexFailure.objects.filter(page_id=page_id, backend=backend).update(
            attempts=F("attempts") + 1, error=error, operation=operation,
            model_label=model_label,
        )
        if not updated:
            IndexFailure.objects.create(
                page_id=page_id, backend=backend, error=error, operation=operation,
                model_label=model_label,
            )
    except Exception:  # the database is down too: the log line is all that is left
        logger.exception("Could not record the index failure of page %s", page_id)


def clear_failure(page_id: int, backend: str) -> None:
    IndexFailure.objects.filter(page_id=page_id, backend=backend).delete()


def retry_failures(limit: int | None = None) -> tuple[int, int]:
    """Re-run recorded failures; returns (succeeded, still failing)."""
    done = failing = 0
    failures = IndexFailure.objects.order_by("first_failed_at", "pk")
    for failure in failures[:limit] if limit else failures:
        if failure.operation == "delete":
            failed = remove_page_from_backends(failure.page_id, failure.model_label)
        else:
            failed = update_page_index(failure.page_id)
        if failure.backend in failed:
            failing += 1
        else:
            done += 1
            IndexFailure.objects.filter(pk=failure.pk).delete()
    return done, failing


def connect_disclosure_indexing():
    from django.apps import apps
    from wagtail.models import PageViewRestriction

    for model in apps.get_models():
        if issubclass(model, DisclosurePage):
            post_save.connect(_enqueue_update, sender=model, dispatch_uid=f"govinfo-{model}")
            post_delete.connect(_remove, sender=model, dispatch_uid=f"govinfo-del-{model}")
    disclosure_pages_changed.connect(_pages_changed, dispatch_uid="govinfo-pages-changed")
    post_save.connect(_restriction_changed, sender=PageViewRestriction,
                      dispatch_uid="govinfo-restriction-save")
    post_delete.connect(_restriction_changed, sender=PageViewRestriction,
                        dispatch_uid="govinfo-restriction-delete")


# --- many pages at once (bulk releases and import batches) ----------------------------------

# Pages per index task of a bulk change (a completed import, a batch release). Wagtail's
# PostgreSQL backend rescans its whole index for the title statistics after every add_bulk,
# so fewer, larger tasks cost less as the index grows (docs/migration.md); the pages of one
# task are held in memory together.
BULK_CHUNK = 2000


def _pages_changed(sender, page_ids, **kwargs):
    ids = list(page_ids)
    for start in range(0, len(ids), BULK_CHUNK):
        chunk = ids[start:start + BULK_CHUNK]
        try:
            update_pages_index_task.enqueue(chunk)
        except Exception as exc:  # the queue itself is down: keep a record to retry
            logger.exception("Could not enqueue the search index update of %d pages", len(chunk))
            for page_id in chunk:
                record_failure(page_id, PUBLIC_INDEX, exc)


@task()
def update_pages_index_task(page_ids: list[int]) -> None:
    update_pages_index(page_ids)


def update_pages_index(page_ids: list[int]) -> None:
    """:func:`update_page_index` for many pages, with one write per index for all of them:
    the public index's rows replaced in one delete and one insert, each Wagtail backend
    given the pages with ``add_bulk``. A failure is recorded per page, as there."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import DatabaseError
    from modelsearch.backends import get_search_backends_with_name
    from wagtail.models import Page

    ids = list(page_ids)
    released = set(DisclosurePage.objects.released().filter(pk__in=ids)
                   .values_list("pk", flat=True))
    public = set(Page.objects.filter(pk__in=released).public().values_list("pk", flat=True))
    by_type: dict[int, list[int]] = {}
    for pk, content_type_id in Page.objects.filter(pk__in=ids).values_list("pk",
                                                                           "content_type_id"):
        by_type.setdefault(content_type_id, []).append(pk)
    pages = {}
    for content_type_id, type_ids in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        pages.update(model.objects.select_related("agency", "topic").in_bulk(type_ids))
    try:
        with transaction.atomic():
            docs = [build_document(pages[pk]) for pk in ids if pk in public and pk in pages]
            SearchDocument.objects.filter(page_id__in=ids).delete()
            SearchDocument.objects.bulk_create(docs)
    except DatabaseError as exc:
        for pk in ids:
            record_failure(pk, PUBLIC_INDEX, exc)
    else:
        _clear_failures(ids, PUBLIC_INDEX)
        for pk in ids:
            _sync_cluster(pk)
    by_model: dict[type, list] = {}
    for page in pages.values():
        by_model.setdefault(type(page), []).append(page)
    for name, backend in get_search_backends_with_name(with_auto_update=True):
        for model, objs in by_model.items():
            try:
                backend.add_bulk(model, objs)
            except Exception as exc:
                logger.exception("Search backend %r could not index %d pages", name, len(objs))
                for page in objs:
                    record_failure(page.pk, name, exc, model_label=_model_label(page))
            else:
                _clear_failures([page.pk for page in objs], name)


def _clear_failures(page_ids: list[int], backend: str) -> None:
    IndexFailure.objects.filter(page_id__in=page_ids, backend=backend).delete()
