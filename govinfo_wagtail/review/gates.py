"""The rules of the review gates, enforced on the server for every way of acting on a gate
(the admin's action modal, the page editor's workflow buttons, code calling ``approve``).

Wagtail hands the action data posted by the page editor to ``Task.on_action`` unvalidated,
so :func:`act_on_gate` validates it again here, whatever the form already did.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import Task, TaskState, WorkflowState

from ..conf import govinfo_settings
from ..core.content import content_digest
from .checklists import checklist_for_revision
from .inspection import check_revision
from .records import CheckOverride, Decision, ReviewGateTaskState

GATE_DECISION_LOG_ACTION = "govinfo_review.gate_decision"
OVERRIDE_LOG_ACTION = "govinfo_review.override"
RESTART_LOG_ACTION = "govinfo_review.back_to_first_gate"

MAX_OPINION = 5000
MAX_REASON = 1000
_FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")



class GateRefused(PermissionDenied):
    """An action on a gate that the rules do not allow; ``code`` says which rule."""

    def __init__(self, code: str, message: Any):
        super().__init__(str(message))
        self.code = code
        self.message = message


def may_pass(task, task_state, user) -> GateRefused | None:
    """Why ``user`` may not pass this gate now, or None."""
    if task_state.status != TaskState.STATUS_IN_PROGRESS:
        return GateRefused("not_in_progress", _("This gate is not awaiting a decision."))
    if user is None or not user.is_authenticated or not user.is_active:
        return GateRefused("not_a_reviewer", _("Only a reviewer of this gate may pass it."))
    if not task.is_reviewer(user):
        # Superusers too: no silent pass for anybody outside the gate's groups.
        return GateRefused("not_a_reviewer", _("Only a reviewer of this gate may pass it."))
    workflow_state = task_state.workflow_state
    # Set when the gate started (our start()); the revision's user only as a fallback.
    if getattr(task_state, "content_digest", ""):
        author_id = task_state.content_author_id
    else:
        author_id = task_state.revision.user_id
    if user.pk in (workflow_state.requested_by_id, author_id):
        return GateRefused(
            "own_submission", _("You submitted or edited this version; another reviewer "
                                "must pass it.")
        )
    if govinfo_settings.REVIEW_ONE_GATE_PER_PERSON and TaskState.objects.filter(
        workflow_state=workflow_state, revision_id=task_state.revision_id,
        status=TaskState.STATUS_APPROVED, finished_by=user,
    ).exclude(task_id=task.pk).exists():
        return GateRefused(
            "second_gate", _("You already passed another gate of this version; one person "
                             "passes one gate.")
        )
    return None


def check_may_pass(task, task_state, user) -> None:
    refusal = may_pass(task, task_state, user)
    if refusal:
        raise refusal
    missing = [item for item in checklist_for_revision(task, task_state.revision)
               if item not in (task_state.checklist or [])]
    if missing:
        raise GateRefused(
            "checklist_incomplete",
            _("Tick every item of the checklist: %(items)s") % {"items": "、".join(missing)},
        )
    report = getattr(task_state, "_check_report", None)
    if report is None:
        report = check_revision(task_state.revision)
    if report.unresolved:
        raise GateRefused(
            "unresolved_findings",
            _("%(count)d blocking finding(s) must be fixed, or overridden with a reason.")
            % {"count": len(report.unresolved)},
        )


def check_may_return(task, task_state, user, opinion: str) -> None:
    if task_state.status != TaskState.STATUS_IN_PROGRESS:
        raise GateRefused("not_in_progress", _("This gate is not awaiting a decision."))
    if user is None or not user.is_authenticated or not task.is_reviewer(user):
        raise GateRefused("not_a_reviewer", _("Only a reviewer of this gate may return it."))
    if not (opinion or "").strip():
        raise GateRefused("opinion_required", _("Write an opinion saying what must change."))


def clean_action_data(task, action: str, data: dict[str, Any],
                      items: list[str] | None = None) -> dict[str, Any]:
    """The posted action data, checked field by field (it may come straight from a browser).
    ``items``: the checklist items that apply to the page (all of the gate's by default)."""
    unknown = set(data) - {"checklist", "opinion", "overrides", "comment"}
    if unknown:
        raise GateRefused("invalid_data", _("Unexpected fields: %(fields)s")
                          % {"fields": ", ".join(sorted(unknown))})
    opinion = data.get("opinion", data.get("comment", "")) or ""
    checklist = data.get("checklist", []) or []
    overrides = data.get("overrides", {}) or {}
    if not isinstance(opinion, str) or len(opinion) > MAX_OPINION:
        raise GateRefused("invalid_data", _("The opinion is not valid text of up to "
                                            "%(max)d characters.") % {"max": MAX_OPINION})
    if not isinstance(checklist, list) or not all(isinstance(i, str) for i in checklist):
        raise GateRefused("invalid_data", _("The checklist is not valid."))
    items = task.checklist_items if items is None else items
    if any(item not in task.checklist_items for item in checklist):
        raise GateRefused("invalid_data", _("The checklist has items this gate does not have."))
    if not isinstance(overrides, dict) or not all(
        isinstance(k, str) and _FINGERPRINT.match(k) and isinstance(v, str)
        and len(v) <= MAX_REASON for k, v in overrides.items()
    ):
        raise GateRefused("invalid_data", _("The overrides are not valid."))
    return {
        "checklist": [i for i in items if i in checklist],
        "checklist_all": list(items),
        "opinion": opinion.strip(),
        "overrides": {k: v.strip() for k, v in overrides.items() if v.strip()},
    }


@transaction.atomic
def act_on_gate(task, task_state, user, action: str, data: dict[str, Any]):
    """Pass (``approve``) or return (``reject``) a gate, after checking every rule."""
    if action not in ("approve", "reject"):
        raise GateRefused("unknown_action", _("Unknown action."))
    # Lock the row: two reviewers clicking at once must not both decide.
    task_state = ReviewGateTaskState.objects.select_for_update().get(pk=task_state.pk)
    cleaned = clean_action_data(task, action, data,
                                checklist_for_revision(task, task_state.revision))
    page = task_state.revision.content_object
    if action == "reject":
        check_may_return(task, task_state, user, cleaned["opinion"])
        task_state.opinion = cleaned["opinion"]
        task_state.save(update_fields=["opinion"])
        _log_decision(page, task, task_state, user, Decision.RETURNED, cleaned)
        task_state.reject(user=user, comment=cleaned["opinion"])
        return None

    refusal = may_pass(task, task_state, user)
    if refusal:
        raise refusal
    report = check_revision(task_state.revision)
    for finding in report.unresolved:
        reason = cleaned["overrides"].get(finding.fingerprint)
        if not reason:
            continue
        report.overrides[finding.fingerprint] = CheckOverride.objects.create(
            page_id=page.pk, revision=task_state.revision, task_state=task_state,
            fingerprint=finding.fingerprint, kind=finding.kind, code=finding.code,
            location=finding.location[:255], matched=finding.matched[:255], reason=reason,
            user=user,
        )
        log(instance=page, action=OVERRIDE_LOG_ACTION, user=user,
            revision=task_state.revision,
            data={"fingerprint": finding.fingerprint, "kind": finding.kind,
                  "code": finding.code, "location": finding.location,
                  "matched": finding.matched, "reason": reason, "gate": task.name})
    task_state.checklist = cleaned["checklist"]
    task_state.opinion = cleaned["opinion"]
    task_state.acknowledged = sorted(f.fingerprint for f in report.blocking)
    task_state._check_report = report
    check_may_pass(task, task_state, user)
    task_state.save(update_fields=["checklist", "opinion", "acknowledged"])
    _log_decision(page, task, task_state, user, Decision.PASSED, cleaned)
    task_state.approve(user=user, comment=cleaned["opinion"])
    return None


def _log_decision(page, task, task_state, user, decision: str, cleaned: dict) -> None:
    log(
        instance=page.specific if hasattr(page, "specific") else page,
        action=GATE_DECISION_LOG_ACTION,
        user=user,
        revision=task_state.revision,
        data={
            "decision": str(decision),
            "gate": task.name,
            "gate_kind": task.gate,
            "task_state_id": task_state.pk,
            "revision_id": task_state.revision_id,
            "checklist": cleaned["checklist"],
            "checklist_all": cleaned["checklist_all"],
            "opinion": cleaned["opinion"],
        },
    )


def follow_revision(page, revision) -> None:
    """Keep a review in progress in step with the page's latest revision.

    A new revision with the same content (a reviewer's comment, a save without changes)
    carries the decisions over: it must not reset the review (Wagtail #13563). A change to
    the content sends the page back to the first gate, whichever gate it had reached.
    """
    workflow_state = (
        WorkflowState.objects.for_instance(page)
        .filter(status=WorkflowState.STATUS_IN_PROGRESS)
        .first()
    )
    if workflow_state is None or workflow_state.current_task_state_id is None:
        return
    current = workflow_state.current_task_state.specific
    if not isinstance(current, ReviewGateTaskState):
        return
    if current.status != TaskState.STATUS_IN_PROGRESS:
        return
    digest = content_digest(revision.content)
    if digest == current.content_digest:
        if current.revision_id != revision.pk:
            for state in ReviewGateTaskState.objects.filter(
                workflow_state=workflow_state, status=TaskState.STATUS_APPROVED,
                revision_id=current.revision_id, content_digest=digest,
            ):
                state.copy(update_attrs={"revision": revision})
            current.revision = revision
            current.save(update_fields=["revision"])
        return
    # Decisions on this very revision id were for other content (it was overwritten).
    ReviewGateTaskState.objects.filter(
        workflow_state=workflow_state, status=TaskState.STATUS_APPROVED, revision_id=revision.pk,
    ).exclude(content_digest=digest).update(status=TaskState.STATUS_CANCELLED)
    if not getattr(settings, "WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT", False):
        # Without it Wagtail counts approvals of any revision: retire them so gate 1 comes next.
        ReviewGateTaskState.objects.filter(
            workflow_state=workflow_state, status=TaskState.STATUS_APPROVED
        ).update(status=TaskState.STATUS_CANCELLED)
    log(instance=page, action=RESTART_LOG_ACTION, user=revision.user, revision=revision,
        data={"from_gate": current.task.name, "revision_id": revision.pk})
    current.cancel(user=revision.user, comment=gettext("The content changed during review."))


def gate_to_resume_at(task, workflow_state, user=None):
    """On resubmission after a return, the task to start instead of ``task``, or None.

    Wagtail's ``WorkflowState.resume`` restarts the gate that returned the page. When the
    content changed since that return, the whole review starts again at the first task: the
    earlier passes were of other content. When it did not change (the editor resubmitted as
    it was), the review goes on where it stopped, the earlier passes carried over to the new
    revision, as :func:`follow_revision` does for a comment.
    """
    if workflow_state.current_task_state_id is not None:
        return None  # moving on to the next gate, not resuming
    returned = (
        ReviewGateTaskState.objects.filter(workflow_state=workflow_state,
                                           status=TaskState.STATUS_REJECTED)
        .order_by("-finished_at", "-pk").first()
    )
    if returned is None:
        return None  # a new review starts at the first task anyway
    latest = workflow_state.content_object.get_latest_revision()
    digest = content_digest(latest.content)
    if digest == returned.content_digest:
        for state in ReviewGateTaskState.objects.filter(
            workflow_state=workflow_state, status=TaskState.STATUS_APPROVED,
            content_digest=digest,
        ).exclude(revision_id=latest.pk):
            if not ReviewGateTaskState.objects.filter(
                workflow_state=workflow_state, status=TaskState.STATUS_APPROVED,
                task_id=state.task_id, revision_id=latest.pk,
            ).exists():
                state.copy(update_attrs={"revision": latest})
        return None
    first = (
        Task.objects.filter(workflow_tasks__workflow_id=workflow_state.workflow_id, active=True)
        .order_by("workflow_tasks__sort_order").first()
    )
    if first is None or first.pk == task.pk:
        return None
    stale = ReviewGateTaskState.objects.filter(
        workflow_state=workflow_state, status=TaskState.STATUS_APPROVED
    ).exclude(content_digest=digest)
    if not getattr(settings, "WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT", False):
        # Without it Wagtail counts approvals of any revision and would skip those gates.
        stale.update(status=TaskState.STATUS_CANCELLED)
    page = workflow_state.content_object
    log(instance=getattr(page, "specific", page), action=RESTART_LOG_ACTION, user=user,
        revision=latest, data={"from_gate": returned.task.name, "revision_id": latest.pk,
                               "resubmitted": True})
    return first.specific


def on_page_saved(sender, instance, update_fields=None, **kwargs) -> None:
    """post_save receiver: ``save_revision`` saves the page with ``latest_revision``."""
    if not update_fields or "latest_revision" not in update_fields:
        return
    revision = getattr(instance, "latest_revision", None)
    if revision is not None:
        follow_revision(instance, revision)
