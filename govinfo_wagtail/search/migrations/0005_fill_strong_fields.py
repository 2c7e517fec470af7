"""Upgrading sites keep a right search without a manual step.

1. Rows indexed before 0004 have empty strong fields (``title_text``, ``meta_text``,
   ``title_key``), so their strong matches were only found through the body window. They are
   filled here from the page's own fields (the same analysis as ``documents.strong_texts``:
   own 文号 + 索引号 + title; keywords + agency), in batches of BATCH rows by primary key, so
   memory stays bounded whatever the size of the index. The full-text indexes of the strong
   fields follow by themselves (SQLite triggers, PostgreSQL generated column, InnoDB).
2. ``attach_only`` (the tokens found only in attachment text, ranked below the body) is added.
   Pages without attachments get "" (none) here; for pages with attachments only the page
   type's own ``search_parts()`` can tell which words are theirs, so those rows stay NULL
   (ranked as before, body and attachments alike) until ``manage.py govinfo_search_rebuild``
   or their next update; the system check ``govinfo_search.W001`` says so while any is left.

The page row is the live content (Wagtail keeps drafts in revisions), which is what the index
row was built from.
"""

import json

from django.db import migrations, models

BATCH = 1_000


def _has_attachments(value) -> bool:
    if value is None:
        return False
    raw = getattr(value, "raw_data", value)  # a StreamValue, or JSON text, or a list
    if isinstance(raw, (bytes, str)):
        try:
            raw = json.loads(raw or "[]")
        except ValueError:
            return True  # unreadable: leave it to the rebuild
    return bool(list(raw or []))


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

    last = 0
    while True:
        rows = list(
            SearchDocument.objects.using(alias).filter(page_id__gt=last).order_by("page_id")
            .only("page_id", "title_text", "meta_text", "title_key", "attach_only")[:BATCH]
        )
        if not rows:
            return
        last = rows[-1].page_id
        pages = {
            p["pk"]: p for p in DisclosurePage.objects.using(alias)
            .filter(pk__in=[r.page_id for r in rows])
            .values("pk", "title", "document_number", "index_number", "keywords",
                    "agency__name", "attachments")
        }
        strong, complete = [], []
        for row in rows:
            page = pages.get(row.page_id)
            if page is None:  # not a disclosure page any more: the rebuild removes it
                continue
            if row.attach_only is None and not _has_attachments(page["attachments"]):
                row.attach_only = ""
                complete.append(row.page_id)
            if not (row.title_text or row.meta_text or row.title_key):
                row.title_text = encoded(analysis.index_text(
                    page["document_number"], page["index_number"], page["title"]))
                row.meta_text = encoded(analysis.index_text(
                    page["keywords"], page["agency__name"] or ""))
                row.title_key = analysis.title_key(page["title"])
                strong.append(row)
        if strong:
            SearchDocument.objects.using(alias).bulk_update(
                strong, ["title_text", "meta_text", "title_key", "attach_only"],
                batch_size=200)
        done = set(complete) - {row.page_id for row in strong}
        if done:  # one statement for the batch
            SearchDocument.objects.using(alias).filter(page_id__in=done).update(attach_only="")


class Migration(migrations.Migration):
    dependencies = [
        ("govinfo_search", "0004_strong_fields"),
        ("govinfo_core", "0003_document_uses"),
    ]

    operations = [
        # Nullable without a default: a plain ALTER TABLE ADD COLUMN on every database (on
        # SQLite Django would otherwise rebuild the table and drop the triggers of 0002/0004).
        migrations.AddField(
            model_name="searchdocument",
            name="attach_only",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
