from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovInfoSecurityConfig(AppConfig):
    """Account protection for the Wagtail admin (等级保护): a TOTP second factor with recovery
    codes, an idle timeout, password character classes, login-log retention and export.
    Opt-in: see docs/security.md; nothing changes until the settings turn it on."""

    name = "govinfo_wagtail.security"
    label = "govinfo_security"
    verbose_name = _("Disclosure: account security")

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
