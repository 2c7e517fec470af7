"""Which workflows can release a disclosure page, and which parts of the page tree they govern.

A workflow is *complete* when its active tasks include review gates (``ReviewGateTask``) of
the political, policy and wording kinds, in that order, each with at least one group. Sites
may add gates anywhere (of the kind "other", or Wagtail's own task types); they cannot remove,
disable or reorder the three. Gates of a required kind may repeat, but never after a gate of a
later required kind: the release service counts the latest pass of each kind, in order
(``release_checks.review_problem``).

A *disclosure tree* is a page that may hold disclosure pages (its page type allows a
disclosure page type as a child, e.g. a catalogue root or section), or a disclosure page with
a workflow of its own. Its *effective workflow* is Wagtail's ``page.get_workflow()``: the
active workflow assigned to the page or to its nearest ancestor. The release service refuses
what an incomplete workflow lets through anyway; this module makes the configuration say so
before anybody relies on it:

- ``workflow_completeness(workflow)``: what a workflow lacks;
- ``incomplete_disclosure_trees()``: the disclosure trees whose effective workflow is missing
  or incomplete, computed in a few queries for the whole tree (system check, dashboard);
- ``new_problems(before, after)``: what a change to workflows made worse (the admin refuses);
- ``ensure_complete_workflow(page)``: called when a page that may hold disclosure pages is
  created or moved; it attaches 三审 (created as ``govinfo_setup`` does if missing).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.db import DatabaseError, transaction
from django.db.models import Count
from django.utils.translation import gettext, ngettext
from wagtail.models import Page, Workflow, WorkflowPage, WorkflowTask, get_page_models

from ..conf import govinfo_settings
from ..core.models import DisclosurePage
from ..core.setup import REVIEWER_PERMISSIONS, grant
from .models import DEFAULT_CHECKLISTS, REQUIRED_GATE_KINDS, GateKind, ReviewGateTask

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------
# What a workflow needs (model-free)


@dataclass(frozen=True)
class GateStep:
    """One task of a workflow, as far as the rules care: ``kind`` is None for a task that
    is not a review gate (Wagtail's own task types)."""

    name: str
    kind: str | None
    active: bool = True
    has_groups: bool = True
    position: int | None = None  # the workflow's sort order, when known


@dataclass(frozen=True)
class Problem:
    code: str
    message: str

    def __str__(self) -> str:
        return self.message


def _kind_label(kind: str) -> str:
    return str(dict(GateKind.choices).get(kind, kind))


def gate_problems(steps: Sequence[GateStep]) -> list[Problem]:
    """What is missing from a workflow whose tasks are ``steps`` (in their order) for it to
    release disclosure pages; an empty list when nothing is."""
    rank = {kind: i for i, kind in enumerate(REQUIRED_GATE_KINDS)}
    usable = [s for s in steps if s.kind in rank and s.active and s.has_groups]
    problems: list[Problem] = []
    for kind in REQUIRED_GATE_KINDS:
        if any(s.kind == kind for s in usable):
            continue
        same_kind = [s for s in steps if s.kind == kind]
        if any(not s.active for s in same_kind):
            name = next(s.name for s in same_kind if not s.active)
            problems.append(Problem("gate_disabled", gettext(
                "the review gate “%(name)s” (%(kind)s) is disabled") % {
                    "name": name, "kind": _kind_label(kind)}))
        elif same_kind:
            problems.append(Problem("gate_without_group", gettext(
                "the review gate “%(name)s” (%(kind)s) has no group, so nobody can decide "
                "there") % {"name": same_kind[0].name, "kind": _kind_label(kind)}))
        else:
            problems.append(Problem("gate_missing", gettext(
                "there is no review gate of the kind “%(kind)s”") % {
                    "kind": _kind_label(kind)}))
    if len(problems) == len(REQUIRED_GATE_KINDS) and all(
            p.code == "gate_missing" for p in problems):
        return [Problem("gate_missing", gettext(
            "it has none of the political, policy and wording review gates"))]
    if problems:
        return problems
    for earlier, later in zip(usable, usable[1:], strict=False):
        # Two gates at the same position run in whichever order the database returns them.
        tied = later.position is not None and later.position == earlier.position
        if rank[later.kind] < rank[earlier.kind] or (tied and later.kind != earlier.kind):
            return [Problem("gate_order", gettext(
                "the review gate “%(later)s” comes after “%(earlier)s”: the political, "
                "policy and wording gates must come in that order") % {
                    "later": later.name, "earlier": earlier.name})]
    return []


# ---------------------------------------------------------------------------------------
# Workflows in the database


def _steps_by_workflow(workflow_ids: Iterable[int]) -> dict[int, list[GateStep]]:
    rows = list(
        WorkflowTask.objects.filter(workflow_id__in=list(workflow_ids))
        .select_related("task").order_by("workflow_id", "sort_order", "pk")
    )
    gates = {
        gate.pk: gate for gate in ReviewGateTask.objects.filter(
            pk__in=[row.task_id for row in rows]).annotate(group_count=Count("groups"))
    }
    steps: dict[int, list[GateStep]] = {}
    for row in rows:
        gate = gates.get(row.task_id)
        steps.setdefault(row.workflow_id, []).append(
            GateStep(name=row.task.name, kind=None, active=row.task.active,
                     position=row.sort_order) if gate is None
            else GateStep(name=gate.name, kind=gate.gate, active=gate.active,
                          has_groups=gate.group_count > 0, position=row.sort_order)
        )
    return steps


def workflow_completeness(workflow: Workflow | None) -> list[Problem]:
    """Why ``workflow`` cannot release a disclosure page; an empty list when it can."""
    if workflow is None:
        return [Problem("no_workflow", gettext("no workflow applies"))]
    problems = []
    if not workflow.active:
        problems.append(Problem("workflow_disabled", gettext("the workflow is disabled")))
    return problems + gate_problems(_steps_by_workflow([workflow.pk]).get(workflow.pk, []))


def is_complete(workflow: Workflow | None) -> bool:
    return not workflow_completeness(workflow)


# ---------------------------------------------------------------------------------------
# The page tree


def disclosure_page_models() -> list[type[Page]]:
    return [m for m in get_page_models() if issubclass(m, DisclosurePage) and m.is_creatable]


def standalone_released_models() -> list[type[Page]]:
    """Released page types that are not disclosure pages (the disclosure guide, the
    statutory content page, catalogues and sections, collections, the search page): they may
    stand outside a catalogue (under the home page), so each such page is a disclosure tree
    of its own."""
    from ..core.models import ReleasedPageMixin

    return [m for m in get_page_models() if issubclass(m, ReleasedPageMixin)
            and not issubclass(m, DisclosurePage) and m.is_creatable]


def disclosure_container_models() -> list[type[Page]]:
    """Page types that may hold disclosure pages: a disclosure page type may be created
    as their child (the page types a catalogue accepts are an extension point, so this is
    computed from the page models, not listed)."""
    return [
        m for m in get_page_models()
        if any(issubclass(child, DisclosurePage) for child in m.creatable_subpage_models())
    ]


@dataclass(frozen=True)
class TreeProblem:
    """A disclosure tree whose effective workflow cannot release a disclosure page."""

    page_id: int
    title: str
    path: str
    workflow_id: int | None
    workflow_name: str
    problems: tuple[Problem, ...]

    @property
    def key(self) -> tuple[int, int | None]:
        return (self.page_id, self.workflow_id)

    def describe(self) -> str:
        reasons = "; ".join(str(p) for p in self.problems)
        if self.workflow_id is None:
            return gettext("“%(page)s”: %(problems)s") % {"page": self.title,
                                                          "problems": reasons}
        return gettext("“%(page)s” (workflow “%(workflow)s”): %(problems)s") % {
            "page": self.title, "workflow": self.workflow_name, "problems": reasons}


def _tree_pages(within: Page | None):
    def content_types(models):
        return ContentType.objects.get_for_models(*models).values() if models else []

    containers = Page.objects.filter(content_type__in=content_types(disclosure_container_models()))
    own = Page.objects.filter(content_type__in=content_types(disclosure_page_models()),
                              workflowpage__isnull=False)
    standalone = Page.objects.filter(content_type__in=content_types(standalone_released_models()))
    pages = containers | own | standalone
    if within is not None:
        pages = pages.filter(path__startswith=within.path)
    return pages.order_by("path").values_list("pk", "title", "path")


def incomplete_disclosure_trees(within: Page | None = None) -> list[TreeProblem]:
    """Every disclosure tree (in ``within``'s subtree, if given) whose effective workflow is
    missing or incomplete, in tree order. A few queries, whatever the size of the tree."""
    trees = list(_tree_pages(within))
    if not trees:
        return []
    if getattr(settings, "WAGTAIL_WORKFLOW_ENABLED", True):
        assigned = dict(
            WorkflowPage.objects.filter(workflow__active=True)
            .values_list("page__path", "workflow_id")
        )
    else:
        assigned = {}  # Wagtail's get_workflow() then returns None for every page
    steplen = Page.steplen

    def effective(path: str) -> int | None:
        # get_workflow(): the page's own active workflow, else the nearest ancestor's.
        for end in range(len(path), 0, -steplen):
            if path[:end] in assigned:
                return assigned[path[:end]]
        return None

    effective_ids = {pk: effective(path) for pk, _, path in trees}
    used = {wf for wf in effective_ids.values() if wf is not None}
    steps = _steps_by_workflow(used)
    names = dict(Workflow.objects.filter(pk__in=used).values_list("pk", "name"))
    problems_of = {wf: tuple(gate_problems(steps.get(wf, []))) for wf in used}
    result = []
    for pk, title, path in trees:
        wf = effective_ids[pk]
        problems = (problems_of[wf] if wf is not None
                    else (Problem("no_workflow", gettext("no workflow applies")),))
        if problems:
            result.append(TreeProblem(pk, title, path, wf, names.get(wf, ""), problems))
    return result


def new_problems(before: Iterable[TreeProblem], after: Iterable[TreeProblem]) -> list[TreeProblem]:
    """The trees a change left incomplete that were not incomplete, under the same
    workflow, before it: a change that makes nothing worse (renaming an incomplete workflow
    that was already in the way, say) is not refused for problems it did not make."""
    known = {tree.key for tree in before}
    return [tree for tree in after if tree.key not in known]


def what_would_break(change: Callable[[], object]) -> list[TreeProblem]:
    """The trees ``change()`` would leave incomplete (``new_problems``), found by making the
    change in a savepoint that is then rolled back: nothing of it stays."""
    before = incomplete_disclosure_trees()
    with transaction.atomic():
        change()
        after = incomplete_disclosure_trees()
        transaction.set_rollback(True)
    return new_problems(before, after)


def refusal_message(trees: Sequence[TreeProblem], action: str = "save", limit: int = 5) -> str:
    refused = {
        "save": gettext("Not saved"),
        "disable": gettext("Not disabled"),
        "enable": gettext("Not enabled"),
        "remove": gettext("Not removed"),
    }[action]
    lines = "; ".join(tree.describe() for tree in trees[:limit])
    if len(trees) > limit:
        lines += "; " + ngettext("and %(count)d more page", "and %(count)d more pages",
                                 len(trees) - limit) % {"count": len(trees) - limit}
    return gettext(
        "%(refused)s: disclosure pages would be under a workflow that cannot release them. "
        "%(trees)s. Disclosure pages need active review gates of the political, policy and "
        "wording kinds, in that order, each with a group; you may add gates, but not remove, "
        "disable or reorder these."
    ) % {"refused": refused, "trees": lines}


# ---------------------------------------------------------------------------------------
# The package's complete workflow, and new catalogue roots and sections


WORKFLOW_NAME = "三审"
GATE_NAMES = ["政治审核", "政策审核", "文字审核"]


def ensure_review_workflow(log=print):
    """The workflow 三审 with one review gate per reviewer group, created (with the reviewer
    groups it needs) if there is none of that name yet. Returns ``(workflow, created)``.

    ``govinfo_setup`` calls it, and so does a disclosure catalogue created on a site where
    no complete workflow would govern it (below)."""
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).order_by("pk").first()
    if workflow is not None:
        return workflow, False
    kinds = [GateKind.POLITICAL, GateKind.POLICY, GateKind.WORDING]
    workflow = Workflow.objects.create(name=WORKFLOW_NAME)
    for order, (gate, kind, group_name) in enumerate(
        zip(GATE_NAMES, kinds, govinfo_settings.REVIEWER_GROUPS, strict=True)
    ):
        group, group_created = Group.objects.get_or_create(name=group_name)
        if group_created:
            grant(group, REVIEWER_PERMISSIONS)
            log(f"Created group {group_name}")
        task = ReviewGateTask.objects.filter(name=gate, gate=kind).first()
        if task is None:
            task = ReviewGateTask.objects.create(
                name=gate, gate=kind, checklist="\n".join(DEFAULT_CHECKLISTS[kind])
            )
        task.groups.set([group])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=order)
    log(f"Created workflow {WORKFLOW_NAME} with gates {'、'.join(GATE_NAMES)}")
    return workflow, True



def _complete_workflow_to_attach(log) -> Workflow | None:
    """三审 when it is complete (created if missing); else a complete workflow the site
    already uses for a disclosure tree; else None."""
    workflow, _created = ensure_review_workflow(log)
    if is_complete(workflow):
        return workflow
    used = (WorkflowPage.objects.filter(workflow__active=True)
            .values_list("workflow_id", flat=True).distinct())
    for candidate in Workflow.objects.filter(pk__in=used, active=True).order_by("pk"):
        if is_complete(candidate):
            return candidate
    return None


def ensure_complete_workflow(page: Page, log=logger.info) -> list[TreeProblem]:
    """Attach a complete workflow to each disclosure tree in ``page``'s subtree whose
    effective workflow is incomplete; return those that still are (none found to attach)."""
    if not getattr(settings, "WAGTAIL_WORKFLOW_ENABLED", True):
        return []
    remaining = []
    for tree in incomplete_disclosure_trees(within=page):
        # Trees in path order: a fix higher up may already cover this one.
        target = Page.objects.get(pk=tree.page_id)
        if WorkflowPage.objects.filter(page=target, workflow__active=True).exists():
            # The site chose this workflow for this page: not replaced behind its back (the
            # system check and the dashboard report it).
            remaining.append(tree)
            continue
        if is_complete(target.get_workflow()):
            continue
        workflow = _complete_workflow_to_attach(log)
        if workflow is None:
            logger.warning("No complete review workflow to attach to page %s (%s): %s",
                           tree.page_id, tree.title, tree.describe())
            remaining.append(tree)
            continue
        WorkflowPage.objects.update_or_create(page=target, defaults={"workflow": workflow})
        log(f"Workflow {workflow.name} attached to page {tree.page_id} ({tree.title})")
    return remaining


def on_page_created(sender, instance, created, raw=False, **kwargs):
    """post_save: a new page that may hold disclosure pages, or a new page of a released type
    outside a catalogue (a guide under the home page), gets a complete workflow."""
    if not created or raw or not isinstance(instance, Page):
        return
    if type(instance) not in disclosure_container_models() + standalone_released_models():
        return
    ensure_complete_workflow(instance)


def on_page_moved(sender, instance, parent_page_before=None, parent_page_after=None, **kwargs):
    """post_page_move: disclosure trees moved under another parent may inherit another
    workflow; each gets a complete one if it would not have it."""
    if parent_page_before is not None and parent_page_after is not None \
            and parent_page_before.pk == parent_page_after.pk:
        return
    ensure_complete_workflow(instance)


# ---------------------------------------------------------------------------------------
# System check


def check_disclosure_workflows(app_configs=None, databases=None, **kwargs):
    """Disclosure trees whose effective workflow cannot release a disclosure page
    (``manage.py check --database default``)."""
    if not databases:
        return []
    try:
        trees = incomplete_disclosure_trees()
    except DatabaseError:
        return []  # not migrated yet
    hint = gettext(
        "Assign a workflow with review gates of the political, policy and wording kinds, in "
        "that order, under Settings → Workflows (govinfo_setup creates %(name)s)."
    ) % {"name": WORKFLOW_NAME}
    return [
        checks.Warning(
            gettext("Disclosure pages under page %(id)s cannot be released: %(tree)s")
            % {"id": tree.page_id, "tree": tree.describe()},
            hint=hint, id="govinfo_review.W001",
        )
        for tree in trees
    ]
