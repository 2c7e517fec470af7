"""The last line of defence: nothing but the release service makes a disclosure page (or a
page of another released type, ``ReleasedPageMixin``) live or changes what the public reads
on it, whatever Python class the saved instance has.

Connected to ``pre_save`` for every model, so that a generic ``Page`` instance, a specific
page, an alias and a fixture (``loaddata`` saves raw rows) are all checked. Taking a page down
is never refused. Writes that skip Django's signals (``QuerySet.update``, ``bulk_update``,
raw SQL) are out of its reach; the release records cover them (see ``ReleaseRecord``).
"""

from __future__ import annotations

import logging

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from wagtail.models import Page, Revision

from .content import changed_content_fields, content_fields

logger = logging.getLogger("govinfo_wagtail.integrity")


def released_model(instance) -> type | None:
    """The released page type (a disclosure page type, or another ``ReleasedPageMixin``
    type) ``instance`` stands for, whatever its Python class; None for any other page."""
    from .models import ReleasedPageMixin

    if isinstance(instance, ReleasedPageMixin):
        return type(instance)
    if not isinstance(instance, Page) or not instance.content_type_id:
        return None
    model = ContentType.objects.get_for_id(instance.content_type_id).model_class()
    return model if model is not None and issubclass(model, ReleasedPageMixin) else None


def check_page_save(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """pre_save receiver: refuse a save that would put unreleased content live."""
    if not issubclass(sender, Page) or released_model(instance) is None:
        return
    from .release import AliasRefused, ReleaseRefused, is_being_released

    if instance.alias_of_id and instance.pk is None:
        raise AliasRefused(instance)
    if is_being_released(instance.pk) or is_being_released(instance.alias_of_id):
        return
    if not instance.live:
        return  # a draft, or a page being taken down
    current = None
    if instance.pk is not None:
        current = Page.objects.filter(pk=instance.pk).values("live", "live_revision_id").first()
    if current and current["live"] and current["live_revision_id"] == instance.live_revision_id:
        changed = changed_content_fields(instance, update_fields)
        if changed:
            raise ReleaseRefused(instance, changed_fields=changed)
        return  # bookkeeping of a live page: a move, a lock, a new draft's pointer
    if _released_by_schedule(instance, raw):
        return
    raise ReleaseRefused(instance)


def _released_by_schedule(instance, raw: bool) -> bool:
    """Wagtail's scheduler publishing a revision the release service approved for a future
    time, or a fixture of a page whose live revision has its release record."""
    from .models import ReleasedPageMixin, ReleaseRecord

    records = ReleaseRecord.objects.filter(revision_id=instance.live_revision_id,
                                           page_id=instance.pk)
    if raw:
        return records.filter(released_at__isnull=False).exists()
    if not isinstance(instance, ReleasedPageMixin):
        return False
    record = records.filter(released_at__isnull=True).order_by("-pk").first()
    if record is None or not _due_as_approved(instance, record.revision):
        return False
    from .release import check_again_at_go_live

    check_again_at_go_live(instance, record)  # 三同步 and other checks on other pages
    instance._govinfo_scheduled_record = record
    return True


def _due_as_approved(instance, revision) -> bool:
    """The scheduler publishes the approved revision as it is, once its time has come: not
    earlier, and not with other content in the page row (what the public reads)."""
    value = revision.content.get("go_live_at")
    when = parse_datetime(value) if isinstance(value, str) else value
    if when is not None and when > timezone.now():
        return False
    approved = revision.as_object()
    return all(field.value_to_string(instance) == field.value_to_string(approved)
               for field in content_fields(type(instance)))


def finish_scheduled_release(sender, instance, raw=False, **kwargs) -> None:
    """post_save receiver: a scheduled release that just went live gets its number and log."""
    record = getattr(instance, "_govinfo_scheduled_record", None)
    if record is None or raw:
        return
    del instance._govinfo_scheduled_record
    from .release import complete_scheduled_release

    complete_scheduled_release(instance, record)


def unapproved_schedules():
    """Revisions of released page types waiting for Wagtail's scheduler although the release
    service did not approve them (a schedule set outside review, e.g. by a raw update)."""
    from .models import ReleaseRecord
    from .released import released_page_models

    types = [ContentType.objects.get_for_model(model)
             for model in released_page_models()]
    approved = ReleaseRecord.objects.filter(released_at__isnull=True).values("revision_id")
    return Revision.objects.filter(
        approved_go_live_at__isnull=False, content_type__in=types
    ).exclude(pk__in=approved)


def clear_unapproved_schedules() -> int:
    """Clear every unapproved schedule of a disclosure revision; returns how many."""
    ids = list(unapproved_schedules().values_list("pk", flat=True))
    if ids:
        Revision.objects.filter(pk__in=ids).update(approved_go_live_at=None)
        logger.warning("Cleared the schedule of disclosure revisions %s: the release service "
                       "did not approve them", ids)
    return len(ids)


def clear_unapproved_schedule(sender, instance, raw=False, **kwargs) -> None:
    """post_save receiver for revisions: a disclosure revision may wait for Wagtail's scheduler
    only when the release service approved it. Otherwise its schedule is cleared here, so that
    ``publish_scheduled`` never meets it."""
    if raw or instance.approved_go_live_at is None:
        return
    from .models import ReleasedPageMixin, ReleaseRecord
    from .release import is_being_released

    model = instance.content_type.model_class() if instance.content_type_id else None
    if model is None or not issubclass(model, ReleasedPageMixin):
        return
    page_id = int(instance.object_id)
    if is_being_released(page_id) or ReleaseRecord.objects.filter(
        revision_id=instance.pk, released_at__isnull=True
    ).exists():
        return
    type(instance).objects.filter(pk=instance.pk).update(approved_go_live_at=None)
    instance.approved_go_live_at = None
    logger.warning("Cleared the schedule of revision %s of disclosure page %s: it was not "
                   "approved by review", instance.pk, page_id)
