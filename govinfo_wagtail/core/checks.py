"""System checks of the disclosure kernel's data (run with ``manage.py check --database``)."""

from django.core import checks
from django.db import DatabaseError
from django.utils.translation import gettext as _


@checks.register(checks.Tags.database)
def check_agency_index_codes(app_configs=None, databases=None, **kwargs):
    """Two agencies with one code in index numbers would be issued the same numbers."""
    if not databases:
        return []
    from .models import Agency, duplicate_index_codes

    try:
        duplicates = duplicate_index_codes(Agency.objects.all())
    except DatabaseError:
        return []  # not migrated yet
    return [
        checks.Error(
            _("Agencies %(names)s share the code in index numbers “%(code)s”: their index "
              "numbers would collide. Give each agency its own code.")
            % {"code": code, "names": "、".join(names)},
            id="govinfo_core.E001",
        )
        for code, names in duplicates.items()
    ]


def wagtail_apps_before_ours(names: list[str]) -> list[str]:
    """The Wagtail apps listed before the package's core app."""
    if __package__ not in names:
        return []
    return [name for name in names[:names.index(__package__)]
            if name == "wagtail" or name.startswith("wagtail.")]


@checks.register(checks.Tags.translation)
def check_translations_come_first(app_configs=None, **kwargs):
    """The package's zh_Hans catalogue corrects and completes Wagtail's own admin strings.

    Django looks a string up in the apps' catalogues in INSTALLED_APPS order, the first app
    winning, so the package's apps must come before Wagtail's; otherwise the admin reads half
    in English (or 分页 for "Pages").
    """
    from django.apps import apps

    before = wagtail_apps_before_ours([config.name for config in apps.get_app_configs()])
    if not before:
        return []
    return [
        checks.Warning(
            _("govinfo_wagtail.core comes after %(apps)s in INSTALLED_APPS, so Wagtail's own "
              "translations win over the package's corrections and the admin is partly in "
              "English.") % {"apps": ", ".join(before)},
            hint=_("List the govinfo_wagtail apps before the wagtail apps in INSTALLED_APPS."),
            id="govinfo_core.W001",
        )
    ]


@checks.register(checks.Tags.security)
def check_trusted_proxies(app_configs=None, **kwargs):
    """GOVINFO_TRUSTED_PROXIES, _HEALTH_ALLOWED and _LINK_CHECK_ALLOWED_NETWORKS hold
    addresses and networks; a bad entry is left out (behind a proxy left out, its visitors
    would all share one address)."""
    from ..conf import govinfo_settings
    from .client_ip import invalid_entries

    return [
        checks.Error(
            _("%(setting)s: “%(entry)s” is not an IP address or network.")
            % {"setting": f"GOVINFO_{name}", "entry": entry},
            hint=_("Write addresses (127.0.0.1, ::1) or networks (10.0.0.0/8)."),
            id="govinfo_core.E002",
        )
        for name in ("TRUSTED_PROXIES", "HEALTH_ALLOWED", "LINK_CHECK_ALLOWED_NETWORKS")
        for entry in invalid_entries(getattr(govinfo_settings, name))
    ]


@checks.register(checks.Tags.security)
def check_health_allowed(app_configs=None, **kwargs):
    """A loopback address in GOVINFO_HEALTH_ALLOWED without trusted proxies: behind nginx on
    the same machine, every visitor comes from there and would see the health details."""
    import ipaddress

    from ..conf import govinfo_settings
    from .client_ip import networks

    if govinfo_settings.TRUSTED_PROXIES:
        return []
    loopback = [str(net) for net in networks(govinfo_settings.HEALTH_ALLOWED)
                if net.overlaps(ipaddress.ip_network("127.0.0.0/8" if net.version == 4
                                                     else "::1/128"))]
    if not loopback:
        return []
    return [checks.Warning(
        _("GOVINFO_HEALTH_ALLOWED lists %(networks)s, but GOVINFO_TRUSTED_PROXIES is empty: "
          "behind a proxy on this machine every visitor comes from there and sees the health "
          "details.") % {"networks": ", ".join(loopback)},
        hint=_("List the proxies in GOVINFO_TRUSTED_PROXIES, or use GOVINFO_HEALTH_TOKEN."),
        id="govinfo_core.W003")]
