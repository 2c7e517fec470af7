"""What ``govinfo_setup`` creates. Idempotent, and it touches nothing else of the host site.

The kernel creates the package's groups with the kernel's permissions, and the default
topics. Then every installed app whose ``AppConfig`` has a ``govinfo_setup(log)`` method adds
its own part, in ``INSTALLED_APPS`` order: the catalogue its page permissions, the review its
workflow. That method is the extension point for setup steps (docs/architecture.md).
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.checks import run_checks
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
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    # The 找错 register and the public site settings (footer identifiers).
    ("govinfo_core", "view_errorreport"),
    ("govinfo_core", "change_errorreport"),
    ("govinfo_core", "change_publicsitesettings"),
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


def grant(group: Group, perms: list[tuple[str, str]]) -> None:
    """Give ``group`` the model permissions ``[(app label, codename), …]``."""
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
        grant(group, perms)
        log(f"{'Created' if created else 'Checked'} group {name}")

    created = 0
    for order, name in enumerate(DEFAULT_TOPICS):
        _, was_created = Topic.objects.get_or_create(
            parent=None, name=name, defaults={"sort_order": order * 10}
        )
        created += was_created
    log(f"Topics: {created} created, {len(DEFAULT_TOPICS) - created} already present")
    run_setup_steps(log)
    report_system_checks(log)


def run_setup_steps(log=print) -> None:
    """Each installed app's own setup step (``AppConfig.govinfo_setup``)."""
    for config in apps.get_app_configs():
        step = getattr(config, "govinfo_setup", None)
        if callable(step):
            step(log)


def report_system_checks(log=print) -> list:
    """The package's system checks (``manage.py check``: the project settings it needs), said
    once more at the end of setup. Nothing is changed."""
    messages = [m for m in run_checks() if (m.id or "").startswith("govinfo_")]
    for message in messages:
        hint = f" ({message.hint})" if message.hint else ""
        log(f"WARNING: {message.id}: {message.msg}{hint}")
    return messages
