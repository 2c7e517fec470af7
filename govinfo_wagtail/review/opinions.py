"""The reviewer's opinion, where the editor works: who returned the page, at which gate, when,
and why — on the edit view and the dashboard, until the page is resubmitted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from wagtail.models import TaskState, WorkflowState


@dataclass
class Return:
    gate: str
    reviewer: str
    at: datetime
    opinion: str


def _name(user) -> str:
    if user is None:
        return "-"
    return user.get_full_name() or user.get_username()


def latest_return(workflow_state) -> Return | None:
    """The return that a page waiting for changes is waiting on, or None."""
    if workflow_state is None or workflow_state.status != WorkflowState.STATUS_NEEDS_CHANGES:
        return None
    state = workflow_state.current_task_state
    if state is None or state.status != TaskState.STATUS_REJECTED:
        return None
    state = state.specific
    comment = state.get_comment() if hasattr(state, "get_comment") else state.comment
    return Return(gate=state.task.name, reviewer=_name(state.finished_by),
                  at=state.finished_at, opinion=comment or "")


def return_notice(found: Return) -> str:
    from django.utils import timezone
    from django.utils.formats import date_format

    return _("Returned at %(gate)s by %(reviewer)s on %(date)s. Opinion: %(opinion)s — "
             "change the page, then “Resubmit for review”: the review starts again at the "
             "first gate.") % {
        "gate": found.gate, "reviewer": found.reviewer, "opinion": found.opinion,
        "date": date_format(timezone.localtime(found.at), "SHORT_DATETIME_FORMAT")}
