from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "govinfo_wagtail.policies"
    label = "govinfo_policies"
    verbose_name = _("Policies and interpretations")
    # Pinned so that a host's DEFAULT_AUTO_FIELD never creates migrations here.
    default_auto_field = "django.db.models.BigAutoField"
