"""Which checklist items a gate asks for on a given page.

A gate's checklist (edited in the admin) lists every item the gate may ask; some apply only to
some pages: 解读材料齐全 only where interpretations apply. ``GOVINFO_REVIEW_CHECKLIST_CONDITIONS``
maps such an item to a condition, ``"dotted.path"`` of a function ``(page) -> bool``; an item
without a condition is asked on every page. The item is read from the revision under review,
so the answer follows the content being decided, not the live page.
"""

from __future__ import annotations

from functools import lru_cache

from django.utils.module_loading import import_string

from ..conf import govinfo_settings


def interpretations_apply(page) -> bool:
    """Whether 解读材料 are expected: a page type may say so itself (an attribute or property
    ``interpretations_apply``); otherwise pages flagged as requiring interpretation
    (``requires_interpretation``, the policies' 需要解读)."""
    value = getattr(page, "interpretations_apply", None)
    if value is not None:
        return bool(value)
    return bool(getattr(page, "requires_interpretation", False))


@lru_cache(maxsize=32)
def _condition(path: str):
    return import_string(path)


def item_applies(item: str, page) -> bool:
    path = (govinfo_settings.REVIEW_CHECKLIST_CONDITIONS or {}).get(item)
    if not path or page is None:
        return True
    return bool(_condition(path)(page))


def checklist_for(task, page) -> list[str]:
    """The items of ``task``'s checklist that apply to ``page`` (the revision's content)."""
    return [item for item in task.checklist_items if item_applies(item, page)]


def checklist_for_revision(task, revision) -> list[str]:
    return checklist_for(task, revision.as_object() if revision is not None else None)
