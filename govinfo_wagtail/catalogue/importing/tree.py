"""Appending many pages to one parent in Wagtail's page tree, in bulk.

Wagtail's tree is django-treebeard's materialised path (``MP_Node``): a page's ``path`` is its
parent's path followed by one step of ``steplen`` characters from ``alphabet``, the n-th
child's step being n written in that base; ``depth`` is the number of steps and ``numchild``
the number of children. These three attributes are treebeard's documented format, and this
module relies on that format only, not on treebeard's private helpers: the paths of new last
children follow the last existing child (``get_last_child()``, public API), the rows are
inserted with one statement per table, and the parent's ``numchild`` is raised once.
Wagtail's ``fixtree`` command verifies the result (the tests run it).

The parent row is locked (``select_for_update``) while children are appended, as
treebeard's ``add_child`` does.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import F
from treebeard.exceptions import PathOverflow
from wagtail.models import Page


def _step(number: int) -> str:
    alphabet, steplen = Page.alphabet, Page.steplen
    base = len(alphabet)
    digits = []
    while number:
        number, digit = divmod(number, base)
        digits.append(alphabet[digit])
    step = "".join(reversed(digits)).rjust(steplen, alphabet[0])
    if len(step) > steplen:
        raise PathOverflow(step)
    return step


def _number(step: str) -> int:
    alphabet = Page.alphabet
    value = 0
    for char in step:
        value = value * len(alphabet) + alphabet.index(char)
    return value


class ChildPaths:
    """The paths of the next last children of ``parent`` (locked by the caller)."""

    def __init__(self, parent: Page):
        self.parent = parent
        last = parent.get_last_child()
        self.next = _number(last.path[-Page.steplen:]) + 1 if last is not None else 1
        if len(parent.path) + Page.steplen > Page._meta.get_field("path").max_length:
            raise PathOverflow(parent.path)

    def take(self) -> str:
        path = self.parent.path + _step(self.next)
        self.next += 1
        return path


def insert_pages(parent: Page, pages: Sequence[Page]) -> None:
    """Insert unsaved specific pages whose ``path`` is set (by :class:`ChildPaths`) as
    children of ``parent``: one INSERT per table of the page type, pks filled in. Page
    ``save()`` is not called (no signals): the caller writes revisions, log entries and the
    rest, as :mod:`.writing` does."""
    if not pages:
        return
    depth = parent.depth + 1
    for page in pages:
        page.depth = depth
        page.numchild = 0
        page.url_path = parent.url_path + page.slug + "/"
        page.draft_title = page.draft_title or page.title
        page.locale_id = page.locale_id or parent.locale_id
    by_model: dict[type, list[Page]] = {}
    for page in pages:
        by_model.setdefault(type(page), []).append(page)
    for model, group in by_model.items():
        _insert_model(model, group)
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
    parent.numchild += len(pages)


def _insert_model(model, pages: list[Page]) -> None:
    # Wagtail's base table first: its rows' ids are the primary keys of every table below.
    base_fields = [f for f in Page._meta.local_concrete_fields if not f.primary_key]
    rows = [Page(**{f.attname: getattr(p, f.attname) for f in base_fields}) for p in pages]
    Page.objects.bulk_create(rows)
    if any(r.pk is None for r in rows):  # a database that returns no ids from a bulk insert
        ids = dict(Page.objects.filter(path__in=[r.path for r in rows]).values_list("path", "pk"))
        for row in rows:
            row.pk = ids[row.path]
    # Then each table of the inheritance chain, below Page, with its own fields.
    chain = [m for m in reversed(model._meta.get_parent_list()) if issubclass(m, Page)
             and m is not Page] + [model]
    for page, row in zip(pages, rows, strict=True):
        page.id = row.pk
        for table_model in chain:  # page_ptr_id, disclosurepage_ptr_id, ...
            setattr(page, table_model._meta.pk.attname, row.pk)
        page._state.adding = False
        page._state.db = row._state.db
    for table_model in chain:
        fields = table_model._meta.local_concrete_fields
        quote = connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(table_model._meta.db_table),
            ", ".join(quote(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        params = [
            [f.get_db_prep_save(
                getattr(p, f.attname) if f.primary_key or f.is_relation
                else f.pre_save(p, add=True), connection=connection)
             for f in fields]
            for p in pages
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
