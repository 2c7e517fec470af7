"""The statutory pages of an agency's 信息公开 section, beside its catalogue:

- ``DisclosureGuidePage``: the 政府信息公开指南 (条例 art. 12), one per agency, in structured
  fields, with a printable version;
- ``StatutoryContentPage``: the 法定主动公开内容 — the fifteen categories of 条例 art. 20, each
  linked to the catalogue filtered by the topics that hold it.

Both are public content of the disclosure section, so they go live like disclosure pages:
only through the release service, after the three gates (``ReleasedPageMixin``), and the
public sees them only while their live revision has a release record. They are not catalogue
items (no index number, not listed).

The 制度 section needs no type of its own: its documents are catalogue items (they carry an
index number and a validity, and are found by search and feeds like any item), and a
``CatalogueCollectionPage`` on their topic lists them.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from ..core.models import Agency, ReleasedPageManager, ReleasedPageMixin, Topic
from ..core.queries import live_disclosures, topic_and_descendant_ids
from ..core.released import shown_to_public

# 《中华人民共和国政府信息公开条例》（2019年修订）第二十条 — the wording of the regulation.
ARTICLE_20 = [
    (1, "行政法规、规章和规范性文件"),
    (2, "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名"),
    (3, "国民经济和社会发展规划、专项规划、区域规划及相关政策"),
    (4, "国民经济和社会发展统计信息"),
    (5, "办理行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果"),
    (6, "实施行政处罚、行政强制的依据、条件、程序以及本行政机关认为具有一定社会影响的行政处罚决定"),
    (7, "财政预算、决算信息"),
    (8, "行政事业性收费项目及其依据、标准"),
    (9, "政府集中采购项目的目录、标准及实施情况"),
    (10, "重大建设项目的批准和实施情况"),
    (11, "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况"),
    (12, "突发公共事件的应急预案、预警信息及应对情况"),
    (13, "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况"),
    (14, "公务员招考的职位、名额、报考条件等事项以及录用结果"),
    (15, "法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息"),
]
CHINESE_NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二",
                    "十三", "十四", "十五"]


class DisclosureGuidePage(ReleasedPageMixin, RoutablePageMixin, Page):
    """政府信息公开指南 of one agency: what 条例 art. 12 asks a guide to say."""

    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT,
                               related_name="+")
    classification = RichTextField(
        _("classification and arrangement of the information"),
        help_text=_("How the agency's information is classified and arranged (主题分类, the "
                    "catalogue's columns)."),
    )
    obtaining = RichTextField(
        _("how to obtain the information"),
        help_text=_("Proactive disclosure (where it is published) and disclosure on request "
                    "(how to apply, deadlines, fees)."),
    )
    office_name = models.CharField(_("name of the disclosure office"), max_length=200)
    office_address = models.CharField(_("office address"), max_length=255)
    office_hours = models.CharField(_("office hours"), max_length=255)
    office_phone = models.CharField(_("office phone"), max_length=100)
    office_fax = models.CharField(_("fax"), max_length=100, blank=True)
    office_email = models.EmailField(_("email"), blank=True)
    office_postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    application_url = models.URLField(
        _("online application"), blank=True,
        help_text=_("The address of the online application for disclosure on request."),
    )
    application_page = models.ForeignKey(
        Page, verbose_name=_("online application page"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text=_("Or a page of this site that takes applications."),
    )
    other = RichTextField(_("other matters"), blank=True,
                          help_text=_("Remedies (复议, 诉讼), supervision and complaints."))

    content_panels = Page.content_panels + [
        FieldPanel("agency"),
        FieldPanel("classification"),
        FieldPanel("obtaining"),
        MultiFieldPanel(
            [FieldPanel("office_name"), FieldPanel("office_address"),
             FieldRowPanel([FieldPanel("office_hours"), FieldPanel("office_postcode")]),
             FieldRowPanel([FieldPanel("office_phone"), FieldPanel("office_fax")]),
             FieldPanel("office_email"),
             FieldPanel("application_url"), FieldPanel("application_page")],
            heading=_("Disclosure office"),
        ),
        FieldPanel("other"),
    ]
    subpage_types = []
    template = "govinfo_catalogue/disclosure_guide_page.html"
    objects = ReleasedPageManager()

    class Meta:
        verbose_name = _("disclosure guide")
        verbose_name_plural = _("disclosure guides")

    def clean(self):
        super().clean()
        other = self.other_guide()
        if other is not None:
            raise ValidationError({"agency": _(
                "This agency already has a disclosure guide: “%(title)s”. Edit that page "
                "instead (one guide per agency)."
            ) % {"title": other.title}})

    def other_guide(self):
        """Another guide of this guide's agency, or None: an agency has one guide. Copies are
        refused in the admin (``before_copy_page``) and their release by a release check."""
        if not self.agency_id:
            return None
        return DisclosureGuidePage.objects.filter(agency_id=self.agency_id).exclude(
            pk=self.pk).order_by("pk").first()

    def application_link(self, request=None) -> str:
        if self.application_page_id:
            page = shown_to_public(Page.objects.filter(pk=self.application_page_id)).first()
            if page is not None:
                return page.get_url(request) or ""
        return self.application_url

    def office_lines(self) -> list[tuple[str, str, str]]:
        """(label, value, href) of the office's contact details that are filled in."""
        lines = [
            (_("Office"), self.office_name, ""),
            (_("Address"), self.office_address, ""),
            (_("Postcode"), self.office_postcode, ""),
            (_("Office hours"), self.office_hours, ""),
            (_("Phone"), self.office_phone, ""),
            (_("Fax"), self.office_fax, ""),
            (_("Email"), self.office_email,
             f"mailto:{self.office_email}" if self.office_email else ""),
        ]
        return [line for line in lines if line[1]]

    @path("")
    def guide(self, request):
        return self.render(request, context_overrides={
            "print_url": self.get_url(request) + self.reverse_subpage("print"),
            "application_link": self.application_link(request),
        })

    @path("print/", name="print")
    def printable(self, request):
        """The guide alone, for printing: no navigation, tools or footer links."""
        return self.render(request, template="govinfo_catalogue/disclosure_guide_print.html",
                           context_overrides={"application_link":
                                              self.application_link(request)})


class StatutoryContentPage(ReleasedPageMixin, Page):
    """法定主动公开内容: the categories of 条例 art. 20, each linked to the catalogue filtered by
    its topics (and by the agency, for one agency's section)."""

    intro = RichTextField(_("introduction"), blank=True)
    catalogue = models.ForeignKey(
        "govinfo_catalogue.CatalogueIndexPage", verbose_name=_("catalogue"), null=True,
        blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("The catalogue the categories link to. Defaults to the page's parent."),
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("Only this agency's items (an agency's own section)."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"), FieldPanel("catalogue"), FieldPanel("agency"),
        InlinePanel("category_topics", heading=_("Topics of each category"),
                    label=_("category topic")),
    ]
    subpage_types = []
    template = "govinfo_catalogue/statutory_content_page.html"
    objects = ReleasedPageManager()

    class Meta:
        verbose_name = _("statutory disclosure content")
        verbose_name_plural = _("statutory disclosure content pages")

    def get_catalogue(self):
        if self.catalogue_id:
            page = Page.objects.live().filter(pk=self.catalogue_id).first()
            return page.specific if page else None
        parent = self.get_parent().specific
        return parent if parent._meta.label == "govinfo_catalogue.CatalogueIndexPage" else None

    def categories(self, request=None) -> list[dict]:
        """Every category of art. 20, in order, with its topics, a catalogue link and the
        number of live items of each (one query for all counts)."""
        catalogue = self.get_catalogue()
        links = list(self.category_topics.select_related("topic"))
        counts = {}
        if catalogue is not None and links:
            items = live_disclosures(root=catalogue)
            if self.agency_id:
                items = items.filter(agency_id=self.agency_id)
            counts = dict(items.order_by().values_list("topic_id").annotate(n=Count("pk")))
        base = catalogue.get_url(request) if catalogue is not None else ""
        agency_part = f"&agency={self.agency_id}" if self.agency_id else ""
        result = []
        for number, text in ARTICLE_20:
            topics = []
            for link in links:
                if link.category != number:
                    continue
                ids = topic_and_descendant_ids(link.topic)
                topics.append({
                    "topic": link.topic,
                    "count": sum(counts.get(pk, 0) for pk in ids),
                    "url": f"{base}?topic={link.topic_id}{agency_part}" if base else "",
                })
            result.append({"number": number, "numeral": CHINESE_NUMERALS[number - 1],
                           "text": text, "topics": topics})
        return result

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["categories"] = self.categories(request)
        return context


class StatutoryCategoryTopic(Orderable):
    page = ParentalKey(StatutoryContentPage, on_delete=models.CASCADE,
                       related_name="category_topics")
    category = models.PositiveSmallIntegerField(
        _("category (条例 art. 20)"),
        choices=[(n, f"（{CHINESE_NUMERALS[n - 1]}）{text}") for n, text in ARTICLE_20],
    )
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.CASCADE,
                              related_name="+")

    panels = [FieldPanel("category"), FieldPanel("topic")]

    class Meta(Orderable.Meta):
        verbose_name = _("category topic")
