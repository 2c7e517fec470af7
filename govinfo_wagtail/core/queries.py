"""Filtering of live disclosure pages, shared by catalogue listings, collections and feeds."""

import functools

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import Agency, DisclosurePage, Topic, Validity


def topic_and_descendant_ids(topic: Topic) -> set[int]:
    """A topic with all topics below it (the taxonomy is small; one query)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Topic.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = set(), [topic.pk]
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, []))
    return found


def live_disclosures(root=None, site=None) -> QuerySet[DisclosurePage]:
    qs = _live_disclosures()
    if root is not None:
        return qs.descendant_of(root)
    if site is not None:
        return qs.in_site(site)
    return qs.all()


@functools.cache
def _live_disclosures() -> QuerySet[DisclosurePage]:
    """The query of :func:`live_disclosures` before its section, built once: a queryset is
    lazy and every filter works on a copy (as Django's generic views keep theirs), so a
    listing pays for compiling its query but not for building it again."""
    return (DisclosurePage.objects.released().public().select_related("agency", "topic")
            .order_by("-published_date", "-pk"))


class ListingSelect(forms.Select):
    """Django's ``<select>`` with the same markup, built in Python: the template renderer
    renders every ``<option>`` as an include, which made the filter bar about a third of the
    cost of a whole plain page."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                parts.append(format_html('\n  <option value="{}"{}>{}</option>',
                                         str(option["value"]), _attrs(option["attrs"]),
                                         option["label"]))
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


def _attrs(attrs: dict) -> str:
    # As django/forms/widgets/attrs.html: False leaves the attribute out, True names it bare.
    return mark_safe("".join(
        "" if value is False else format_html(" {}", name) if value is True
        else format_html(' {}="{}"', name, str(value))
        for name, value in attrs.items()
    ))


class LoadedChoiceIterator(ModelChoiceIterator):
    """A ``ModelChoiceField``'s choices from objects the view has loaded already (its
    ``loaded`` list, in the queryset's order), instead of a query of their own."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.loaded:
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.loaded) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.loaded)


class CatalogueFilterForm(forms.Form):
    """The public filters of a catalogue listing. Unknown values are ignored, not errors."""

    topic = forms.ModelChoiceField(
        Topic.objects.all(), required=False, label=_("Topic"), empty_label=_("All topics"),
        widget=ListingSelect,
    )
    agency = forms.ModelChoiceField(
        Agency.objects.all(), required=False, label=_("Agency"), empty_label=_("All agencies"),
        widget=ListingSelect,
    )
    year = forms.TypedChoiceField(required=False, label=_("Year"), coerce=int, empty_value=None,
                                  widget=ListingSelect)
    validity = forms.ChoiceField(
        required=False, label=_("Validity"), widget=ListingSelect,
        choices=[("", _("Any validity"))] + list(Validity.choices),
    )

    def __init__(self, data, *, years, topics=None, **kwargs):
        """``topics``: every topic, in the taxonomy's order, when the view has them (the
        topic tree beside a listing reads the same rows): the select offers them without
        a query of its own."""
        super().__init__(data, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]
        if topics is not None:
            field = self.fields["topic"]
            field.loaded = list(topics)
            field.iterator = LoadedChoiceIterator
            field.widget.choices = field.choices

    def filter(self, qs: QuerySet) -> QuerySet:
        if not self.is_valid():
            # Keep every filter that is valid; drop the bad ones.
            cleaned = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        else:
            cleaned = self.cleaned_data
        return filter_disclosures(
            qs,
            topics=[cleaned["topic"]] if cleaned.get("topic") else None,
            agencies=[cleaned["agency"]] if cleaned.get("agency") else None,
            year_from=cleaned.get("year"),
            year_to=cleaned.get("year"),
            validity=cleaned.get("validity") or None,
        )


def filter_disclosures(
    qs: QuerySet,
    *,
    topics=None,
    agencies=None,
    content_types=None,
    year_from: int | None = None,
    year_to: int | None = None,
    validity: str | None = None,
) -> QuerySet:
    if topics:
        ids = set()
        for topic in topics:
            ids |= topic_and_descendant_ids(topic)
        qs = qs.filter(topic_id__in=ids)
    if agencies:
        qs = qs.filter(agency__in=agencies)
    if content_types:
        qs = qs.filter(content_type__in=content_types)
    if year_from:
        qs = qs.filter(published_date__gte=f"{year_from}-01-01")
    if year_to:
        qs = qs.filter(published_date__lte=f"{year_to}-12-31")
    if validity:
        qs = qs.filter(validity=validity)
    return qs


def years_published(qs: QuerySet) -> list[int]:
    # Truncation in the database needs MariaDB's time-zone tables; dates need nothing.
    dates = qs.exclude(published_date=None).order_by().values_list("published_date", flat=True)
    return sorted({d.year for d in dates.distinct()}, reverse=True)
