"""Which pages are of a released type (``models.ReleasedPageMixin``: disclosure pages, the
disclosure guide…), and what of a page query set the public may see."""

from django.db.models import Q
from wagtail.models import Page
from wagtail.query import PageQuerySet

from .models import ReleasedPageMixin, released_revision_exists


def released_page_models() -> list[type]:
    """Every installed page type that goes live only through the release service."""
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, ReleasedPageMixin)]


def _released_type_ids() -> list[int]:
    from django.contrib.contenttypes.models import ContentType

    return [ct.pk for ct in ContentType.objects.get_for_models(
        *released_page_models(), for_concrete_models=False).values()]


def live_without_record() -> PageQuerySet:
    """Live pages of every released type whose live revision has no release record."""
    return Page.objects.filter(content_type__in=_released_type_ids()).live().exclude(
        released_revision_exists())


def shown_to_public(pages: PageQuerySet) -> PageQuerySet:
    """``pages`` that are live and public, less those of a released page type whose live
    revision has no release record (one query, whatever the page types)."""
    return pages.live().public().filter(
        ~Q(content_type__in=_released_type_ids()) | released_revision_exists())
