"""What counts as a page's content, as opposed to its bookkeeping: one definition for the
review (a change restarts it) and for the live-content guard (a change needs review)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

# Fields of a page (and of a revision's content) that change without the content changing:
# tree position, publication and lock state, timestamps, and reviewers' comments (Wagtail
# issue #13563). The index number is the release service's, never the editor's.
VOLATILE_FIELDS = frozenset({
    "pk", "id", "path", "depth", "numchild", "url_path", "content_type", "page_ptr",
    "disclosurepage_ptr", "translation_key", "locale", "alias_of", "owner", "live",
    "has_unpublished_changes", "first_published_at", "last_published_at", "live_revision",
    "latest_revision", "latest_revision_created_at", "draft_title", "locked", "locked_at",
    "locked_by", "expired", "index_number", "comments", "wagtail_admin_comments",
})

# Also not content for the live-content guard: scheduling a live page's take-down (or its
# next version's go-live) changes nothing the public reads now.
SCHEDULE_FIELDS = frozenset({"go_live_at", "expire_at"})


def content_digest(content: dict[str, Any]) -> str:
    """A digest of a revision's content that ignores bookkeeping."""
    relevant = {k: v for k, v in content.items() if k not in VOLATILE_FIELDS}
    raw = json.dumps(relevant, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def content_fields(model) -> list:
    """The concrete fields of ``model`` that hold content a reader sees."""
    skip = VOLATILE_FIELDS | SCHEDULE_FIELDS
    return [
        f for f in model._meta.concrete_fields
        if f.name not in skip and f.attname not in skip and not f.name.endswith("_ptr")
    ]


def changed_content_fields(instance, update_fields=None) -> list[str]:
    """Names of content fields whose value in ``instance`` differs from its database row
    (only those in ``update_fields`` when a save writes just those)."""
    model = type(instance)
    fields = content_fields(model)
    if update_fields is not None:
        wanted = set(update_fields)
        fields = [f for f in fields if f.name in wanted or f.attname in wanted]
    if not fields:
        return []
    stored = model._base_manager.filter(pk=instance.pk).first()
    if stored is None:
        return []
    return [f.name for f in fields if f.value_to_string(instance) != f.value_to_string(stored)]
