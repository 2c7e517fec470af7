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
        # CatalogueIndexPage names its subpage types explicitly; a child's parent_page_types
        # alone cannot widen that list, so the policy types add themselves when installed.
        from ..catalogue.models import CatalogueIndexPage

        ours = ["govinfo_policies.PolicyDocumentPage", "govinfo_policies.InterpretationPage"]
        current = list(CatalogueIndexPage.subpage_types)
        missing = [name for name in ours if name not in current]
        if missing:
            CatalogueIndexPage.subpage_types = current + missing
            CatalogueIndexPage._clean_subpage_models = None  # Wagtail's cache of that list

        # 类型 政策文件 / 政策解读 in the catalogue import (its registry of page kinds).
        from .importing import register_kinds

        register_kinds()
