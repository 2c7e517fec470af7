from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "govinfo_wagtail.reports"
    label = "govinfo_reports"
    verbose_name = _("Annual reports")
    # Pinned so that a host's DEFAULT_AUTO_FIELD never creates migrations here.
    default_auto_field = "django.db.models.BigAutoField"

    def govinfo_demo(self, context, log) -> None:
        from .demo import load_demo

        load_demo(context, log=log)

    def ready(self) -> None:
        from wagtail.signals import page_published, page_unpublished

        from ..catalogue.models import CatalogueIndexPage
        from .models import AnnualReportPage
        from .signals import report_published, report_unpublished

        # CatalogueIndexPage names its subpage types explicitly; a child's parent_page_types
        # alone cannot widen that list, so the report type adds itself when installed.
        ours = "govinfo_reports.AnnualReportPage"
        if ours not in CatalogueIndexPage.subpage_types:
            CatalogueIndexPage.subpage_types = [*CatalogueIndexPage.subpage_types, ours]
            CatalogueIndexPage._clean_subpage_models = None  # Wagtail's cache of that list
        page_published.connect(report_published, sender=AnnualReportPage,
                               dispatch_uid="govinfo_reports_pdf")
        page_unpublished.connect(report_unpublished, sender=AnnualReportPage,
                                 dispatch_uid="govinfo_reports_pdf_down")
