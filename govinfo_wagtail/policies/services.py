"""Released together (三同步): release groups, the rules, status, and the late-interpretation list.

Rules, checked by the page models whenever the release service makes one of them live (so every
path to live obeys them, whatever reason it records):

- an interpretation goes live only if every policy it interprets is live or goes live in the
  same release;
- a policy that requires interpretation goes live for the first time only with at least one
  interpretation live or going live in the same release, unless the site allows separate
  release (``GOVINFO_POLICY_SEPARATE_RELEASE``) or a legacy import recorded why it has none.

When review approves a policy or an interpretation, :func:`release_after_review` releases its
whole group (the closure over policy-interpretation links of pages not yet live) in one call
of the release service, once every member's latest revision has passed review; until then the
approved page is "approved, awaiting release of the group".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import Page, Revision, WorkflowState

from ..conf import govinfo_settings
from ..core.release import ReleaseReason, ReleaseRefused, is_being_released, release
from .models import CalendarCorrection, InterpretationPage, InterpretedPolicy, PolicyDocumentPage
from .workdays import WorkdayCalendar, today_in

AWAITING_GROUP_LOG_ACTION = "govinfo_policies.awaiting_group"
INTERPRETATIONS_KEPT_LOG_ACTION = "govinfo_policies.interpretations_kept"
INTERPRETATIONS_TAKEN_DOWN_LOG_ACTION = "govinfo_policies.interpretations_taken_down"


class PolicyReleaseRefused(ReleaseRefused):
    """A release that would break 三同步. ``code`` says which rule."""

    def __init__(self, message: str, code: str):
        Exception.__init__(self, message)
        self.code = code


# ------------------------------------------------------------------------------------------
# The rules


def check_release_rules(page: PolicyDocumentPage | InterpretationPage) -> None:
    """Raise :class:`PolicyReleaseRefused` if ``page`` may not go live now."""
    if isinstance(page, InterpretationPage):
        waiting = [p for p in page.get_policies() if not (p.live or is_being_released(p.pk))]
        if waiting:
            raise PolicyReleaseRefused(
                gettext("“%(title)s” cannot go live before the policy it interprets: "
                        "“%(policy)s” is not live. Release them together.")
                % {"title": page.title, "policy": waiting[0].title},
                code="policy_not_live",
            )
    elif isinstance(page, PolicyDocumentPage):
        was_live = Page.objects.filter(pk=page.pk, live=True).exists()
        if was_live or not must_wait_for_interpretation(page):
            return
        if not _interpretations_live_or_releasing(page.pk):
            raise PolicyReleaseRefused(
                gettext("“%(title)s” requires interpretation and cannot go live alone: "
                        "release it together with an interpretation that passed review.")
                % {"title": page.title},
                code="interpretation_required",
            )


def must_wait_for_interpretation(policy: PolicyDocumentPage) -> bool:
    return (policy.requires_interpretation and not policy.interpretation_exemption
            and not govinfo_settings.POLICY_SEPARATE_RELEASE)


def _interpretations_live_or_releasing(policy_id: int) -> bool:
    linked = set(InterpretedPolicy.objects.filter(policy_id=policy_id)
                 .values_list("interpretation_id", flat=True))
    if InterpretationPage.objects.filter(pk__in=linked, live=True).exists():
        return True
    # Links added in a draft are only in the revision that is being released.
    links = _draft_links()
    return any(is_being_released(pk) for pk in linked | {
        i for i, policies in links.items() if policy_id in policies
    })


def _draft_links() -> dict[int, set[int]]:
    """Interpretation id -> policy ids, in the latest revision of every interpretation that
    has changes not yet live (its links may differ from the live ones)."""
    pending = InterpretationPage.objects.filter(
        Q(live=False) | Q(has_unpublished_changes=True)
    ).exclude(latest_revision=None).values_list("pk", "latest_revision_id")
    revision_ids = {rev: pk for pk, rev in pending}
    links: dict[int, set[int]] = {}
    for rev_id, content in Revision.objects.filter(pk__in=revision_ids).values_list(
        "pk", "content"
    ):
        links[revision_ids[rev_id]] = {
            int(item["policy"]) for item in (content or {}).get("policy_links", [])
            if item.get("policy")
        }
    return links


# ------------------------------------------------------------------------------------------
# Groups and review


def _is_pending(page: Page) -> bool:
    return not page.live or page.has_unpublished_changes


def passed_review(page: Page) -> Revision | None:
    """The approved revision if the page's latest revision passed review, else None."""
    state = (WorkflowState.objects.for_instance(page).order_by("-created_at", "-pk")
             .select_related("current_task_state").first())
    if state is None or state.status != WorkflowState.STATUS_APPROVED:
        return None
    revision_id = state.current_task_state.revision_id if state.current_task_state else None
    if revision_id is None or revision_id != page.latest_revision_id:
        return None
    return Revision.objects.get(pk=revision_id)


def release_group(page: PolicyDocumentPage | InterpretationPage) -> list[Page]:
    """The pages that must go live together with ``page``: the closure over links between
    policies and interpretations that are not live yet. A new version of a live page needs
    nobody else (its policies are live already), so its group is the page alone."""
    draft_links = _draft_links()
    found: dict[int, Page] = {page.pk: page}
    queue = [page] if not page.live else []
    while queue:
        current = queue.pop()
        neighbours: set[int] = set()
        if isinstance(current, InterpretationPage):
            neighbours = draft_links.get(current.pk) or {
                link.policy_id for link in current.policy_links.all()
            }
        elif not govinfo_settings.POLICY_SEPARATE_RELEASE:
            neighbours = set(InterpretedPolicy.objects.filter(policy_id=current.pk)
                             .values_list("interpretation_id", flat=True))
            neighbours |= {i for i, policies in draft_links.items() if current.pk in policies}
        new = neighbours - found.keys()
        for member in Page.objects.filter(pk__in=new, live=False).specific():
            found[member.pk] = member
            queue.append(member)
    return list(found.values())


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


class ReleaseStatus:
    LIVE = "live"
    AWAITING_GROUP = "awaiting_group"
    IN_REVIEW = "in_review"
    DRAFT = "draft"

    LABELS = {
        LIVE: _("Live"),
        AWAITING_GROUP: _("Approved, awaiting release of the group"),
        IN_REVIEW: _("In review"),
        DRAFT: _("Draft"),
    }


def release_status(page: Page) -> str:
    if not _is_pending(page):
        return ReleaseStatus.LIVE
    if passed_review(page):
        return ReleaseStatus.AWAITING_GROUP
    if page.workflow_in_progress:
        return ReleaseStatus.IN_REVIEW
    return ReleaseStatus.LIVE if page.live else ReleaseStatus.DRAFT


# ------------------------------------------------------------------------------------------
# Coming down


def take_down_interpretations(policy: PolicyDocumentPage, user=None) -> list[Page]:
    """Unpublish the live interpretations whose policies would then all be down."""
    from wagtail.actions.unpublish_page import UnpublishPageAction

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
