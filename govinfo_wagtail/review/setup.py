"""The review's part of ``govinfo_setup``: the workflow 三审 on every disclosure tree, and the
review's permissions for the administrators' group. The project settings the review needs are
system checks (:mod:`.system_checks`), which ``govinfo_setup`` prints."""

from django.contrib.auth.models import Group
from wagtail.models import Page, Task

from ..conf import govinfo_settings
from ..core.setup import grant
from .models import ReviewGateTask
from .workflow_rules import WORKFLOW_NAME, ensure_complete_workflow, ensure_review_workflow

# The administrators keep the lexicon (错敏词) and review emergency releases afterwards.
# Emergency release itself ("release_in_emergency") goes to nobody by default: a site grants
# it in the group editor (docs/permissions.md).
ADMIN_PERMISSIONS = [
    ("govinfo_review", "add_lexiconword"),
    ("govinfo_review", "change_lexiconword"),
    ("govinfo_review", "delete_lexiconword"),
    ("govinfo_review", "review_emergency_release"),
]


def setup_review(log=print) -> None:
    grant(Group.objects.get(name=govinfo_settings.ADMIN_GROUP), ADMIN_PERMISSIONS)
    grant_deprecated_emergency_group(log)
    setup_review_workflow(log)


def grant_deprecated_emergency_group(log=print) -> None:
    """A site that still names its emergency group in the deprecated setting, for a group
    created after the upgrade's migration ran: that group gets the permission (once, here,
    in the open; the system check govinfo_review.W006 asks to remove the setting)."""
    name = govinfo_settings.EMERGENCY_RELEASE_GROUP
    group = Group.objects.filter(name=name).first() if name else None
    if group is None:
        return
    grant(group, [("govinfo_review", "release_in_emergency")])
    log(f"Group {name} (GOVINFO_EMERGENCY_RELEASE_GROUP, deprecated) has the permission to "
        "release in an emergency; grant it in Settings → Groups and remove the setting.")


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
