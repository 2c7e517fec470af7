"""What the review records: decisions at the gates (``ReviewGateTaskState``), recorded
overrides of automated findings, the 错敏词 lexicon, pages released in an emergency awaiting a
look back, and review notices that could not be sent; with the gate kinds and the default
checklists.

The rules that read and write these (``gates``, ``inspection``, ``forms``, ``notifications``)
import them from here; the review gate itself, a Wagtail Task type whose methods apply those
rules, is in :mod:`.models`, which also offers every model of this module under its name.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Revision, TaskState

from ..core.content import content_digest as digest_of
from .checks.findings import FindingKind
from .locations import location_label


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
        # Also when called in code rather than through on_action: no silent pass. The gate
        # (models.ReviewGateTask) applies the rules of gates.py.
        self.task.specific.check_may_pass(self, user)
        return super().approve(user=user, update=update, comment=comment)

    def reject(self, user=None, update=True, comment=""):
        self.task.specific.check_may_return(self, user, comment or self.opinion)
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
