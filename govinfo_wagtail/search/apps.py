from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "govinfo_wagtail.search"
    label = "govinfo_search"
    verbose_name = _("Disclosure search")
    # Pinned so that a host's DEFAULT_AUTO_FIELD never creates migrations here.
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core import checks

        from .checks import (
            check_admin_search_backend,
            check_index_needs_rebuild,
            check_search_cluster,
        )
        from .indexing import connect_disclosure_indexing

        connect_disclosure_indexing()
        checks.register(check_index_needs_rebuild, checks.Tags.database)
        checks.register(check_admin_search_backend)
        checks.register(check_search_cluster)
