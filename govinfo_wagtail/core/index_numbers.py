"""Index numbers (索引号): assigned at first release, gap-free per agency and year."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..conf import govinfo_settings
from .index_patterns import TOKENS, validate_pattern
from .models import Agency, DisclosureSettings, IndexNumber, IndexNumberCounter

__all__ = ["TOKENS", "assign_index_number", "assign_index_numbers", "pattern_for",
           "register_legacy_index_number", "register_legacy_index_numbers", "release_year",
           "validate_pattern"]

def pattern_for(agency: Agency, site=None) -> str:
    if agency.index_number_pattern:
        return agency.index_number_pattern
    if site is not None:
        site_pattern = DisclosureSettings.for_site(site).index_number_pattern
        if site_pattern:
            return site_pattern
    return govinfo_settings.INDEX_NUMBER_PATTERN


def release_year(when: datetime | None = None) -> int:
    """The calendar year of a release in the site's time zone, not UTC."""
    when = when or timezone.now()
    return when.astimezone(ZoneInfo(govinfo_settings.SITE_TIME_ZONE)).year


def _locked_counter(agency: Agency, year: int) -> IndexNumberCounter:
    # Create the row first, then lock it: a locking read of a row that does not exist takes a
    # gap lock on MariaDB, and two first releases in a new year would deadlock on it.
    if not IndexNumberCounter.objects.filter(agency=agency, year=year).exists():
        try:
            with transaction.atomic():
                IndexNumberCounter.objects.create(agency=agency, year=year)
        except IntegrityError:
            pass  # another transaction created it; the locking read below waits for it
    return IndexNumberCounter.objects.select_for_update().get(agency=agency, year=year)


def assign_index_number(page, *, when: datetime | None = None) -> IndexNumber:
    """Issue the next number for ``page``. Call inside the release transaction, so that a
    rolled-back release also rolls back its serial."""
    agency = page.agency
    if agency is None:
        raise ValidationError(_("“%(title)s” has no publishing agency, so it cannot be given "
                                "an index number."), params={"title": page.title})
    year = release_year(when)
    counter = _locked_counter(agency, year)
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    value = pattern_for(agency, page.get_site()).format(
        agency_code=agency.index_code, year=year, serial=counter.last_serial
    )
    return IndexNumber.objects.create(
        value=value, page=page, agency=agency, year=year, serial=counter.last_serial
    )


def register_legacy_index_number(page, value: str) -> IndexNumber:
    """Keep a number issued by a legacy system; it is outside the gap-free serials."""
    if IndexNumber.objects.filter(value=value).exists():
        raise ValidationError(_("The index number %(value)s is already in use."),
                              params={"value": value})
    return IndexNumber.objects.create(value=value, page=page, agency=page.agency)


def register_legacy_index_numbers(pages) -> list[IndexNumber]:
    """:func:`register_legacy_index_number` for many pages at once (their ``index_number``
    is the legacy number): one query to check, one to insert."""
    pages = [p for p in pages if p.index_number]
    if not pages:
        return []
    taken = set(IndexNumber.objects.filter(value__in=[p.index_number for p in pages])
                .values_list("value", flat=True))
    if taken:
        raise ValidationError(_("The index number %(value)s is already in use."),
                              params={"value": sorted(taken)[0]})
    return IndexNumber.objects.bulk_create(
        [IndexNumber(value=p.index_number, page=p, agency_id=p.agency_id) for p in pages])


def assign_index_numbers(pages, *, site=None, when: datetime | None = None) -> dict[int, str]:
    """Issue the next numbers for many pages (page id → number): one locked counter per
    agency and year, advanced once by the number of pages, and one insert. Call inside the
    release transaction, like :func:`assign_index_number`."""
    year = release_year(when)
    by_agency: dict[int, list] = {}
    for page in pages:
        if page.agency_id is None:
            raise ValidationError(_("“%(title)s” has no publishing agency, so it cannot be "
                                    "given an index number."), params={"title": page.title})
        by_agency.setdefault(page.agency_id, []).append(page)
    numbers, issued = [], {}
    for agency_id, group in sorted(by_agency.items()):
        agency = Agency.objects.get(pk=agency_id)
        counter = _locked_counter(agency, year)
        first = counter.last_serial + 1
        counter.last_serial += len(group)
        counter.save(update_fields=["last_serial"])
        pattern = pattern_for(agency, site if site is not None else group[0].get_site())
        for serial, page in enumerate(group, start=first):
            value = pattern.format(agency_code=agency.index_code, year=year, serial=serial)
            numbers.append(IndexNumber(value=value, page=page, agency=agency, year=year,
                                       serial=serial))
            issued[page.pk] = value
    IndexNumber.objects.bulk_create(numbers)
    return issued
