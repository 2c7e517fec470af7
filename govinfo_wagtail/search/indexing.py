"""Search index updates for disclosure pages, run after the release transaction commits.

Wagtail's own signal handlers update the index inside the saving transaction; with the
PostgreSQL database backend every update also rewrites the title norms of the whole index,
so concurrent releases deadlock there. Disclosure pages opt out of them
(``search_auto_update = False``) and are indexed here once the transaction has committed,
through the same django-tasks task Wagtail uses (a real queue in production).
"""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from modelsearch import index
from modelsearch.tasks import insert_or_update_object_task


def _enqueue_update(instance, **kwargs):
    if kwargs.get("raw"):
        return
    transaction.on_commit(
        partial(
            insert_or_update_object_task.enqueue,
            instance._meta.app_label,
            instance._meta.model_name,
            str(instance.pk),
        )
    )


def _remove(instance, **kwargs):
    index.remove_object(instance)


def connect_disclosure_indexing():
    from django.apps import apps

    from ..core.models import DisclosurePage

    for model in apps.get_models():
        if issubclass(model, DisclosurePage):
            post_save.connect(_enqueue_update, sender=model, dispatch_uid=f"govinfo-{model}")
            post_delete.connect(_remove, sender=model, dispatch_uid=f"govinfo-del-{model}")
