from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "govinfo_wagtail.catalogue"
    label = "govinfo_catalogue"
    verbose_name = _("Disclosure catalogue")
    # Pinned so that a host's DEFAULT_AUTO_FIELD never creates migrations here.
    default_auto_field = "django.db.models.BigAutoField"
