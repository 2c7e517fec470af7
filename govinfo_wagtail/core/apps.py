from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "govinfo_wagtail.core"
    label = "govinfo_core"
    verbose_name = _("Disclosure")
    # Pinned so that a host's DEFAULT_AUTO_FIELD never creates migrations here.
    default_auto_field = "django.db.models.BigAutoField"
