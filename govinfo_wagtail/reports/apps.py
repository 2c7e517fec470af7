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

        from .models import AnnualReportPage
        from .signals import report_published, report_unpublished

        # The catalogue accepts the report type because it names the catalogue in its
        # parent_page_types (CatalogueIndexPage.clean_subpage_models).
        page_published.connect(report_published, sender=AnnualReportPage,
                               dispatch_uid="govinfo_reports_pdf")
        page_unpublished.connect(report_unpublished, sender=AnnualReportPage,
                                 dispatch_uid="govinfo_reports_pdf_down")
