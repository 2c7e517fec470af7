"""The annual report page (政府信息公开工作年度报告) and its generated PDF."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.search import index

from ..core.models import Agency, DisclosurePage
from ..core.prepared import PreparedQuery
from .formats import ReportFormat, all_formats, format_for_year, normalise_data
from .formats.validation import Issue, cell_id, figures_without_note, validate
from .formats.validation import errors as only_errors
from .forms import AnnualReportPageForm
from .storage import private_storage
from .views import pdf_download, report_context, table_download

__all__ = ["SECTIONS", "AnnualReportPDF", "AnnualReportPage", "cell_id", "report_deadline"]


def format_choices() -> list[tuple[str, str]]:
    return [("", _("By report year"))] + [(f.key, f"{f.name}（{f.document}）")
                                            for f in all_formats()]


# The six sections of every format; (field name, official heading).
SECTIONS = (
    ("overview", "一、总体情况"),
    ("active_disclosure", "二、主动公开政府信息情况"),
    ("applications", "三、收到和处理政府信息公开申请情况"),
    ("review_litigation", "四、政府信息公开行政复议、行政诉讼情况"),
    ("problems", "五、存在的主要问题及改进情况"),
    ("other_matters", "六、其他需要报告的事项"),
)


def report_deadline(year: int, agency: Agency | None) -> date:
    """条例 Art. 49/50: departments publish by 31 January, governments by 31 March of Y+1."""
    if agency is not None and agency.kind == Agency.Kind.GOVERNMENT:
        return date(year + 1, 3, 31)
    return date(year + 1, 1, 31)


class AnnualReportPage(RoutablePageMixin, DisclosurePage):
    search_kind = "report"  # the search's and the API's name for this type
    year = models.PositiveSmallIntegerField(
        _("report year"), validators=[MinValueValidator(2019), MaxValueValidator(2100)],
        help_text=_("The year the report is about, e.g. 2019 for the report published in 2020."),
    )
    format_key = models.CharField(
        _("table format"), max_length=20, blank=True, choices=format_choices,
        help_text=_("Leave blank to use the official format of the report year."),
    )
    overview = RichTextField("一、总体情况", blank=True)
    active_disclosure = RichTextField("二、主动公开政府信息情况", blank=True,
                                      help_text=_("Shown above the table."))
    applications = RichTextField("三、收到和处理政府信息公开申请情况", blank=True,
                                 help_text=_("Shown above the table."))
    review_litigation = RichTextField("四、政府信息公开行政复议、行政诉讼情况", blank=True,
                                      help_text=_("Shown above the table."))
    problems = RichTextField("五、存在的主要问题及改进情况", blank=True)
    other_matters = RichTextField("六、其他需要报告的事项", blank=True)
    # {table_key: {row_key: {column_key: value}}} in the format's keys (formats/base.py).
    tables = models.JSONField(_("tables"), default=dict, blank=True)
    # {cell id: note}: why an editor changed a figure the system computed.
    figure_notes = models.JSONField(_("notes on changed figures"), default=dict, blank=True)
    # {cell id: {"value": …, "source": …}}: figures last computed by auto-fill.
    autofilled = models.JSONField(default=dict, blank=True, editable=False)
    signed_by = models.CharField(_("signed by"), max_length=255, blank=True,
                                 help_text=_("The agency name printed under the report."))
    signed_on = models.DateField(_("signature date"), null=True, blank=True)
    illustrative_figures = models.BooleanField(
        _("illustrative figures"), default=False,
        help_text=_("Marks the tables as 示例数据 (demo and training sites)."),
    )

    base_form_class = AnnualReportPageForm
    parent_page_types = ["govinfo_catalogue.CatalogueIndexPage"]
    subpage_types: list[str] = []
    template = "govinfo_reports/annual_report_page.html"

    content_panels = DisclosurePage.content_panels[:1] + [
        FieldRowPanel([FieldPanel("year"), FieldPanel("format_key")]),
        MultiFieldPanel(DisclosurePage.metadata_panels, heading=_("Catalogue metadata")),
        FieldPanel("overview"),
        FieldPanel("active_disclosure"),
        FieldPanel("applications"),
        FieldPanel("review_litigation"),
        FieldPanel("tables", heading=_("Tables of sections 二, 三 and 四")),
        FieldPanel("problems"),
        FieldPanel("other_matters"),
        FieldRowPanel([FieldPanel("signed_by"), FieldPanel("signed_on")]),
        FieldPanel("illustrative_figures"),
    ]

    search_fields = DisclosurePage.search_fields + [
        index.SearchField("overview"),
        index.SearchField("problems"),
        index.SearchField("other_matters"),
        index.FilterField("year"),
    ]

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")

    # -- the format and its data ------------------------------------------------------

    @property
    def report_format(self) -> ReportFormat:
        return format_for_year(self.year or date.today().year - 1, self.format_key or None)

    def previous_report(self) -> AnnualReportPage | None:
        """Last year's live report of the same agency."""
        if not self.year or not self.agency_id:
            return None
        return (
            AnnualReportPage.objects.live().filter(agency_id=self.agency_id, year=self.year - 1)
            .exclude(pk=self.pk).order_by("-last_published_at").first()
        )

    def validation_issues(self) -> list[Issue]:
        previous = self.previous_report()
        return validate(self.report_format, self.tables,
                        previous.tables if previous else None)

    @property
    def deadline(self) -> date | None:
        return report_deadline(self.year, self.agency) if self.year else None

    def deadline_missed(self, on: date | None = None) -> bool:
        """Published (or, unpublished, still not published ``on``) after the deadline."""
        if not self.deadline:
            return False
        published = self.published_date or (self.first_published_at.date()
                                             if self.first_published_at else None)
        return (published or on or date.today()) > self.deadline

    def sections(self) -> list[dict[str, Any]]:
        """The six sections with their text and, for 二–四, their table."""
        tables = {t.section: t for t in self.report_format.tables}
        result = []
        for name, heading in SECTIONS:
            numeral = heading[0]
            result.append({"key": name, "heading": heading, "text": getattr(self, name),
                           "table": tables.get(numeral)})
        return result

    def clean(self):
        super().clean()
        if not self.year:
            return
        try:
            fmt = self.report_format
        except LookupError as exc:
            raise ValidationError({"year": str(exc)}) from None
        self.tables = normalise_data(fmt, self.tables)
        self.figure_notes = {k: v.strip() for k, v in (self.figure_notes or {}).items()
                             if isinstance(v, str) and v.strip()}

    def blocking_errors(self) -> list[Issue]:
        """Errors that keep the report from going to review."""
        return only_errors(self.validation_issues()) + self.unexplained_changes()

    def unexplained_changes(self) -> list[Issue]:
        """Computed figures an editor changed without a note."""
        return figures_without_note(self.report_format, self.tables, self.autofilled,
                                    self.figure_notes)

    def pdf_record(self) -> AnnualReportPDF | None:
        """The generated PDF's record, if there is one."""
        found = _pdf_records.rows(page_id=self.pk)
        return found[0] if found else None

    def get_cached_paths(self):
        """The page, its PDF and table downloads: what the front cache purges with it."""
        from .views import DOWNLOADS

        return ["/", self.reverse_subpage("pdf")] + [
            self.reverse_subpage("tables", args=(ext,)) for ext in DOWNLOADS]

    def get_cache_partners(self):
        """The agency section: every report of the agency lists the others."""
        from .views import agency_reports

        others = agency_reports(self).exclude(pk=self.pk)
        return super().get_cache_partners() + list(
            others.only("pk", "url_path", "depth", "path", "live"))

    # -- public routes -----------------------------------------------------------------

    @path("")
    def report(self, request):
        return self.render(request, context_overrides=report_context(self, request))

    @path("tables/<str:extension>/", name="tables")
    def table_download(self, request, extension: str):
        return table_download(self, request, extension)

    @path("pdf/", name="pdf")
    def pdf_download(self, request):
        return pdf_download(self, request)


class AnnualReportPDF(models.Model):
    """The PDF of a live revision of a report, made in the background after release."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being generated")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    page = models.OneToOneField(AnnualReportPage, on_delete=models.CASCADE, related_name="pdf")
    revision_id = models.PositiveIntegerField(null=True, blank=True)
    # Outside MEDIA_ROOT: served only by the page's guarded pdf/ route (storage.py).
    file = models.FileField(upload_to="govinfo_reports/pdf/", blank=True,
                            storage=private_storage)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("annual report PDF")

    def __str__(self) -> str:
        return f"{self.page_id}: {self.status}"


# A report's PDF record (one per page), read on every view of the page: compiled once
# (core/prepared.py).
_pdf_records = PreparedQuery(lambda page_id: AnnualReportPDF.objects.filter(page_id=page_id),
                             page_id=int)
