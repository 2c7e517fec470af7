"""Policy documents (政策文件), their interpretations (政策解读) and calendar corrections.

The release rules (三同步) live in :mod:`.services`; the models only call them while the
release service makes one of these pages live (see ``save``).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.models import Orderable, Page
from wagtail.search import index

from ..core.models import Agency, DisclosurePage
from .panels import ReleaseGroupPanel

_release_group_panel = ReleaseGroupPanel(
    heading=_("Released together"),
    help_text=_("A policy that requires interpretation goes live together with its "
                "interpretations once every one of them has passed review."),
)


class DocumentCategory(models.TextChoices):
    NORMATIVE = "normative", _("Normative document")  # 规范性文件
    REGULATION = "regulation", _("Government regulation")  # 政府规章
    OTHER = "other", _("Other policy document")


class InterpretationForm(models.TextChoices):
    TEXT = "text", _("Text interpretation")  # 文字解读
    GRAPHIC = "graphic", _("Graphic interpretation")  # 图解
    AUDIO_VIDEO = "audio_video", _("Audio or video interpretation")  # 音视频解读
    EXPERT = "expert", _("Expert interpretation")  # 专家解读
    MEDIA = "media", _("Media interpretation")  # 媒体解读
    QA = "qa", _("Questions and answers")  # 问答


class _ReleaseRulesMixin:
    """Checks the 三同步 rules whenever the release service makes the page live."""

    def save(self, *args, **kwargs):
        from ..core.release import is_being_released
        from .services import check_release_rules

        if self.live and is_being_released(self.pk):
            check_release_rules(self)
        return super().save(*args, **kwargs)


class PolicyDocumentPage(_ReleaseRulesMixin, DisclosurePage):
    """A policy document: 文号 (document_number), 成文日期 (written_date), 发文机关."""

    search_kind = "policy"  # the search's and the API's name for this type

    category = models.CharField(
        _("document category"), max_length=20, choices=DocumentCategory.choices,
        default=DocumentCategory.NORMATIVE,
    )
    issuing_agency = models.ForeignKey(
        Agency, verbose_name=_("issuing agency"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("The body that issued the document (发文机关), when it is not the "
                    "publishing agency; several bodies may be named in the title."),
    )
    requires_interpretation = models.BooleanField(
        _("requires interpretation"), default=True,
        help_text=_("The document and its interpretations are reviewed and released "
                    "together. Always on for normative documents."),
    )
    # Set only by a legacy import with --publish: why this policy went live without one.
    interpretation_exemption = models.TextField(
        _("released without interpretation because"), blank=True, editable=False,
    )

    content_panels = DisclosurePage.content_panels[:1] + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("category"), FieldPanel("requires_interpretation")]),
                FieldPanel("issuing_agency"),
            ],
            heading=_("Policy document"),
        ),
    ] + DisclosurePage.content_panels[1:] + [_release_group_panel]

    search_fields = DisclosurePage.search_fields + [index.FilterField("category")]

    parent_page_types = ["govinfo_catalogue.CatalogueIndexPage"]
    subpage_types: list[str] = []
    template = "govinfo_policies/policy_document_page.html"

    class Meta:
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")

    def clean(self):
        super().clean()
        if self.category == DocumentCategory.NORMATIVE and not self.requires_interpretation:
            raise ValidationError({"requires_interpretation": ValidationError(
                _("A normative document is always released with its interpretation."),
                code="normative_requires_interpretation",
            )})

    def with_content_json(self, content):
        # Recorded on the page by an import, not by an editor: a revision must not blank it.
        obj = super().with_content_json(content)
        obj.interpretation_exemption = self.interpretation_exemption
        return obj

    def get_issuing_agency(self) -> Agency | None:
        return self.issuing_agency or self.agency

    def get_cache_partners(self):
        """The front cache purges a policy's interpretations with it (core/frontcache.py)."""
        partners = super().get_cache_partners()
        if self.pk:
            partners += [link.interpretation for link in
                         self.interpretation_links.select_related("interpretation")]
        return partners

    def get_live_interpretations(self):
        return (InterpretationPage.objects.released().public()
                .filter(policy_links__policy=self).distinct().order_by("-published_date", "pk"))


class InterpretationPage(_ReleaseRulesMixin, DisclosurePage):
    """An interpretation (政策解读) of one or more policy documents."""

    search_kind = "interpretation"  # the search's and the API's name for this type

    interpretation_form = models.CharField(
        _("form of interpretation"), max_length=20, choices=InterpretationForm.choices,
        default=InterpretationForm.TEXT,
    )

    content_panels = DisclosurePage.content_panels[:1] + [
        FieldPanel("interpretation_form"),
        InlinePanel("policy_links", min_num=1, label=_("Interpreted policy documents"),
                    heading=_("Interpreted policy documents")),
    ] + DisclosurePage.content_panels[1:] + [_release_group_panel]

    search_fields = DisclosurePage.search_fields + [index.FilterField("interpretation_form")]

    parent_page_types = ["govinfo_catalogue.CatalogueIndexPage"]
    subpage_types: list[str] = []
    template = "govinfo_policies/interpretation_page.html"

    class Meta:
        verbose_name = _("policy interpretation")
        verbose_name_plural = _("policy interpretations")

    def get_cache_partners(self):
        """The front cache purges the interpreted policies with it (core/frontcache.py):
        those linked in this version (in memory for a revision's version)."""
        return super().get_cache_partners() + self.get_policies()

    def get_policies(self) -> list[PolicyDocumentPage]:
        """The interpreted policies in the editor's order (whatever their status)."""
        # One query for the links and their policies, not one per policy (bench_render).
        links = self.policy_links.select_related("policy")
        return [link.policy for link in links if link.policy_id]

    def get_public_policies(self):
        """Live, public policies, for links; the others are named in a notice."""
        ids = [link.policy_id for link in self.policy_links.all()]
        return PolicyDocumentPage.objects.filter(pk__in=ids).released().public()


class InterpretedPolicy(Orderable):
    """Link from an interpretation to a policy it interprets."""

    interpretation = ParentalKey(
        InterpretationPage, on_delete=models.CASCADE, related_name="policy_links"
    )
    policy = models.ForeignKey(
        PolicyDocumentPage, verbose_name=_("policy document"), on_delete=models.CASCADE,
        related_name="interpretation_links",
    )

    panels = [PageChooserPanel("policy", "govinfo_policies.PolicyDocumentPage")]

    class Meta(Orderable.Meta):
        verbose_name = _("interpreted policy document")
        constraints = [
            models.UniqueConstraint(fields=["interpretation", "policy"],
                                    name="govinfo_policies_unique_link"),
        ]


class CalendarCorrection(models.Model):
    """A holiday or make-up working day the calendar package does not know (yet)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        WORKDAY = "workday", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=255, blank=True,
                            help_text=_("e.g. the State Council notice it comes from."))

    panels = [FieldRowPanel([FieldPanel("date"), FieldPanel("kind")]), FieldPanel("note")]

    class Meta:
        verbose_name = _("calendar correction")
        verbose_name_plural = _("calendar corrections")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}"


def policy_page_models() -> tuple[type[Page], ...]:
    return (PolicyDocumentPage, InterpretationPage)
