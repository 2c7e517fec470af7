from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "govinfo_wagtail.catalogue"
    label = "govinfo_catalogue"
    verbose_name = _("Disclosure catalogue")
    # Pinned so that a host's DEFAULT_AUTO_FIELD never creates migrations here.
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # 类型 条目, first in the registry of import kinds (apps after it add theirs).
        from .importing.kinds import register_item_kind

        register_item_kind()

    def govinfo_setup(self, log) -> None:
        from .setup import setup_catalogue

        setup_catalogue(log)

    def govinfo_demo(self, context, log) -> None:
        from .demo import load_demo

        load_demo(context, log=log)
