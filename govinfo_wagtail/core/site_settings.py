"""The public site's settings (one row per Wagtail site): the portal's name, the 信息公开
section navigation and, below, the identifiers every public page's footer carries.

They belong to the kernel because the public base template (core) renders them; feature apps
only point the navigation at their pages.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Page


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

    panels = [
        FieldPanel("portal_name"),
        MultiFieldPanel(
            [FieldPanel("guide_page"), FieldPanel("rules_page"), FieldPanel("catalogue_page"),
             FieldPanel("annual_reports_page"), FieldPanel("on_request_page")],
            heading=_("Section navigation"),
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

    def navigation_links(self) -> list[tuple[str, str, Page]]:
        """(key, label, page) for every configured link whose page is live and public."""
        ids = [getattr(self, f"{field}_id") for field, _label in self.NAVIGATION]
        pages = Page.objects.live().public().in_bulk([i for i in ids if i])
        return [
            (field.removesuffix("_page"), label, pages[pk])
            for (field, label), pk in zip(self.NAVIGATION, ids, strict=True)
            if pk in pages
        ]


