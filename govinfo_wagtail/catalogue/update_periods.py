"""How often a column must be updated (栏目更新周期), read by ``freshness``."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from ..core.models import Agency, Topic
from ..core.queries import live_disclosures, topic_and_descendant_ids

# Page types that are columns: a section lists its subtree, a collection its criteria.
COLUMN_PAGE_TYPES = {"govinfo_catalogue.CatalogueIndexPage",
                     "govinfo_catalogue.CatalogueCollectionPage"}


class ColumnKind(models.TextChoices):
    NEWS = "news", _("News (动态、要闻类)")
    NOTICE = "notice", _("Notices (通知公告类)")
    POLICY = "policy", _("Policies (政策文件类)")
    OTHER = "other", _("Other")


DEFAULT_PERIOD_DAYS = {ColumnKind.NEWS: 14, ColumnKind.NOTICE: 183, ColumnKind.POLICY: 183}


class UpdatePeriod(models.Model):
    """How often one column must be updated: a catalogue section or collection (a page) or
    a topic (optionally one agency's items of it)."""

    page = models.ForeignKey(
        Page, verbose_name=_("section or collection"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+", help_text=_("For a topic: only this agency's items."),
    )
    kind = models.CharField(_("kind of column"), max_length=10, choices=ColumnKind.choices,
                            default=ColumnKind.NOTICE)
    period_days = models.PositiveIntegerField(
        _("update period (days)"), null=True, blank=True,
        help_text=_("Leave empty for the inspection's period: 14 days for news, 183 days "
                    "(six months) for notices and policies."),
    )

    class Meta:
        verbose_name = _("column update period")
        verbose_name_plural = _("column update periods")
        constraints = [
            models.CheckConstraint(
                condition=(Q(page__isnull=False, topic__isnull=True)
                           | Q(page__isnull=True, topic__isnull=False)),
                name="govinfo_update_period_one_column",
            ),
        ]

    def __str__(self) -> str:
        return self.column_title()

    def clean(self):
        if bool(self.page_id) == bool(self.topic_id):
            raise ValidationError(_("Choose either a section or collection, or a topic."))
        if self.kind == ColumnKind.OTHER and not self.period_days:
            raise ValidationError({"period_days": _("Give the period of this kind of column.")})
        if self.page_id and self.page.specific_class._meta.label not in COLUMN_PAGE_TYPES:
            raise ValidationError({"page": _(
                    "Choose a catalogue section or a collection.")})

    @property
    def days(self) -> int:
        return self.period_days or DEFAULT_PERIOD_DAYS.get(self.kind, 183)

    def column_title(self) -> str:
        if self.page_id:
            return self.page.title
        title = self.topic.name if self.topic_id else "—"
        if self.agency_id:
            return f"{title}（{self.agency.short_name or self.agency.name}）"
        return title

    def items(self, site):
        """The column's live items: a collection's by its criteria, a section's subtree."""
        if self.page_id:
            page = self.page.specific
            if page._meta.label == "govinfo_catalogue.CatalogueCollectionPage":
                return page.get_items(site=site)
            return live_disclosures(root=page)
        items = live_disclosures(site=site).filter(topic_id__in=topic_and_descendant_ids(
            self.topic))
        return items.filter(agency_id=self.agency_id) if self.agency_id else items
