"""The sign-off sheet (审签单) of one release: who submitted the page, who passed each gate
with which checklist and opinion (a signature and date line for each), the whole history of
the review that released it (returns, resubmissions, restarts at the first gate), which
automated findings were overridden and why, and how the page went live: after the last gate
the system releases it (nobody "publishes" it), otherwise the person who ordered the release
is named with the reason. Printable as a PDF from the admin.

A release is the log entry the release service writes (``govinfo_core.release``); everything
else is read from Wagtail's workflow records and the review's own models, so the sheet shows
what was decided, not what the configuration says today.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.admin.utils import get_user_display_name
from wagtail.models import Page, PageLogEntry, Revision, TaskState, WorkflowTask

from ..conf import govinfo_settings
from ..core.release import RELEASE_LOG_ACTION, ReleaseReason
from ..pdf.fetcher import SiteOnlyURLFetcher
from ..pdf.fonts import font_stack
from ..pdf.render import render_pdf
from .gates import GATE_DECISION_LOG_ACTION, RESTART_LOG_ACTION
from .models import (
    CheckOverride,
    Decision,
    EmergencyRelease,
    ReviewGateTask,
    ReviewGateTaskState,
    choice_label,
)

# The names of China Standard Time (北京时间) in the tz database.
CHINA_STANDARD_TIME_ZONES = frozenset(
    {"Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC"}
)


@dataclass
class ChecklistItem:
    text: str
    ticked: bool


@dataclass
class GateDecision:
    gate: str
    reviewer: str
    decided_at: datetime | None
    checklist: list[ChecklistItem]
    opinion: str


@dataclass
class HistoryEvent:
    """One step of the review that released the page, as the log recorded it."""

    at: datetime
    what: str
    who: str
    gate: str = ""
    opinion: str = ""
    revision_id: int | None = None
    returned: bool = False


@dataclass
class SignoffSheet:
    entry: PageLogEntry
    page: Page
    revision_id: int | None
    title: str
    index_number: str
    document_number: str
    agency: str
    page_type: str
    submitter: str = ""
    submitted_at: datetime | None = None
    gates: list[GateDecision] = field(default_factory=list)
    history: list[HistoryEvent] = field(default_factory=list)
    overrides: list[CheckOverride] = field(default_factory=list)
    released_at: datetime | None = None
    reason: str = ""
    reason_label: str = ""
    released_by: str = ""
    note: str = ""
    emergency: EmergencyRelease | None = None

    @property
    def time_zone(self) -> str:
        # The template shows every time in the site's time zone, whatever the viewer's.
        return govinfo_settings.SITE_TIME_ZONE

    @property
    def time_zone_label(self) -> str:
        """北京时间 for China's zone, else the offset (UTC+05:00): not a tz database name."""
        if self.time_zone in CHINA_STANDARD_TIME_ZONES:
            return gettext("Beijing time")
        at = self.released_at or timezone.now()
        offset = at.astimezone(zoneinfo.ZoneInfo(self.time_zone)).strftime("%z")
        return f"UTC{offset[:3]}:{offset[3:]}"

    @property
    def is_emergency(self) -> bool:
        return self.reason == ReleaseReason.EMERGENCY

    @property
    def released_by_system(self) -> bool:
        """Released by the release service when the last gate passed: no person released it
        (the last reviewer passed a gate, as the others did)."""
        return self.reason == ReleaseReason.REVIEW

    @property
    def last_gate(self) -> GateDecision | None:
        return self.gates[-1] if self.gates else None

    @property
    def returns(self) -> int:
        return sum(1 for event in self.history if event.returned)


def release_entries():
    return PageLogEntry.objects.filter(action=RELEASE_LOG_ACTION)


def may_view_signoff(user, page: Page) -> bool:
    """Those who may see the page's audit history: whoever may edit it (its editors, site
    administrators, superusers, the reviewer of its current gate), and the reviewers of the
    gates of the workflow that governs it."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    page = page.specific
    if page.permissions_for_user(user).can_edit():
        return True
    workflow = page.get_workflow()
    if workflow is None:
        return False
    gate_groups = ReviewGateTask.objects.filter(
        workflow_tasks__workflow=workflow
    ).values("groups")
    return user.groups.filter(pk__in=gate_groups).exists()


def _name(user) -> str:
    if user is None:
        return ""
    display = get_user_display_name(user)
    username = user.get_username()
    return display if display == username else f"{display}（{username}）"


def _gate_decisions(revision_id: int) -> tuple[object | None, list[ReviewGateTaskState]]:
    """The workflow run that approved this revision, and its gates' passing decisions."""
    passed = ReviewGateTaskState.objects.filter(
        revision_id=revision_id, status=TaskState.STATUS_APPROVED
    ).select_related("workflow_state__requested_by", "finished_by", "task")
    workflow_state_id = (
        passed.order_by("-workflow_state__created_at", "-workflow_state_id")
        .values_list("workflow_state_id", flat=True)
        .first()
    )
    if workflow_state_id is None:
        # Released without passing (an emergency): still show who had submitted this version.
        submitted = (
            TaskState.objects.filter(revision_id=revision_id)
            .select_related("workflow_state__requested_by")
            .order_by("-workflow_state__created_at", "-pk").first()
        )
        return (submitted.workflow_state if submitted else None), []
    states = list(passed.filter(workflow_state_id=workflow_state_id))
    workflow_state = states[0].workflow_state
    order = dict(
        WorkflowTask.objects.filter(workflow_id=workflow_state.workflow_id)
        .values_list("task_id", "sort_order")
    )
    states.sort(key=lambda s: (order.get(s.task_id, len(order)), s.finished_at or s.started_at))
    return workflow_state, states


def _checklists(page_id: int, states: list[ReviewGateTaskState]) -> dict[int, list[str]]:
    """Each gate's checklist as it stood at the decision (the log keeps it), keyed by task
    state; a decision carried over to a same-content revision falls back to today's list."""
    lists: dict[int, list[str]] = {}
    entries = PageLogEntry.objects.filter(
        page_id=page_id, action=GATE_DECISION_LOG_ACTION
    ).order_by("timestamp", "pk")
    wanted = {s.pk for s in states}
    for entry in entries:
        data = entry.data or {}
        if data.get("decision") == Decision.PASSED and data.get("task_state_id") in wanted:
            lists[data["task_state_id"]] = list(data.get("checklist_all") or [])
    return lists


def _history(page_id: int, workflow_state, until: datetime) -> list[HistoryEvent]:
    """The review of the released version from its submission to the release: every
    decision (returns too), resubmission and restart at the first gate, from the log."""
    if workflow_state is None:
        return []
    labels = {
        "wagtail.workflow.start": gettext("Submitted for review"),
        "wagtail.workflow.resume": gettext("Resubmitted for review"),
        RESTART_LOG_ACTION: gettext("Content changed: review back to the first gate"),
    }
    entries = (
        PageLogEntry.objects.filter(
            page_id=page_id, timestamp__gte=workflow_state.created_at, timestamp__lte=until,
            action__in=[*labels, GATE_DECISION_LOG_ACTION])
        .select_related("user").order_by("timestamp", "pk")
    )
    events = []
    for entry in entries:
        data = entry.data or {}
        if entry.action == "wagtail.workflow.start":
            started = (data.get("workflow") or {}).get("id")
            if started is not None and started != workflow_state.workflow_id:
                continue
        if entry.action == GATE_DECISION_LOG_ACTION:
            returned = data.get("decision") == Decision.RETURNED
            events.append(HistoryEvent(
                at=entry.timestamp, who=_name(entry.user), gate=str(data.get("gate", "")),
                what=str(Decision.RETURNED.label if returned else Decision.PASSED.label),
                opinion=str(data.get("opinion", "") or ""),
                revision_id=data.get("revision_id") or entry.revision_id, returned=returned))
        else:
            gate = str(data.get("from_gate", "")) if entry.action == RESTART_LOG_ACTION else ""
            revision_id = entry.revision_id
            if entry.action == "wagtail.workflow.resume":
                # Wagtail logs the version that was returned; the one resubmitted is the
                # page's latest at that moment.
                revision_id = (
                    Revision.page_revisions.filter(object_id=str(page_id),
                                                   created_at__lte=entry.timestamp)
                    .order_by("-created_at", "-pk").values_list("pk", flat=True).first()
                ) or revision_id
            events.append(HistoryEvent(at=entry.timestamp, what=labels[entry.action],
                                       who=_name(entry.user), gate=gate,
                                       revision_id=revision_id))
    return events


def build_signoff_sheet(entry: PageLogEntry) -> SignoffSheet:
    page = entry.page.specific
    data = entry.data or {}
    revision_id = data.get("revision_id") or entry.revision_id
    revision = Revision.objects.filter(pk=revision_id).first() if revision_id else None
    # The page as released: title and metadata of that revision, not of today's draft.
    released = revision.as_object() if revision is not None else page
    agency = getattr(released, "agency", None)
    sheet = SignoffSheet(
        entry=entry,
        page=page,
        revision_id=revision_id,
        title=released.title,
        # Frozen on the page once assigned: the number the public sees.
        index_number=getattr(page, "index_number", "") or "",
        document_number=getattr(released, "document_number", "") or "",
        agency=str(agency) if agency else "",
        page_type=str(page.specific_class._meta.verbose_name) if page.specific_class else "",
        released_at=entry.timestamp,
        reason=str(data.get("reason", "")),
        reason_label=choice_label(ReleaseReason, data.get("reason")),
        released_by=_name(entry.user),
        note=str(data.get("note", "") or ""),
    )
    if revision_id is None:
        return sheet

    workflow_state, states = _gate_decisions(revision_id)
    if workflow_state is not None:
        sheet.submitter = _name(workflow_state.requested_by)
        sheet.submitted_at = workflow_state.created_at
        sheet.history = _history(page.pk, workflow_state, entry.timestamp)
    checklists = _checklists(page.pk, states)
    for state in states:
        task = state.task.specific
        ticked = list(state.checklist or [])
        items = checklists[state.pk] if state.pk in checklists else task.checklist_items
        items = items + [t for t in ticked if t not in items]
        sheet.gates.append(GateDecision(
            gate=task.name,
            reviewer=_name(state.finished_by),
            decided_at=state.finished_at,
            checklist=[ChecklistItem(text=item, ticked=item in ticked) for item in items],
            opinion=state.opinion,
        ))
    sheet.overrides = list(
        CheckOverride.objects.filter(
            Q(task_state__in=[s.pk for s in states]) | Q(page_id=page.pk, revision_id=revision_id)
        ).select_related("user", "page").order_by("created_at", "pk")
    )
    if sheet.is_emergency:
        sheet.emergency = (
            EmergencyRelease.objects.filter(page_id=page.pk, revision_id=revision_id)
            .select_related("released_by", "reviewed_by").order_by("-released_at").first()
        )
    return sheet


# A4 portrait, margins after GB/T 9704-2012 (as the annual report's PDF); a ruled form.
SIGNOFF_CSS = """
@page {
  size: A4; margin: 25mm 22mm 25mm 24mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-family: %(font)s;
                   font-size: 9pt; }
}
html { font-family: %(font)s; font-size: 11pt; line-height: 1.5; color: #000; }
h1 { font-size: 20pt; text-align: center; letter-spacing: 0.1em; margin: 0 0 2mm; }
.govinfo-sheet-ref { text-align: right; font-size: 9pt; margin: 0 0 2mm; }
.govinfo-emergency { border: 2pt solid #000; padding: 2mm 4mm; margin: 0 0 3mm;
                     font-weight: bold; }
.govinfo-emergency .govinfo-emergency-mark { font-size: 16pt; text-align: center; }
table.govinfo-sheet { width: 100%%; border-collapse: collapse; table-layout: fixed;
                      margin: 0 0 3mm; }
table.govinfo-sheet th, table.govinfo-sheet td { border: 0.75pt solid #000;
  padding: 1.5mm 2mm; vertical-align: top; text-align: left; }
table.govinfo-sheet col.govinfo-label { width: 22mm; }
table.govinfo-sheet th { font-weight: bold; background: #f2f2f2; }
table.govinfo-sheet th.govinfo-section { text-align: center; font-size: 12pt;
                                         background: #e0e0e0; }
table.govinfo-sheet tr { page-break-inside: avoid; }
table.govinfo-gate { page-break-inside: avoid; }
.govinfo-opinion { white-space: pre-wrap; min-height: 12mm; }
td.govinfo-sign { height: 12mm; }
table.govinfo-history { font-size: 9.5pt; }
table.govinfo-history col.govinfo-when { width: 27mm; }
table.govinfo-history col.govinfo-step { width: 30mm; }
table.govinfo-history col.govinfo-who { width: 30mm; }
table.govinfo-history col.govinfo-version { width: 12mm; }
table.govinfo-history tr.govinfo-returned td { font-weight: bold; }
ul.govinfo-checklist { list-style: none; margin: 0; padding: 0; }
ul.govinfo-checklist li { margin: 0; }
.govinfo-mark { font-family: %(font)s; }
.govinfo-none { color: #444; }
"""


def render_signoff_html(sheet: SignoffSheet) -> str:
    return render_to_string("govinfo_review/signoff_sheet.html", {"sheet": sheet})


def _site_url(page: Page) -> str:
    site = page.get_site()
    return (site.root_url if site else "http://localhost").rstrip("/") + "/"


def build_signoff_pdf(sheet: SignoffSheet) -> bytes:
    url = _site_url(sheet.page)
    return render_pdf(render_signoff_html(sheet), site_url=url,
                      css=SIGNOFF_CSS % {"font": font_stack()},
                      fetcher=SiteOnlyURLFetcher(url))
