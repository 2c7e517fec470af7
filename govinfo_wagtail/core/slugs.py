"""Slugs of new pages in pinyin (关于加强农村公路养护管理的通知 → guan-yu-jia-qiang-…).

Wagtail's editor copies the title into the slug as the editor types, which for a Chinese
title gives a long slug of Chinese characters (percent-encoded in every shared link). For a
page that has never been public, a slug that is still what the title gave (or empty) is
replaced by the title's pinyin, made unique among its siblings (``-2``, ``-3`` …), so that a
draft autosaved from an abandoned form never blocks the next page of the same title with
"slug already in use". A slug the editor typed is kept; a page that was ever public keeps its
slug whatever it is (its URL is out there).

pypinyin: maintained since 2013, pure Python with its own dictionary of phrase readings
(多音字 in context: 重庆 → chong-qing, 银行 → yin-hang), no native code, MIT licence.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.text import slugify
from wagtail.admin.forms.pages import WagtailAdminPageForm

MAX_SLUG_CHARS = 80
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def pinyin_slug(title: str, max_chars: int = MAX_SLUG_CHARS) -> str:
    """The title in toneless pinyin, one syllable per word, ASCII; "" if nothing is left."""
    from pypinyin import lazy_pinyin

    words = lazy_pinyin(title or "", errors=lambda chars: [chars])
    slug = slugify("-".join(words))
    if len(slug) > max_chars:
        slug = slug[:max_chars].rsplit("-", 1)[0] or slug[:max_chars]
    return slug.strip("-")


def title_slugs(title: str) -> set[str]:
    """What Wagtail's title-to-slug sync makes of the title (Unicode or ASCII slugs)."""
    allow_unicode = getattr(settings, "WAGTAIL_ALLOW_UNICODE_SLUGS", True)
    found = {slugify(title or "", allow_unicode=allow_unicode),
             slugify(title or "", allow_unicode=True), slugify(title or "")}
    # The editor's script trims the slug to the field's length; compare the start.
    return {s for s in found if s}


def never_public(page) -> bool:
    return page.pk is None or (not page.live and page.first_published_at is None)


def slug_was_not_set(slug: str, title: str) -> bool:
    if not slug:
        return True
    return any(s == slug or (len(slug) >= 50 and s.startswith(slug)) for s in title_slugs(title))


def unique_among_siblings(base: str, parent, page) -> str:
    from wagtail.models import Page

    candidate, n = base, 1
    while not Page._slug_is_available(candidate, parent, page):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def default_slug(page, parent, slug: str, title: str) -> str | None:
    """The pinyin slug a page gets instead of ``slug``, or None to keep ``slug``."""
    if parent is None or not never_public(page) or not slug_was_not_set(slug, title):
        return None
    if not _HAN.search(title or ""):
        return None  # a Latin title: Wagtail's slug is already readable
    base = pinyin_slug(title)
    if not base:
        return None
    return unique_among_siblings(base, parent, page)


class GovinfoPageForm(WagtailAdminPageForm):
    """The package's page forms: pinyin slugs for pages never public (see above)."""

    def clean(self):
        cleaned = self.cleaned_data
        if "slug" in self.fields and "slug" in cleaned:
            parent = getattr(self, "parent_page", None) or (
                self.instance.get_parent() if self.instance.pk else None)
            new = default_slug(self.instance, parent, cleaned.get("slug") or "",
                               cleaned.get("title") or "")
            if new is not None:
                cleaned["slug"] = new
        return super().clean()
