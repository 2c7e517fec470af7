"""Routing to the disclosure pages below a parent (the catalogue) in as few queries as Wagtail's
own routing, with what every public disclosure page shows resolved in the same query: its
agency, its topic and whether its live revision went live through the release service.

Wagtail routes a child in two queries (the base ``Page`` row, then the specific row); the
public page then asked for the release record, the topic and the agency, one query each.
Another released type below the catalogue (a section, a collection) has its release state
resolved in its specific query too.
"""

from __future__ import annotations

import functools

from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404
from wagtail.models import Page

RELEASED_REVISION = "govinfo_released_revision"
CHANGES_OTHERS = "govinfo_changes_others"


def for_public_page(qs):
    """``qs`` with what a disclosure page's public view asks of each page resolved in the
    same query: its agency and topic, its released live revision id (or None), which
    ``DisclosurePage.is_released`` reads instead of querying, and whether any page names
    it as the document that changed its validity (most pages change none: then
    ``get_superseded_documents`` needs no query)."""
    from .models import DisclosurePage

    return with_release_state(qs.select_related("agency", "topic")).annotate(**{
        CHANGES_OTHERS: Exists(DisclosurePage.objects.filter(
            validity_changed_by=OuterRef("pk"))),
    })


def with_release_state(qs):
    """``qs`` with each page's released live revision id (or None) resolved in the same
    query, which ``ReleasedPageMixin.is_released`` reads instead of querying."""
    from .models import ReleaseRecord

    released = ReleaseRecord.objects.filter(
        revision_id=OuterRef("live_revision_id"), released_at__isnull=False
    ).values("revision_id")[:1]
    return qs.annotate(**{RELEASED_REVISION: Subquery(released)})


@functools.cache
def _public_pages(model):
    """How routing loads a child of ``model``, built once per page type: a disclosure page
    with :func:`for_public_page`, another released type (a section, a collection) with its
    release state. A queryset is lazy and each ``get`` works on a copy, so routing only pays
    for compiling its query."""
    from .models import DisclosurePage

    if issubclass(model, DisclosurePage):
        return for_public_page(model._default_manager.all())
    return with_release_state(model._default_manager.all())


class DisclosureChildRouting:
    """Mixin for a page model whose children include disclosure pages; place it after
    ``RoutablePageMixin`` and before ``Page`` in the bases."""

    def route(self, request, path_components):
        from .models import ReleasedPageMixin

        if not path_components:
            return super().route(request, path_components)
        try:
            child = (self.get_children().only("id", "content_type_id")
                     .get(slug=path_components[0]))
        except Page.DoesNotExist as exc:
            raise Http404 from exc
        model = child.specific_class
        if model is not None and issubclass(model, ReleasedPageMixin):
            try:
                subpage = _public_pages(model).get(pk=child.pk)
            except model.DoesNotExist as exc:  # deleted between the two queries
                raise Http404 from exc
        else:
            subpage = child.specific
        # As Wagtail does: the parent is known, no query for it (treebeard's get_parent).
        subpage._cached_parent_obj = self
        return subpage.route(request, path_components[1:])
