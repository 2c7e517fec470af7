"""Admin of policies and interpretations: reports, dashboard panel, buttons, unpublish step."""

from contextvars import ContextVar

from django.urls import include, path, reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.log_actions import LogFormatter
from wagtail.signals import init_new_page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import release_rules  # noqa: F401 (the 三同步 release check, registered on import)
from .models import (
    CalendarCorrection,
    InterpretationPage,
    InterpretedPolicy,
    PolicyDocumentPage,
    policy_page_models,
)
from .services import (
    AWAITING_GROUP_LOG_ACTION,
    INTERPRETATIONS_KEPT_LOG_ACTION,
    INTERPRETATIONS_TAKEN_DOWN_LOG_ACTION,
    policies_without_interpretation,
    release_after_review,
    workday_calendar,
)
from .views import LateInterpretationsReportView, PolicyStatusView, confirm_policy_unpublish

POLICY_PARAM = "interprets"


@hooks.register("govinfo_release_after_review")
def release_policy_group(revision, user=None) -> bool:
    """A policy and its interpretations go live together (三同步), or wait for each other:
    "approved, awaiting release of the group" is not a failed approval."""
    if not isinstance(revision.content_object, policy_page_models()):
        return False
    release_after_review(revision, user=user)
    return True


@hooks.register("register_admin_urls")
def register_admin_urls():
    urls = [
        path("late/", LateInterpretationsReportView.as_view(), name="late_interpretations"),
        path("late/results/", LateInterpretationsReportView.as_view(results_only=True),
             name="late_interpretations_results"),
        path("status/", PolicyStatusView.as_view(), name="status"),
        path("status/results/", PolicyStatusView.as_view(results_only=True),
             name="status_results"),
    ]
    return [path("govinfo-policies/", include((urls, "govinfo_policies")))]


@hooks.register("register_reports_menu_item")
def register_late_report_menu_item():
    return MenuItem(_("Policies awaiting interpretation"),
                    reverse("govinfo_policies:late_interpretations"),
                    name="govinfo-late-interpretations", icon_name="time", order=910)


@hooks.register("register_reports_menu_item")
def register_status_menu_item():
    return MenuItem(_("Policies and interpretations"), reverse("govinfo_policies:status"),
                    name="govinfo-policy-status", icon_name="doc-full", order=911)


class CalendarCorrectionViewSet(SnippetViewSet):
    model = CalendarCorrection
    icon = "date"
    menu_label = _("Holiday calendar")
    list_display = ["date", "kind", "note"]
    add_to_admin_menu = False


register_snippet(CalendarCorrectionViewSet)


# --- Dashboard -------------------------------------------------------------------------------


class LateInterpretationsPanel(Component):
    name = "govinfo_late_interpretations"
    order = 120
    template_name = "govinfo_policies/panels/dashboard.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        calendar = workday_calendar()
        entries = [e for e in policies_without_interpretation(calendar=calendar) if e.is_late]
        warning = calendar.coverage_warning() if self.user.is_superuser else None
        return {"entries": entries, "warning": warning,
                "report_url": reverse("govinfo_policies:late_interpretations")}

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context)
        if not context["entries"] and not context["warning"]:
            return ""
        return super().render_html(parent_context)


@hooks.register("construct_homepage_panels")
def add_late_interpretations_panel(request, panels):
    panels.append(LateInterpretationsPanel(request.user))


# --- "Create an interpretation of this policy" ------------------------------------------------


def _interpretation_add_url(policy) -> str | None:
    parent = policy.get_parent()
    if parent is None:
        return None
    url = reverse("wagtailadmin_pages:add",
                  args=("govinfo_policies", "interpretationpage", parent.pk))
    return f"{url}?{urlencode({POLICY_PARAM: policy.pk})}"


def _may_add_interpretation(policy, user) -> bool:
    parent = policy.get_parent()
    return bool(parent) and InterpretationPage.can_create_at(parent.specific) and (
        parent.permissions_for_user(user).can_add_subpage()
    )


class AddInterpretationMenuItem(PageMenuItem):
    label = _("Create an interpretation of this policy")
    icon_name = "doc-full"
    priority = 30

    @cached_property
    def url(self):
        return _interpretation_add_url(self.page)

    def is_shown(self, user):
        return isinstance(self.page.specific_deferred, PolicyDocumentPage) and (
            _may_add_interpretation(self.page, user))


@hooks.register("register_page_header_buttons")
def interpretation_header_button(page, user, view_name=None, next_url=None):
    yield AddInterpretationMenuItem(page=page)


@hooks.register("register_page_listing_more_buttons")
def interpretation_listing_button(page, user, next_url=None):
    yield AddInterpretationMenuItem(page=page)


# The policy named in ?interprets= of the add view, handed from the hook (which has the
# request) to the init_new_page signal (which has the new page). Set on every such request.
_prefill_policy: ContextVar[PolicyDocumentPage | None] = ContextVar(
    "govinfo_prefill_policy", default=None
)


@hooks.register("before_create_page")
def remember_interpreted_policy(request, parent_page, page_class):
    policy = None
    if page_class is InterpretationPage and request.method == "GET":
        raw = request.GET.get(POLICY_PARAM, "")
        if raw.isdigit():
            candidate = PolicyDocumentPage.objects.filter(pk=int(raw)).first()
            # Only a policy this user may edit: the id must not reveal other pages' titles.
            if candidate and candidate.permissions_for_user(request.user).can_edit():
                policy = candidate
    _prefill_policy.set(policy)


def prefill_interpretation(sender, page, parent, **kwargs):
    if not isinstance(page, InterpretationPage):
        return
    policy = _prefill_policy.get()
    _prefill_policy.set(None)
    if policy is None:
        return
    page.policy_links = [InterpretedPolicy(policy=policy)]
    # 谁起草谁解读: the body that drafted the policy interprets it.
    page.agency_id = policy.agency_id
    page.topic_id = policy.topic_id


init_new_page.connect(prefill_interpretation, dispatch_uid="govinfo_prefill_interpretation")


# --- Unpublishing a policy ---------------------------------------------------------------------


@hooks.register("before_unpublish_page")
def ask_about_interpretations(request, page):
    specific = page.specific
    if isinstance(specific, PolicyDocumentPage):
        return confirm_policy_unpublish(request, specific)
    return None


# --- History -----------------------------------------------------------------------------------


@hooks.register("register_log_actions")
def register_policy_log_actions(actions):
    actions.register_action(AWAITING_GROUP_LOG_ACTION, _("Approved, awaiting release of the group"),
                            _("Approved, awaiting release of the group"))
    actions.register_action(INTERPRETATIONS_KEPT_LOG_ACTION,
                            _("Interpretations kept online"),
                            _("Policy taken down; its interpretations were kept online with "
                              "a notice"))

    @actions.register_action(INTERPRETATIONS_TAKEN_DOWN_LOG_ACTION)
    class TakenDown(LogFormatter):
        label = _("Interpretations taken down")

        def format_message(self, log_entry):
            return _("Policy taken down with %(count)d interpretation(s)") % {
                "count": len(log_entry.data.get("pages", []))}
