"""The public site's settings (one row per Wagtail site): the portal's name, the 信息公开
section navigation and, below, the identifiers every public page's footer carries.

They belong to the kernel because the public base template (core) renders them; feature apps
only point the navigation at their pages.
"""

import re
from dataclasses import dataclass

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.images import get_image_model_string
from wagtail.models import Page

# The MIIT filing site answers every ICP number; the police filing site takes the number's
# digits in its query.
ICP_FILING_URL = "https://beian.miit.gov.cn/"
POLICE_FILING_URL = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"

validate_site_code = RegexValidator(
    r"^[A-Za-z0-9]{10}$",
    _("The website identification code has 10 letters or digits, e.g. 4415210001."),
)
validate_police_number = RegexValidator(
    r"\d{14}",
    _("The public security filing number contains its 14-digit code, e.g. "
      "粤公网安备 44152102000001号."),
)


@dataclass(frozen=True)
class FooterLine:
    """One identifier of the footer: its label, its text and, for filing numbers, the page
    where a visitor can verify it."""

    key: str
    label: str
    text: str
    url: str = ""


@register_setting(icon="list-ul")
class PublicSiteSettings(BaseSiteSetting):
    """The public 信息公开 section of one site: its name in the exit prompt and the section
    navigation (指南, 制度, 目录, 年报, 依申请公开). A link left empty is not shown."""

    portal_name = models.CharField(
        _("portal name"), max_length=100, blank=True,
        help_text=_("Shown in the header and in the prompt before visitors leave for another "
                    "site, e.g. 海丰县人民政府. Defaults to the site name."),
    )
    guide_page = models.ForeignKey(
        Page, verbose_name=_("disclosure guide (指南)"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    rules_page = models.ForeignKey(
        Page, verbose_name=_("disclosure rules (制度)"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    catalogue_page = models.ForeignKey(
        Page, verbose_name=_("disclosure catalogue (目录)"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    annual_reports_page = models.ForeignKey(
        Page, verbose_name=_("annual reports (年报)"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    on_request_page = models.ForeignKey(
        Page, verbose_name=_("disclosure on request (依申请公开)"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )


    # The footer's identifiers (政府网站与政务新媒体检查指标: every page carries them).
    sponsor = models.CharField(_("sponsor (主办单位)"), max_length=100, blank=True)
    organiser = models.CharField(_("organiser (承办单位)"), max_length=100, blank=True)
    site_code = models.CharField(
        _("website identification code (网站标识码)"), max_length=10, blank=True,
        validators=[validate_site_code],
    )
    icp_number = models.CharField(
        _("ICP filing number (ICP备案号)"), max_length=50, blank=True,
        help_text=_("E.g. 粤ICP备05012345号. Linked to the MIIT filing site."),
    )
    police_number = models.CharField(
        _("public security filing number (公安机关备案号)"), max_length=50, blank=True,
        validators=[validate_police_number],
        help_text=_("E.g. 粤公网安备 44152102000001号. Linked to the national filing site."),
    )
    conac_mark = models.ForeignKey(
        get_image_model_string(), verbose_name=_("party and government website mark "
                                                 "(党政机关网站标识)"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    conac_url = models.URLField(
        _("address of the mark's certificate"), blank=True,
        help_text=_("The page the mark links to, as given by the registration body."),
    )
    contact_address = models.CharField(_("address"), max_length=200, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=50, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)
    sitemap_page = models.ForeignKey(
        Page, verbose_name=_("site map"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    accessibility_page = models.ForeignKey(
        Page, verbose_name=_("accessibility statement"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    panels = [
        FieldPanel("portal_name"),
        MultiFieldPanel(
            [FieldPanel("guide_page"), FieldPanel("rules_page"), FieldPanel("catalogue_page"),
             FieldPanel("annual_reports_page"), FieldPanel("on_request_page")],
            heading=_("Section navigation"),
        ),
        MultiFieldPanel(
            [FieldPanel("sponsor"), FieldPanel("organiser"), FieldPanel("site_code"),
             FieldPanel("icp_number"), FieldPanel("police_number"), FieldPanel("conac_mark"),
             FieldPanel("conac_url")],
            heading=_("Footer identifiers"),
            help_text=_("Each identifier is shown in the footer of every public page once it "
                        "is filled in."),
        ),
        MultiFieldPanel(
            [FieldPanel("contact_address"), FieldPanel("contact_phone"),
             FieldPanel("contact_email"), FieldPanel("sitemap_page"),
             FieldPanel("accessibility_page")],
            heading=_("Contact and help pages"),
        ),
    ]

    class Meta:
        verbose_name = _("public site settings")

    # (field, label) in the order of the section navigation.
    NAVIGATION = [
        ("guide_page", _("Disclosure guide")),
        ("rules_page", _("Disclosure rules")),
        ("catalogue_page", _("Disclosure catalogue")),
        ("annual_reports_page", _("Annual reports")),
        ("on_request_page", _("Disclosure on request")),
    ]

    def navigation_links(self, visible=None) -> list[tuple[str, str, Page]]:
        """(key, label, page) for every configured link whose page is among ``visible``
        (the pages the public may see, ``released.shown_to_public``: live, public and, for a
        released page type such as the guide, released); live and public by default."""
        visible = Page.objects.live().public() if visible is None else visible
        ids = [getattr(self, f"{field}_id") for field, _label in self.NAVIGATION]
        pages = visible.in_bulk([i for i in ids if i])
        return [
            (field.removesuffix("_page"), label, pages[pk])
            for (field, label), pk in zip(self.NAVIGATION, ids, strict=True)
            if pk in pages
        ]

    def footer_identifiers(self, agency=None) -> list[FooterLine]:
        """The filled-in identifiers, in the order portals show them; on an agency's pages
        its sponsor and organiser where set (the codes and filing numbers are the site's)."""
        lines = [
            FooterLine("sponsor", _("Sponsor"),
                       getattr(agency, "footer_sponsor", "") or self.sponsor),
            FooterLine("organiser", _("Organiser"),
                       getattr(agency, "footer_organiser", "") or self.organiser),
            FooterLine("site_code", _("Website identification code"), self.site_code),
            FooterLine("icp", "", self.icp_number, ICP_FILING_URL),
        ]
        if self.police_number:
            digits = re.search(r"\d{14}", self.police_number)
            url = POLICE_FILING_URL.format(code=digits.group(0)) if digits else ""
            # The number names itself (粤公网安备 …号), as 粤ICP备 …号 does: no label.
            lines.append(FooterLine("police", "", self.police_number, url))
        return [line for line in lines if line.text]

    def footer_contacts(self, agency=None) -> list[FooterLine]:
        """Address, phone, email: an agency's own where set, on its pages."""
        address = getattr(agency, "address", "") or self.contact_address
        phone = getattr(agency, "phone", "") or self.contact_phone
        email = getattr(agency, "email", "") or self.contact_email
        lines = [
            FooterLine("address", _("Address"), address),
            FooterLine("phone", _("Phone"), phone, tel_url(phone)),
            FooterLine("email", _("Email"), email, f"mailto:{email}" if email else ""),
        ]
        return [line for line in lines if line.text]

    def footer_links(self, visible=None) -> list[tuple[str, str, Page]]:
        """(key, label, page) of the site map and accessibility statement, if among
        ``visible`` (as for ``navigation_links``)."""
        visible = Page.objects.live().public() if visible is None else visible
        wanted = [("sitemap", _("Site map"), self.sitemap_page_id),
                  ("accessibility", _("Accessibility statement"), self.accessibility_page_id)]
        pages = visible.in_bulk([pk for *_x, pk in wanted if pk])
        return [(key, label, pages[pk]) for key, label, pk in wanted if pk in pages]


def tel_url(phone: str) -> str:
    """A tel: link for a single number such as 0660-6612345; none for several numbers."""
    digits = re.sub(r"[\s()（）-]", "", phone or "")
    return f"tel:{digits}" if re.fullmatch(r"\+?\d{5,15}", digits) else ""
