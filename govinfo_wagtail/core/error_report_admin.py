"""The 找错 register in the admin: states and deadlines, never the reporter's contact
details (they serve only to send the answer), and a dashboard panel of open reports due
soon or overdue (the reminder)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.model import ModelViewSet

from .error_reports import ErrorReport, open_reports


class ErrorReportViewSet(ModelViewSet):
    model = ErrorReport
    icon = "warning"
    menu_label = _("Error reports (找错)")
    add_to_admin_menu = True
    menu_order = 850
    form_fields = ["state", "answer"]
    list_display = ["__str__", "kind", "agency", "state", "received_at", "deadline"]
    list_filter = ["state", "kind", "agency"]
    inspect_view_enabled = False


class ErrorReportPanel(Component):
    name = "govinfo_error_reports"
    order = 65
    template_name = "govinfo_core/error_report_panel.html"

    def __init__(self, overdue, due_soon, total):
        self.overdue, self.due_soon, self.total = overdue, due_soon, total

    def get_context_data(self, parent_context=None):
        return {"overdue": self.overdue, "due_soon": self.due_soon, "total": self.total}


def error_report_panel(request):
    if not request.user.has_perm("govinfo_core.change_errorreport"):
        return None
    reports, overdue, due_soon = open_reports(timezone.now())
    total = reports.count()
    if not total:
        return None
    return ErrorReportPanel(list(overdue[:20]), list(due_soon[:20]), total)
