"""The search page editors can place in the tree (the same view as /govinfo/search/)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from ..core.models import ReleasedPageManager, ReleasedPageMixin
from ..core.slugs import GovinfoPageForm
from .views import render_search


class DisclosureSearchPage(ReleasedPageMixin, Page):
    """A public search page editors can place anywhere; same view as /govinfo/search/. Its
    introduction is public content: it goes live only through the release service."""

    base_form_class = GovinfoPageForm

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    template = "govinfo_search/search_page.html"
    objects = ReleasedPageManager()
    # Front cache (core/frontcache.py): short-lived, and purged on every change of content.
    govinfo_public_cache = "search"

    class Meta:
        verbose_name = _("disclosure search page")

    def govinfo_listing_matches(self, page) -> bool:
        return True

    def serve(self, request, *args, **kwargs):
        return render_search(request, page=self)
