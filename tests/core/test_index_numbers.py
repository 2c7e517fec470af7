import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.core.index_numbers import release_year, validate_pattern
from govinfo_wagtail.core.models import DisclosureSettings, IndexNumber
from govinfo_wagtail.core.release import ReleaseReason, ReleaseRefused, release
from tests.conftest import add_draft, add_live

REPO = Path(__file__).resolve().parents[2]


def test_draft_has_no_number_and_first_release_assigns_one(catalogue, agency):
    page = add_draft(catalogue, CatalogueItemPage(title="草稿", agency=agency))
    assert page.index_number == ""
    live = release(page.get_latest_revision(), reason=ReleaseReason.TEST)[0]
    year = release_year()
    assert live.index_number == f"00704046X/{year}-00001"
    assert live.live_revision.content["index_number"] == live.index_number


def test_number_is_frozen_across_later_releases(catalogue, agency):
    page = add_live(catalogue, CatalogueItemPage(title="一", agency=agency))
    number = page.index_number
    page.title = "一（修订）"
    revision = page.save_revision()
    live = release(revision, reason=ReleaseReason.TEST)[0]
    assert live.index_number == number
    assert live.title == "一（修订）"
    assert IndexNumber.objects.count() == 1


def test_serials_count_per_agency_and_follow_the_pattern(catalogue, agency, root_page):
    agency.index_number_pattern = "{agency_code}-{year}-{serial:06d}"
    agency.save()
    a = add_live(catalogue, CatalogueItemPage(title="甲", agency=agency))
    b = add_live(catalogue, CatalogueItemPage(title="乙", agency=agency))
    assert a.index_number.endswith("-000001") and b.index_number.endswith("-000002")


def test_site_pattern_applies_when_agency_has_none(catalogue, agency, root_page):
    settings = DisclosureSettings.for_site(root_page.get_site())
    settings.index_number_pattern = "HF{year}-{serial}"
    settings.save()
    page = add_live(catalogue, CatalogueItemPage(title="丙", agency=agency))
    assert page.index_number == f"HF{release_year()}-1"


def test_page_without_agency_is_refused_with_a_clear_message(catalogue):
    page = add_draft(catalogue, CatalogueItemPage(title="无机构"))
    with pytest.raises(ReleaseRefused, match="无机构"):
        release(page.get_latest_revision(), reason=ReleaseReason.TEST)
    page.refresh_from_db()
    assert not page.live


@override_settings(GOVINFO_SITE_TIME_ZONE="Asia/Shanghai")
def test_year_is_the_release_year_in_china_not_utc():
    # 2025-12-31 20:00 UTC is already 2026-01-01 04:00 in Beijing.
    assert release_year(datetime(2025, 12, 31, 20, 0, tzinfo=UTC)) == 2026


@pytest.mark.parametrize("pattern", [
    "{agency_code}/{year}", "{year}{serial:05d}{bogus}", "{year}-{serial", "HF-{serial}",
])
def test_bad_patterns_are_refused(pattern):
    with pytest.raises(ValidationError):
        validate_pattern(pattern)


WORKER = """
import sys, django
django.setup()
from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.core.release import release
ids = [int(x) for x in sys.argv[1].split(",")]
for page in CatalogueItemPage.objects.filter(pk__in=ids):
    release(page.get_latest_revision(), reason="test")
"""


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_releases_get_distinct_gap_free_numbers(catalogue, agency, topic):
    """8 processes release 240 items at once: 240 distinct numbers, no gaps, no errors."""
    if connection.vendor == "sqlite":
        pytest.skip("needs a server database (PostgreSQL or MariaDB); SQLite has one writer")
    from govinfo_wagtail.core.models import Agency

    other = Agency.objects.create(name="海丰县财政局", index_code="007040638")
    ids = []
    for i in range(240):
        page = add_draft(catalogue, CatalogueItemPage(
            title=f"并发{i}", agency=agency if i % 2 else other, topic=topic))
        ids.append(page.pk)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(REPO),
           "GOVINFO_TEST_DATABASE_NAME": connection.settings_dict["NAME"]}
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, ",".join(map(str, ids[n::8]))],
                         env=env, cwd=REPO, stderr=subprocess.PIPE, text=True)
        for n in range(8)
    ]
    errors = [p.communicate(timeout=600)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), "\n".join(errors)
    numbers = list(IndexNumber.objects.values_list("value", "agency_id", "serial"))
    assert len(numbers) == 240 and len({n for n, _, _ in numbers}) == 240
    for agency_id in {a for _, a, _ in numbers}:
        serials = sorted(s for _, a, s in numbers if a == agency_id)
        assert serials == list(range(1, len(serials) + 1))
    assert CatalogueItemPage.objects.live().count() == 240
