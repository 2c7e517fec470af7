"""The strong fields (own 文号/索引号 + title; keywords + agency) with their own full-text index.

The public search retrieves strong matches from this small, selective index whatever the
number of body matches, so an older document whose title is the query is never left out by
the bound on body matches (ranking.ranked_ids, docs/search.md "Ranking").

* SQLite: a second external-content FTS5 table over (title_text, meta_text), kept in step by
  its own triggers. Columns are added with ALTER TABLE: Django would rebuild the table on
  SQLite, which drops the triggers of migration 0002.
* PostgreSQL: a stored tsvector ``stsv`` (title A, metadata B) + GIN. The strong columns are
  kept in the heap row (STORAGE MAIN; the table's toast_tuple_target of 0003 would otherwise
  move them out of line), so scoring a candidate reads no TOAST.
* MariaDB/MySQL: a FULLTEXT index over (title_text, meta_text), short tokens encoded as in
  ``text``.

Existing rows get their strong fields from ``manage.py govinfo_search_rebuild`` or their next
update; until then they are found and ranked through ``text`` as before.
"""

from django.db import migrations, models

TABLE = "govinfo_search_searchdocument"
FIELDS = [
    ("title_text", lambda: models.TextField(blank=True, default="")),
    ("meta_text", lambda: models.TextField(blank=True, default="")),
    ("title_key", lambda: models.CharField(max_length=255, blank=True, default="")),
]

SQLITE = [
    f"ALTER TABLE {TABLE} ADD COLUMN title_text text NOT NULL DEFAULT ''",
    f"ALTER TABLE {TABLE} ADD COLUMN meta_text text NOT NULL DEFAULT ''",
    f"ALTER TABLE {TABLE} ADD COLUMN title_key varchar(255) NOT NULL DEFAULT ''",
    "CREATE VIRTUAL TABLE govinfo_search_strong_fts USING fts5(title_text, meta_text, "
    f"content='{TABLE}', content_rowid='page_id')",
    f"CREATE TRIGGER govinfo_search_strong_ai AFTER INSERT ON {TABLE} BEGIN "
    "INSERT INTO govinfo_search_strong_fts(rowid, title_text, meta_text) "
    "VALUES (new.page_id, new.title_text, new.meta_text); END",
    f"CREATE TRIGGER govinfo_search_strong_ad AFTER DELETE ON {TABLE} BEGIN "
    "INSERT INTO govinfo_search_strong_fts(govinfo_search_strong_fts, rowid, title_text, "
    "meta_text) VALUES ('delete', old.page_id, old.title_text, old.meta_text); END",
    f"CREATE TRIGGER govinfo_search_strong_au AFTER UPDATE ON {TABLE} BEGIN "
    "INSERT INTO govinfo_search_strong_fts(govinfo_search_strong_fts, rowid, title_text, "
    "meta_text) VALUES ('delete', old.page_id, old.title_text, old.meta_text); "
    "INSERT INTO govinfo_search_strong_fts(rowid, title_text, meta_text) "
    "VALUES (new.page_id, new.title_text, new.meta_text); END",
    "INSERT INTO govinfo_search_strong_fts(govinfo_search_strong_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS govinfo_search_strong_au",
    "DROP TRIGGER IF EXISTS govinfo_search_strong_ad",
    "DROP TRIGGER IF EXISTS govinfo_search_strong_ai",
    "DROP TABLE IF EXISTS govinfo_search_strong_fts",
    f"ALTER TABLE {TABLE} DROP COLUMN title_key",
    f"ALTER TABLE {TABLE} DROP COLUMN meta_text",
    f"ALTER TABLE {TABLE} DROP COLUMN title_text",
]

POSTGRESQL = [
    f"ALTER TABLE {TABLE} ADD COLUMN stsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title_text), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, meta_text), 'B')) STORED",
    *(f"ALTER TABLE {TABLE} ALTER COLUMN {c} SET STORAGE MAIN"
      for c in ("stsv", "title_text", "meta_text", "title_key")),
    f"CREATE INDEX govinfo_search_doc_strong ON {TABLE} USING gin (stsv)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS govinfo_search_doc_strong",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS stsv",
]

MYSQL = [f"ALTER TABLE {TABLE} ADD FULLTEXT INDEX govinfo_search_doc_strong_ft "
         "(title_text, meta_text)"]
MYSQL_REVERSE = [f"ALTER TABLE {TABLE} DROP INDEX govinfo_search_doc_strong_ft"]

FORWARD = {"sqlite": SQLITE, "postgresql": POSTGRESQL, "mysql": MYSQL}
REVERSE = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE, "mysql": MYSQL_REVERSE}


def _fields():
    for name, make in FIELDS:
        field = make()
        field.set_attributes_from_name(name)
        yield field


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor != "sqlite":  # SQLite: plain ALTER TABLE (see the docstring)
        model = apps.get_model("govinfo_search", "SearchDocument")
        for field in _fields():
            schema_editor.add_field(model, field)
    for sql in FORWARD.get(vendor, []):
        schema_editor.execute(sql, params=None)


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in REVERSE.get(vendor, []):
        schema_editor.execute(sql, params=None)
    if vendor != "sqlite":
        model = apps.get_model("govinfo_search", "SearchDocument")
        for field in _fields():
            schema_editor.remove_field(model, field)


class Migration(migrations.Migration):
    dependencies = [("govinfo_search", "0003_narrow_rows")]

    # Not atomic: MariaDB/MySQL cannot run DDL inside a transaction.
    atomic = False

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forward, reverse, atomic=False)],
            state_operations=[
                migrations.AddField("searchdocument", name, make()) for name, make in FIELDS
            ],
        ),
    ]
