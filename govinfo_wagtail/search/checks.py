"""System checks of the search settings (``manage.py check``) and of the public search index
(``manage.py check --database``, and before ``manage.py migrate``)."""

from importlib.util import find_spec

from django.conf import settings
from django.core import checks
from django.db import DatabaseError
from django.utils.translation import gettext as _

from ..conf import govinfo_settings
from .records import SearchDocument

PACKAGE_BACKENDS = "govinfo_wagtail.search.backends."
# GOVINFO_SEARCH_CLUSTER["CLIENT"] → the Python module it needs, and the extra that installs it.
CLUSTER_CLIENTS = {"elasticsearch": ("elasticsearch", "elasticsearch"),
                   "opensearch": ("opensearchpy", "opensearch")}


def check_admin_search_backend(app_configs=None, **kwargs):
    """Wagtail's own search (admin listings, page choosers) finds Chinese words only through
    the package's backends, which analyse the text (docs/search.md)."""
    backends = getattr(settings, "WAGTAILSEARCH_BACKENDS", None) or {}
    backend = (backends.get("default") or {}).get("BACKEND", "wagtail.search.backends.database")
    if backend.startswith(PACKAGE_BACKENDS):
        return []
    return [checks.Warning(
        _("Wagtail's search backend is “%(backend)s”: searching the admin and the page "
          "choosers for a Chinese word finds nothing.") % {"backend": backend},
        hint=_("Set WAGTAILSEARCH_BACKENDS = {\"default\": {\"BACKEND\": "
               "\"govinfo_wagtail.search.backends.database\"}} (or one of the package's "
               "cluster backends)."),
        id="govinfo_search.W002")]


def check_search_cluster(app_configs=None, **kwargs):
    """A public search cluster that cannot work fails every public search: say so at start-up."""
    conf = govinfo_settings.SEARCH_CLUSTER
    if not conf:
        return []
    if not isinstance(conf, dict):
        return [checks.Error(_("GOVINFO_SEARCH_CLUSTER must be a dict or None."),
                             id="govinfo_search.E001")]
    client = str(conf.get("CLIENT") or "elasticsearch").lower()
    if client not in CLUSTER_CLIENTS:
        return [checks.Error(
            _("GOVINFO_SEARCH_CLUSTER[\"CLIENT\"] is “%(client)s”: it must be "
              "“elasticsearch” or “opensearch”.") % {"client": client},
            id="govinfo_search.E001")]
    module, extra = CLUSTER_CLIENTS[client]
    if find_spec(module) is None:
        return [checks.Error(
            _("GOVINFO_SEARCH_CLUSTER needs the %(module)s client, which is not installed.")
            % {"module": module},
            hint=_("pip install 'govinfo-wagtail[%(extra)s]'") % {"extra": extra},
            id="govinfo_search.E002")]
    return []


def check_index_needs_rebuild(app_configs=None, databases=None, **kwargs):
    """Rows written before attachment text was weighted below the body (migration 0005 fills
    what it can; pages with attachments need the page type's own fields, so a rebuild)."""
    if not databases:
        return []
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
