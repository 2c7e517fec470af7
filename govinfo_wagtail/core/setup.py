"""What ``govinfo_setup`` creates. Idempotent, and it touches nothing else of the host site."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from ..conf import govinfo_settings
from .models import Topic

# The usual 主题分类 of Chinese disclosure catalogues; each site may change them afterwards.
DEFAULT_TOPICS = [
    "机构职能",
    "政策文件",
    "规划计划",
    "财政预决算",
    "行政许可",
    "行政处罚",
    "政府采购",
    "人事信息",
    "统计信息",
    "应急管理",
    "建议提案办理",
    "政府信息公开年报",
]

ADMIN_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("govinfo_core", "add_agency"),
    ("govinfo_core", "change_agency"),
    ("govinfo_core", "delete_agency"),
    ("govinfo_core", "add_topic"),
    ("govinfo_core", "change_topic"),
    ("govinfo_core", "delete_topic"),
    ("govinfo_core", "change_disclosuresettings"),
    # Moving released items over from a legacy system (govinfo_import --publish, the admin).
    ("govinfo_catalogue", "import_released"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
]
REVIEWER_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("govinfo_core", "view_agency"),
    ("govinfo_core", "view_topic"),
]
EDITOR_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("govinfo_core", "view_agency"),
    ("govinfo_core", "view_topic"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
]


def _grant(group: Group, perms: list[tuple[str, str]]) -> None:
    for app_label, codename in perms:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


@transaction.atomic
def run_setup(log=print) -> None:
    groups = {
        govinfo_settings.ADMIN_GROUP: ADMIN_PERMISSIONS,
        govinfo_settings.EDITOR_GROUP: EDITOR_PERMISSIONS,
    }
    for name in govinfo_settings.REVIEWER_GROUPS:
        groups[name] = REVIEWER_PERMISSIONS
    for name, perms in groups.items():
        group, created = Group.objects.get_or_create(name=name)
        _grant(group, perms)
        log(f"{'Created' if created else 'Checked'} group {name}")

    grant_catalogue_permissions(log)
    setup_review_workflow(log)
    check_project_settings(log)

    created = 0
    for order, name in enumerate(DEFAULT_TOPICS):
        _, was_created = Topic.objects.get_or_create(
            parent=None, name=name, defaults={"sort_order": order * 10}
        )
        created += was_created
    log(f"Topics: {created} created, {len(DEFAULT_TOPICS) - created} already present")


PAGE_PERMISSIONS = {
    "EDITOR_GROUP": ["add", "change", "lock"],
    # Site administrators may take content down at once (a leak must come down fast).
    "ADMIN_GROUP": ["add", "change", "lock", "unlock", "bulk_delete", "publish"],
}


def grant_catalogue_permissions(log=print) -> None:
    """Give the package's groups page permissions on every top-level catalogue root."""
    from wagtail.models import GroupPagePermission

    from ..catalogue.models import CatalogueIndexPage

    roots = [
        page for page in CatalogueIndexPage.objects.all()
        if not page.get_parent().specific_class == CatalogueIndexPage
    ]
    for setting_name, types in PAGE_PERMISSIONS.items():
        group = Group.objects.get(name=getattr(govinfo_settings, setting_name))
        for root in roots:
            for permission_type in types:
                permission = Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=f"{permission_type}_page"
                )
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root, permission=permission
                )
    log(f"Page permissions checked on {len(roots)} catalogue root(s)")


WORKFLOW_NAME = "三审"
GATE_NAMES = ["政治审核", "政策审核", "文字审核"]


def ensure_review_workflow(log=print):
    """The workflow 三审 with one review gate per reviewer group, created (with the reviewer
    groups it needs) if there is none of that name yet. Returns ``(workflow, created)``.

    ``govinfo_setup`` calls it, and so does a disclosure catalogue created on a site where
    no complete workflow would govern it (``review.workflow_rules``)."""
    from wagtail.models import Workflow, WorkflowTask

    from ..review.models import DEFAULT_CHECKLISTS, GateKind, ReviewGateTask

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
            _grant(group, REVIEWER_PERMISSIONS)
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


def setup_review_workflow(log=print) -> None:
    """The workflow 三审 (``ensure_review_workflow``), attached to the catalogue roots that
    have no workflow yet. Sites may add gates in the admin afterwards; the three gates stay
    (``review.workflow_rules``)."""
    from wagtail.models import Task, WorkflowPage

    from ..catalogue.models import CatalogueIndexPage
    from ..review.models import ReviewGateTask

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
    attached = 0
    for root in CatalogueIndexPage.objects.all():
        # Wagtail attaches its own 'Moderators approval' to the root page; a catalogue gets
        # 三审 unless the site has attached a workflow to the catalogue itself.
        if not WorkflowPage.objects.filter(page=root).exists():
            WorkflowPage.objects.create(page=root, workflow=workflow)
            attached += 1
    log(f"Workflow {WORKFLOW_NAME} attached to {attached} more catalogue root(s)")


def check_project_settings(log=print) -> list[str]:
    """Say which project settings the review needs and are missing (nothing is changed)."""
    from django.conf import settings

    from ..review.workflow import FINISH_WORKFLOW_ACTION

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
