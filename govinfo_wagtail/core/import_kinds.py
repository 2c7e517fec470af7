"""The import kinds (``类型`` of the catalogue import): which page type a row becomes, and the
hooks that type brings. A kernel extension point, so that an app registers its kinds without
importing the catalogue: ``page_kinds.register(PageKind(...))`` in its ``AppConfig.ready()``
(the catalogue registers 条目, the policies app 政策文件 and 政策解读).

Tests and one-off scripts add a kind for a while with ``with page_kinds.registered(kind):``
(or keep only some with ``page_kinds.only(...)``) instead of patching module state.
The import itself (reading, columns, validation, writing) is the catalogue's
(``govinfo_wagtail.catalogue.importing``); it reads the kinds from here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _
from wagtail.models import Page

# Column key -> field of DisclosurePage, shared by every page type.
COMMON_FIELDS: Mapping[str, str] = {
    "title": "title",
    "agency": "agency",
    "category": "topic",
    "document_number": "document_number",
    "written_date": "written_date",
    "published_date": "published_date",
    "validity": "validity",
    "validity_changed_on": "validity_changed_on",
    "keywords": "keywords",
    "summary": "summary",
    "body": "body",
}


@dataclass
class Problem:
    """One thing wrong with the file (``row`` is None) or with one cell or row."""

    code: str
    message: str
    row: int | None = None
    column: str | None = None  # column key
    value: str = ""

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("Row %(row)d: %(reasons)s") % {"row": self.row, "reasons": self.message}


@dataclass(frozen=True)
class PageKind:
    """How rows of one 类型 become pages.

    ``fields`` maps column keys to model fields. ``columns`` lists further columns the type
    uses itself (e.g. ``interprets``): a value in a column that no type uses is an error.
    The hooks are optional: ``check(rows, context)`` yields :class:`Problem` for rows of this
    type after the common checks (all rows of this type in the file are in ``rows``, the rows
    of every kind with hooks in ``context.rows``); ``prepare(page, row, context)`` runs
    before a page is saved; ``finish(pairs, context)`` after the pages of a batch were
    created, with (row, page) pairs; ``export(page)`` returns extra column values for the
    export.

    Pages of a kind are written in bulk (see :mod:`.writing`) unless its model overrides
    ``save()`` or the kind sets ``bulk=False`` (a ``prepare`` that fills in related objects
    needs the ORM's save): those are created one at a time through Wagtail's ``add_child``.
    """

    code: str
    model: str  # "app_label.ModelName"
    labels: tuple[str, ...] = ()
    fields: Mapping[str, str] = field(default_factory=lambda: dict(COMMON_FIELDS))
    columns: frozenset[str] = frozenset()
    # (the import's rows and context are the catalogue import's ImportRow and ImportContext)
    check: Callable[[list[Any], Any], Iterable[Problem]] | None = None
    prepare: Callable[[Any, Any, Any], None] | None = None
    finish: Callable[[list[tuple[Any, Any]], Any], None] | None = None
    export: Callable[[Any], Mapping[str, Any]] | None = None
    bulk: bool = True

    def get_model(self) -> type[Page]:
        return apps.get_model(self.model)

    @property
    def has_hooks(self) -> bool:
        return any((self.check, self.prepare, self.finish))

    @property
    def writes_in_bulk(self) -> bool:
        return self.bulk and self.get_model().save is Page.save


class KindRegistry:
    """The registered page kinds, by code, in registration order."""

    # Types the file format names that no app has registered (yet): rows of these types are
    # reported as "not supported yet" rather than as unknown.
    PLANNED: Mapping[str, tuple[str, ...]] = {
        "policy": ("政策", "政策文件"),
        "interpretation": ("解读", "政策解读"),
    }
    DEFAULT = "item"

    def __init__(self) -> None:
        self._kinds: dict[str, PageKind] = {}

    def register(self, kind: PageKind) -> PageKind:
        self._kinds[kind.code] = kind
        return kind

    def unregister(self, code: str) -> None:
        self._kinds.pop(code, None)

    @contextmanager
    def registered(self, *kinds: PageKind) -> Iterator[None]:
        """These kinds only for the duration of the block (what was there is put back)."""
        saved = dict(self._kinds)
        try:
            for kind in kinds:
                self.register(kind)
            yield
        finally:
            self._kinds = saved

    @contextmanager
    def only(self, *codes: str) -> Iterator[None]:
        """Only the kinds with these codes for the duration of the block."""
        saved = dict(self._kinds)
        try:
            self._kinds = {c: k for c, k in saved.items() if c in codes}
            yield
        finally:
            self._kinds = saved

    def get(self, code: str) -> PageKind | None:
        return self._kinds.get(code)

    def __getitem__(self, code: str) -> PageKind:
        return self._kinds[code]

    def __contains__(self, code: object) -> bool:
        return code in self._kinds

    def __iter__(self) -> Iterator[PageKind]:
        return iter(list(self._kinds.values()))

    def __len__(self) -> int:
        return len(self._kinds)

    def codes(self) -> list[str]:
        return list(self._kinds)

    def values(self) -> list[PageKind]:  # reads like the dict it replaces
        return list(self._kinds.values())

    @property
    def default(self) -> PageKind:
        return self._kinds[self.DEFAULT]

    def for_model(self, model) -> PageKind | None:
        for kind in self:
            if kind.get_model() is model:
                return kind
        return None

    def lookup(self) -> tuple[dict[str, PageKind], dict[str, str]]:
        """(name → kind) for codes and labels, case-folded; (name → code) of planned kinds
        that nobody registered."""
        known = {}
        for kind in self:
            for name in (kind.code, *kind.labels):
                known[name.casefold()] = kind
        planned = {}
        for code, labels in self.PLANNED.items():
            for name in (code, *labels):
                if name.casefold() not in known:
                    planned[name.casefold()] = code
        return known, planned

    def extra_columns(self) -> set[str]:
        """Columns that only some kinds use."""
        return {"interprets"}.union(*(k.columns for k in self))


page_kinds = KindRegistry()


def register_page_kind(kind: PageKind) -> PageKind:
    return page_kinds.register(kind)


def kind_for_model(model) -> PageKind | None:
    return page_kinds.for_model(model)
