"""Admin of annual reports: the auto-fill action in the page editor's action menu."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.log_actions import LogFormatter

from .models import AnnualReportPage
from .services import AUTOFILL_LOG_ACTION, autofill

AUTOFILL_ACTION = "action-govinfo-autofill"


class AutofillMenuItem(ActionMenuItem):
    """Saves the draft, then fills in the figures the system can compute."""

    label = _("Save and auto-fill figures")
    name = AUTOFILL_ACTION
    icon_name = "calculator"

    def is_shown(self, context):
        page = context.get("page")
        return (context["view"] == "edit" and isinstance(page, AnnualReportPage)
                and not context["locked_for_user"])


@hooks.register("register_page_action_menu_item")
def register_autofill_menu_item():
    return AutofillMenuItem(order=15)


@hooks.register("after_edit_page")
def autofill_after_save(request, page):
    if not request.POST.get(AUTOFILL_ACTION) or not isinstance(page, AnnualReportPage):
        return None
    # The edit view has checked that the user may edit the page; check again all the same.
    if not page.permissions_for_user(request.user).can_edit():
        return None
    _revision, computed, changed = autofill(page, request.user)
    messages.success(request, gettext(
        "Auto-fill computed %(count)s figures; %(changed)s changed. Figures you overwrote "
        "with a note were kept.") % {"count": len(computed), "changed": len(changed)})
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("register_log_actions")
def register_log_actions(actions):
    @actions.register_action(AUTOFILL_LOG_ACTION)
    class AutofillLog(LogFormatter):
        label = _("Annual report figures auto-filled")

        def format_message(self, log_entry):
            changed = log_entry.data.get("changed", [])
            return gettext("Auto-filled %(count)s figures: %(cells)s") % {
                "count": len(changed), "cells": ", ".join(changed) or "—"}
