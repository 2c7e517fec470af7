"""Filtering of live disclosure pages, shared by catalogue listings, collections and feeds."""

import functools
from collections.abc import Callable

from django import forms
from django.db.models import Count, Q, QuerySet
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from .agencies import topic_labels
from .models import Agency, DisclosurePage, Topic, Validity
from .prepared import PreparedQuery


def topic_and_descendant_ids(topic: Topic | int) -> set[int]:
    """A topic (or its id) with all topics below it (the taxonomy is small; one query)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Topic.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = set(), [getattr(topic, "pk", topic)]
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, []))
    return found


def live_disclosures(root=None, site=None) -> QuerySet[DisclosurePage]:
    qs = _live_disclosures()
    if root is not None:
        return qs.filter(below(root.path))
    if site is not None:
        return qs.filter(below(site.root_page.path, inclusive=True))
    return qs.all()


def below(path: str, *, inclusive: bool = False, upper: str | None = None) -> Q:
    """The pages below the page at ``path`` in the tree (and that page if ``inclusive``),
    as Wagtail's ``descendant_of`` selects them but as a range of tree paths. Wagtail's
    is ``path LIKE 'P%'``, which SQLite cannot read from the path index (its LIKE ignores
    case, the column's collation does not): it scanned the whole page table for every
    listing. Paths below P are P followed by treebeard's digits and capital letters, so they
    lie between P and P padded with "Z" to the column's length, in every collation the
    tree's own order by path relies on. ``upper`` is that bound, when a prepared query
    takes it as a value of its own (:func:`below_upper`)."""
    lower = Q(path__gte=path) if inclusive else Q(path__gt=path)
    return lower & Q(path__lte=below_upper(path) if upper is None else upper)


def below_upper(path: str) -> str:
    return path + "Z" * (_PATH_LENGTH - len(path))


_PATH_LENGTH = Page._meta.get_field("path").max_length


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
        """The markup, kept per what it is made of: the same filter bar (60 agencies, 100
        topics on a county portal) is asked for on every listing request."""
        key = _select_key(self, name, value, attrs)
        html = _SELECTS.get(key) if key is not None else None
        if html is None:
            html = self._render(name, value, attrs)
            if key is not None:
                if len(_SELECTS) >= _SELECTS_KEPT:
                    _SELECTS.clear()
                _SELECTS[key] = html
        return html

    def _render(self, name, value, attrs):
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


# ListingSelect's markup, emptied when full (no lock needed): a few KB an entry.
_SELECTS: dict[tuple, str] = {}
_SELECTS_KEPT = 512


def _select_key(widget: forms.Select, name, value, attrs) -> tuple | None:
    """What a select's markup is made of, as strings in the active language (a lazy label
    compares equal in every language); None for option groups."""
    choices = []
    for choice, label in widget.choices:
        if isinstance(label, list | tuple):
            return None
        choices.append(("" if choice is None else str(choice), str(label)))
    attrs = widget.build_attrs(widget.attrs, attrs)
    return (name, tuple(widget.format_value(value)), tuple(choices),
            tuple((k, v if isinstance(v, bool) else str(v)) for k, v in attrs.items()))


def _attrs(attrs: dict) -> str:
    # As django/forms/widgets/attrs.html: False leaves the attribute out, True names it bare.
    return mark_safe("".join(
        "" if value is False else format_html(" {}", name) if value is True
        else format_html(' {}="{}"', name, str(value))
        for name, value in attrs.items()
    ))


_agencies = PreparedQuery(lambda: Agency.objects.all())


class CatalogueFilterForm(forms.Form):
    """The public filters of a catalogue listing. Unknown values are ignored, not errors."""

    # Choices of ids, from rows the view has read (a ModelChoiceField copies its queryset for
    # every form and asks the database for a chosen value).
    topic = forms.TypedChoiceField(required=False, label=_("Topic"), coerce=int,
                                   empty_value=None, widget=ListingSelect)
    agency = forms.TypedChoiceField(required=False, label=_("Agency"), coerce=int,
                                    empty_value=None, widget=ListingSelect)
    year = forms.TypedChoiceField(required=False, label=_("Year"), coerce=int, empty_value=None,
                                  widget=ListingSelect)
    validity = forms.ChoiceField(
        required=False, label=_("Validity"), widget=ListingSelect,
        choices=[("", _("Any validity"))] + list(Validity.choices),
    )

    def __init__(self, data, *, years, topics=None, **kwargs):
        """``topics``: every topic, in the taxonomy's order, when the view has them (the
        topic tree beside a listing reads the same rows): the select offers them without
        a query of its own. The agencies are read by a query compiled once. A topic or an
        agency chosen is cleaned to its id."""
        super().__init__(data, **kwargs)
        topics = list(Topic.objects.all()) if topics is None else topics
        labels = topic_labels(topics)  # a nested topic's label names its parents
        self.fields["topic"].choices = [("", _("All topics"))] + [
            (topic.pk, labels[topic.pk]) for topic in topics]
        self.fields["agency"].choices = [("", _("All agencies"))] + [
            (agency.pk, str(agency)) for agency in _agencies.rows()]
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]

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


def filter_disclosures(qs: QuerySet, **criteria) -> QuerySet:
    """``qs`` narrowed by the criteria of :func:`disclosure_criteria`; ``qs`` itself when
    there are none (a listing then knows it is unfiltered)."""
    lookups = dict(disclosure_criteria(**criteria))
    return qs.filter(**lookups) if lookups else qs


def disclosure_criteria(
    *,
    topics=None,
    agencies=None,
    content_types=None,
    year_from: int | None = None,
    year_to: int | None = None,
    validity: str | None = None,
) -> tuple[tuple[str, object], ...]:
    """The lookups of a listing's criteria (a topic with the topics below it), as pairs that
    can key the cache of :class:`PreparedListing`. Topics, agencies and content types are
    objects or their ids."""
    criteria: list[tuple[str, object]] = []
    if topics:
        ids: set[int] = set()
        for topic in topics:
            ids |= topic_and_descendant_ids(topic)
        criteria.append(("topic_id__in", tuple(sorted(ids))))
    if agencies:
        criteria.append(("agency_id__in", tuple(sorted(getattr(a, "pk", a) for a in agencies))))
    if content_types:
        criteria.append(("content_type_id__in",
                         tuple(sorted(getattr(c, "pk", c) for c in content_types))))
    if year_from:
        criteria.append(("published_date__gte", f"{year_from}-01-01"))
    if year_to:
        criteria.append(("published_date__lte", f"{year_to}-12-31"))
    if validity:
        criteria.append(("validity", validity))
    return tuple(criteria)


def published_dates(qs: QuerySet) -> QuerySet:
    # Truncation in the database needs MariaDB's time-zone tables; dates need nothing.
    return (qs.exclude(published_date=None).order_by()
            .values_list("published_date", flat=True).distinct())


def years_of(dates) -> list[int]:
    return sorted({d.year for d in dates}, reverse=True)


class PreparedListing:
    """The queries of a listing of the live, public disclosure pages below a page (a catalogue
    section, a collection's site) that meet fixed criteria, compiled once for each set of
    criteria (core/prepared.py) with the page's place in the tree as their values: the dates
    a year filter offers, the pages' number per topic, and a page of rows."""

    def __init__(self, rows: Callable[[QuerySet], QuerySet], *, inclusive: bool = False):
        """``rows``: what the listing reads of each row (catalogue.models.listing_rows);
        ``inclusive``: whether the page itself is listed (as ``in_site`` lists the root).
        The page's tree path and the range's upper bound (:func:`below`) are the values."""
        self._rows = rows
        self._inclusive = inclusive
        self._slots = {"path": str, "upper": str}
        # A page's offset and size are part of the key, not values: Django writes a slice's
        # numbers into the SQL text.
        self._queries = functools.lru_cache(maxsize=256)(self._prepare)

    def years(self, page, criteria: tuple = ()) -> list[int]:
        return years_of(self._queries("dates", criteria).rows(**self._place(page)))

    def topic_counts(self, page, criteria: tuple = ()) -> dict[int | None, int]:
        """The number of pages per topic id (None: without a topic)."""
        return dict(self._queries("counts", criteria).rows(**self._place(page)))

    def rows(self, page, offset: int, limit: int, criteria: tuple = ()) -> list:
        return self._queries("rows", criteria, offset, limit).rows(**self._place(page))

    def _place(self, page) -> dict:
        return {"path": page.path, "upper": below_upper(page.path)}

    def _prepare(self, what: str, criteria: tuple, offset: int = 0,
                 limit: int = 0) -> PreparedQuery:
        def build(path, upper):
            pages = _live_disclosures().filter(
                below(path, inclusive=self._inclusive, upper=upper), **dict(criteria))
            if what == "dates":
                return published_dates(pages)
            if what == "counts":
                return pages.order_by().values_list("topic_id").annotate(n=Count("pk"))
            return self._rows(pages)[offset:offset + limit]

        return PreparedQuery(build, **self._slots)
