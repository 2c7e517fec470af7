from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The host site's own home page; govinfo-wagtail pages live below it."""

    body = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    # A front cache may keep it like the package's public pages (docs/deployment.md).
    govinfo_public_cache = True
