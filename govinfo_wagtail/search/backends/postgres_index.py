"""Wagtail's PostgreSQL index entries, written with less work per object.

modelsearch's ``PostgresIndex.add_items`` reads every search field of an object five times
(once each for the title, body and autocomplete vectors and the two plain texts) and builds
a Django expression per text that it then compiles to SQL. For disclosure pages that is
most of the cost of indexing an import (docs/migration.md). This index reads each field
once and writes the same SQL text directly: the rows it writes are identical to the stock
ones (tests/search/test_postgres_index.py compares them column by column).
"""

from __future__ import annotations

from modelsearch.backends.database.postgres.postgres import (
    IndexEntry,
    ObjectIndexer,
)
from modelsearch.backends.database.postgres.postgres import PostgresIndex as StockPostgresIndex
from modelsearch.index import AutocompleteField, SearchField
from modelsearch.utils import balanced_reduce, get_content_type_pk


def _vector(texts: list[tuple[str, str]], config: str | None) -> tuple[str, list]:
    """SQL and parameters of the tsvector modelsearch's ``ObjectIndexer.as_vector`` builds:
    ``setweight(to_tsvector([config::regconfig,] COALESCE(text, '')), weight)`` per
    non-empty text, joined with ``||`` in the same (balanced) order."""
    texts = [(text.strip(), weight) for text, weight in texts]
    texts = [(text, weight) for text, weight in texts if text]
    if not texts:  # modelsearch's EMPTY_VECTOR, which names no configuration
        return "to_tsvector(COALESCE(%s, %s))", ["", ""]
    prefix, prefix_params = ("%s::regconfig, ", [config]) if config else ("", [])
    parts = [(f"setweight(to_tsvector({prefix}COALESCE(%s, %s)), %s)",
              [*prefix_params, text, "", weight]) for text, weight in texts]
    return balanced_reduce(lambda a, b: (f"({a[0]} || {b[0]})", a[1] + b[1]), parts)


class PostgresIndex(StockPostgresIndex):
    def add_items(self, model, objs):
        search_fields = model.get_search_fields()
        if not search_fields or not objs:
            return
        config, autocomplete_config = self.backend.config, self.backend.autocomplete_config
        content_type_pk = get_content_type_pk(model)
        rows, params = [], []
        for obj in objs:
            indexer = ObjectIndexer(obj, self.backend)
            title, body, autocomplete = [], [], []
            for field in indexer.search_fields:
                for current, weight, value in indexer.prepare_field(obj, field):
                    if isinstance(current, AutocompleteField):
                        autocomplete.append((value, weight))
                    elif isinstance(current, SearchField):
                        (title if current.field_name == "title" else body).append(
                            (value, weight))
            params += [content_type_pk, indexer.id]
            sql = []
            for texts, vector_config in ((title, config), (autocomplete, autocomplete_config),
                                         (body, config)):
                vector_sql, vector_params = _vector(texts, vector_config)
                sql.append(vector_sql)
                params += vector_params
            # The plain texts for fuzzy search, as ObjectIndexer.title_text/body_text.
            params += [" ".join(t for t in (v.strip() for v, _ in title) if t),
                       " ".join(t for t in (v.strip() for v, _ in body) if t)]
            rows.append(f"(%s, %s, {sql[0]}, {sql[1]}, {sql[2]}, 1.0, %s, %s)")
        with self.write_connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {IndexEntry._meta.db_table} (content_type_id, object_id, title, "
                f"autocomplete, body, title_norm, title_text, body_text) "
                f"(VALUES {', '.join(rows)}) "
                "ON CONFLICT (content_type_id, object_id) "
                "DO UPDATE SET title = EXCLUDED.title, title_norm = 1.0, "
                "autocomplete = EXCLUDED.autocomplete, body = EXCLUDED.body, "
                "title_text = EXCLUDED.title_text, body_text = EXCLUDED.body_text",
                params,
            )
        self._refresh_title_norms()
