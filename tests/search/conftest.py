"""Search tests that query the index commit their data (transactional tests): InnoDB FULLTEXT
indexes rows only at commit, and disclosure pages are indexed from an on_commit hook, as in
production.

A transactional test ends with a flush, which drops what the migrations created (default
site, root page, locale, collections). Like ``serialized_rollback`` this puts it back, from a
snapshot that skips tables other apps may not have migrated yet.
"""

from pathlib import Path

import pytest

SEARCH_DIR = Path(__file__).resolve().parent
NEEDS_COMMIT = {"test_search_public.py", "test_relevance.py", "test_index_failures.py",
                "test_es_backends.py", "test_admin_search.py", "test_api.py",
                "test_broad_queries.py", "test_buried_relevance.py", "test_field_weights.py"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = Path(str(item.path)).resolve()
        if SEARCH_DIR not in path.parents:
            continue
        if path.name in NEEDS_COMMIT:
            item.add_marker(pytest.mark.django_db(transaction=True))
        # Every database test here, however it gets the database (a mark, or a fixture such
        # as `catalogue` that asks for `db`): pytest-django runs transactional tests of other
        # packages (browser tests, which flush) before some of these.
        uses_db = item.get_closest_marker("django_db") or {
            "db", "transactional_db"} & set(item.fixturenames)
        if uses_db:
            item.fixturenames.insert(0, "_migration_data")


def snapshot_migration_data() -> str:
    from django.apps import apps
    from django.core import serializers
    from django.db import connection

    tables = set(connection.introspection.table_names())
    app_list = [(c, None) for c in apps.get_app_configs() if c.models_module is not None]
    objects = []
    for model in serializers.sort_dependencies(app_list):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.db_table not in tables:
            continue
        objects.extend(model._base_manager.order_by(meta.pk.name))
    return serializers.serialize("json", objects)


def restore_migration_data(snapshot: str) -> None:
    """Put back what the migrations created, if a flush removed it."""
    from django.db import connection
    from wagtail.models import Site

    if not Site.objects.exists():
        from django.contrib.auth.models import Permission
        from django.contrib.contenttypes.models import ContentType

        # post_migrate re-created these after the flush, with other ids than the snapshot's
        Permission.objects.all().delete()
        ContentType.objects.all().delete()
        ContentType.objects.clear_cache()
        connection.creation.deserialize_db_from_string(snapshot)


@pytest.fixture(scope="package")
def _search_snapshot(django_db_setup, django_db_blocker):
    from tests.conftest import MIGRATION_DATA

    snapshot = MIGRATION_DATA["snapshot"]  # taken when the test database was created
    yield snapshot
    with django_db_blocker.unblock():
        restore_migration_data(snapshot)  # for transactional tests that run after these


@pytest.fixture
def _migration_data(_search_snapshot, django_db_blocker):
    with django_db_blocker.unblock():
        restore_migration_data(_search_snapshot)
    yield
    # Set up before the database fixture, so torn down after its flush: the tests that run
    # next (in whatever order the plugins sort them) find the migration data again.
    with django_db_blocker.unblock():
        restore_migration_data(_search_snapshot)
