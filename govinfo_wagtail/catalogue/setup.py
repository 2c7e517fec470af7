"""The catalogue's part of ``govinfo_setup``: page permissions on every catalogue root, and
the legacy-import permission for the administrators' group."""

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

from ..conf import govinfo_settings
from ..core.setup import grant
from .models import CatalogueIndexPage

PAGE_PERMISSIONS = {
    "EDITOR_GROUP": ["add", "change", "lock"],
    # Site administrators may take content down at once (a leak must come down fast).
    "ADMIN_GROUP": ["add", "change", "lock", "unlock", "bulk_delete", "publish"],
}
# Moving released items over from a legacy system (govinfo_import --publish, the admin).
# The column update periods: the freshness panel on the dashboard follows view_updateperiod.
ADMIN_PERMISSIONS = [("govinfo_catalogue", "import_released")] + [
    ("govinfo_catalogue", f"{action}_updateperiod")
    for action in ("add", "change", "delete", "view")
] + [("govinfo_catalogue", "view_link_report")]  # the broken-link report and its panel


def setup_catalogue(log=print) -> None:
    grant(Group.objects.get(name=govinfo_settings.ADMIN_GROUP), ADMIN_PERMISSIONS)
    grant_catalogue_permissions(log)


def grant_catalogue_permissions(log=print) -> None:
    """Give the package's groups page permissions on every top-level catalogue root."""
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
