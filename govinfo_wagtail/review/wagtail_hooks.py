from django.contrib.contenttypes.models import ContentType
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.action_menu import SubmitForModerationMenuItem
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.views.home import UserObjectsInWorkflowModerationPanel
from wagtail.admin.widgets.button import BaseButton
from wagtail.log_actions import LogFormatter
from wagtail.models import Task, TaskState
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from ..core.permissions import permissions_named
from . import admin_refusals, outcomes, release_checks, views  # noqa: F401 (hooks)
from .checks.findings import FindingKind
from .gates import GATE_DECISION_LOG_ACTION, OVERRIDE_LOG_ACTION, RESTART_LOG_ACTION
from .inspection import location_label
from .models import (
    Decision,
    EmergencyRelease,
    LexiconWord,
    NoticeFailure,
    ReviewGateTask,
    choice_label,
)
from .notifications import may_see_notice_failures
from .opinions import latest_return, return_notice
from .services import (
    EMERGENCY_LOG_ACTION,
    EMERGENCY_RELEASE_PERMISSION,
    RETROSPECTIVE_LOG_ACTION,
    RETROSPECTIVE_REVIEW_PERMISSION,
    may_release_in_emergency,
    may_review_emergency_releases,
)
from .signoff import may_view_signoff, release_entries


class LexiconViewSet(SnippetViewSet):
    """错敏词: site administrators edit it (the usual snippet permissions decide who)."""

    model = LexiconWord
    icon = "warning"
    menu_label = _("Lexicon (错敏词)")
    menu_name = "govinfo_lexicon"
    add_to_admin_menu = False
    list_display = ["word", "correction", "severity", "note"]
    list_filter = ["severity"]
    search_fields = ["word", "correction"]
    ordering = ["word"]


register_snippet(LexiconViewSet)


@hooks.register("register_permissions")
def register_review_permissions():
    """Emergency release and its retrospective review, in Wagtail's group editor (the
    lexicon's permissions come with its snippet viewset)."""
    return permissions_named(EMERGENCY_RELEASE_PERMISSION, RETROSPECTIVE_REVIEW_PERMISSION)


@hooks.register("register_admin_urls")
def register_review_urls():
    urls = [
        path("check/<int:page_id>/", views.check_page, name="check"),
        path("emergency/<int:page_id>/", views.emergency_release_view, name="emergency"),
        path("retrospective/<int:pk>/", views.retrospective_review_view, name="retrospective"),
        path("signoff/<int:release_id>.pdf", views.signoff_sheet_view, name="signoff"),
        path("gate/<int:task_state_id>/outcome/", outcomes.gate_outcome_view,
             name="gate_outcome"),
        path("notices/dismiss/", views.dismiss_notice_failures,
             name="dismiss_notice_failures"),
        path("audit/", views.ReviewAuditView.as_view(), name="audit"),
        path("audit/results/", views.ReviewAuditView.as_view(results_only=True),
             name="audit_results"),
    ]
    return [path("govinfo/review/", include((urls, "govinfo_review"), namespace="govinfo_review"))]


class AuditMenuItem(MenuItem):
    def is_shown(self, request):
        return views.ReviewAuditView().permission_policy.user_has_any_permission(
            request.user, ["change"]
        )


@hooks.register("register_reports_menu_item")
def register_audit_report():
    return AuditMenuItem(_("Review audit trail"), reverse("govinfo_review:audit"),
                         name="govinfo-review-audit", icon_name="clipboard-list", order=950)


class CheckButton(PageMenuItem):
    label = _("Automated checks")
    icon_name = "search"
    url_name = "govinfo_review:check"

    def is_shown(self, user):
        return self.page.specific_class is not None and hasattr(
            self.page.specific_class, "attachments"
        ) and self.page.permissions_for_user(user).can_edit()


class EmergencyButton(PageMenuItem):
    label = _("Emergency release")
    icon_name = "warning"
    url_name = "govinfo_review:emergency"

    def is_shown(self, user):
        return (not self.page.live or self.page.has_unpublished_changes) and (
            may_release_in_emergency(user)
        ) and self.page.permissions_for_user(user).can_edit()


class SignoffButton(PageMenuItem):
    """The 审签单 of the page's latest release; every release's is in the audit report."""

    label = _("Sign-off sheet")
    icon_name = "doc-full"

    @cached_property
    def latest_release(self):
        return release_entries().filter(page_id=self.page.pk).order_by("-timestamp", "-pk").first()

    @cached_property
    def url(self):
        return views.signoff_url(self.latest_release) if self.latest_release else ""

    def is_shown(self, user):
        return self.latest_release is not None and may_view_signoff(user, self.page)


@hooks.register("register_page_header_buttons")
def review_header_buttons(page, user, view_name, next_url=None):
    yield CheckButton(page=page, priority=40)
    yield EmergencyButton(page=page, priority=45)
    yield SignoffButton(page=page, priority=50)


@hooks.register("before_edit_page")
def follow_gate_action(request, page):
    """A gate action posted from the page editor: report what it did, or why not. A page
    that came back from review shows the opinion at the top of the editor."""
    if request.method == "POST" and request.POST.get("action-workflow-action"):
        outcomes.begin(request)
    elif request.method == "GET":
        found = latest_return(page.current_workflow_state)
        if found is not None:
            messages.warning(request, return_notice(found), extra_tags="govinfo-return")


@hooks.register("after_edit_page")
def report_gate_action(request, page):
    return outcomes.after_edit(request, page)


class ReturnedInListing(BaseButton):
    """The latest opinion (gate, reviewer, text) beside the page's title in the page listing,
    until the page is resubmitted; it links to the editor, where the opinion is in full."""

    template_name = "govinfo_review/listing_return.html"

    def __init__(self, page, returned, **kwargs):
        super().__init__(label=str(_("Returned")), **kwargs)
        self.page = page
        self.returned = returned

    def get_context_data(self, parent_context):
        full = _("Returned at %(gate)s by %(reviewer)s: %(opinion)s") % {
            "gate": self.returned.gate, "reviewer": self.returned.reviewer,
            "opinion": self.returned.opinion}
        return {"page": self.page, "returned": self.returned, "full": full}


@hooks.register("insert_global_admin_css")
def review_admin_css():
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<link rel="stylesheet" href="{}">', static("govinfo_review/admin.css"))


@hooks.register("register_page_listing_buttons")
def returned_in_listing(page, user, next_url=None):
    # The listing prefetches each page's active workflow state with its current task state
    # and task (Wagtail's prefetch_workflow_states): pages not returned cost no query.
    state = page.current_workflow_state
    if state is None or state.status != state.STATUS_NEEDS_CHANGES:
        return
    found = latest_return(state)
    if found is not None:
        yield ReturnedInListing(page, found, priority=5)


class ResubmitForReviewMenuItem(SubmitForModerationMenuItem):
    """After a return, "Resubmit for review", not Wagtail's "Resubmit to <the returning
    gate>": a changed version starts again at the first gate."""

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["label"] = _("Resubmit for review")
        return context


@hooks.register("construct_page_action_menu")
def resubmit_from_the_first_gate(menu_items, request, context):
    page = context.get("page")
    state = page.current_workflow_state if page is not None and page.pk else None
    if state is None or state.status != state.STATUS_NEEDS_CHANGES:
        return
    if not isinstance(state.current_task_state.task.specific, ReviewGateTask):
        return
    for i, item in enumerate(menu_items):
        if type(item) is SubmitForModerationMenuItem:
            menu_items[i] = ResubmitForReviewMenuItem(order=item.order)


class AwaitingReviewPanel(Component):
    """待我审核: pages at a gate this user may decide, with the gate and the time waited."""

    name = "govinfo_awaiting_review"
    order = 90
    template_name = "govinfo_review/awaiting_review_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        user = self.request.user
        rows = []
        for task in ReviewGateTask.objects.filter(active=True, groups__user=user).distinct():
            for state in (
                task.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
                .select_related("revision").order_by("started_at")
            ):
                page = state.revision.content_object
                rows.append({"page": page, "gate": task.name, "since": state.started_at,
                             "waited": timezone.now() - state.started_at})
        rows.sort(key=lambda r: r["since"])
        emergencies = []
        if may_review_emergency_releases(user):
            emergencies = list(EmergencyRelease.objects.filter(reviewed_at__isnull=True)
                               .select_related("page", "released_by"))
        notice_failures = []
        if may_see_notice_failures(user):
            notice_failures = list(NoticeFailure.objects.filter(dismissed_at__isnull=True)[:50])
        return {"rows": rows, "emergencies": emergencies, "notice_failures": notice_failures,
                "request": self.request}

    def render_html(self, parent_context=None):
        from django.template.loader import render_to_string

        return render_to_string(self.template_name, self.get_context_data(), self.request)


class MyPagesInReviewPanel(UserObjectsInWorkflowModerationPanel):
    """Wagtail's "your pages in a workflow", with the opinion of a return beside the page."""

    template_name = "govinfo_review/my_pages_in_review_panel.html"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["rows"] = [
            {"state": state, "returned": latest_return(state)}
            for state in context.get("workflow_states") or []
        ]
        return context


# Wagtail's panels that ours replace: one list of what awaits the reviewer, one of the
# editor's pages in review.
REPLACED_PANELS = {"workflow_objects_to_moderate": None,
                   "user_objects_in_workflow_moderation": MyPagesInReviewPanel}


def _others_to_moderate(user) -> bool:
    """Whether the user has something to moderate outside our gates (Wagtail's panel lists
    those; ours lists the gates)."""
    tasks = Task.objects.filter(active=True).exclude(
        content_type=ContentType.objects.get_for_model(ReviewGateTask)).specific()
    return any(task.get_task_states_user_can_moderate(user).exists() for task in tasks)


@hooks.register("construct_homepage_panels")
def add_awaiting_review_panel(request, panels):
    # Wagtail's list of tasks to moderate stays where tasks other than our gates exist.
    keep_wagtails = _others_to_moderate(request.user)
    for i, panel in reversed(list(enumerate(panels))):
        name = getattr(panel, "name", None)
        if name in REPLACED_PANELS and not (keep_wagtails and REPLACED_PANELS[name] is None):
            replacement = REPLACED_PANELS[name]
            if replacement is None:
                del panels[i]
            else:
                panels[i] = replacement()
    panels.insert(0, AwaitingReviewPanel(request))


@hooks.register("register_log_actions")
def register_review_log_actions(actions):
    @actions.register_action(GATE_DECISION_LOG_ACTION)
    class GateDecision(LogFormatter):
        label = _("Review gate decision")

        def format_message(self, log_entry):
            data = log_entry.data
            params = {"gate": data.get("gate", ""), "opinion": data.get("opinion", ""),
                      "checklist": "、".join(data.get("checklist", []))}
            if data.get("decision") == Decision.RETURNED:
                return _("Returned at %(gate)s: %(opinion)s") % params
            return _("Passed %(gate)s (checked: %(checklist)s) %(opinion)s") % params

    @actions.register_action(OVERRIDE_LOG_ACTION)
    class Override(LogFormatter):
        label = _("Automated finding overridden")

        def format_message(self, log_entry):
            data = log_entry.data
            return _("Overrode a finding (%(kind)s) in %(location)s: %(reason)s") % {
                "kind": choice_label(FindingKind, data.get("kind")),
                "location": location_label(log_entry.content_type.model_class(),
                                           data.get("location", "")),
                "reason": data.get("reason", "")}

    @actions.register_action(RESTART_LOG_ACTION)
    class BackToFirstGate(LogFormatter):
        label = _("Content changed: review back to the first gate")

    @actions.register_action(EMERGENCY_LOG_ACTION)
    class Emergency(LogFormatter):
        label = _("Emergency release")

        def format_message(self, log_entry):
            return _("Emergency release: %(reason)s") % {
                "reason": log_entry.data.get("reason", "")}

    @actions.register_action(RETROSPECTIVE_LOG_ACTION)
    class Retrospective(LogFormatter):
        label = _("Retrospective review of an emergency release")


from . import workflow_admin  # noqa: E402,F401 (Settings → Workflows refuses incomplete workflows)
