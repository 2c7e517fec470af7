"""The review gates (政治关、政策关、文字关) as a Wagtail Task type.

The rules (who may pass a gate, what an approval needs) live in ``gates.py``; the gate's
methods apply them, so that every way of acting on a gate is checked the same. What the
review records (the decisions, overrides, the lexicon, emergency releases) is in
:mod:`.records`, below the rules; its models are offered here under their names too.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, TaskState

from ..core.content import content_digest
from ..core.release import ReleaseRefused
from . import outcomes
from .forms import gate_form_class
from .gates import (
    GateRefused,
    act_on_gate,
    check_may_pass,
    check_may_return,
    gate_to_resume_at,
    may_pass,
)
from .notifications import notify_returner_of_resubmission
from .records import (
    DEFAULT_CHECKLISTS,
    REQUIRED_GATE_KINDS,
    CheckOverride,
    Decision,
    EmergencyRelease,
    GateKind,
    LexiconWord,
    NoticeFailure,
    ReviewGateTaskState,
    choice_label,
    content_author_id,
)

__all__ = [
    "DEFAULT_CHECKLISTS", "REQUIRED_GATE_KINDS", "CheckOverride", "Decision", "EmergencyRelease",
    "GateKind", "LexiconWord", "NoticeFailure", "ReviewGateTask", "ReviewGateTaskState",
    "choice_label", "content_author_id",
]


def _content_author_id(task_state) -> int | None:
    """The author of this content: an earlier decision on the same content in this review
    knows it; otherwise the revision history (``content_author_id``)."""
    earlier = list(
        ReviewGateTaskState.objects.filter(
            workflow_state_id=task_state.workflow_state_id,
            content_digest=task_state.content_digest,
        )
        .exclude(pk=task_state.pk)
        .order_by("pk")
        .values_list("content_author_id", flat=True)[:1]
    )
    # Even an unknown author (None) stands: the latest revision may be a reviewer's comment.
    return earlier[0] if earlier else content_author_id(task_state.revision)


class ReviewGateTask(AbstractGroupApprovalTask):
    """A review gate: members of its groups pass it by ticking its checklist, or return the
    page with an opinion. Nobody passes a gate of their own submission, superusers
    included, and (by default) nobody passes two gates of the same revision."""

    gate = models.CharField(
        _("gate"), max_length=20, choices=GateKind.choices, default=GateKind.OTHER
    )
    checklist = models.TextField(
        _("checklist"), blank=True,
        help_text=_("One item per line; the reviewer must tick every item to pass the gate."),
    )

    admin_form_fields = AbstractGroupApprovalTask.admin_form_fields + ["gate", "checklist"]
    task_state_class = ReviewGateTaskState

    class Meta:
        verbose_name = _("review gate")
        verbose_name_plural = _("review gates")

    @property
    def checklist_items(self) -> list[str]:
        return [line.strip() for line in self.checklist.splitlines() if line.strip()]

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups pass the page by ticking a checklist, or return it "
            "with an opinion; nobody passes their own submission or two gates of one revision."
        )

    def start(self, workflow_state, user=None):
        # Wagtail resumes a returned page at the gate that returned it; a changed version
        # must pass every gate again, in order, from the first.
        resuming = workflow_state.current_task_state_id is None and (
            ReviewGateTaskState.objects.filter(workflow_state_id=workflow_state.pk,
                                               status=TaskState.STATUS_REJECTED).exists())
        first = gate_to_resume_at(self, workflow_state, user)
        if first is not None:
            task_state = first.start(workflow_state, user=user)
            if not isinstance(first, ReviewGateTask):  # a review gate's start() tells them
                notify_returner_of_resubmission(workflow_state, task_state, user)
            return task_state
        task_state = super().start(workflow_state, user=user)
        task_state.content_digest = content_digest(task_state.revision.content)
        task_state.content_author_id = _content_author_id(task_state)
        task_state.save(update_fields=["content_digest", "content_author"])
        if resuming:
            notify_returner_of_resubmission(workflow_state, task_state, user)
        return task_state

    def check_may_pass(self, task_state, user) -> None:
        """Raise :class:`~.gates.GateRefused` unless ``user`` may pass this gate now."""
        check_may_pass(self, task_state, user)

    def check_may_return(self, task_state, user, opinion: str) -> None:
        check_may_return(self, task_state, user, opinion)

    def is_reviewer(self, user) -> bool:
        """Whether ``user`` belongs to one of this gate's groups (superusers only if they do).

        Read through the public ``groups`` relation rather than Wagtail's private
        ``_user_in_groups``; one query, not cached, so a group change counts at once."""
        if user is None or not user.is_authenticated:
            return False
        return self.groups.filter(pk__in=user.groups.values("pk")).exists()

    def user_can_access_editor(self, obj, user):
        return self.is_reviewer(user) or user.is_superuser

    def get_actions(self, obj, user):
        if not self.is_reviewer(user):
            return []  # superusers too: they must be in the gate's group like anybody
        actions = [("reject", _("Return with opinion"), True)]
        task_state = obj.current_workflow_task_state
        if task_state is not None and may_pass(self, task_state, user) is None:
            actions.append(("approve", _("Pass this gate"), True))
        return actions

    def get_task_states_user_can_moderate(self, user, **kwargs):
        if self.is_reviewer(user):
            return self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        return TaskState.objects.none()

    def get_form_for_action(self, action):
        return gate_form_class(self, action)

    def get_template_for_action(self, action):
        return "govinfo_review/gate_action_modal.html"

    def on_action(self, task_state, user, action_name, **kwargs):
        # Posted from the admin's gate forms: report a refusal to the reviewer where they
        # acted, and say what a decision did. Code calling on_action gets the exception.
        via_admin = bool(kwargs.pop(outcomes.ADMIN_MARKER, False))
        try:
            act_on_gate(self, task_state.specific, user, action_name, kwargs)
        except (GateRefused, ReleaseRefused) as exc:
            if not via_admin:
                raise
            return outcomes.report_refusal(task_state, user, exc)
        return outcomes.report_done(task_state, user) if via_admin else None
