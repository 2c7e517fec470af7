"""The broken-link report in the admin (per page, filterable by agency, with the editor who
can fix each page) and its dashboard panel."""

from collections import OrderedDict

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from wagtail.admin.ui.components import Component
from wagtail.models import Site

from ..core.agencies import Agency
from .link_monitor import BrokenLink, LinkCheckRun

PERMISSION = "govinfo_catalogue.view_link_report"
MAX_PAGES = 500  # pages shown at once; the count says how many more


def _site(request):
    return Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()


def broken_links_view(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    site = _site(request)
    links = BrokenLink.objects.filter(site=site).select_related("page", "agency", "editor")
    agencies = Agency.objects.filter(pk__in=links.values("agency_id")).order_by("name")
    chosen = request.GET.get("agency", "")
    agency = None
    if chosen.isdigit():
        agency = agencies.filter(pk=int(chosen)).first()
        if agency is not None:
            links = links.filter(agency=agency)
    by_page = OrderedDict()
    for link in links.order_by("agency__name", "page__title", "page_id", "url"):
        by_page.setdefault(link.page_id, {"page": link.page, "agency": link.agency,
                                          "editor": link.editor, "links": []})
        by_page[link.page_id]["links"].append(link)
    pages = list(by_page.values())
    for entry in pages[:MAX_PAGES]:
        entry["edit_url"] = reverse("wagtailadmin_pages:edit", args=[entry["page"].pk])
    return TemplateResponse(request, "govinfo_catalogue/admin/broken_links.html", {
        "pages": pages[:MAX_PAGES], "more": max(0, len(pages) - MAX_PAGES),
        "total": links.count(), "agencies": agencies, "agency": agency,
        "run": LinkCheckRun.objects.filter(site=site).first(),
    })


class BrokenLinkPanel(Component):
    name = "govinfo_broken_links"
    order = 62
    template_name = "govinfo_catalogue/broken_links_panel.html"

    def __init__(self, total, pages, run):
        self.total, self.pages, self.run = total, pages, run

    def get_context_data(self, parent_context=None):
        return {"total": self.total, "pages": self.pages, "run": self.run,
                "report_url": reverse("govinfo_broken_links")}


def broken_link_panel(request):
    if not request.user.has_perm(PERMISSION):
        return None
    site = _site(request)
    run = LinkCheckRun.objects.filter(site=site).first()
    if run is None:
        return None
    links = BrokenLink.objects.filter(site=site)
    return BrokenLinkPanel(links.count(), links.values("page_id").distinct().count(), run)
