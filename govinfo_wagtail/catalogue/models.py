"""Catalogue pages: a catalogue root, its items, and saved-criteria collections."""

import functools
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db import models
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page, Site, get_page_models

from ..conf import govinfo_settings
from ..core.models import (
    Agency,
    DisclosurePage,
    ReleasedPageManager,
    ReleasedPageMixin,
    Topic,
    Validity,
)
from ..core.prepared import PreparedQuery
from ..core.queries import (
    CatalogueFilterForm,
    PreparedListing,
    disclosure_criteria,
    live_disclosures,
)
from ..core.routing import DisclosureChildRouting
from ..core.slugs import GovinfoPageForm
from .topic_tree import all_topics, topic_tree

# What a listing row shows (includes/listing.html: index number, title and link, validity,
# agency, date) and what its URL needs; a template that shows more loads it on access.
LISTING_ROW_FIELDS = ("id", "title", "url_path", "path", "depth", "live", "locale",
                      "translation_key", "content_type", "index_number", "validity",
                      "published_date", "agency")


def listing_rows(qs):
    """``qs`` read with the fields a listing row shows."""
    return qs.select_related(None).select_related("agency").only(*LISTING_ROW_FIELDS)


def paginate(request, qs, count: int | None = None, read=None):
    """A page of ``qs`` for a listing, its rows read with the fields a row shows; ``count``,
    when the caller knows it already, spares the paginator its COUNT query, and ``read``,
    ``read(offset, limit)`` (a PreparedListing's), reads the page's rows instead of a slice
    of ``qs`` (which stays the paginator's list of every row, unread)."""
    paginator = Paginator(listing_rows(qs), govinfo_settings.CATALOGUE_PAGE_SIZE)
    if count is not None:
        paginator.count = count
    page = paginator.get_page(request.GET.get("page"))
    if read is not None:
        page.object_list = read((page.number - 1) * paginator.per_page, paginator.per_page)
    return page


# The queries of a section's unfiltered listing and of a collection, compiled once.
section_listing = PreparedListing(listing_rows)
collection_listing = PreparedListing(listing_rows, inclusive=True)


class CatalogueIndexPage(ReleasedPageMixin, RoutablePageMixin, DisclosureChildRouting, Page):
    """A catalogue root (信息公开目录) or section: lists, filters and syndicates its live items.

    Its title and introduction are public content of the disclosure section, so it goes live
    like a disclosure page: only through the release service (``ReleasedPageMixin``)."""

    intro = RichTextField(_("introduction"), blank=True)

    base_form_class = GovinfoPageForm
    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = [
        "govinfo_catalogue.CatalogueItemPage",
        "govinfo_catalogue.CatalogueIndexPage",
        "govinfo_catalogue.CatalogueCollectionPage",
        "govinfo_catalogue.DisclosureGuidePage",
        "govinfo_catalogue.StatutoryContentPage",
    ]
    template = "govinfo_catalogue/catalogue_index_page.html"
    objects = ReleasedPageManager()
    _govinfo_subpage_models = None
    # Front cache (core/frontcache.py): public, and purged when any page below it changes.
    govinfo_public_cache = True
    govinfo_lists_descendants = True

    @classmethod
    def clean_subpage_models(cls):
        """The catalogue's own types, and every disclosure page type that names the catalogue
        in its ``parent_page_types``: how an app adds a page type to the catalogue (policies,
        reports) without the catalogue knowing it."""
        if cls._govinfo_subpage_models is None:
            own = list(super().clean_subpage_models())
            cls._govinfo_subpage_models = own + [
                model for model in get_page_models()
                if issubclass(model, DisclosurePage) and model not in own
                and getattr(model, "parent_page_types", None) is not None
                and cls in model.clean_parent_page_models()
            ]
        return cls._govinfo_subpage_models

    class Meta:
        verbose_name = _("disclosure catalogue")

    def get_items(self):
        return live_disclosures(root=self)

    def get_cached_paths(self):
        return ["/", self.reverse_subpage("rss"), self.reverse_subpage("atom")]

    @path("")
    def listing(self, request):
        items = self.get_items()
        topics = all_topics()  # one query for the topic filter and the topic tree
        form = CatalogueFilterForm(request.GET, years=section_listing.years(self),
                                   topics=topics)
        counts = section_listing.topic_counts(self)
        filtered = form.filter(items)
        if filtered is items:
            # Unfiltered, the listing holds exactly the items the topic counts counted.
            page_obj = paginate(
                request, items, count=sum(counts.values()),
                read=lambda offset, limit: section_listing.rows(self, offset, limit))
        else:
            page_obj = paginate(request, filtered)
        selected = form.cleaned_data.get("topic") if form.is_valid() else None  # an id
        url = self.get_url(request)
        query = request.GET.copy()
        query.pop("page", None)
        return self.render(
            request,
            context_overrides={
                "filter_form": form,
                "page_obj": page_obj,
                "filter_query": f"{query.urlencode()}&" if query else "",
                "topic_tree": topic_tree(counts, selected, topics, url),
                "rss_url": url + self.reverse_subpage("rss"),
                "atom_url": url + self.reverse_subpage("atom"),
            },
        )

    @path("feed/rss/", name="rss")
    def rss(self, request):
        return CatalogueFeed(self)(request)

    @path("feed/atom/", name="atom")
    def atom(self, request):
        return CatalogueAtomFeed(self)(request)


class CatalogueFeed(Feed):
    def __init__(self, catalogue: CatalogueIndexPage):
        super().__init__()
        self.catalogue = catalogue

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return self.catalogue.title

    def link(self):
        return self.catalogue.get_url(self.request)

    def description(self):
        return self.catalogue.search_description or self.catalogue.title

    def items(self):
        return self.catalogue.get_items()[: govinfo_settings.FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_url(self.request)

    def item_pubdate(self, item):
        # The 发布日期 the listing is ordered by, at midnight in the site's time zone.
        if item.published_date is None:
            return item.first_published_at
        tz = ZoneInfo(govinfo_settings.SITE_TIME_ZONE)
        return datetime.combine(item.published_date, time.min, tzinfo=tz)

    def item_extra_kwargs(self, item):
        return {}


class CatalogueAtomFeed(CatalogueFeed):
    feed_type = Atom1Feed
    subtitle = CatalogueFeed.description


class CatalogueItemPage(DisclosurePage):
    """One disclosed item (信息公开目录条目)."""

    search_kind = "item"  # the search's and the API's name for this type (stable across sites)
    parent_page_types = ["govinfo_catalogue.CatalogueIndexPage"]
    subpage_types = []
    template = "govinfo_catalogue/catalogue_item_page.html"

    class Meta:
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")


def disclosure_content_types():
    from django.apps import apps

    models_ = [m for m in apps.get_models() if issubclass(m, DisclosurePage)]
    return {"pk__in": [ct.pk for ct in ContentType.objects.get_for_models(*models_).values()]}


class CatalogueCollectionPage(ReleasedPageMixin, Page):
    """A saved query over the catalogue (like Plone's Collection), e.g. 现行有效规范性文件.
    Its introduction is public content: it goes live only through the release service."""

    base_form_class = GovinfoPageForm

    intro = RichTextField(_("introduction"), blank=True)
    topics = ParentalManyToManyField(Topic, verbose_name=_("topics"), blank=True,
                                     related_name="+")
    agencies = ParentalManyToManyField(Agency, verbose_name=_("agencies"), blank=True,
                                       related_name="+")
    page_types = ParentalManyToManyField(
        ContentType, verbose_name=_("page types"), blank=True, related_name="+",
        limit_choices_to=disclosure_content_types,
    )
    year_from = models.PositiveIntegerField(_("from year"), null=True, blank=True)
    year_to = models.PositiveIntegerField(_("to year"), null=True, blank=True)
    validity = models.CharField(_("validity"), max_length=20, blank=True,
                                choices=Validity.choices)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("topics"),
                FieldPanel("agencies"),
                FieldPanel("page_types"),
                FieldRowPanel([FieldPanel("year_from"), FieldPanel("year_to")]),
                FieldPanel("validity"),
            ],
            heading=_("Criteria"),
            help_text=_("The page lists every live disclosure item of this site that matches "
                        "all criteria given."),
        ),
    ]
    template = "govinfo_catalogue/catalogue_collection_page.html"
    objects = ReleasedPageManager()
    govinfo_public_cache = True

    class Meta:
        verbose_name = _("catalogue collection")

    def govinfo_listing_matches(self, page) -> bool:
        """Whether ``page`` (in any state, live or not) meets the criteria: the front cache
        purges this collection when a page it lists, or listed, changes."""
        from ..core.queries import topic_and_descendant_ids

        if not isinstance(page, DisclosurePage):
            return False
        cache = self.__dict__.setdefault("_govinfo_criteria", {})
        if "topics" not in cache:
            topic_ids: set[int] = set()
            for topic in self.topics.all():
                topic_ids |= topic_and_descendant_ids(topic)
            cache["topics"] = topic_ids
            cache["agencies"] = {a.pk for a in self.agencies.all()}
            cache["types"] = {ct.pk for ct in self.page_types.all()}
        if cache["topics"] and page.topic_id not in cache["topics"]:
            return False
        if cache["agencies"] and page.agency_id not in cache["agencies"]:
            return False
        if cache["types"] and page.content_type_id not in cache["types"]:
            return False
        year = page.published_date.year if page.published_date else None
        if (self.year_from or self.year_to) and year is None:
            return False
        if self.year_from and year < self.year_from:
            return False
        if self.year_to and year > self.year_to:
            return False
        return not self.validity or page.validity == self.validity

    def get_items(self, site=None, criteria: tuple | None = None):
        """The live, public pages of ``site`` (this page's by default) that meet the criteria
        (``criteria()`` by default)."""
        criteria = self.criteria() if criteria is None else criteria
        return live_disclosures(site=site or self.get_site()).filter(**dict(criteria))

    def criteria(self) -> tuple:
        return disclosure_criteria(
            topics=self._chosen("topics"),
            agencies=self._chosen("agencies"),
            content_types=self._chosen("page_types"),
            year_from=self.year_from,
            year_to=self.year_to,
            validity=self.validity or None,
        )

    def _chosen(self, name: str) -> list[int]:
        """The ids chosen in the many-to-many field ``name``: from the database by a query
        compiled once, or from memory for a version being previewed."""
        chosen = getattr(self, name).all()
        if self.pk and isinstance(chosen, models.QuerySet):
            return _collection_choices(name).rows(pk=self.pk)
        return [obj.pk for obj in chosen]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        site = self._request_site(request) or self.get_site()
        if site is None:  # a preview of a collection outside every site: all sites' pages
            context["page_obj"] = paginate(request, self.get_items())
            return context
        root, criteria = site.root_page, self.criteria()
        # The number of rows as the sum of a grouped count: a query compiled once as well.
        count = sum(collection_listing.topic_counts(root, criteria).values())
        context["page_obj"] = paginate(
            request, self.get_items(site, criteria), count=count,
            read=lambda offset, limit: collection_listing.rows(root, offset, limit, criteria))
        return context

    def _request_site(self, request):
        """This page's site when it is the request's, which Wagtail has loaded with its root
        page for this request already; else None (``get_site`` then asks for it)."""
        site = Site.find_for_request(request)
        parts = self.get_url_parts(request)
        return site if site is not None and parts is not None and parts[0] == site.pk else None


@functools.cache
def _collection_choices(name: str) -> PreparedQuery:
    """The ids a collection chose in its many-to-many field ``name`` (a criterion)."""
    field = CatalogueCollectionPage._meta.get_field(name)
    through = field.remote_field.through
    return PreparedQuery(
        lambda pk: through.objects.filter(**{f"{field.m2m_field_name()}_id": pk})
        .values_list(f"{field.m2m_reverse_field_name()}_id", flat=True),
        pk=int)


class ImportJob(models.Model):
    """One run of the catalogue import over one file: validated whole first, then written in
    batches of bounded size, each in its own transaction. ``next_row`` is the first row not
    yet written, so an interrupted job resumes there (or is rolled back completely); the
    public sees nothing of a job that releases items until it is ``completed``."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        INTERRUPTED = "interrupted", _("Interrupted")
        COMPLETED = "completed", _("Completed")
        ROLLING_BACK = "rolling_back", _("Rolling back")
        ROLLED_BACK = "rolled_back", _("Rolled back")

    catalogue = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    file_name = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    publish = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    override_reason = models.TextField(blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.RUNNING)
    total_rows = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    next_row = models.PositiveIntegerField(default=0)  # file row number; 0: none written yet
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    blocked = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list, blank=True)  # lines for the user, bounded
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        permissions = [("import_released", _("Can import items released by a legacy system"))]

    def __str__(self) -> str:
        return f"{self.pk}: {self.file_name} ({self.state})"


class ImportUpload(models.Model):
    """The file of an import job started in the admin, kept in the database (in pieces of
    at most 1 MB) for the background worker that runs it, wherever that worker runs; removed
    when the job completes or is rolled back."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="uploads")
    sequence = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        ordering = ["job", "sequence"]
        constraints = [models.UniqueConstraint(fields=["job", "sequence"],
                                               name="govinfo_import_upload_piece")]

    def __str__(self) -> str:
        return f"{self.job_id}/{self.sequence}"


class ImportedItem(models.Model):
    """A page that an import created, keyed by the legacy system's id (or its 索引号 or old
    URL): a re-import of the same row updates this page instead of creating another."""

    catalogue = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    legacy_key = models.CharField(max_length=255, null=True, blank=True)  # None: no key
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    row_digest = models.CharField(max_length=64)  # of the row's values as last imported
    job = models.ForeignKey(ImportJob, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="items")
    created_by_job = models.ForeignKey(ImportJob, null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["catalogue", "legacy_key"],
                                               name="govinfo_imported_item_key")]

    def __str__(self) -> str:
        return f"{self.legacy_key or '-'} → {self.page_id}"


from .link_monitor import BrokenLink, LinkCheckRun  # noqa: E402, F401
from .statutory import (  # noqa: E402, F401
    DisclosureGuidePage,
    StatutoryCategoryTopic,
    StatutoryContentPage,
)
from .update_periods import UpdatePeriod  # noqa: E402, F401
