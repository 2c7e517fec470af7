"""The language of the public site: the site's, not the visitor's browser's.

Django's ``LocaleMiddleware`` (which the admin needs, and which most hosts list) picks the
language from the browser's Accept-Language header, so a visitor with an English browser
would read "Large text / Topic / Filter" around Chinese content. Public pages are therefore
rendered in the site's language: the page's locale when Wagtail's internationalisation is on,
else ``LANGUAGE_CODE``. ``GOVINFO_PUBLIC_BROWSER_LANGUAGE = True`` keeps the browser's choice
(for sites that publish in several languages). The admin is not touched: Wagtail activates
each user's preferred language there itself.

Applied to every page Wagtail serves (the ``before_serve_page`` hook, host pages included)
and to the package's own public views (``@public_language``).
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.utils import translation

from ..conf import govinfo_settings


def site_language(page=None) -> str:
    """The language public pages are shown in."""
    if page is not None and getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        locale = getattr(page, "locale", None)
        if locale is not None and locale.language_code:
            return locale.language_code
    return settings.LANGUAGE_CODE


def activate_public_language(request, page=None) -> None:
    """Render this request in the site's language (unless the site negotiates with the
    browser). Also sets ``request.LANGUAGE_CODE``, which templates and Wagtail read."""
    if govinfo_settings.PUBLIC_BROWSER_LANGUAGE:
        return
    language = site_language(page)
    translation.activate(language)
    if request is not None:
        request.LANGUAGE_CODE = translation.get_language()


def public_language(view):
    """Decorator for the package's public views."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        activate_public_language(request)
        return view(request, *args, **kwargs)

    return wrapped
