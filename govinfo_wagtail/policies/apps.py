from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "govinfo_wagtail.policies"
    label = "govinfo_policies"
    verbose_name = _("Policies and interpretations")
    # Pinned so that a host's DEFAULT_AUTO_FIELD never creates migrations here.
    default_auto_field = "django.db.models.BigAutoField"

    def govinfo_demo(self, context, log) -> None:
        from .demo import load_demo

        load_demo(context, log=log)

    def ready(self) -> None:
        # The catalogue accepts the policy types because they name it in their
        # parent_page_types (CatalogueIndexPage.clean_subpage_models).
        # 类型 政策文件 / 政策解读 in the catalogue import (its registry of page kinds).
        from .importing import register_kinds

        register_kinds()
