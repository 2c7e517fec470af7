"""Bounded work for common words (database._count, ranking.ranked_ids).

PostgreSQL:

* Narrow heap rows: count and facet queries read every matching row's facet columns. With
  the text columns inline (about 1.5 kB a row) a common word at 100,000 items reads ~150 MB;
  moved out of line (TOAST) the same scan reads ~15 MB.
* A partial GIN index over the 1-in-16 sample of pages (page_id % 16 = 0, services.
  SAMPLE_MODULUS) from which broad queries estimate their counts.
* No RUM index: earlier databases got one (migration 0002 once created it). The planner
  preferred it for bitmap scans, where it is ~5x slower than GIN, and its ranked scan still
  sorts every match of a common word; the bounded ranking window does not need it.

Existing rows are rewritten narrow by ``manage.py govinfo_search_rebuild`` or their next update.

SQLite: a covering index over the facet and sort columns. A query joins each full-text match
to its row for these columns; rows hold the long texts (overflow pages), the index does not:
at 100,000 items a common word's join drops from ~400 ms to ~30 ms.
"""

from django.db import migrations

TABLE = "govinfo_search_searchdocument"

POSTGRESQL = [
    f"ALTER TABLE {TABLE} SET (toast_tuple_target = 128)",
    f"CREATE INDEX govinfo_search_doc_sample ON {TABLE} USING gin (tsv) "
    "WHERE page_id % 16 = 0",
    "DROP INDEX IF EXISTS govinfo_search_doc_rum",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS govinfo_search_doc_sample",
    f"ALTER TABLE {TABLE} RESET (toast_tuple_target)",
]
SQLITE = [
    f"CREATE INDEX govinfo_search_doc_facets ON {TABLE} (page_id, agency_id, topic_id, year, "
    "kind_id, validity, published_date, document_number_key)",
]
SQLITE_REVERSE = ["DROP INDEX IF EXISTS govinfo_search_doc_facets"]

FORWARD = {"postgresql": POSTGRESQL, "sqlite": SQLITE}
REVERSE = {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("govinfo_search", "0002_fulltext")]

    operations = [migrations.RunPython(_run(FORWARD), _run(REVERSE))]
