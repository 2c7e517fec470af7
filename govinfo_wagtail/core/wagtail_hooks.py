from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_i18n, error_report_admin
from .documents import refuse_unreleased_document
from .frontcache import serve_page_hook
from .language import activate_public_language
from .models import Agency, Topic
from .release import RELEASE_LOG_ACTION, SCHEDULED_LOG_ACTION


class AgencyViewSet(SnippetViewSet):
    model = Agency
    icon = "group"
    menu_label = _("Agencies")
    list_display = ["name", "short_name", "kind", "credit_code", "index_code"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "credit_code"]
    ordering = ["name"]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Topics")
    list_display = ["__str__", "sort_order"]
    search_fields = ["name"]
    ordering = ["parent__sort_order", "sort_order", "name"]


class DisclosureViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Disclosure")
    menu_icon = "doc-full-inverse"
    menu_name = "govinfo"
    items = (AgencyViewSet, TopicViewSet)


register_snippet(DisclosureViewSetGroup)

# Cache-Control for the package's public page types (core/frontcache.py).
hooks.register("on_serve_page", serve_page_hook)


@hooks.register("register_log_actions")
def register_release_log_action(actions):
    @actions.register_action(RELEASE_LOG_ACTION)
    class ReleaseAction(LogFormatter):
        label = _("Released")

        def format_message(self, log_entry):
            from .release import ReleaseReason

            data = log_entry.data
            reason = ReleaseReason(data.get("reason")).label
            note = data.get("note")
            if note:
                return _("Released: %(reason)s (%(note)s)") % {"reason": reason, "note": note}
            return _("Released: %(reason)s") % {"reason": reason}

    @actions.register_action(SCHEDULED_LOG_ACTION)
    class ScheduledReleaseAction(LogFormatter):
        label = _("Approved for release at a set time")

        def format_message(self, log_entry):
            from django.utils.dateparse import parse_datetime
            from django.utils.formats import date_format
            from django.utils.timezone import localtime

            when = parse_datetime(log_entry.data.get("go_live_at", ""))
            return _("Approved; goes live at %(when)s") % {
                "when": date_format(localtime(when), "DATETIME_FORMAT") if when else "-"}


@hooks.register("before_serve_page")
def serve_in_site_language(page, request, serve_args, serve_kwargs):
    """Public pages read in the site's language, not the browser's (core/language.py)."""
    activate_public_language(request, page)
    return None


@hooks.register("before_serve_page")
def serve_only_released(page, request, serve_args, serve_kwargs):
    """Defence in depth: a disclosure page (or a page of another released type, such as the
    disclosure guide) is shown only while its live revision went live through the release
    service; a live flag written around it (QuerySet.update, raw SQL) is treated as not
    live, and the administrators are alerted."""
    from django.http import Http404

    from .guard import logger, released_model

    if released_model(page) is None:
        return None
    if not page.specific_deferred.is_released():
        logger.error("Released page type %s (%s) is live without a release record; not served. "
                     "See the dashboard panel “Live without a release record”.",
                     page.pk, page.url_path)
        raise Http404
    return None


class LiveWithoutRecordPanel(Component):
    """For administrators: live pages of released types (disclosure pages, the disclosure
    guide…) whose live revision has no release record."""

    name = "govinfo_live_without_record"
    order = 50
    template_name = "govinfo_core/live_without_record_panel.html"

    def __init__(self, pages, total):
        self.pages = pages
        self.total = total

    def get_context_data(self, parent_context=None):
        return {"pages": self.pages, "total": self.total}


@hooks.register("construct_homepage_panels")
def add_live_without_record_panel(request, panels):
    from .released import live_without_record

    if not request.user.has_perm("govinfo_core.view_releaserecord"):
        return
    qs = live_without_record().order_by("-last_published_at")
    pages = list(qs[:20])
    if pages:
        panels.insert(0, LiveWithoutRecordPanel(pages, qs.count()))


class TaskQueuePanel(Component):
    """For administrators: the background queue lags, has tasks left by a dead worker, or
    has failed tasks (index updates, report PDFs). Shown only when something is wrong."""

    name = "govinfo_task_queue"
    order = 55
    template_name = "govinfo_core/task_queue_panel.html"

    def __init__(self, state, failures):
        self.state = state
        self.failures = failures

    def get_context_data(self, parent_context=None):
        return {"state": self.state, "failures": self.failures}


def is_administrator(user) -> bool:
    from django.contrib.auth.models import Group

    from ..conf import govinfo_settings

    return user.is_superuser or Group.objects.filter(
        name=govinfo_settings.ADMIN_GROUP, user=user).exists()


@hooks.register("construct_homepage_panels")
def add_task_queue_panel(request, panels):
    from .task_queue import queue_state, recent_failures

    if not is_administrator(request.user):
        return
    state = queue_state()
    if state is None or not (state.lagging or state.stale or state.failed):
        return
    panels.insert(0, TaskQueuePanel(state, recent_failures()))


# Attachments of drafts and of restricted pages are not public (core/documents.py).
hooks.register("before_serve_document", refuse_unreleased_document)

# Wagtail's admin JavaScript strings that Wagtail's catalogue lacks (see admin_i18n).
hooks.register("insert_global_admin_js", admin_i18n.catalogue_script)


@hooks.register("register_admin_viewset")
def register_error_reports():
    return error_report_admin.ErrorReportViewSet("govinfo_error_reports")


@hooks.register("construct_homepage_panels")
def add_error_report_panel(request, panels):
    panel = error_report_admin.error_report_panel(request)
    if panel is not None:
        panels.insert(0, panel)
