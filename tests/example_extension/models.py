from django.db import models
from wagtail.admin.panels import FieldPanel

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
