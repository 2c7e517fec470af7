"""System checks of the project settings the review needs (``manage.py check``;
``govinfo_setup`` prints them too). Nothing here changes a setting."""

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext as _

from ..conf import govinfo_settings
from .workflow import FINISH_WORKFLOW_ACTION


def check_finish_workflow_action(app_configs=None, **kwargs):
    if getattr(settings, "WAGTAIL_FINISH_WORKFLOW_ACTION", None) == FINISH_WORKFLOW_ACTION:
        return []
    return [checks.Warning(
        _("WAGTAIL_FINISH_WORKFLOW_ACTION is not the package's: disclosure pages that pass "
          "review are not released."),
        hint=_("Add to your settings: WAGTAIL_FINISH_WORKFLOW_ACTION = \"%(action)s\"")
        % {"action": FINISH_WORKFLOW_ACTION},
        id="govinfo_review.W003")]


def check_reapproval_on_edit(app_configs=None, **kwargs):
    if getattr(settings, "WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT", False):
        return []
    return [checks.Warning(
        _("WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT is not True: an edit made during "
          "review is not reviewed again."),
        hint=_("Add to your settings: WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True"),
        id="govinfo_review.W004")]


def check_workflows_enabled(app_configs=None, **kwargs):
    if getattr(settings, "WAGTAIL_WORKFLOW_ENABLED", True):
        return []
    return [checks.Warning(
        _("WAGTAIL_WORKFLOW_ENABLED is False: no disclosure page can pass review, so none "
          "goes live except by emergency release or a legacy import."),
        hint=_("Remove WAGTAIL_WORKFLOW_ENABLED = False from your settings."),
        id="govinfo_review.W005")]


def check_deprecated_group_settings(app_configs=None, **kwargs):
    """Rights once given by a group's name are model permissions now (docs/permissions.md)."""
    if govinfo_settings.EMERGENCY_RELEASE_GROUP is None:
        return []
    return [checks.Warning(
        _("GOVINFO_EMERGENCY_RELEASE_GROUP is deprecated and no longer decides who may "
          "release in an emergency: the permission “Can release pages at once in an "
          "emergency, before review” does (the upgrade gave it to the group the setting "
          "named, and govinfo_setup gives it to that group if it was created later)."),
        hint=_("Grant the permission in Settings → Groups, then remove the setting."),
        id="govinfo_review.W006")]


SETTINGS_CHECKS = [check_finish_workflow_action, check_reapproval_on_edit,
                   check_workflows_enabled, check_deprecated_group_settings]


def register() -> None:
    for check in SETTINGS_CHECKS:
        checks.register(check)
