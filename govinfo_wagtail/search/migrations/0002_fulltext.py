"""The vendor full-text index over SearchDocument.text (see services.py for the queries)."""

from django.db import migrations

TABLE = "govinfo_search_searchdocument"

SQLITE = [
    # External-content FTS5 table kept in step by triggers; bm25() ranks inside it.
    f"CREATE VIRTUAL TABLE govinfo_search_fts USING fts5(text, content='{TABLE}', "
    "content_rowid='page_id')",
    f"CREATE TRIGGER govinfo_search_fts_ai AFTER INSERT ON {TABLE} BEGIN "
    "INSERT INTO govinfo_search_fts(rowid, text) VALUES (new.page_id, new.text); END",
    f"CREATE TRIGGER govinfo_search_fts_ad AFTER DELETE ON {TABLE} BEGIN "
    "INSERT INTO govinfo_search_fts(govinfo_search_fts, rowid, text) "
    "VALUES ('delete', old.page_id, old.text); END",
    f"CREATE TRIGGER govinfo_search_fts_au AFTER UPDATE ON {TABLE} BEGIN "
    "INSERT INTO govinfo_search_fts(govinfo_search_fts, rowid, text) "
    "VALUES ('delete', old.page_id, old.text); "
    "INSERT INTO govinfo_search_fts(rowid, text) VALUES (new.page_id, new.text); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS govinfo_search_fts_au",
    "DROP TRIGGER IF EXISTS govinfo_search_fts_ad",
    "DROP TRIGGER IF EXISTS govinfo_search_fts_ai",
    "DROP TABLE IF EXISTS govinfo_search_fts",
]

POSTGRESQL = [
    # Stored, not recomputed per query (recomputing measured 15-40x slower). 'simple': the text is
    # already segmented and normalised by analysis.index_text.
    f"ALTER TABLE {TABLE} ADD COLUMN tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, text)) STORED",
    f"CREATE INDEX govinfo_search_doc_gin ON {TABLE} USING gin (tsv)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS govinfo_search_doc_gin",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS tsv",
]

MYSQL = [f"ALTER TABLE {TABLE} ADD FULLTEXT INDEX govinfo_search_doc_ft (text)"]
MYSQL_REVERSE = [f"ALTER TABLE {TABLE} DROP INDEX govinfo_search_doc_ft"]

FORWARD = {"sqlite": SQLITE, "postgresql": POSTGRESQL, "mysql": MYSQL}
REVERSE = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE, "mysql": MYSQL_REVERSE}


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("govinfo_search", "0001_initial")]

    # Not atomic: MariaDB/MySQL cannot run DDL inside a transaction.
    operations = [migrations.RunPython(_run(FORWARD), _run(REVERSE), atomic=False)]
