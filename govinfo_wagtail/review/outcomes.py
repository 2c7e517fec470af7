"""What the reviewer is told after acting on a gate, where they acted.

Wagtail's page editor ends a workflow action with "page updated" and a redirect to the page
explorer, which a reviewer may not open (a red "no permission" after a pass), and a refusal
raised by the action ends on its generic no-permission page. Here:

- a pass or a return says what happened ("已通过政治审核，已转政策审核", "已退回编辑，意见：…")
  and lands on the dashboard;
- a refusal (rules of the gate, or the release service at the last gate) is shown as its
  reason on the page editor, where the reviewer acted; nothing was decided.

The gate action modal gets the reason earlier still: its form checks the gate's rules, so the
dialog stays open with the fields as entered (``forms.GatePassForm``).
"""

from __future__ import annotations

from contextvars import ContextVar

from django.contrib import messages as django_messages
from django.core import signing
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin import messages
from wagtail.models import Page, TaskState, WorkflowState

# Set while the page editor performs a gate action for this request (see wagtail_hooks).
_acting_request: ContextVar = ContextVar("govinfo_review_acting_request", default=None)
# Marks gate actions posted from the admin (the gate forms add it), so that refusals are
# reported to the reviewer rather than raised; code calling on_action still gets exceptions.
ADMIN_MARKER = "govinfo_admin"
_REFUSED_FLAG = "_govinfo_gate_refused"
_DONE_FLAG = "_govinfo_gate_done"
_SALT = "govinfo_review.gate_refusal"


def begin(request) -> None:
    _acting_request.set(request)


def end(**kwargs) -> None:
    _acting_request.set(None)


def request_for(user):
    request = _acting_request.get()
    if request is not None and getattr(request.user, "pk", None) == getattr(user, "pk", None):
        return request
    return None


def outcome_message(task_state) -> str:
    """The sentence that says what a decision on this gate did."""
    task_state.refresh_from_db()
    gate = task_state.task.name
    if task_state.status == TaskState.STATUS_REJECTED:
        return _("Returned to the editor with this opinion: %(opinion)s") % {
            "opinion": task_state.specific.get_comment()}
    workflow_state = WorkflowState.objects.get(pk=task_state.workflow_state_id)
    page = Page.objects.get(pk=task_state.revision.object_id)
    if workflow_state.status == WorkflowState.STATUS_IN_PROGRESS and (
        workflow_state.current_task_state_id
    ):
        return _("Passed %(gate)s, sent on to %(next)s.") % {
            "gate": gate, "next": workflow_state.current_task_state.task.name}
    if page.live and page.live_revision_id == task_state.revision_id:
        return _("Passed %(gate)s: “%(title)s” is released.") % {
            "gate": gate, "title": page.get_admin_display_title()}
    return _("Passed %(gate)s: “%(title)s” is approved and awaits the release of its "
             "group.") % {"gate": gate, "title": page.get_admin_display_title()}


def refusal_message(exc) -> str:
    return _("Nothing was decided: %(reason)s") % {
        "reason": getattr(exc, "message", None) or str(exc)}


def outcome_url(task_state, refused: str | None = None) -> str:
    url = reverse("govinfo_review:gate_outcome", args=[task_state.pk])
    if refused:
        url += "?refused=" + signing.dumps(refused, salt=_SALT)
    return url


def report_refusal(task_state, user, exc) -> str | None:
    """Tell the reviewer why nothing happened; the URL to go to, if not the editor's."""
    request = request_for(user)
    if request is not None:
        messages.error(request, refusal_message(exc))
        setattr(request, _REFUSED_FLAG, True)
        return None
    return outcome_url(task_state, refused=refusal_message(exc))


def report_done(task_state, user) -> str:
    request = request_for(user)
    if request is not None:
        setattr(request, _DONE_FLAG, task_state)
    return outcome_url(task_state)


def _drop_saved_message(request, page) -> None:
    """Remove Wagtail's green "page updated": it would read as if the edit were the news."""
    title = page.get_admin_display_title()
    storage = django_messages.get_messages(request)
    kept = [m for m in storage
            if not (m.level == django_messages.SUCCESS and title in str(m.message))]
    for m in kept:  # reading the storage emptied it
        django_messages.add_message(request, m.level, m.message, extra_tags=m.extra_tags)


def after_edit(request, page):
    """after_edit_page: the response for a gate action performed from the page editor."""
    end()
    if getattr(request, _REFUSED_FLAG, False):
        _drop_saved_message(request, page)
        return redirect("wagtailadmin_pages:edit", page.pk)
    task_state = getattr(request, _DONE_FLAG, None)
    if task_state is None:
        return None
    _drop_saved_message(request, page)
    messages.success(request, outcome_message(task_state))
    return redirect("wagtailadmin_home")


def gate_outcome_view(request, task_state_id: int):
    """Where the gate action modal sends the reviewer after acting."""
    task_state = get_object_or_404(TaskState, pk=task_state_id)
    page_id = task_state.revision.object_id
    refused = request.GET.get("refused")
    if refused:
        try:
            reason = signing.loads(refused, salt=_SALT, max_age=600)
        except signing.BadSignature:
            reason = None
        if reason:
            messages.error(request, reason)
            return redirect("wagtailadmin_pages:edit", page_id)
    elif task_state.finished_by_id == request.user.pk:
        messages.success(request, outcome_message(task_state))
    return redirect("wagtailadmin_home")
