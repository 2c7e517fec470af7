"""The catalogue's own import kind (条目); the registry and ``PageKind`` are the kernel's
(``govinfo_wagtail.core.import_kinds``), where other apps register theirs."""

from __future__ import annotations

from ...core.import_kinds import (
    KindRegistry,
    PageKind,
    kind_for_model,
    page_kinds,
    register_page_kind,
)

__all__ = ["ITEM_KIND", "KindRegistry", "PageKind", "kind_for_model", "page_kinds",
           "register_item_kind", "register_page_kind"]

ITEM_KIND = PageKind(
    code="item", model="govinfo_catalogue.CatalogueItemPage", labels=("条目", "目录条目", "信息"),
)


def register_item_kind() -> None:
    """Called by the catalogue's ``ready()``, before the apps after it add theirs."""
    register_page_kind(ITEM_KIND)
