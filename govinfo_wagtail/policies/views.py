"""Admin views: the late-interpretation report, the policy status listing, the unpublish step."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies.pages import PagePermissionPolicy

from .models import InterpretationPage, PolicyDocumentPage
from .services import (
    keep_interpretations,
    policies_without_interpretation,
    take_down_interpretations,
    workday_calendar,
)


def _edit_url(obj) -> str:
    page = getattr(obj, "policy", obj)
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


class LateInterpretationsReportView(ReportView):
    """Live policies that require interpretation and have none live (the 3-working-day rule)."""

    page_title = _("Policies awaiting interpretation")
    header_icon = "time"
    index_url_name = "govinfo_policies:late_interpretations"
    index_results_url_name = "govinfo_policies:late_interpretations_results"
    results_template_name = "govinfo_policies/reports/late_results.html"
    paginate_by = 50
    list_export = ["policy.title", "policy.document_number", "released_on", "due_on",
                   "workdays_elapsed", "exemption"]
    export_headings = {
        "policy.title": _("Title"), "policy.document_number": _("Document number"),
        "released_on": _("Released on"), "due_on": _("Interpretation due"),
        "workdays_elapsed": _("Working days elapsed"), "exemption": _("Recorded reason"),
    }
    columns = [
        TitleColumn("policy", label=_("Policy document"), accessor="policy.title",
                    get_url=_edit_url),
        Column("document_number", label=_("Document number"),
               accessor="policy.document_number"),
        Column("released_on", label=_("Released on")),
        Column("due_on", label=_("Interpretation due")),
        Column("workdays_elapsed", label=_("Working days elapsed")),
        Column("exemption", label=_("Recorded reason")),
    ]

    def get_filename(self) -> str:
        return "policies-awaiting-interpretation"

    def get_queryset(self):
        self.calendar = workday_calendar()
        return policies_without_interpretation(calendar=self.calendar)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["coverage_warning"] = self.calendar.coverage_warning()
        return context


class PolicyStatusRow:
    def __init__(self, policy: PolicyDocumentPage, interpretations: list[InterpretationPage]):
        self.policy = policy
        self.status = policy.get_release_status_display()
        self.interpretations = interpretations
        live = [i for i in interpretations if i.live]
        self.interpretation_summary = _("%(live)d live of %(total)d") % {
            "live": len(live), "total": len(interpretations)}


class PolicyStatusView(ReportView):
    """Every policy the user may see in the admin, with its interpretations and their status."""

    page_title = _("Policies and interpretations")
    header_icon = "doc-full"
    index_url_name = "govinfo_policies:status"
    index_results_url_name = "govinfo_policies:status_results"
    results_template_name = "govinfo_policies/reports/status_results.html"
    paginate_by = 50
    columns = [
        TitleColumn("policy", label=_("Policy document"), accessor="policy.title",
                    get_url=_edit_url),
        Column("document_number", label=_("Document number"),
               accessor="policy.document_number"),
        Column("status", label=_("Status")),
        Column("interpretation_summary", label=_("Interpretations")),
    ]

    def get_queryset(self):
        explorable = PagePermissionPolicy().explorable_instances(self.request.user)
        return (PolicyDocumentPage.objects.filter(pk__in=explorable.values("pk"))
                .order_by("-latest_revision_created_at", "-pk"))

    def decorate_paginated_queryset(self, object_list):
        policies = list(object_list)
        by_policy: dict[int, list[InterpretationPage]] = {p.pk: [] for p in policies}
        for interpretation in InterpretationPage.objects.filter(
            policy_links__policy__in=policies
        ).distinct().prefetch_related("policy_links"):
            for link in interpretation.policy_links.all():
                if link.policy_id in by_policy:
                    by_policy[link.policy_id].append(interpretation)
        return [PolicyStatusRow(p, by_policy[p.pk]) for p in policies]


UNPUBLISH_CHOICE = "govinfo_interpretations"


def confirm_policy_unpublish(request, policy: PolicyDocumentPage):
    """The extra confirm step of unpublishing a policy that has live interpretations.

    Returns a response to show, or None to let Wagtail unpublish the policy. Never refuses:
    the editor chooses what happens to the interpretations and the policy comes down.
    """
    live = list(InterpretationPage.objects.live().filter(policy_links__policy=policy)
                .distinct())
    if not live:
        return None
    choice = request.POST.get(UNPUBLISH_CHOICE)
    if choice == "take_down":
        take_down_interpretations(policy, user=request.user)
        return None
    if choice == "keep":
        keep_interpretations(policy, user=request.user)
        return None
    return render(request, "govinfo_policies/confirm_unpublish_policy.html", {
        "page": policy,
        "interpretations": live,
        "choice_name": UNPUBLISH_CHOICE,
        "include_descendants": request.POST.get("include_descendants", ""),
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "error": choice is not None,
    })
