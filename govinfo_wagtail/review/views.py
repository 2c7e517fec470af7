"""Admin views of the review: the editor's check, the audit report, emergency release."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.defaults import permission_denied
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView
from wagtail.log_actions import registry as log_registry
from wagtail.models import Page, PageLogEntry, WorkflowState

from ..core.release import RELEASE_LOG_ACTION, ReleaseReason, ReleaseRefused
from .gates import GATE_DECISION_LOG_ACTION, OVERRIDE_LOG_ACTION, RESTART_LOG_ACTION
from .inspection import check_revision
from .models import Decision, EmergencyRelease, NoticeFailure, choice_label
from .notifications import may_see_notice_failures
from .services import (
    EMERGENCY_LOG_ACTION,
    RETROSPECTIVE_LOG_ACTION,
    emergency_release,
    may_release_in_emergency,
    may_review_emergency_releases,
    record_retrospective_review,
)
from .signoff import build_signoff_pdf, build_signoff_sheet, may_view_signoff, release_entries

AUDIT_ACTIONS = [
    "wagtail.workflow.start",
    "wagtail.workflow.resume",
    "wagtail.workflow.cancel",
    GATE_DECISION_LOG_ACTION,
    OVERRIDE_LOG_ACTION,
    RESTART_LOG_ACTION,
    RELEASE_LOG_ACTION,
    EMERGENCY_LOG_ACTION,
    RETROSPECTIVE_LOG_ACTION,
    "wagtail.unpublish",
]


def check_page(request, page_id: int):
    """The automated checks on the latest version, for the editor before submitting."""
    page = get_object_or_404(Page, pk=page_id).specific
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    revision = page.get_latest_revision()
    report = check_revision(revision) if revision else None
    return TemplateResponse(request, "govinfo_review/check.html", {
        "page": page, "revision": revision, "report": report,
    })


class EmergencyReleaseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}),
                             min_length=5, max_length=2000)
    override_reason = forms.CharField(
        label=_("Reason to override blocking findings"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only if the automated checks report blocking findings: the release "
                    "stops unless you say why it must go out anyway. Recorded per finding."))


def emergency_release_view(request, page_id: int):
    page = get_object_or_404(Page, pk=page_id).specific
    if not may_release_in_emergency(request.user) or not page.permissions_for_user(
        request.user
    ).can_edit():
        raise PermissionDenied
    form = EmergencyReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            emergency_release(page, request.user, form.cleaned_data["reason"],
                              override_reason=form.cleaned_data["override_reason"])
        except ValidationError as exc:
            form.add_error("reason", exc)
        except ReleaseRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Released in an emergency; it is listed for a "
                                        "retrospective review."))
            return redirect("wagtailadmin_explore", page.get_parent().pk)
    return TemplateResponse(request, "govinfo_review/emergency_release.html",
                            {"page": page, "form": form})


def retrospective_review_view(request, pk: int):
    emergency = get_object_or_404(EmergencyRelease, pk=pk)
    if request.method != "POST" or not may_review_emergency_releases(request.user) or not (
        emergency.page.permissions_for_user(request.user).can_unpublish()
    ):
        raise PermissionDenied
    record_retrospective_review(emergency, request.user, request.POST.get("note", "")[:2000])
    messages.success(request, _("Retrospective review recorded."))
    return redirect("wagtailadmin_home")


def dismiss_notice_failures(request):
    """An administrator has seen the notices that could not be sent."""
    if request.method != "POST" or not may_see_notice_failures(request.user):
        raise PermissionDenied
    NoticeFailure.objects.filter(dismissed_at__isnull=True).update(dismissed_at=timezone.now())
    return redirect("wagtailadmin_home")


def signoff_sheet_view(request, release_id: int):
    """The 审签单 of one release, as a PDF, for those who may see the page's audit history."""
    entry = get_object_or_404(release_entries(), pk=release_id)
    page = Page.objects.filter(pk=entry.page_id).first()
    if page is None:
        raise Http404  # the page was deleted; its history stays in the audit report
    if not may_view_signoff(request.user, page):
        # A plain 403, not Wagtail's redirect to the dashboard: the link opens a PDF tab.
        return permission_denied(request, PermissionDenied())
    pdf = build_signoff_pdf(build_signoff_sheet(entry))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="signoff-{entry.pk}.pdf"'
    # Names and opinions of reviewers: not for shared caches.
    response["Cache-Control"] = "private, no-store"
    return response


def signoff_url(entry) -> str:
    return reverse("govinfo_review:signoff", args=[entry.pk])


def _action_choices():
    return [(a, log_registry.get_action_label(a)) for a in AUDIT_ACTIONS]


class ReviewAuditFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(label=_("Action"), choices=_action_choices)
    user = django_filters.ModelChoiceFilter(
        label=_("User"), field_name="user",
        queryset=lambda request: get_user_model().objects.filter(
            pk__in=PageLogEntry.objects.filter(action__in=AUDIT_ACTIONS).values("user_id")
        ),
    )
    timestamp = django_filters.DateFromToRangeFilter(
        label=_("Date"), widget=DateRangePickerWidget
    )
    label = django_filters.CharFilter(label=_("Title"), lookup_expr="icontains")
    # One page's audit trail: /admin/govinfo/review/audit/?page=<id>
    page = django_filters.NumberFilter(label=_("Page ID"), field_name="page_id")

    class Meta:
        model = PageLogEntry
        fields = ["action", "user", "timestamp", "label", "page"]


def _gate(entry) -> str:
    data = entry.data or {}
    return data.get("gate") or (data.get("workflow") or {}).get("task", {}).get("title", "")


def _detail(entry) -> str:
    data = entry.data or {}
    parts = []
    if entry.action == RELEASE_LOG_ACTION:
        # A release's reason is a code (ReleaseReason); elsewhere "reason" is what a user wrote.
        parts.append(choice_label(ReleaseReason, data.get("reason")))
        data = {"note": data.get("note")}
    if data.get("checklist"):
        parts.append("✓ " + "、".join(data["checklist"]))
    for key in ("opinion", "reason", "note", "comment"):
        if data.get(key):
            parts.append(str(data[key]))
    return " | ".join(parts)


def _decision(entry) -> str:
    data = entry.data or {}
    if entry.action == GATE_DECISION_LOG_ACTION:
        return choice_label(Decision, data.get("decision"))
    status = (data.get("workflow") or {}).get("status")
    return str(dict(WorkflowState.STATUS_CHOICES).get(status, status or ""))


class SignoffColumn(Column):
    """A link to the 审签单 on each release row."""

    cell_template_name = "govinfo_review/signoff_cell.html"

    def get_value(self, instance):
        return signoff_url(instance) if instance.action == RELEASE_LOG_ACTION else None


class ReviewAuditView(ReportView):
    """Every submission, gate decision, override and release across pages."""

    page_title = _("Review audit trail")
    header_icon = "clipboard-list"
    index_url_name = "govinfo_review:audit"
    index_results_url_name = "govinfo_review:audit_results"
    filterset_class = ReviewAuditFilterSet
    results_template_name = "wagtailadmin/generic/listing_results.html"
    any_permission_required = ["change"]
    model = PageLogEntry

    columns = [
        DateColumn("timestamp", label=_("Time")),
        Column("label", label=_("Page")),
        Column("action_label", label=_("Action"), accessor=lambda e: e.formatter.label),
        Column("gate", label=_("Gate"), accessor=_gate),
        Column("decision", label=_("Decision"), accessor=_decision),
        Column("user", label=_("User"), accessor=lambda e: e.user_display_name),
        Column("revision", label=_("Version"), accessor="revision_id"),
        Column("detail", label=_("Checklist / opinion / reason"), accessor=_detail),
        SignoffColumn("signoff", label=_("Sign-off sheet")),
    ]
    list_export = ["timestamp", "page_id", "label", "action", "gate", "decision", "user",
                   "revision_id", "detail"]
    export_headings = {
        "timestamp": _("Time"), "page_id": _("Page ID"), "label": _("Page"),
        "action": _("Action"), "gate": _("Gate"), "decision": _("Decision"),
        "user": _("User"), "revision_id": _("Version"), "detail": _("Details"),
    }

    @property
    def permission_policy(self):
        from wagtail.permission_policies.pages import PagePermissionPolicy

        return PagePermissionPolicy()

    def get_queryset(self):
        return (
            PageLogEntry.objects.filter(action__in=AUDIT_ACTIONS)
            .select_related("user", "page")
            .order_by("-timestamp", "-pk")
        )

    def to_row_dict(self, item):
        return {
            "timestamp": item.timestamp, "page_id": item.page_id, "label": item.label,
            "action": str(item.formatter.label) if item.formatter else item.action,
            "gate": _gate(item), "decision": _decision(item),
            "user": item.user_display_name, "revision_id": item.revision_id,
            "detail": _detail(item),
        }

    def get_filename(self):
        return "review-audit"


def audit_url() -> str:
    return reverse("govinfo_review:audit")
