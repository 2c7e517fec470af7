"""Released together (三同步): releasing a group after review, coming down, late interpretations.

The rules are a release check (:mod:`.release_rules`) and the groups and statuses are queries
(:mod:`.models`). When review approves a policy or an interpretation,
:func:`release_after_review` releases its whole group (the closure over policy-interpretation
links of pages not yet live) in one call of the release service, once every member's latest
revision has passed review; until then the approved page is "approved, awaiting release of
the group".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils.translation import gettext
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.log_actions import log
from wagtail.models import Page, Revision

from ..conf import govinfo_settings
from ..core.release import ReleaseReason, release
from .models import (
    CalendarCorrection,
    InterpretationPage,
    InterpretedPolicy,
    PolicyDocumentPage,
    passed_review,
    release_group,
)
from .release_rules import must_wait_for_interpretation
from .workdays import WorkdayCalendar, today_in

AWAITING_GROUP_LOG_ACTION = "govinfo_policies.awaiting_group"
INTERPRETATIONS_KEPT_LOG_ACTION = "govinfo_policies.interpretations_kept"
INTERPRETATIONS_TAKEN_DOWN_LOG_ACTION = "govinfo_policies.interpretations_taken_down"


# ------------------------------------------------------------------------------------------
# Groups and review


@dataclass
class GroupCheck:
    ready: list[Revision]
    waiting_for: list[Page]  # members whose latest revision has not passed review
    missing_interpretation: list[PolicyDocumentPage]

    @property
    def can_release(self) -> bool:
        return not self.waiting_for and not self.missing_interpretation


def check_group(page: Page, approved: Revision | None = None) -> GroupCheck:
    members = release_group(page)
    ready, waiting = [], []
    for member in members:
        revision = approved if (member.pk == page.pk and approved) else passed_review(member)
        (ready.append(revision) if revision else waiting.append(member))
    ids = {m.pk for m in members}
    missing = [
        m for m in members
        if isinstance(m, PolicyDocumentPage) and not m.live and must_wait_for_interpretation(m)
        and not any(isinstance(o, InterpretationPage) for o in members)
        and not InterpretationPage.objects.live().filter(policy_links__policy=m)
        .exclude(pk__in=ids).exists()
    ]
    return GroupCheck(ready=ready, waiting_for=waiting, missing_interpretation=missing)


def release_after_review(approved: Revision, user=None) -> list[Page]:
    """Called when review approves ``approved``: release its group, or leave it awaiting."""
    page = approved.content_object
    check = check_group(page, approved)
    if not check.can_release:
        log(instance=page, action=AWAITING_GROUP_LOG_ACTION, user=user,
            data={"revision_id": approved.pk,
                  "waiting_for": [m.pk for m in check.waiting_for + check.missing_interpretation]})
        return []
    released = release(check.ready, reason=ReleaseReason.REVIEW, user=user,
                       note=_group_note(check.ready))
    if govinfo_settings.POLICY_SEPARATE_RELEASE:
        released += _release_waiting_interpretations(released, user)
    return released


def _group_note(revisions: list[Revision]) -> str:
    if len(revisions) < 2:
        return ""
    return gettext("Released together (%(count)d pages)") % {"count": len(revisions)}


def _release_waiting_interpretations(released: list[Page], user) -> list[Page]:
    """With separate release, interpretations that passed review while their policy was in
    review follow the policy as soon as it is live."""
    policy_ids = [p.pk for p in released if isinstance(p, PolicyDocumentPage)]
    if not policy_ids:
        return []
    candidates = InterpretationPage.objects.filter(
        Q(live=False) | Q(has_unpublished_changes=True),
        policy_links__policy_id__in=policy_ids,
    ).distinct()
    ready = []
    for interpretation in candidates:
        revision = passed_review(interpretation)
        obj = revision.as_object() if revision else None
        if obj and all(p.live for p in obj.get_policies()):
            ready.append(revision)
    return release(ready, reason=ReleaseReason.REVIEW, user=user) if ready else []


# ------------------------------------------------------------------------------------------
# Coming down


def take_down_interpretations(policy: PolicyDocumentPage, user=None) -> list[Page]:
    """Unpublish the live interpretations whose policies would then all be down."""
    taken = []
    for interpretation in InterpretationPage.objects.live().filter(
        policy_links__policy=policy
    ).distinct():
        if user is not None and not interpretation.permissions_for_user(user).can_unpublish():
            continue  # not this user's to take down; it keeps its notice
        others_live = PolicyDocumentPage.objects.live().filter(
            interpretation_links__interpretation=interpretation
        ).exclude(pk=policy.pk).exists()
        if others_live:
            continue  # it still interprets a live policy; its notice shows this one's status
        UnpublishPageAction(interpretation, user=user).execute(skip_permission_checks=True)
        taken.append(interpretation)
    log(instance=policy, action=INTERPRETATIONS_TAKEN_DOWN_LOG_ACTION, user=user,
        data={"pages": [p.pk for p in taken]})
    return taken


def keep_interpretations(policy: PolicyDocumentPage, user=None) -> None:
    log(instance=policy, action=INTERPRETATIONS_KEPT_LOG_ACTION, user=user, data={})


# ------------------------------------------------------------------------------------------
# Late interpretations (the 3-working-day rule)


def workday_calendar() -> WorkdayCalendar:
    holidays, workdays = [], []
    for day, kind in CalendarCorrection.objects.values_list("date", "kind"):
        (holidays if kind == CalendarCorrection.Kind.HOLIDAY else workdays).append(day)
    return WorkdayCalendar(extra_holidays=holidays, extra_workdays=workdays)


@dataclass
class LateEntry:
    policy: PolicyDocumentPage
    released_on: date
    workdays_elapsed: int
    due_on: date
    exemption: str

    @property
    def is_late(self) -> bool:
        return self.workdays_elapsed > govinfo_settings.POLICY_INTERPRETATION_WORKDAYS


def site_today() -> date:
    """Today in ``GOVINFO_SITE_TIME_ZONE``: the day release dates are counted in."""
    return today_in(govinfo_settings.SITE_TIME_ZONE)


def policies_without_interpretation(
    today: date | None = None, calendar: WorkdayCalendar | None = None
) -> list[LateEntry]:
    """Live policies that require interpretation and have none live, oldest first, with the
    working days since their first release (the release day not counted)."""
    today = today or site_today()
    calendar = calendar or workday_calendar()
    tz = ZoneInfo(govinfo_settings.SITE_TIME_ZONE)
    live_interpreted = InterpretedPolicy.objects.filter(
        interpretation__live=True
    ).values("policy_id")
    policies = (PolicyDocumentPage.objects.live().filter(requires_interpretation=True)
                .exclude(pk__in=live_interpreted).select_related("agency")
                .order_by("first_published_at", "pk"))
    days = govinfo_settings.POLICY_INTERPRETATION_WORKDAYS
    entries = []
    for policy in policies:
        released = policy.first_published_at.astimezone(tz).date()
        entries.append(LateEntry(
            policy=policy, released_on=released,
            workdays_elapsed=calendar.workdays_between(released, today),
            due_on=calendar.add_workdays(released, days),
            exemption=policy.interpretation_exemption,
        ))
    return entries
