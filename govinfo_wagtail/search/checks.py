"""System checks of the public search index (run with ``manage.py check --database`` and
before ``manage.py migrate``)."""

from django.core import checks
from django.db import DatabaseError
from django.utils.translation import gettext as _


def check_index_needs_rebuild(app_configs=None, databases=None, **kwargs):
    """Rows written before attachment text was weighted below the body (migration 0005 fills
    what it can; pages with attachments need the page type's own fields, so a rebuild)."""
    if not databases:
        return []
    from .models import SearchDocument

    try:
        stale = SearchDocument.objects.filter(attach_only__isnull=True).count()
    except DatabaseError:
        return []  # not migrated yet
    if not stale:
        return []
    return [checks.Warning(
        _("%(count)d pages with attachments in the public search index were indexed by an "
          "older version: words found only in their attachments still rank like words in "
          "the body.") % {"count": stale},
        hint=_("Run manage.py govinfo_search_rebuild once (searching keeps working meanwhile)."),
        id="govinfo_search.W001",
    )]
