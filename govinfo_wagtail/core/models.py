"""Site disclosure settings, index numbers, release records and the abstract disclosure page
(agencies and topics: .agencies)."""

import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, Expression, OuterRef, Q, Subquery
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.dispatch import receiver
from django.http import HttpRequest
from django.test.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager, PagePermissionTester, Revision, Site
from wagtail.query import PageQuerySet
from wagtail.search import index

from ..text.html import html_to_text

# Agencies and topics live in .agencies; importable from here as before (migrations name
# validate_agency_code here).
from .agencies import Agency, Topic, duplicate_index_codes, validate_agency_code  # noqa: F401
from .index_patterns import validate_pattern
from .prepared import PreparedQuery
from .search_text import (
    SEARCH_META_BOOST,
    SEARCH_TITLE_BOOST,
    WHITESPACE,
    analysed_text,
    contributed_parts,
)
from .slugs import GovinfoPageForm


@register_setting(icon="doc-full")
class DisclosureSettings(BaseSiteSetting):
    default_agency = models.ForeignKey(
        Agency,
        verbose_name=_("default agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Pre-selected on new disclosure pages and used when a page names none."),
    )
    index_number_pattern = models.CharField(
        _("index number pattern"),
        max_length=100,
        blank=True,
        help_text=_("Tokens: {agency_code}, {year}, {serial:05d}. Leave blank for the "
                    "package default."),
    )

    panels = [FieldPanel("default_agency"), FieldPanel("index_number_pattern")]

    class Meta:
        verbose_name = _("disclosure settings")

    def clean(self):
        if self.index_number_pattern:
            validate_pattern(self.index_number_pattern)


class IndexNumberCounter(models.Model):
    """The last serial issued per agency and year; locked while a number is assigned."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="govinfo_counter_agency_year"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last_serial}"


class IndexNumber(models.Model):
    """Every index number ever issued or imported. Never deleted, so never reused."""

    value = models.CharField(_("index number"), max_length=64, unique=True)
    page = models.OneToOneField(
        Page, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveIntegerField(null=True, blank=True)
    # Null for legacy numbers kept on import; those are excluded from the gap-free rule.
    serial = models.PositiveIntegerField(null=True, blank=True)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("index number")
        verbose_name_plural = _("index numbers")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "serial"], name="govinfo_index_number_serial"
            ),
        ]

    def __str__(self) -> str:
        return self.value


# What a list of disclosure pages (listings, related documents, a home page's columns) does
# not show: left in the database, not converted per row.
LISTING_DEFERRED = ("body", "attachments", "summary", "keywords")


@functools.cache
def public_listing(model):
    """``model``'s released, public pages without their large fields (LISTING_DEFERRED), for
    the lists a public page shows. Built once per page type: a queryset is lazy and every
    filter works on a copy (as Django's generic views keep theirs), so a page pays for
    compiling its lists' queries, not for building them again."""
    return model.objects.released().public().defer(*LISTING_DEFERRED)


class Validity(models.TextChoices):
    VALID = "valid", _("In force")
    AMENDED = "amended", _("Amended")
    REPEALED = "repealed", _("Repealed")
    EXPIRED = "expired", _("Expired")


class DisclosureMethod(models.TextChoices):
    PROACTIVE = "proactive", _("Proactive disclosure")
    ON_REQUEST = "on_request", _("Disclosure on request")


class AttachmentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Title"), required=False,
                             help_text=_("Defaults to the document's title."))

    class Meta:
        icon = "doc-full"
        label = _("Attachment")


class ReleaseOnlyPermissionTester(PagePermissionTester):
    """Nobody publishes a disclosure page directly, superusers included: it goes live when
    it passes review. Unpublishing stays with those who have publish permission."""

    def can_publish(self):
        return False

    def can_set_view_restrictions(self):
        # Wagtail ties privacy to the Publish permission. A restriction only hides or shows
        # content that went live through the release service, so it stays with those who
        # hold publish permission (site administrators), as on any other page.
        return super().can_publish()


class ReleaseRecord(models.Model):
    """A revision that the release service let go live, and why: the gate decisions that
    passed it, or the person and reason of a release without review.

    The public site shows a disclosure page only while its live revision has a record whose
    release happened (``released_at``), so a write that bypasses Django cannot put content
    in front of the public. A record made for a future ``go_live_at`` waits, unreleased,
    until Wagtail's scheduler publishes that very revision.
    """

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=20)
    note = models.TextField(_("note"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    content_digest = models.CharField(max_length=64, blank=True)
    # [{"gate": name, "gate_kind": kind, "task_state_id", "user_id", "finished_at"}, ...]
    gate_decisions = models.JSONField(default=list, blank=True)
    # [{"fingerprint", "code", "reason", "user_id"}, ...]: blocking findings overridden.
    overrides = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    go_live_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("release record")
        verbose_name_plural = _("release records")
        indexes = [models.Index(fields=["revision", "released_at"],
                                name="govinfo_release_revision")]

    def __str__(self) -> str:
        return f"{self.page_id}/{self.revision_id}: {self.reason}"


def released_revision_exists(outer: str = "live_revision_id") -> Exists:
    """True where the row's live revision went live through the release service."""
    return Exists(ReleaseRecord.objects.filter(
        revision_id=OuterRef(outer), released_at__isnull=False))


class _PrivateSection(Expression):
    """True where a view restriction is on the page or an ancestor: a subquery of the
    restrictions (a site has a few) joined to their pages, compared with the row's path.
    PostgreSQL and MariaDB read the restrictions first. SQLite, once its tables have
    statistics (ANALYZE, ``PRAGMA optimize``) and the restriction table has none because it
    is empty, scanned the whole page table for every row listed (an unfiltered listing of
    2,000 items took 3 s; benchmarks/bench_listing_scale.py): there the subquery reads the
    restrictions alone and each one's page by its id. (PostgreSQL estimates that form so
    dear that it compiles the listing with its JIT, 20 ms more.)"""

    output_field = models.BooleanField()  # a condition, as Exists is

    def __init__(self):
        from django.db.models.functions import Length, Substr
        from wagtail.models import PageViewRestriction

        super().__init__()
        self.joined = Exists(PageViewRestriction.objects.filter(
            page__path=Substr(OuterRef("path"), 1, Length("page__path"))))
        path = Subquery(Page.objects.filter(pk=OuterRef("page_id")).order_by().values("path"))
        self.by_id = Exists(PageViewRestriction.objects.annotate(restricted_path=path)
                            .filter(restricted_path=Substr(OuterRef("path"), 1,
                                                           Length("restricted_path"))))

    def get_source_expressions(self):
        return [self.joined, self.by_id]

    def set_source_expressions(self, exprs):
        self.joined, self.by_id = exprs

    def as_sql(self, compiler, connection):
        return compiler.compile(self.joined)

    def as_sqlite(self, compiler, connection):
        return compiler.compile(self.by_id)


class ReleasedPageQuerySet(PageQuerySet):
    def released(self):
        """Live pages whose live revision has a release record: what the public may see.
        Resolved in the same query (no query per item)."""
        return self.live().filter(released_revision_exists())

    def private_q(self):
        """Pages in a private section (a view restriction on the page or an ancestor), as
        Wagtail's ``private_q`` but in the same query (a subquery) instead of a query for
        the restrictions first."""
        return Q(_PrivateSection())

    def live_without_record(self):
        """Live pages whose live revision has no release record: a write that bypassed
        the release service. The public site treats them as not live."""
        return self.live().exclude(released_revision_exists())


ReleasedPageManager = PageManager.from_queryset(ReleasedPageQuerySet)
# The names disclosure pages have used since release records exist.
DisclosurePageQuerySet = ReleasedPageQuerySet
DisclosurePageManager = ReleasedPageManager


class ReleasedPageMixin:
    """A page type whose content goes live only through the release service, like a
    disclosure page: the save guard refuses any other way live, nobody has the Publish
    action, and the public sees a page only while its live revision has a release record.

    ``DisclosurePage`` has it, and so may a page type that is public content of the
    disclosure section without being a catalogue item (the 政府信息公开指南, the 法定主动公开内容
    page). Such a type also sets ``objects = ReleasedPageManager()``. The automated checks
    read :meth:`checked_texts`.
    """

    @classmethod
    def from_db(cls, db, field_names, values, **options):
        """A page read from the database, built without the constructor's work for new
        pages. Django's ``Model.__init__`` sets each field through its descriptor and
        fills deferred fields with a marker; modelcluster's and Wagtail's constructors look
        for child relations in keyword arguments and set the content type of a page that
        has no id. None of that applies to a row read back, and a listing builds a page
        per row (bench_render). So the loaded values go into the instance as
        ``Model.__init__`` would leave them. The usual path is kept where it could differ:
        a page type with a constructor of its own, or a ``pre_init``/``post_init``
        receiver. Django 6.1 passes the queryset's ``fetch_mode``, which goes into the
        instance's state as there; any other option goes the usual way."""
        if (options.keys() - {"fetch_mode"} or cls.__init__ is not Page.__init__
                or pre_init.has_listeners(cls) or post_init.has_listeners(cls)):
            return super().from_db(db, field_names, values, **options)
        new = cls.__new__(cls)
        new._state = ModelState()
        new._state.adding = False
        new._state.db = db
        if options.get("fetch_mode") is not None:
            new._state.fetch_mode = options["fetch_mode"]
        through_descriptor = _set_through_descriptor(cls)
        attributes = new.__dict__
        for name, value in zip(field_names, values, strict=True):
            if name in through_descriptor:
                setattr(new, name, value)
            else:
                attributes[name] = value
        # Wagtail's constructor reads the id, which fills in a parent's id from the row's
        # own (a deferred parent key, as in ``.only()``); a page without one goes the usual
        # way.
        if not new.id:
            return super().from_db(db, field_names, values, **options)
        return new

    def get_url_parts(self, request=None):
        """Wagtail's URL parts, kept per the values they are made of: a listing asks for a
        URL per row, and each cost a ``reverse()`` (bench_render). The key is everything
        Wagtail's ``get_url_parts`` reads: the page's ``url_path``, the sites' root paths,
        the request's site (chosen among several), and what ``reverse()`` reads: the
        active language (Wagtail's i18n, or ``i18n_patterns``), the URL configuration and
        the script prefix."""
        # The sites the page is in (mostly one): Wagtail's result depends on no other.
        root_paths = self._get_relevant_site_root_paths(request)
        site = None
        if isinstance(request, HttpRequest) and len({p.site_id for p in root_paths}) > 1:
            site = Site.find_for_request(request)  # only then, as Wagtail
        key = (self.url_path, root_paths, site.pk if site is not None else None,
               translation.get_language(), get_urlconf() or settings.ROOT_URLCONF,
               get_script_prefix())
        parts = _URL_PARTS.get(key, _NOT_KEPT)
        if parts is _NOT_KEPT:
            if len(_URL_PARTS) >= _URL_PARTS_KEPT:
                _URL_PARTS.clear()  # under 1 KB an entry: a few MB at most
            parts = _URL_PARTS[key] = super().get_url_parts(request)
        return parts

    def is_released(self) -> bool:
        """Live, and its live revision went live through the release service. Read from the
        query that loaded the page when it resolved that (core.routing.for_public_page)
        for the live revision the page still has; otherwise one query."""
        if not (self.live and self.live_revision_id):
            return False
        if self.__dict__.get("govinfo_released_revision") == self.live_revision_id:
            return True
        return bool(_released_revision.rows(revision_id=self.live_revision_id))

    def permissions_for_user(self, user):
        return ReleaseOnlyPermissionTester(user, self)

    def checked_texts(self) -> dict[str, str]:
        """Field name → plain text, for the automated checks (the title is checked apart):
        every text field of the page's own content that a reader sees."""
        from django.db.models import CharField, TextField

        from .content import content_fields

        skip = {"title", "slug", "draft_title", "url_path"}
        texts = {}
        for field in content_fields(type(self)):
            if field.name in skip or not isinstance(field, CharField | TextField):
                continue
            if field.choices:
                continue  # a choice from a list, not text somebody wrote
            value = getattr(self, field.attname, "") or ""
            if isinstance(field, RichTextField):
                value = html_to_text(str(value))
            if str(value).strip():
                texts[field.name] = str(value)
        return texts


class DisclosurePage(ReleasedPageMixin, Page):
    """The catalogue metadata every disclosure page type carries (信息索引).

    A concrete table, not an abstract model, although no page is created as this type: one
    table lets catalogue listings, collections, reports and search filter, sort, count and
    paginate across every disclosure page type in one query.
    """

    base_form_class = GovinfoPageForm

    index_number = models.CharField(
        _("index number"), max_length=64, blank=True, editable=False, db_index=True,
        help_text=_("Assigned when the page is first released; frozen afterwards."),
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="disclosure_pages",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("publishing agency"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="disclosure_pages",
    )
    written_date = models.DateField(_("date written"), null=True, blank=True)
    published_date = models.DateField(
        _("date published"), null=True, blank=True,
        help_text=_("Set to the release date when left blank."),
    )
    document_number = models.CharField(
        _("document number"), max_length=100, blank=True, db_index=True,
        help_text=_("e.g. 海府〔2020〕12号"),
    )
    keywords = models.CharField(_("keywords"), max_length=255, blank=True)
    validity = models.CharField(
        _("validity"), max_length=20, choices=Validity.choices, default=Validity.VALID
    )
    validity_changed_on = models.DateField(_("validity changed on"), null=True, blank=True)
    validity_changed_by = models.ForeignKey(
        "self", verbose_name=_("changed by document"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="superseded_documents",
        help_text=_("The document that amended, repealed or replaced this one."),
    )
    disclosure_method = models.CharField(
        _("disclosure method"), max_length=20, choices=DisclosureMethod.choices,
        default=DisclosureMethod.PROACTIVE,
    )
    summary = models.TextField(_("summary"), blank=True)
    body = RichTextField(_("body"), blank=True)
    attachments = StreamField(
        [("attachment", AttachmentBlock())], verbose_name=_("attachments"), blank=True
    )

    metadata_panels = [
        FieldRowPanel([FieldPanel("agency"), FieldPanel("topic")]),
        FieldRowPanel([FieldPanel("document_number"), FieldPanel("keywords")]),
        FieldRowPanel([FieldPanel("written_date"), FieldPanel("published_date")]),
        FieldPanel("disclosure_method"),
    ]
    validity_panels = [
        FieldRowPanel([FieldPanel("validity"), FieldPanel("validity_changed_on")]),
        FieldPanel("validity_changed_by"),
    ]
    content_panels = Page.content_panels + [
        MultiFieldPanel(metadata_panels, heading=_("Catalogue metadata")),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("attachments"),
        MultiFieldPanel(validity_panels, heading=_("Validity")),
    ]

    # Summary, body, 文号 and keywords reach Wagtail's backends only through ``search_text``
    # (analysed, with the title, the metadata and attachment text): indexed raw as well they
    # matched nothing more (the database backends' parsers see a run of Chinese as one word)
    # and made indexing a page about twice as slow on PostgreSQL.
    search_fields = Page.search_fields + [
        index.FilterField("index_number"),
        index.FilterField("validity"),
        index.FilterField("published_date"),
        index.FilterField("agency"),
        index.FilterField("topic"),
        # The one analysed text (docs/search.md), so that Wagtail's backends (admin
        # search, page choosers, Elasticsearch/OpenSearch) find Chinese words too; and the
        # strong fields analysed alike in fields of their own, weighted as the public search
        # weighs them where the backend has field weights (PostgreSQL: A, B above the body's
        # D; Elasticsearch/OpenSearch: boosts). SQLite and MariaDB ignore boosts; there the
        # strong fields' words count twice (here and in search_text) in bm25 / MATCH.
        index.SearchField("search_title_text", boost=SEARCH_TITLE_BOOST, es_extra=WHITESPACE),
        index.SearchField("search_meta_text", boost=SEARCH_META_BOOST, es_extra=WHITESPACE),
        index.SearchField("search_text", es_extra=WHITESPACE),
    ]

    objects = DisclosurePageManager()

    # A copy is a new page: it gets its own number when it is released.
    exclude_fields_in_copy = ["index_number"]

    is_creatable = False
    # Public responses a front cache may keep (core/frontcache.py).
    govinfo_public_cache = True
    # Indexed after commit by govinfo_wagtail.search.indexing, not inside the transaction.
    search_auto_update = False
    # False for a type whose release checks read which other pages are live (policies and
    # interpretations, 三同步): a batch release (core/release_batch.py) then releases its
    # pages one at a time, in the batch's order, so that each check sees those before it live.
    bulk_release = True

    class Meta:
        verbose_name = _("disclosure page")
        verbose_name_plural = _("disclosure pages")

    def clean(self):
        super().clean()
        errors = {}
        if self.validity != Validity.VALID and not self.validity_changed_on:
            errors["validity_changed_on"] = _(
                "Give the date on which the document was amended, repealed or expired."
            )
        if self.validity_changed_by_id and self.validity_changed_by_id == self.pk:
            errors["validity_changed_by"] = _("A document cannot amend or repeal itself.")
        if self.written_date and self.published_date and self.written_date > self.published_date:
            errors["published_date"] = _("The publication date is before the date written.")
        if errors:
            raise ValidationError(errors)

    def checked_texts(self) -> dict[str, str]:
        texts = {name: str(getattr(self, name)) for name in
                 ("summary", "document_number", "keywords") if getattr(self, name, "")}
        if self.body:
            texts["body"] = self._body_text()
        return texts

    def with_content_json(self, content):
        # The index number belongs to the page, not to a revision: a revision saved before the
        # first release must not blank it when it is later published.
        obj = super().with_content_json(content)
        obj.index_number = self.index_number
        return obj

    def get_index_box(self) -> list[tuple[str, str]]:
        """The eight fields of the information-index box (信息索引), label and value."""

        def date(value):
            return value.strftime("%Y-%m-%d") if value else ""

        return [
            (_("Index number"), self.index_number),
            (_("Topic"), self.topic.name if self.topic else ""),
            (_("Publishing agency"), self.agency.name if self.agency else ""),
            (_("Date written"), date(self.written_date)),
            (_("Date published"), date(self.published_date)),
            (_("Document number"), self.document_number),
            (_("Keywords"), self.keywords),
            (_("Validity"), self.get_validity_display()),
        ]

    def search_parts(self) -> list[str]:
        """Texts analysed for search, most important first; page types may add their own."""
        return [
            self.title, self.title,  # twice: a title match outweighs one in the body
            self.document_number, self.keywords, self.index_number,
            self.agency.name if self.agency_id else "",
            self.topic.name if self.topic_id else "",
            self.summary, self._body_text(),
        ]

    def _body_text(self) -> str:
        # Read once per indexed field by Wagtail's backends: converted once per body.
        memo = self.__dict__.get("_govinfo_body_text")
        if memo is None or memo[0] != self.body:
            memo = self.__dict__["_govinfo_body_text"] = (self.body, html_to_text(self.body or ""))
        return memo[1]

    def strong_search_parts(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The strong fields, by weight (docs/search.md, "Ranking"): the own 文号, 索引号 and
        the title; then the keywords, the summary and the publishing agency."""
        return (
            (self.document_number, self.index_number, self.title),
            (self.keywords, self.summary, self.agency.name if self.agency_id else ""),
        )

    def _analysed(self, key: str, parts: tuple[str, ...]) -> str:
        # Wagtail's backends read each field once per kind of field they index (title, body,
        # autocomplete…): analyse each content once, not once per read. build_document()
        # leaves the public index's analysis here, so indexing analyses a page once.
        memo = self.__dict__.get(key)
        if memo is None or memo[0] != parts:
            memo = self.__dict__[key] = (parts, analysed_text(parts))
        return memo[1]

    def search_text(self) -> str:
        """The analysed field Wagtail's search backends index (core.search_text: the page's
        own texts and what apps add through the ``govinfo_search_text_*`` hooks)."""
        return self._analysed("_govinfo_search_text",
                              (*self.search_parts(), *contributed_parts(self)))

    def search_title_text(self) -> str:
        """The own 文号/索引号 and the title, analysed (weighted above the body)."""
        return self._analysed("_govinfo_search_title_text", self.strong_search_parts()[0])

    def search_meta_text(self) -> str:
        """The keywords, summary and agency, analysed (weighted above the body)."""
        return self._analysed("_govinfo_search_meta_text", self.strong_search_parts()[1])

    def get_cache_partners(self):
        """Pages whose public page shows this one (core/frontcache.py): the document that
        changed its validity lists it, and the documents it changed link to it."""
        partners = [self.validity_changed_by] if self.validity_changed_by_id else []
        if self.pk:
            partners += list(self.superseded_documents.all())
        return partners

    def get_superseded_documents(self) -> "list[DisclosurePage]":
        """Live disclosure pages whose validity this page changed (they link back here)."""
        if self.pk is None:
            # The preview of a page not saved yet: nothing can link back to it.
            return []
        if self.__dict__.get("govinfo_changes_others") is False:
            # Resolved when the page was loaded (core.routing.for_public_page): none.
            return []
        return _superseded_documents.rows(pk=self.pk)

    def get_attachment_links(self) -> list[dict]:
        """The attachments whose document still exists, as the template shows them: address,
        title (the block's, else the document's) and file extension. Read here once per
        document rather than through the template's lookups on each block."""
        links = []
        for block in self.attachments:
            doc = block.value.get("document")
            if doc:
                links.append({"url": doc.url, "title": block.value.get("title") or doc.title,
                              "extension": doc.file_extension})
        return links


# ReleasedPageMixin.get_url_parts's URLs, emptied when full (no lock needed).
_URL_PARTS: dict[tuple, tuple | None] = {}
_URL_PARTS_KEPT = 10_000
_NOT_KEPT = object()


@receiver(setting_changed)
def _forget_url_parts(**kwargs) -> None:
    """A setting changed (in tests: the URL configuration, Wagtail's i18n, the languages)."""
    _URL_PARTS.clear()


@functools.cache
def _set_through_descriptor(model) -> frozenset[str]:
    """The concrete fields of ``model`` whose class attribute converts a value set on an
    instance (a StreamField's ``Creator``, say): ``ReleasedPageMixin.from_db`` sets those
    through the descriptor. A plain ``DeferredAttribute`` stores nothing itself, and a
    foreign key's only clears a cached related object, which a new instance has not."""
    plain = (DeferredAttribute, ForeignKeyDeferredAttribute)
    return frozenset(field.attname for field in model._meta.concrete_fields
                     if type(getattr(model, field.attname, None)) not in plain)


# Whether a revision went live through the release service, compiled once (core/prepared.py).
_released_revision = PreparedQuery(
    lambda revision_id: ReleaseRecord.objects.filter(
        revision_id=revision_id, released_at__isnull=False).values_list("pk", flat=True)[:1],
    revision_id=int)

# The documents a page's public view lists as changed by it, compiled once (core/prepared.py).
_superseded_documents = PreparedQuery(
    lambda pk: public_listing(DisclosurePage).filter(validity_changed_by_id=pk)
    .order_by("-published_date"),
    pk=int)


# The record of the documents disclosure pages use lives beside the rule it serves.
from .document_uses import DisclosureDocumentUse  # noqa: E402, F401
from .error_reports import ErrorReport  # noqa: E402, F401
from .site_settings import PublicSiteSettings  # noqa: E402, F401
