from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from govinfo_wagtail.core.models import DisclosurePage


class NoticePage(DisclosurePage):
    """公告: a disclosure page type of the site's own. Naming the catalogue in
    ``parent_page_types`` is all it takes for the catalogue to accept it."""

    issuer = models.CharField("发布单位", max_length=100, blank=True)

    parent_page_types = ["govinfo_catalogue.CatalogueIndexPage"]
    subpage_types = []
    template = "govinfo_catalogue/catalogue_item_page.html"
    content_panels = DisclosurePage.content_panels + [FieldPanel("issuer")]

    class Meta:
        verbose_name = "公告"
        verbose_name_plural = "公告"


class PlainPage(Page):
    """A page type of the site's own that is not a released type: Wagtail's own publishing
    applies to it (the control of the publish-path tests)."""

    body = RichTextField("正文", blank=True)

    subpage_types = []
    content_panels = Page.content_panels + [FieldPanel("body")]

    class Meta:
        verbose_name = "普通页面"
