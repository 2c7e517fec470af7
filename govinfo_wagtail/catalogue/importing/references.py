"""Wagtail's reference index for pages written in bulk.

Wagtail keeps its reference index (what links to what: usage counts, "used by" listings,
delete warnings) up to date from a ``post_save`` handler that enqueues one background task
per saved object. Pages written in bulk are not saved one by one, so the import enqueues one
task per batch after its commit instead. Pages that already have rows in the index are
updated with Wagtail's public ``ReferenceIndex.create_or_update_for_object``, the call
Wagtail's own task makes (two queries a page); pages without any (those the import just
created) get the same rows from Wagtail's own extraction of an object's references, written
with one insert for the batch. A test compares these rows with what
``create_or_update_for_object`` writes for the same pages; should Wagtail's extraction change
its name, every page takes the public path. If a task is lost, Wagtail's
``rebuild_references_index`` command rebuilds the whole index.
"""

from __future__ import annotations

import logging

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django_tasks import task
from modelcluster.models import get_all_child_relations
from wagtail.models import Page, ReferenceIndex

logger = logging.getLogger(__name__)

CHUNK = 500


def update_references_on_commit(page_ids: list[int]) -> None:
    """After the current transaction commits, index the references of ``page_ids``."""
    ids = list(page_ids)
    if not ids:
        return

    def enqueue():
        for start in range(0, len(ids), CHUNK):
            update_references_task.enqueue(ids[start:start + CHUNK])

    # robust: the pages are written; a queue that is down only delays the index.
    transaction.on_commit(enqueue, robust=True)


@task()
def update_references_task(page_ids: list[int]) -> None:
    update_references(page_ids)


def update_references(page_ids: list[int]) -> None:
    by_type: dict[int, list[int]] = {}
    for pk, content_type_id in Page.objects.filter(pk__in=page_ids).values_list(
            "pk", "content_type_id"):
        by_type.setdefault(content_type_id, []).append(pk)
    base_type = ContentType.objects.get_for_model(Page)
    for content_type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None or not ReferenceIndex.is_indexed(model):
            continue
        indexed = set(ReferenceIndex.objects.filter(
            base_content_type=base_type, object_id__in=[str(i) for i in ids]
        ).values_list("object_id", flat=True).distinct())
        children = [rel.get_accessor_name() for rel in get_all_child_relations(model)]
        with transaction.atomic():
            new_rows = []
            for page in model.objects.filter(pk__in=ids).prefetch_related(*children):
                if str(page.pk) in indexed or not _can_extract():
                    ReferenceIndex.create_or_update_for_object(page)
                else:
                    new_rows += _rows_for_new_object(page)
            ReferenceIndex.objects.bulk_create(
                new_rows, batch_size=1000,
                ignore_conflicts=connection.features.supports_ignore_conflicts)


def _can_extract() -> bool:
    return hasattr(ReferenceIndex, "_extract_references_from_object") and hasattr(
        ReferenceIndex, "_get_content_path_hash")


def _rows_for_new_object(obj) -> list:
    """The rows ``create_or_update_for_object`` writes for an object with none yet."""
    content_types = [ContentType.objects.get_for_model(m, for_concrete_model=False)
                     for m in [obj, *obj._meta.get_parent_list()]]
    references = set(ReferenceIndex._extract_references_from_object(obj))
    return [
        ReferenceIndex(
            content_type=content_types[0], base_content_type=content_types[-1],
            object_id=obj.pk, to_content_type_id=to_content_type_id, to_object_id=to_object_id,
            model_path=model_path, content_path=content_path,
            content_path_hash=ReferenceIndex._get_content_path_hash(content_path))
        for to_content_type_id, to_object_id, model_path, content_path in references
    ]
