from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "govinfo_wagtail.core"
    label = "govinfo_core"
    verbose_name = _("Disclosure")
    # Pinned so that a host's DEFAULT_AUTO_FIELD never creates migrations here.
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_save
        from wagtail.models import Revision

        from . import (
            checks,  # noqa: F401 (registers the system checks)
            documents,  # noqa: F401 (connects the document-use signal receivers)
        )
        from .frontcache import connect_signals
        from .guard import check_page_save, clear_unapproved_schedule, finish_scheduled_release

        # Every model's saves, not only the disclosure classes': a generic Page instance
        # or a fixture row of a disclosure page is checked too.
        pre_save.connect(check_page_save, dispatch_uid="govinfo_core_release_guard")
        post_save.connect(finish_scheduled_release, dispatch_uid="govinfo_core_scheduled")
        connect_signals()  # front cache purges on release and take-down
        post_save.connect(clear_unapproved_schedule, sender=Revision,
                          dispatch_uid="govinfo_core_unapproved_schedule")
