"""The review's part of ``govinfo_setup``: the workflow 三审 on every disclosure tree, and the
project settings the review needs (also a system check)."""

from django.conf import settings
from django.core import checks
from wagtail.models import Page, Task

from .models import ReviewGateTask
from .workflow import FINISH_WORKFLOW_ACTION
from .workflow_rules import WORKFLOW_NAME, ensure_complete_workflow, ensure_review_workflow


def setup_review(log=print) -> None:
    setup_review_workflow(log)
    check_project_settings(log)


def setup_review_workflow(log=print) -> None:
    """The workflow 三审 (``ensure_review_workflow``), attached to every disclosure tree whose
    effective workflow lacks the three gates. Sites may add gates in the admin afterwards;
    the three gates stay (``review.workflow_rules``)."""
    workflow, created = ensure_review_workflow(log)
    if not created:
        stock = [
            t.name for t in Task.objects.filter(workflow_tasks__workflow=workflow).specific()
            if not isinstance(t, ReviewGateTask)
        ]
        if stock:
            # Left as they are: replacing tasks would cancel reviews in progress.
            log(f"NOTE: workflow {WORKFLOW_NAME} has tasks that are not review gates "
                f"({'、'.join(stock)}): they have no checklists or separation of duties. "
                "Replace them with review gates in the admin (Settings → Workflow tasks).")
    # Wagtail attaches its own 'Moderators approval' to the root page: each disclosure tree
    # (a catalogue root, say) whose effective workflow lacks the gates gets 三审, unless the
    # site chose a workflow for that page itself (the system check reports it then).
    for tree in ensure_complete_workflow(Page.get_first_root_node(), log=log):
        log(f"WARNING: {tree.describe()}")


def check_project_settings(log=print) -> list[str]:
    """Say which project settings the review needs and are missing (nothing is changed)."""
    problems = []
    if getattr(settings, "WAGTAIL_FINISH_WORKFLOW_ACTION", None) != FINISH_WORKFLOW_ACTION:
        problems.append(
            f'WAGTAIL_FINISH_WORKFLOW_ACTION = "{FINISH_WORKFLOW_ACTION}" is missing: without '
            "it, pages that pass review are not released."
        )
    if not getattr(settings, "WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT", False):
        problems.append(
            "WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True is missing: without it, an "
            "edit made during review is not reviewed again."
        )
    for problem in problems:
        log(f"WARNING: add to your settings: {problem}")
    return problems


def check_review_settings(app_configs=None, **kwargs):
    """``manage.py check``: the settings without which reviewed pages are not released."""
    return [checks.Warning(problem, id="govinfo_review.W003")
            for problem in check_project_settings(log=lambda *_: None)]
