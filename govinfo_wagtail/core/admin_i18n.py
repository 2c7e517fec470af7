"""Translations of Wagtail's admin JavaScript strings that Wagtail's own catalogue lacks.

Wagtail's admin loads one JavaScript catalogue, built from ``wagtail.admin`` alone, so the
strings its scripts show (the rich-text editor's placeholder, autosave and preview messages…)
cannot be corrected through the package's ``django`` catalogue. This module serves the
package's ``djangojs`` catalogue, and an ``insert_global_admin_js`` hook loads it after
Wagtail's: Django's catalogue script merges each catalogue into ``django.catalog``, so ours
wins for the msgids it has and Wagtail's stays for the rest. Every admin script asks
``gettext`` when it builds its text, after both catalogues have loaded.

The entries are kept in ``locale/zh_Hans/wagtail_overrides_djangojs.po``; ``make messages``
copies them into ``LC_MESSAGES/djangojs.po`` and compiles it.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import get_language, to_locale
from django.views.i18n import JavaScriptCatalog
from wagtail.admin.localization import get_localized_response

PACKAGES = ["govinfo_wagtail.core"]
LOCALE_DIR = Path(__file__).parent / "locale"

_catalog_view = JavaScriptCatalog.as_view(packages=PACKAGES)


@cache
def has_catalogue(language: str) -> bool:
    return gettext.find("djangojs", str(LOCALE_DIR), [to_locale(language)]) is not None


def admin_js_catalog(request: HttpRequest) -> HttpResponse:
    """The package's ``djangojs`` catalogue in the admin user's preferred language.

    Nothing for a language the package does not translate: Django would fill the catalogue
    from the site's default language and reset the plural rule, overriding Wagtail's own
    translations in that language."""

    def view(request: HttpRequest) -> HttpResponse:
        if not has_catalogue(get_language() or ""):
            return HttpResponse("", content_type="text/javascript; charset=utf-8")
        return _catalog_view(request)

    return get_localized_response(view, request)


def catalogue_script() -> str:
    """The ``<script>`` that loads the catalogue; empty if the host did not mount the
    package's URLs (Wagtail's strings then stay as Wagtail translates them)."""
    try:
        url = reverse("govinfo:admin_js_catalog")
    except NoReverseMatch:
        return ""
    # The language in the URL: a browser cache must not serve one user's language to another.
    return format_html('<script src="{}?lang={}"></script>', url, get_language() or "")
