from django.urls import path, re_path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ..core.permissions import permissions_named
from . import admin_views
from .importing import IMPORT_RELEASED_PERMISSION, can_import_published


@hooks.register("register_admin_urls")
def register_catalogue_admin_urls():
    return [
        path("govinfo/catalogue/import/", admin_views.import_view,
             name="govinfo_catalogue_import"),
        re_path(r"^govinfo/catalogue/(?P<catalogue_id>\d+)/export\.(?P<format>xlsx|csv)$",
                admin_views.export_view, name="govinfo_catalogue_export"),
    ]


@hooks.register("register_permissions")
def register_import_permission():
    """Importing items as released (a legacy migration), in Wagtail's group editor."""
    return permissions_named(IMPORT_RELEASED_PERMISSION)


class AdministratorsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_import_published(request.user)


@hooks.register("register_settings_menu_item")
def register_import_menu_item():
    return AdministratorsMenuItem(
        _("Catalogue import and export"), reverse("govinfo_catalogue_import"),
        icon_name="download", order=900,
    )
