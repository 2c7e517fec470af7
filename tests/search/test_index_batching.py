import pytest
from django.db import connection, transaction

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.search.indexing import _PendingUpdates
from tests.conftest import add_draft

# Runs among transactional search tests that flush the database; put the site back first.
pytestmark = pytest.mark.usefixtures("_migration_data")


def _pending_batches():
    return [cb[1].__self__ for cb in connection.run_on_commit
            if isinstance(getattr(cb[1], "__self__", None), _PendingUpdates)]


def test_pages_saved_many_times_in_a_transaction_are_indexed_once(catalogue, agency):
    # pytest-django wraps the test in a transaction, so nothing runs until it ends.
    first = add_draft(catalogue, CatalogueItemPage(title="甲", agency=agency))
    second = add_draft(catalogue, CatalogueItemPage(title="乙", agency=agency))
    for _ in range(3):
        first.save()
    batches = _pending_batches()
    assert len(batches) == 1
    assert list(batches[0].page_ids) == [first.pk, second.pk]


def test_a_rolled_back_savepoint_does_not_swallow_later_updates(catalogue, agency):
    try:
        with transaction.atomic():
            add_draft(catalogue, CatalogueItemPage(title="撤销", agency=agency))
            raise RuntimeError
    except RuntimeError:
        pass
    later = add_draft(catalogue, CatalogueItemPage(title="之后", agency=agency))
    assert any(later.pk in batch.page_ids for batch in _pending_batches())
