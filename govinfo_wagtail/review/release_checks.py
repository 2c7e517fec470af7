"""What the review app checks before the release service lets a revision go live.

- A release for the reason "review" must be proved from the recorded gate decisions on the
  very revision being released: a pass of each required gate kind (political, policy,
  wording), in that order, each by a different person, none by the author or submitter. Which
  workflow ran, or that "a workflow finished", proves nothing.
- Every release, whatever its reason, runs the automated checks: blocking findings stop it
  unless each was overridden with a recorded reason (at a gate, or by the caller).
"""

from __future__ import annotations

from django.utils.translation import gettext
from wagtail import hooks
from wagtail.log_actions import log
from wagtail.models import TaskState

from ..core.content import content_digest
from ..core.release import RELEASE_CHECK_HOOK, ReleaseBlocked, ReleaseReason, ReleaseRefused
from .gates import OVERRIDE_LOG_ACTION
from .inspection import check_revision, lexicon_matcher
from .models import (
    REQUIRED_GATE_KINDS,
    CheckOverride,
    GateKind,
    ReviewGateTask,
    ReviewGateTaskState,
    content_author_id,
)


def recorded_gate_passes(revision) -> list[ReviewGateTaskState]:
    """The passes of review gates recorded on this revision, in the order they happened,
    from the review run that passed it last."""
    passes = list(
        ReviewGateTaskState.objects.filter(revision_id=revision.pk,
                                           status=TaskState.STATUS_APPROVED)
        .select_related("workflow_state").order_by("finished_at", "pk")
    )
    if not passes:
        return []
    run = passes[-1].workflow_state_id
    return [p for p in passes if p.workflow_state_id == run]


def review_problem(revision, passes: list[ReviewGateTaskState]) -> str | None:
    """Why these passes do not prove a complete review of ``revision``, or None."""
    kinds = dict(ReviewGateTask.objects.filter(pk__in=[p.task_id for p in passes])
                 .values_list("pk", "gate"))
    digest = content_digest(revision.content)
    by_kind: dict[str, ReviewGateTaskState] = {}
    for state in passes:
        if state.content_digest and state.content_digest != digest:
            continue  # a decision on other content written into the same revision
        by_kind[kinds.get(state.task_id, GateKind.OTHER)] = state  # the latest of each kind
    labels = dict(GateKind.choices)
    missing = [str(labels[k]) for k in REQUIRED_GATE_KINDS if k not in by_kind]
    if missing:
        return gettext("this version has no recorded pass of: %(gates)s. Disclosure pages "
                       "must pass the political, policy and wording gates, in that order.") % {
            "gates": "、".join(missing)}
    ordered = [by_kind[k] for k in REQUIRED_GATE_KINDS]
    if any(a.finished_at > b.finished_at for a, b in zip(ordered, ordered[1:], strict=False)):
        return gettext("the gates were passed out of order; the political, policy and "
                       "wording gates must be passed in that order.")
    people = [s.finished_by_id for s in ordered]
    if None in people or len(set(people)) < len(people):
        return gettext("one person passed more than one of the three gates.")
    # The author of the content, kept by each gate when it started (a revision saved for a
    # reviewer's comment carries the reviewer's name, not the author's), and the one the
    # page's history names: a save without a change before the review (the admin's "submit"
    # saves the form) must not hide who wrote the content.
    recorded = [s for s in ordered if s.content_digest]
    authors = {s.content_author_id for s in recorded} if recorded else {revision.user_id}
    authors.add(content_author_id(revision))
    authors.add(ordered[0].workflow_state.requested_by_id)
    authors.discard(None)
    if authors & set(people):
        return gettext("the author or submitter of this version passed one of its gates.")
    return None


@hooks.register(RELEASE_CHECK_HOOK)
def prove_review(*, revision, page, reason, **kwargs):
    if reason != ReleaseReason.REVIEW:
        return None
    passes = recorded_gate_passes(revision)
    problem = review_problem(revision, passes)
    if problem:
        raise ReleaseRefused(page, gettext("“%(title)s” was not released: %(problem)s") % {
            "title": page.title, "problem": problem}, code="review_incomplete")
    return {"gate_decisions": [
        {"gate": state.task.name, "task_state_id": state.pk, "user_id": state.finished_by_id,
         "finished_at": state.finished_at.isoformat(),
         "gate_kind": state.task.specific.gate}
        for state in passes
    ]}


def _batch_lookups(batch) -> tuple:
    """The lexicon and the recorded overrides of every page of a batch release, looked up
    once for the batch rather than once per page."""
    if "review.checks" not in batch.cache:
        by_page: dict[int, list] = {}
        for override in CheckOverride.objects.filter(page_id__in=batch.page_ids).order_by(
                "created_at"):
            by_page.setdefault(override.page_id, []).append(override)
        batch.cache["review.checks"] = (lexicon_matcher(), by_page)
    return batch.cache["review.checks"]


@hooks.register(RELEASE_CHECK_HOOK)
def run_automated_checks(*, revision, page, reason, user, overrides, override_reason,
                         content=None, batch=None, **kwargs):
    """Blocking findings stop every release unless each has a recorded override."""
    if batch is not None:
        matcher, by_page = _batch_lookups(batch)
        report = check_revision(revision, content, matcher=matcher,
                                overrides=by_page.get(page.pk, []))
    else:
        report = check_revision(revision, content)
    recorded = []
    for finding in report.unresolved:
        why = (overrides.get(finding.fingerprint) or override_reason or "").strip()
        if not why:
            continue
        report.overrides[finding.fingerprint] = CheckOverride.objects.create(
            page_id=page.pk, revision=revision, fingerprint=finding.fingerprint,
            kind=finding.kind, code=finding.code, location=finding.location[:255],
            matched=finding.matched[:255], reason=why, user=user,
        )
        log(instance=page, action=OVERRIDE_LOG_ACTION, user=user, revision=revision,
            data={"fingerprint": finding.fingerprint, "kind": finding.kind,
                  "code": finding.code, "location": finding.location,
                  "matched": finding.matched, "reason": why,
                  "gate": str(ReleaseReason(reason).label)})
        recorded.append({"fingerprint": finding.fingerprint, "code": finding.code,
                         "reason": why, "user_id": getattr(user, "pk", None)})
    if report.unresolved:
        raise ReleaseBlocked(page, report.unresolved)
    return {"overrides": recorded}
