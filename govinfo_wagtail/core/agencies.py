"""Agencies (发布机构) and the topic taxonomy (主题分类)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.search import index

from .codes import is_valid_org_code, is_valid_uscc, normalise_org_code
from .index_patterns import validate_pattern


def validate_agency_code(value: str) -> None:
    """Accept a valid 统一社会信用代码 (18) or 组织机构代码 (9, hyphen optional)."""
    code = normalise_org_code(value)
    if len(code) == 18:
        if not is_valid_uscc(code):
            raise ValidationError(
                _("“%(code)s” is not a valid unified social credit code: its check character "
                  "does not match (GB 32100-2015)."),
                params={"code": value},
                code="invalid_uscc",
            )
    elif len(code) == 9:
        if not is_valid_org_code(code):
            raise ValidationError(
                _("“%(code)s” is not a valid organisation code: its check character does not "
                  "match (GB 11714)."),
                params={"code": value},
                code="invalid_org_code",
            )
    else:
        raise ValidationError(
            _("Enter an 18-character unified social credit code or a 9-character "
              "organisation code."),
            code="invalid_length",
        )


class Agency(index.Indexed, models.Model):
    """A publishing body (发布机构)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Government department")
        GOVERNMENT = "government", _("People's government")

    name = models.CharField(_("name"), max_length=255, unique=True)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.DEPARTMENT,
        help_text=_("Decides the annual report deadline: 31 January for departments, "
                    "31 March for people's governments."),
    )
    credit_code = models.CharField(
        _("unified social credit code / organisation code"),
        max_length=20,
        blank=True,
        validators=[validate_agency_code],
    )
    index_code = models.CharField(
        _("code in index numbers"),
        max_length=32,
        help_text=_("Used as {agency_code} in index numbers, e.g. the organisation code."),
    )
    index_number_pattern = models.CharField(
        _("index number pattern"),
        max_length=100,
        blank=True,
        help_text=_("Overrides the site's pattern for this agency. Leave blank to use it."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # The footer of this agency's pages (a portal hosting many agencies): each set one
    # replaces the site's; the contacts above replace the site's contacts likewise.
    footer_sponsor = models.CharField(_("sponsor (主办单位) on its pages"), max_length=100,
                                      blank=True)
    footer_organiser = models.CharField(_("organiser (承办单位) on its pages"),
                                        max_length=100, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("short_name")]),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("parent")]),
        FieldRowPanel([FieldPanel("credit_code"), FieldPanel("index_code")]),
        FieldPanel("index_number_pattern"),
        MultiFieldPanel(
            [FieldPanel("address"), FieldPanel("postcode"), FieldPanel("phone"),
             FieldPanel("email")],
            heading=_("Contact details"),
        ),
        MultiFieldPanel(
            [FieldPanel("footer_sponsor"), FieldPanel("footer_organiser")],
            heading=_("Footer of this agency's pages"),
            help_text=_("Shown instead of the site's sponsor and organiser on the pages of "
                        "this agency, as are its address, phone and email; left empty, the "
                        "site's are shown."),
        ),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"),
                     index.SearchField("short_name")]

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.credit_code:
            self.credit_code = normalise_org_code(self.credit_code)
        self.index_code = (self.index_code or "").strip()
        if self.index_number_pattern:
            validate_pattern(self.index_number_pattern)
        taken = Agency.objects.filter(index_code__iexact=self.index_code).exclude(pk=self.pk)
        if self.index_code and taken.exists():
            raise ValidationError({"index_code": _(
                "“%(other)s” already uses this code in index numbers; two agencies with one "
                "code would be issued the same numbers.") % {"other": taken.first().name}})


def duplicate_index_codes(agencies) -> dict[str, list[str]]:
    """Codes in index numbers that more than one agency uses (case-insensitive)."""
    by_code: dict[str, list[str]] = {}
    for name, code in agencies.values_list("name", "index_code"):
        by_code.setdefault((code or "").strip().casefold(), []).append(name)
    return {code: names for code, names in by_code.items() if code and len(names) > 1}


class Topic(index.Indexed, models.Model):
    """A node of the topic taxonomy (主题分类)."""

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    panels = [FieldPanel("name"), FieldPanel("parent"), FieldPanel("sort_order")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="govinfo_topic_unique_name"),
        ]

    def __str__(self) -> str:
        return " / ".join(t.name for t in self.ancestors_and_self())

    def ancestors_and_self(self) -> list["Topic"]:
        chain, node, seen = [], self, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return chain[::-1]

    def clean(self):
        if self.pk and self.parent_id:
            node = self.parent
            while node is not None:
                if node.pk == self.pk:
                    raise ValidationError({"parent": _("A topic cannot be its own ancestor.")})
                node = node.parent


def topic_labels(topics: list[Topic]) -> dict[int, str]:
    """Each topic's label as ``str(topic)`` gives it ("交通运输 / 公路"), with the parents
    taken from ``topics`` (the taxonomy, read once) rather than a query per parent: a
    county's taxonomy of 100 nested topics cost the filter bar about 80 queries. A topic
    whose parent is not in ``topics`` is labelled the usual way."""
    by_id = {topic.pk: topic for topic in topics}
    labels = {}
    for topic in topics:
        chain, node, seen = [], topic, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node.name)
            if node.parent_id is not None and node.parent_id not in by_id:
                chain = None
                break
            node = by_id.get(node.parent_id)
        labels[topic.pk] = " / ".join(reversed(chain)) if chain is not None else str(topic)
    return labels
