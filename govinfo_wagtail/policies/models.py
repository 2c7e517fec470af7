"""Policy documents (政策文件), their interpretations (政策解读) and calendar corrections.

Both page types know the group of pages they go live with (三同步) and their status in it
(:func:`release_group`, :func:`release_status`: queries, read by the editor's panel and the
reports). The release rules are a release check of the kernel's release sequence
(:mod:`.release_rules`); operations with side effects are in :mod:`.services`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.models import Orderable, Page, Revision, WorkflowState
from wagtail.search import index

from ..conf import govinfo_settings
from ..core.models import Agency, DisclosurePage, Validity, public_listing
from ..core.prepared import PreparedQuery
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


class ReleaseGroupMember:
    """What policies and interpretations share: the group they go live with and their status
    in it, as the editor's panel (:mod:`.panels`) reads them."""

    # 三同步: the release rules read which pages are live, so a batch releases these types one
    # at a time, in its order (core/release_batch.py).
    bulk_release = False

    def get_release_group(self) -> list[Page]:
        return release_group(self)

    def get_release_status(self) -> str:
        return release_status(self)

    def get_release_status_display(self) -> str:
        return ReleaseStatus.LABELS[release_status(self)]


class PolicyDocumentPage(ReleaseGroupMember, DisclosurePage):
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

    def get_live_interpretations(self) -> list[InterpretationPage]:
        """Its live, public interpretations, newest first."""
        if self.pk is None:
            return []
        return _live_interpretations.rows(pk=self.pk)


# What the interpretation's notices and links, the release rules and the front cache's purge
# read of each interpreted policy (InterpretationPage.get_policies); the rest loads on access.
POLICY_LINK_FIELDS = ("title", "url_path", "path", "depth", "live", "locale",
                      "translation_key", "content_type", "live_revision", "validity",
                      "validity_changed_on", "document_number", "published_date", "agency")


class InterpretationPage(ReleaseGroupMember, DisclosurePage):
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
        if isinstance(links, models.QuerySet):
            # Read from the database: what a notice and a link show, not the policies'
            # texts (a version in memory, as in a preview, has its policies loaded already).
            links = links.only("interpretation_id", "sort_order", "policy_id",
                               *(f"policy__{name}" for name in POLICY_LINK_FIELDS))
        return [link.policy for link in links if link.policy_id]

    def get_policy_notices(self) -> list[PolicyDocumentPage]:
        """The interpreted policies a reader is told about (in the editor's order): those
        withdrawn from the site or no longer in force. Read from the database, only those
        (mostly none: bench_render); a version in memory filters its own."""
        if isinstance(self.policy_links.all(), models.QuerySet):
            return [link.policy for link in _policy_notices.rows(pk=self.pk)]
        return [policy for policy in self.get_policies()
                if not policy.live or policy.validity != Validity.VALID]

    def get_public_policies(self) -> list[PolicyDocumentPage]:
        """Live, public policies, for links (a list); the others are named in a notice."""
        links = self.policy_links.all()
        if isinstance(links, models.QuerySet):
            # The links in the database: a subquery, not a query of their own.
            return _public_policies.rows(pk=self.pk)
        return list(public_listing(PolicyDocumentPage).filter(
            pk__in=[link.policy_id for link in links]))


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


# ------------------------------------------------------------------------------------------
# Release groups (三同步) and review status: queries


class ReleaseStatus:
    LIVE = "live"
    AWAITING_GROUP = "awaiting_group"
    IN_REVIEW = "in_review"
    DRAFT = "draft"

    LABELS = {
        LIVE: _("Live"),
        AWAITING_GROUP: _("Approved, awaiting release of the group"),
        IN_REVIEW: _("In review"),
        DRAFT: _("Draft"),
    }


def draft_links() -> dict[int, set[int]]:
    """Interpretation id -> policy ids, in the latest revision of every interpretation that
    has changes not yet live (its links may differ from the live ones)."""
    pending = InterpretationPage.objects.filter(
        Q(live=False) | Q(has_unpublished_changes=True)
    ).exclude(latest_revision=None).values_list("pk", "latest_revision_id")
    revision_ids = {rev: pk for pk, rev in pending}
    links: dict[int, set[int]] = {}
    for rev_id, content in Revision.objects.filter(pk__in=revision_ids).values_list(
        "pk", "content"
    ):
        links[revision_ids[rev_id]] = {
            int(item["policy"]) for item in (content or {}).get("policy_links", [])
            if item.get("policy")
        }
    return links


def release_group(page: PolicyDocumentPage | InterpretationPage) -> list[Page]:
    """The pages that must go live together with ``page``: the closure over links between
    policies and interpretations that are not live yet. A new version of a live page needs
    nobody else (its policies are live already), so its group is the page alone."""
    links = draft_links()
    found: dict[int, Page] = {page.pk: page}
    queue = [page] if not page.live else []
    while queue:
        current = queue.pop()
        neighbours: set[int] = set()
        if isinstance(current, InterpretationPage):
            neighbours = links.get(current.pk) or {
                link.policy_id for link in current.policy_links.all()
            }
        elif not govinfo_settings.POLICY_SEPARATE_RELEASE:
            neighbours = set(InterpretedPolicy.objects.filter(policy_id=current.pk)
                             .values_list("interpretation_id", flat=True))
            neighbours |= {i for i, policies in links.items() if current.pk in policies}
        new = neighbours - found.keys()
        for member in Page.objects.filter(pk__in=new, live=False).specific():
            found[member.pk] = member
            queue.append(member)
    return list(found.values())


def passed_review(page: Page) -> Revision | None:
    """The approved revision if the page's latest revision passed review, else None."""
    state = (WorkflowState.objects.for_instance(page).order_by("-created_at", "-pk")
             .select_related("current_task_state").first())
    if state is None or state.status != WorkflowState.STATUS_APPROVED:
        return None
    revision_id = state.current_task_state.revision_id if state.current_task_state else None
    if revision_id is None or revision_id != page.latest_revision_id:
        return None
    return Revision.objects.get(pk=revision_id)


def is_pending(page: Page) -> bool:
    """Not live, or live with changes that are not."""
    return not page.live or page.has_unpublished_changes


def release_status(page: Page) -> str:
    if not is_pending(page):
        return ReleaseStatus.LIVE
    if passed_review(page):
        return ReleaseStatus.AWAITING_GROUP
    if page.workflow_in_progress:
        return ReleaseStatus.IN_REVIEW
    return ReleaseStatus.LIVE if page.live else ReleaseStatus.DRAFT


# The lists a policy's and an interpretation's public pages show, compiled once
# (core/prepared.py): the same query for every page, with the page's id as its value.
_live_interpretations = PreparedQuery(
    lambda pk: public_listing(InterpretationPage).filter(policy_links__policy_id=pk)
    .distinct().order_by("-published_date", "pk"),
    pk=int)
_policy_notices = PreparedQuery(
    lambda pk: InterpretedPolicy.objects.filter(interpretation_id=pk)
    .filter(Q(policy__live=False) | ~Q(policy__validity=Validity.VALID))
    .select_related("policy")
    .only("interpretation_id", "sort_order", "policy_id",
          *(f"policy__{name}" for name in POLICY_LINK_FIELDS)),
    pk=int)
_public_policies = PreparedQuery(
    lambda pk: public_listing(PolicyDocumentPage).filter(
        pk__in=InterpretedPolicy.objects.filter(interpretation_id=pk).values("policy_id")),
    pk=int)
