"""The summary is a strong field: weighed with the keywords, above the body.

``meta_text`` held the keywords and the agency; it now holds the keywords, the summary and the
agency (``documents.strong_texts``, ``DisclosurePage.strong_search_parts``). Only the rows of
pages with a summary change: they are rewritten here from the page's own fields, in batches
of BATCH rows by primary key (memory stays bounded whatever the size of the index). The
full-text indexes of the strong fields follow by themselves (SQLite triggers, PostgreSQL
generated column, InnoDB). A cluster's copy follows on ``manage.py govinfo_search_rebuild
--cluster-only`` or each page's next update.
"""

from django.db import migrations

BATCH = 1_000


def fill(apps, schema_editor):
    from govinfo_wagtail.text import analysis

    connection = schema_editor.connection
    alias = connection.alias
    SearchDocument = apps.get_model("govinfo_search", "SearchDocument")
    DisclosurePage = apps.get_model("govinfo_core", "DisclosurePage")
    min_token = None
    if connection.vendor == "mysql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT @@innodb_ft_min_token_size")
            min_token = int(cursor.fetchone()[0])

    def encoded(text: str) -> str:
        return analysis.mysql_index_text(text, min_token) if min_token is not None else text

    indexed = SearchDocument.objects.using(alias).values("page_id")
    pages = (DisclosurePage.objects.using(alias).exclude(summary="")
             .filter(pk__in=indexed).order_by("pk"))
    last = 0
    while True:
        batch = list(pages.filter(pk__gt=last)
                     .values("pk", "keywords", "summary", "agency__name")[:BATCH])
        if not batch:
            return
        last = batch[-1]["pk"]
        rows = SearchDocument.objects.using(alias).in_bulk([p["pk"] for p in batch])
        changed = []
        for page in batch:
            row = rows.get(page["pk"])
            meta = encoded(analysis.index_text(
                page["keywords"], page["summary"], page["agency__name"] or ""))
            if row is not None and row.meta_text != meta:
                row.meta_text = meta
                changed.append(row)
        SearchDocument.objects.using(alias).bulk_update(changed, ["meta_text"], batch_size=200)


class Migration(migrations.Migration):
    dependencies = [
        ("govinfo_search", "0005_fill_strong_fields"),
        ("govinfo_core", "0003_document_uses"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
