"""Where generated report files are kept: outside MEDIA_ROOT, with no URL of their own.

The public reaches a report's PDF only through the page's ``pdf/`` route, which Wagtail's
page view restrictions guard (and which answers only while the page is live). A file under
MEDIA_ROOT would also be served by whatever serves ``MEDIA_URL`` — nginx, Varnish, Django's
``static()`` in development — around those restrictions.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from ..conf import govinfo_settings


def private_media_root() -> Path:
    """GOVINFO_PRIVATE_MEDIA_ROOT, or a folder ``govinfo_private`` beside MEDIA_ROOT."""
    configured = govinfo_settings.PRIVATE_MEDIA_ROOT
    if configured:
        return Path(configured).resolve()
    if not settings.MEDIA_ROOT:
        raise ImproperlyConfigured(
            "Set GOVINFO_PRIVATE_MEDIA_ROOT (or MEDIA_ROOT, beside which it defaults to "
            "a folder govinfo_private).")
    return Path(settings.MEDIA_ROOT).resolve().parent / "govinfo_private"


@deconstructible(path="govinfo_wagtail.reports.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """A file system storage under the private media root, read at call time (so
    ``override_settings`` works), whose files have no URL."""

    def __init__(self):
        super().__init__()

    @property
    def base_location(self):
        return str(private_media_root())

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a guarded view.")


private_storage = PrivateStorage()


def _inside(path: Path, folder) -> bool:
    if not folder:
        return False
    folder = Path(folder).resolve()
    return path == folder or folder in path.parents


@checks.register(checks.Tags.security)
def check_private_media_root(app_configs=None, **kwargs):
    try:
        root = private_media_root()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="govinfo_reports.E001")]
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        if _inside(root, getattr(settings, name, None)):
            return [checks.Error(
                _("GOVINFO_PRIVATE_MEDIA_ROOT (%(root)s) is inside %(name)s, which the web "
                  "server serves to anyone: report PDFs would bypass the privacy of their "
                  "pages.") % {"root": root, "name": name},
                hint=_("Choose a folder outside MEDIA_ROOT and STATIC_ROOT."),
                id="govinfo_reports.E002")]
    return []
