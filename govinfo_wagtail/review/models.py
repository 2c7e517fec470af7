"""The review gates (政治关、政策关、文字关) as Wagtail Task types, the 错敏词 lexicon, recorded
overrides of automated findings, and pages released in an emergency awaiting a look back.

The rules (who may pass a gate, what an approval needs) live in ``gates.py``; these models
hold the data and call into it, so that every way of acting on a gate is checked the same.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, Page, Revision, TaskState

from ..core.content import content_digest as digest_of
from .checks.findings import FindingKind


class GateKind(models.TextChoices):
    POLITICAL = "political", _("Political review (incl. secrecy review)")
    POLICY = "policy", _("Policy review")
    WORDING = "wording", _("Wording review")
    OTHER = "other", _("Other review")


class Decision(models.TextChoices):
    """A reviewer's decision at a gate, as the audit trail records it."""

    PASSED = "passed", _("Passed")
    RETURNED = "returned", _("Returned to the editor")


def choice_label(choices: type[models.Choices], value) -> str:
    """The label of a recorded choice value; the value itself if it is no longer a choice."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


# The gates every disclosure page passes, in this order, each by a different person. Sites may
# add gates of their own (OTHER) anywhere; they cannot remove or reorder these.
REQUIRED_GATE_KINDS: tuple[str, ...] = (GateKind.POLITICAL, GateKind.POLICY, GateKind.WORDING)


# The default checklists; each gate's list can be edited in the admin.
DEFAULT_CHECKLISTS: dict[str, list[str]] = {
    GateKind.POLITICAL: ["无涉密内容", "无内部资料", "无个人隐私信息", "政治表述准确"],
    GateKind.POLICY: ["与现行政策法规一致", "有效性标注正确", "解读材料齐全"],
    GateKind.WORDING: ["无错别字", "无错敏词", "机构名称和领导职务准确", "格式规范"],
    GateKind.OTHER: [],
}


class ReviewGateTaskState(TaskState):
    """One gate's decision on one revision: the ticked checklist and the reviewer's opinion."""

    checklist = models.JSONField(_("checklist ticked"), default=list, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    # Digest of the revision's content when the gate started, so an edit that overwrites the
    # same revision (autosave) is still seen as a change.
    content_digest = models.CharField(max_length=64, blank=True, editable=False)
    # Who wrote this content: the revision's user, kept when a new revision with the same
    # content (a comment, a save without changes) takes its place.
    content_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    # Fingerprints of the automated findings the reviewer acknowledged or overrode here.
    acknowledged = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        verbose_name = _("review gate decision")
        verbose_name_plural = _("review gate decisions")

    def approve(self, user=None, update=True, comment=""):
        from .gates import check_may_pass

        # Also when called in code rather than through on_action: no silent pass.
        check_may_pass(self.task.specific, self, user)
        return super().approve(user=user, update=update, comment=comment)

    def reject(self, user=None, update=True, comment=""):
        from .gates import check_may_return

        check_may_return(self.task.specific, self, user, comment or self.opinion)
        return super().reject(user=user, update=update, comment=comment or self.opinion)

    def get_comment(self):
        return self.opinion or self.comment


def content_author_id(revision) -> int | None:
    """Who wrote this revision's content: the user of the first of the unbroken run of
    revisions of the page, up to this one, with this content. Saves that changed nothing
    (a reviewer's comment, the admin's "submit") do not make anybody its author."""
    digest = digest_of(revision.content)
    author = revision.user_id
    earlier = (Revision.objects.filter(base_content_type_id=revision.base_content_type_id,
                                       object_id=revision.object_id, pk__lt=revision.pk)
               .order_by("-pk").only("content", "user_id"))
    for previous in earlier.iterator(chunk_size=20):
        if digest_of(previous.content) != digest:
            break
        author = previous.user_id
    return author


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
        from .gates import content_digest, gate_to_resume_at
        from .notifications import notify_returner_of_resubmission

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
        from .gates import may_pass

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
        from .forms import gate_form_class

        return gate_form_class(self, action)

    def get_template_for_action(self, action):
        return "govinfo_review/gate_action_modal.html"

    def on_action(self, task_state, user, action_name, **kwargs):
        from ..core.release import ReleaseRefused
        from . import outcomes
        from .gates import GateRefused, act_on_gate

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


class LexiconWord(models.Model):
    """An entry of the site's 错敏词 lexicon."""

    class Severity(models.TextChoices):
        BLOCKING = "blocking", _("Blocking")
        WARNING = "warning", _("Warning")
        ALLOW = "allow", _("Allowed (exception)")

    word = models.CharField(_("word"), max_length=100, unique=True)
    correction = models.CharField(_("correction"), max_length=100, blank=True)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.WARNING,
        help_text=_("Blocking findings must be fixed, or overridden with a recorded reason. "
                    "An allowed entry silences other entries inside it."),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lexicon word")
        verbose_name_plural = _("lexicon (错敏词)")
        ordering = ["word"]

    def __str__(self) -> str:
        return f"{self.word} → {self.correction}" if self.correction else self.word

    def clean(self):
        from django.core.exceptions import ValidationError

        self.word = self.word.strip()
        if not self.word:
            raise ValidationError({"word": _("Enter a word.")})
        if self.correction and self.correction.strip() == self.word:
            raise ValidationError({"correction": _("The correction is the word itself.")})


class CheckOverride(models.Model):
    """A reviewer's recorded decision on an automated finding: a blocking finding overridden
    with a reason, or an attachment that could not be checked acknowledged. Keyed by the
    finding's fingerprint, which survives edits elsewhere in the page."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    task_state = models.ForeignKey(
        ReviewGateTaskState, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fingerprint = models.CharField(max_length=32, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=FindingKind.choices)
    code = models.CharField(max_length=40)
    location = models.CharField(max_length=255)
    matched = models.CharField(max_length=255, blank=True)
    reason = models.TextField(_("reason"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("check override")
        verbose_name_plural = _("check overrides")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.code} @ {self.location}"

    @property
    def location_label(self) -> str:
        """Where the finding was, as the editor knows it (正文, 附件…)."""
        from .inspection import location_label

        return location_label(self.page.specific_class, self.location)


class EmergencyRelease(models.Model):
    """A page released in an emergency, waiting for its retrospective review."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("emergency release")
        verbose_name_plural = _("emergency releases")
        ordering = ["-released_at"]
        # Granted in Wagtail's group editor; govinfo_setup gives the second to the
        # administrators' group. Nobody has the first until a site grants it.
        permissions = [
            ("release_in_emergency",
             _("Can release pages at once in an emergency, before review")),
            ("review_emergency_release",
             _("Can record the retrospective review of emergency releases")),
        ]

    def __str__(self) -> str:
        return f"{self.page_id} @ {self.released_at:%Y-%m-%d %H:%M}"


class NoticeFailure(models.Model):
    """A review notice that could not be sent (mail server down, address refused). The
    action it reported stands; administrators see these on the dashboard until dismissed."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    page = models.ForeignKey(Page, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    subject = models.CharField(_("subject"), max_length=255)
    recipients = models.TextField(_("recipients"))
    error = models.CharField(_("error"), max_length=255)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notice not sent")
        verbose_name_plural = _("notices not sent")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject
