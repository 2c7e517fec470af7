"""Multi-step review operations: emergency release and its retrospective review."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import WorkflowState

from ..core.permissions import explicitly_granted
from ..core.release import ReleaseReason, release
from .records import EmergencyRelease

EMERGENCY_LOG_ACTION = "govinfo_review.emergency_release"
RETROSPECTIVE_LOG_ACTION = "govinfo_review.retrospective_review"
EMERGENCY_RELEASE_PERMISSION = "govinfo_review.release_in_emergency"
RETROSPECTIVE_REVIEW_PERMISSION = "govinfo_review.review_emergency_release"


def may_release_in_emergency(user) -> bool:
    """Emergency release skips the review gates, so it is off until a site grants the
    permission to someone: being a superuser is not enough."""
    return explicitly_granted(user, EMERGENCY_RELEASE_PERMISSION)


def may_review_emergency_releases(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active
                and user.has_perm(RETROSPECTIVE_REVIEW_PERMISSION))


@transaction.atomic
def emergency_release(page, user, reason: str, *, override_reason: str = ""):
    """Release the page's latest revision at once, with a written reason, through the one
    door to live; the page is then listed for a retrospective review."""
    if not may_release_in_emergency(user):
        raise PermissionDenied(_("You may not release pages in an emergency."))
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError(_("Write the reason for the emergency release."),
                              code="reason_required")
    revision = page.get_latest_revision()
    if revision is None:
        raise ValidationError(_("The page has no version to release."), code="no_revision")
    # A review in progress ends here; the retrospective review replaces it.
    for state in WorkflowState.objects.for_instance(page).active():
        state.cancel(user=user)
    live = release(revision, reason=ReleaseReason.EMERGENCY, user=user, note=reason,
                   override_reason=override_reason)[0]
    EmergencyRelease.objects.create(page=live, revision=revision, reason=reason,
                                    released_by=user)
    log(instance=live, action=EMERGENCY_LOG_ACTION, user=user, revision=revision,
        data={"reason": reason, "revision_id": revision.pk})
    return live


def record_retrospective_review(emergency, user, note: str) -> None:
    if not may_review_emergency_releases(user):
        raise PermissionDenied(_("You may not review emergency releases."))
    if emergency.reviewed_at:
        return
    emergency.reviewed_by = user
    emergency.reviewed_at = timezone.now()
    emergency.review_note = note.strip()
    emergency.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    log(instance=emergency.page.specific, action=RETROSPECTIVE_LOG_ACTION, user=user,
        data={"note": emergency.review_note, "revision_id": emergency.revision_id})
