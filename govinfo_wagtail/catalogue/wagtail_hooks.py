from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, re_path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page, Site

from ..core.permissions import permissions_named
from ..core.release import DEPENDS_ON_OTHER_PAGES, RELEASE_CHECK_HOOK, ReleaseRefused
from . import admin_views, link_admin
from .freshness import freshness_report
from .importing import IMPORT_RELEASED_PERMISSION, can_import_published
from .statutory import DisclosureGuidePage
from .update_periods import UpdatePeriod


@hooks.register("register_admin_urls")
def register_catalogue_admin_urls():
    return [
        path("govinfo/catalogue/import/", admin_views.import_view,
             name="govinfo_catalogue_import"),
        path("govinfo/catalogue/import/job/<int:job_id>/", admin_views.import_job_view,
             name="govinfo_catalogue_import_job"),
        re_path(r"^govinfo/catalogue/(?P<catalogue_id>\d+)/export\.(?P<format>xlsx|csv)$",
                admin_views.export_view, name="govinfo_catalogue_export"),
        path("govinfo/broken-links/", link_admin.broken_links_view, name="govinfo_broken_links"),
    ]


@hooks.register("register_permissions")
def register_import_permission():
    """Importing items as released (a legacy migration), and seeing every user's import
    jobs (not only one's own), in Wagtail's group editor."""
    return permissions_named(IMPORT_RELEASED_PERMISSION, admin_views.VIEW_ALL_JOBS_PERMISSION)


class AdministratorsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_import_published(request.user)


@hooks.register("register_settings_menu_item")
def register_import_menu_item():
    return AdministratorsMenuItem(
        _("Catalogue import and export"), reverse("govinfo_catalogue_import"),
        icon_name="download", order=900,
    )


class FreshnessPanel(Component):
    """What an inspector would fail on column freshness, at a glance: shown to those who may
    set the update periods, on their site's dashboard."""

    name = "govinfo_freshness"
    order = 60
    template_name = "govinfo_catalogue/freshness_panel.html"

    def __init__(self, report):
        self.report = report

    def get_context_data(self, parent_context=None):
        report = self.report
        return {"report": report, "vetoes": report.vetoes(), "overdue": report.overdue,
                "due_soon": report.due_soon, "empty": report.empty,
                "periods_url": reverse(UpdatePeriodViewSet.url_namespace_name + ":index")}


@hooks.register("construct_homepage_panels")
def add_freshness_panel(request, panels):
    if not request.user.has_perm("govinfo_catalogue.view_updateperiod"):
        return
    site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
    if site is not None:
        panels.append(FreshnessPanel(freshness_report(site, timezone.now())))


class UpdatePeriodViewSet(ModelViewSet):
    model = UpdatePeriod
    url_namespace_name = "govinfo_update_periods"
    icon = "time"
    menu_label = _("Column update periods")
    add_to_settings_menu = True
    form_fields = ["page", "topic", "agency", "kind", "period_days"]
    list_display = ["__str__", "kind", "period_days"]


@hooks.register("register_admin_viewset")
def register_update_periods():
    return UpdatePeriodViewSet(UpdatePeriodViewSet.url_namespace_name)


class LinkReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(link_admin.PERMISSION)


@hooks.register("register_reports_menu_item")
def register_broken_links_menu_item():
    return LinkReportMenuItem(_("Broken links"), reverse("govinfo_broken_links"),
                              icon_name="link", order=800)


@hooks.register("construct_homepage_panels")
def add_broken_link_panel(request, panels):
    panel = link_admin.broken_link_panel(request)
    if panel is not None:
        panels.append(panel)


@hooks.register("register_permissions")
def register_link_report_permission():
    return permissions_named("govinfo_catalogue.view_link_report")


# --- One guide per agency -------------------------------------------------------------------


@hooks.register("before_copy_page")
def refuse_copying_a_guide(request, page):
    """A copy keeps the guide's agency (the copy form cannot change it): it would be a second
    guide of the agency. Copying a section with its subpages copies its guides too."""
    if request.method != "POST":
        return None
    copied = (page.get_descendants(inclusive=True) if request.POST.get("copy_subpages")
              else Page.objects.filter(pk=page.pk))
    guide = DisclosureGuidePage.objects.filter(pk__in=copied.values("pk")).select_related(
        "agency").first()
    if guide is None:
        return None
    messages.error(request, gettext(
        "“%(agency)s” already has a disclosure guide: “%(title)s”. A copy would be a second "
        "guide of the agency; edit that guide instead (one guide per agency).")
        % {"agency": guide.agency.name, "title": guide.title})
    return redirect("wagtailadmin_pages:copy", page.pk)


@hooks.register(RELEASE_CHECK_HOOK)
def refuse_a_second_guide(*, revision, page, content=None, **kwargs) -> None:
    """The rule on every release path: a second guide of an agency (made in code, around
    validation) never goes live."""
    if not isinstance(page, DisclosureGuidePage):
        return
    guide = content if content is not None else revision.as_object()
    other = guide.other_guide()
    if other is not None:
        raise ReleaseRefused(page, gettext(
            "“%(title)s” cannot go live: its agency already has a disclosure guide, "
            "“%(other)s” (one guide per agency). Edit that guide instead.")
            % {"title": guide.title, "other": other.title}, code="second_guide")


setattr(refuse_a_second_guide, DEPENDS_ON_OTHER_PAGES, True)
