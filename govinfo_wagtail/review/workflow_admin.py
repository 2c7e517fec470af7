"""Settings → Workflows and Workflow tasks say it, and refuse, when a change would leave
disclosure pages under a workflow that cannot release them (``workflow_rules``).

Wagtail 8 has no hooks and no viewset for its workflow views, and its own URL patterns come
before those of ``register_admin_urls``. So, while the admin URLs are built (that hook runs
before Wagtail decorates its views with the admin checks), the callbacks of the workflow
views that change what governs a page are replaced by subclasses that add one step: the
change is made in a savepoint, the disclosure trees are checked, and a change that leaves a
tree incomplete is rolled back and refused with the reason, where the user acted. Everything
else (permissions, forms, templates, logging) is Wagtail's. The system check
``govinfo_review.W002`` says so if the replacement did not happen (a Wagtail upgrade that
renamed the views). The release service refuses what an incomplete workflow lets through
anyway; this is so that site teams learn it when they configure, not at a reviewer's click.
"""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.ui.components import Component
from wagtail.admin.views import workflows
from wagtail.models import Page, Task, Workflow, WorkflowPage
from wagtail.permissions import policy_registry

from .workflow_rules import (
    incomplete_disclosure_trees,
    new_problems,
    refusal_message,
    what_would_break,
)


class _Refused(Exception):
    def __init__(self, trees):
        super().__init__()
        self.trees = trees


def _next_or(request, fallback):
    target = request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(url=target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


def _warn_if_incomplete(request, workflow) -> None:
    governed = [t for t in incomplete_disclosure_trees() if t.workflow_id == workflow.pk]
    if governed:
        messages.warning(request, gettext(
            "This workflow governs disclosure pages but cannot release them: %(trees)s"
        ) % {"trees": "; ".join(t.describe() for t in governed[:5])})


class _SaveWorkflowMixin:
    """Create and Edit: the workflow, its tasks and its pages are saved together; the check
    runs after all three, inside the same transaction."""

    def save_workflow(self):
        raise NotImplementedError

    def form_valid(self, form):
        self.form = form
        before = incomplete_disclosure_trees()
        try:
            with transaction.atomic():
                self.save_workflow()
                broken = new_problems(before, incomplete_disclosure_trees())
                if broken:
                    raise _Refused(broken)
        except _Refused as refused:
            return self.refuse(form, refused.trees)
        messages.success(self.request, self.success_message_for_save(), buttons=[
            messages.button(reverse(self.edit_url_name, args=(self.object.id,)),
                            gettext("Edit"))])
        return redirect(self.get_success_url())

    def refuse(self, form, trees):
        form.add_error(None, refusal_message(trees, action="save"))
        self.produced_error_message = self.get_error_message()
        return self.form_invalid(form)


class GuardedCreate(_SaveWorkflowMixin, workflows.Create):
    def save_workflow(self):
        self.object = self.save_instance()
        self.pages_formset.save()
        self.content_type_form.save()

    def success_message_for_save(self):
        return self.get_success_message(self.object)

    def refuse(self, form, trees):
        # Rolled back: the form is shown again as a new workflow, with what was entered.
        form.instance.pk = None
        form.instance._state.adding = True
        return super().refuse(form, trees)


class GuardedEdit(_SaveWorkflowMixin, workflows.Edit):
    def get(self, request, *args, **kwargs):
        _warn_if_incomplete(request, self.get_object())
        return super().get(request, *args, **kwargs)

    def save_workflow(self):
        self.object = self.save_instance()
        if self.object.active:
            self.pages_formset.save()
            self.content_type_form.save()

    def success_message_for_save(self):
        return self.get_success_message()


class _GuardedDisableMixin:
    """Disabling a workflow or a task: warned on the confirmation page, refused on POST when it
    would leave a disclosure tree without a complete review."""

    model_to_disable = None

    def _broken(self):
        pk = self.kwargs["pk"]
        return what_would_break(
            lambda: self.model_to_disable.objects.filter(pk=pk).update(active=False))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        broken = self._broken()
        if broken:
            context["warning_message"] = refusal_message(broken, action="disable")
        return context

    def form_valid(self, form):
        broken = self._broken()
        if broken:
            messages.error(self.request, refusal_message(broken, action="disable"))
            return redirect(reverse(self.edit_url_name, args=(self.kwargs["pk"],)))
        return super().form_valid(form)


class GuardedDisable(_GuardedDisableMixin, workflows.Disable):
    model_to_disable = Workflow


@require_POST
def guarded_enable_workflow(request, pk):
    get_object_or_404(Workflow, id=pk)
    if not policy_registry.get_by_type(Workflow).user_has_permission(request.user, "add"):
        raise PermissionDenied
    broken = what_would_break(lambda: Workflow.objects.filter(pk=pk).update(active=True))
    if broken:
        messages.error(request, refusal_message(broken, action="enable"))
        return _next_or(request, reverse("wagtailadmin_workflows:edit", args=(pk,)))
    return workflows.enable_workflow(request, pk)


@require_POST
def guarded_remove_workflow(request, page_pk, workflow_pk=None):
    page = get_object_or_404(Page, id=page_pk)
    if not policy_registry.get_by_type(Workflow).user_has_permission(request.user, "change"):
        raise PermissionDenied
    assignment = WorkflowPage.objects.filter(page=page)
    if workflow_pk:
        assignment = assignment.filter(workflow_id=workflow_pk)
    broken = what_would_break(assignment.delete)
    if broken:
        messages.error(request, refusal_message(broken, action="remove"))
        return _next_or(request, reverse("wagtailadmin_explore", args=(page.pk,)))
    return workflows.remove_workflow(request, page_pk, workflow_pk)


class GuardedEditTask(workflows.EditTask):
    """A gate's kind, groups or anything else of a task in use: checked after the save."""

    def save_instance(self):
        before = incomplete_disclosure_trees()
        with transaction.atomic():
            instance = super().save_instance()
            broken = new_problems(before, incomplete_disclosure_trees())
            if broken:
                raise _Refused(broken)
        return instance

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except _Refused as refused:
            form.add_error(None, refusal_message(refused.trees, action="save"))
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class GuardedDisableTask(_GuardedDisableMixin, workflows.DisableTask):
    model_to_disable = Task


# URL name → (Wagtail's view, ours). Only an untouched Wagtail view is replaced, so building
# the admin URLs twice never drops the admin checks Wagtail wraps around them.
GUARDED_VIEWS = {
    "add": (workflows.Create, GuardedCreate),
    "edit": (workflows.Edit, GuardedEdit),
    "disable": (workflows.Disable, GuardedDisable),
    "enable": (workflows.enable_workflow, guarded_enable_workflow),
    "remove": (workflows.remove_workflow, guarded_remove_workflow),
    "edit_task": (workflows.EditTask, GuardedEditTask),
    "disable_task": (workflows.DisableTask, GuardedDisableTask),
}


def _is(callback, original) -> bool:
    """``callback`` is Wagtail's view itself, not yet wrapped in the admin's decorators
    (a wrapped view has the view it wraps as ``__wrapped__``)."""
    if not isinstance(original, type):
        return callback is original
    wrapped = getattr(callback, "__wrapped__", None)
    return getattr(callback, "view_class", None) is original and not hasattr(wrapped, "view_class")


@hooks.register("register_admin_urls")
def guard_workflow_views():
    # Imported here, while Wagtail builds its admin URLs: importing it at the top would
    # build them (the package's __init__) before this hook is registered.
    from wagtail.admin.urls import workflows as workflow_urls

    for pattern in workflow_urls.urlpatterns:
        original, guarded = GUARDED_VIEWS.get(getattr(pattern, "name", None), (None, None))
        if original is not None and _is(pattern.callback, original):
            pattern.callback = guarded.as_view() if isinstance(guarded, type) else guarded
    return []


def workflow_guard_installed() -> bool:
    from django.urls import NoReverseMatch, resolve

    try:
        match = resolve(reverse("wagtailadmin_workflows:edit", args=(1,)))
    except NoReverseMatch:
        return True  # the admin is not mounted: nothing to guard
    return issubclass(getattr(match.func, "view_class", object), GuardedEdit)


def check_workflow_admin_guard(app_configs=None, **kwargs):
    """The admin's workflow views refuse incomplete workflows only if ``workflow_admin``
    could put its views in place (Wagtail offers no extension point there)."""
    if workflow_guard_installed():
        return []
    return [checks.Warning(
        gettext("Settings → Workflows does not refuse workflows that cannot release "
                "disclosure pages: the package's workflow views are not in place."),
        hint=gettext("Check that govinfo_wagtail.review is in INSTALLED_APPS and that this "
                     "Wagtail version is supported."),
        id="govinfo_review.W002",
    )]


# ---------------------------------------------------------------------------------------
# Dashboard

# Who sees the panel: those who may change workflows, and site administrators (who may
# change the disclosure settings). Permissions, not group names.
PANEL_PERMISSIONS = (
    "wagtailcore.add_workflow", "wagtailcore.change_workflow", "wagtailcore.delete_workflow",
    "govinfo_core.change_disclosuresettings",
)


def may_see_workflow_problems(user) -> bool:
    return user.is_superuser or any(user.has_perm(p) for p in PANEL_PERMISSIONS)


class WorkflowProblemsPanel(Component):
    """Disclosure trees whose workflow cannot release them, for those who can fix it."""

    name = "govinfo_workflow_problems"
    order = 50
    template_name = "govinfo_review/workflow_problems_panel.html"
    LIMIT = 20

    def __init__(self, trees):
        self.trees = trees

    def get_context_data(self, parent_context=None):
        return {"trees": self.trees[: self.LIMIT],
                "more": max(0, len(self.trees) - self.LIMIT)}


@hooks.register("construct_homepage_panels")
def add_workflow_problems_panel(request, panels):
    if not may_see_workflow_problems(request.user):
        return
    trees = incomplete_disclosure_trees()
    if trees:
        panels.insert(0, WorkflowProblemsPanel(trees))
