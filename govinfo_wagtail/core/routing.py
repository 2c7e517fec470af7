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

from .prepared import PreparedQuery

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
def _public_page(model) -> PreparedQuery:
    """How routing loads a child of ``model`` by its id, compiled once per page type: a
    disclosure page with :func:`for_public_page`, another released type (a section, a
    collection) with its release state."""
    from .models import DisclosurePage

    def build(pk):
        pages = model._default_manager.filter(pk=pk)
        if issubclass(model, DisclosurePage):
            return for_public_page(pages)
        return with_release_state(pages)

    return PreparedQuery(build, pk=int)


# A child of the page being routed by its slug: what its type is (treebeard's get_children,
# with the child's depth and its parent's path as values).
_child_by_slug = PreparedQuery(
    lambda path, depth, slug: Page.objects.filter(
        depth=depth, path__range=Page._get_children_path_interval(path), slug=slug,
    ).only("id", "content_type_id"),
    path=str, depth=int, slug=str)


class DisclosureChildRouting:
    """Mixin for a page model whose children include disclosure pages; place it after
    ``RoutablePageMixin`` and before ``Page`` in the bases."""

    def route(self, request, path_components):
        from .models import ReleasedPageMixin

        if not path_components:
            return super().route(request, path_components)
        children = _child_by_slug.rows(path=self.path, depth=self.depth + 1,
                                       slug=path_components[0])
        if not children:  # slugs are unique among siblings
            raise Http404
        child = children[0]
        model = child.specific_class
        if model is not None and issubclass(model, ReleasedPageMixin):
            found = _public_page(model).rows(pk=child.pk)
            if not found:  # deleted between the two queries
                raise Http404
            subpage = found[0]
        else:
            subpage = child.specific
        # As Wagtail does: the parent is known, no query for it (treebeard's get_parent).
        subpage._cached_parent_obj = self
        return subpage.route(request, path_components[1:])
