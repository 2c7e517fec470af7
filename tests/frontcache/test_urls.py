"""Which URLs a change purges (core/frontcache.py), against the real pages of the package."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from govinfo_wagtail.catalogue.models import CatalogueCollectionPage, CatalogueItemPage
from govinfo_wagtail.core import frontcache
from govinfo_wagtail.core.models import Agency, Topic, Validity
from govinfo_wagtail.core.release import ReleaseReason, release
from govinfo_wagtail.policies.models import InterpretationPage, InterpretedPolicy
from tests.conftest import add_live
from tests.policies.conftest import new_interpretation, new_policy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _agency(agency):
    """Every released item needs a publishing agency (its index number)."""

ROOT = "http://localhost/"
SEARCH = {ROOT + "govinfo/search/", ROOT + "govinfo/api/search/"}
FEEDS = {ROOT + "xxgk/", ROOT + "xxgk/feed/rss/", ROOT + "xxgk/feed/atom/"}


def collection(parent, slug, **criteria):
    m2m = {k: criteria.pop(k) for k in ("topics", "agencies", "page_types") if k in criteria}
    page = CatalogueCollectionPage(title=slug, slug=slug, **criteria)
    for name, values in m2m.items():
        getattr(page, name).set(values)
    return add_live(parent, page)


def item(catalogue, slug, **kwargs):
    kwargs.setdefault("published_date", datetime.date(2026, 3, 1))
    kwargs.setdefault("agency", Agency.objects.order_by("pk").first())
    return add_live(catalogue, CatalogueItemPage(title=slug, slug=slug, **kwargs))


def test_an_item_purges_itself_its_catalogue_and_feeds_matching_collections_and_search(
        catalogue, agency, topic):
    other_topic = Topic.objects.create(name="规划计划")
    other_agency = Agency.objects.create(name="海丰县教育局", index_code="EDU")
    matching = [
        collection(catalogue, "all"),
        collection(catalogue, "by-topic", topics=[topic]),
        collection(catalogue, "by-agency", agencies=[agency]),
        collection(catalogue, "items", page_types=[
            ContentType.objects.get_for_model(CatalogueItemPage)]),
        collection(catalogue, "y2026", year_from=2026, year_to=2026),
        collection(catalogue, "in-force", validity=Validity.VALID),
    ]
    not_matching = [
        collection(catalogue, "other-topic", topics=[other_topic]),
        collection(catalogue, "other-agency", agencies=[other_agency]),
        collection(catalogue, "policies", page_types=[
            ContentType.objects.get_for_model(InterpretationPage)]),
        collection(catalogue, "y2020", year_to=2020),
        collection(catalogue, "repealed", validity=Validity.REPEALED),
    ]
    page = item(catalogue, "notice", agency=agency, topic=topic)
    other = item(catalogue, "other", agency=agency, topic=topic)

    urls = frontcache.affected_urls(page)

    assert ROOT + "xxgk/notice/" in urls
    assert FEEDS <= urls and SEARCH <= urls
    assert {ROOT + f"xxgk/{c.slug}/" for c in matching} <= urls
    assert not {ROOT + f"xxgk/{c.slug}/" for c in not_matching} & urls
    assert ROOT + f"xxgk/{other.slug}/" not in urls  # a sibling does not show it
    assert urls == ({ROOT + "xxgk/notice/"} | FEEDS | SEARCH
                    | {ROOT + f"xxgk/{c.slug}/" for c in matching})


def test_a_validity_change_purges_the_collections_of_the_old_and_the_new_validity(catalogue):
    in_force = collection(catalogue, "in-force", validity=Validity.VALID)
    repealed = collection(catalogue, "repealed", validity=Validity.REPEALED)
    page = item(catalogue, "rule")
    before = frontcache.previous_live_version(page, page.live_revision)
    assert before is None  # a first release has no earlier version

    page.validity, page.validity_changed_on = Validity.REPEALED, datetime.date(2026, 4, 1)
    revision = page.save_revision()
    page = release(revision, reason=ReleaseReason.TEST)[0]
    before = frontcache.previous_live_version(page, revision)
    assert before.validity == Validity.VALID

    urls = frontcache.affected_urls(page, before=before)
    assert {in_force.get_full_url(), repealed.get_full_url()} <= urls
    # Without the earlier version the in-force list (where it no longer is) would be missed.
    assert in_force.get_full_url() not in frontcache.affected_urls(page)


def test_the_amending_document_and_the_amended_one_purge_each_other(catalogue):
    old = item(catalogue, "old")
    new = item(catalogue, "new")
    old.validity, old.validity_changed_on = Validity.AMENDED, datetime.date(2026, 5, 1)
    old.validity_changed_by = new
    old = release(old.save_revision(), reason=ReleaseReason.TEST)[0]
    assert new.get_full_url() in frontcache.affected_urls(old)
    assert old.get_full_url() in frontcache.affected_urls(new)


def test_policy_and_interpretations_purge_each_other_and_old_partners(catalogue, agency):
    policy = new_policy(catalogue, agency, requires_interpretation=False, category="other")
    other_policy = new_policy(catalogue, agency, title="另一政策", slug="other-policy",
                              requires_interpretation=False, category="other",
                              document_number="海交规〔2026〕2号")
    policy = release(policy.get_latest_revision(), reason=ReleaseReason.TEST)[0]
    other_policy = release(other_policy.get_latest_revision(), reason=ReleaseReason.TEST)[0]
    interpretation = new_interpretation(catalogue, agency, policy)
    interpretation = release(interpretation.get_latest_revision(),
                             reason=ReleaseReason.TEST)[0]

    assert interpretation.get_full_url() in frontcache.affected_urls(policy)
    assert policy.get_full_url() in frontcache.affected_urls(interpretation)
    assert other_policy.get_full_url() not in frontcache.affected_urls(interpretation)

    # The interpretation now interprets the other policy: both policies change.
    interpretation.policy_links = [InterpretedPolicy(policy=other_policy)]
    revision = interpretation.save_revision()
    interpretation = release(revision, reason=ReleaseReason.TEST)[0]
    before = frontcache.previous_live_version(interpretation, revision)
    urls = frontcache.affected_urls(interpretation, before=before)
    assert {policy.get_full_url(), other_policy.get_full_url()} <= urls


def test_a_report_purges_its_files_and_the_agency_s_other_reports(catalogue, agency):
    from govinfo_wagtail.reports.models import AnnualReportPage

    def report(year):
        return add_live(catalogue, AnnualReportPage(
            title=f"{year}年报", slug=f"report-{year}", year=year, agency=agency))

    first, second = report(2024), report(2025)
    urls = frontcache.affected_urls(second)
    base = second.get_full_url()
    assert {base, base + "pdf/", base + "tables/csv/", base + "tables/json/",
            base + "tables/xlsx/"} <= urls
    assert first.get_full_url() in urls


def test_nothing_is_computed_or_sent_without_a_front_cache(catalogue, django_assert_num_queries,
                                                             settings):
    settings.WAGTAILFRONTENDCACHE = None
    page = item(catalogue, "quiet")
    with django_assert_num_queries(0):
        frontcache.schedule(page)


def test_a_cache_that_is_down_never_breaks_a_release(catalogue, settings, caplog,
                                                      django_capture_on_commit_callbacks):
    from tests.frontcache.conftest import free_port

    settings.WAGTAILFRONTENDCACHE = {"varnish": {
        "BACKEND": "govinfo_wagtail.core.frontcache.HTTPBackend",
        "LOCATION": f"http://127.0.0.1:{free_port()}", "TIMEOUT": 0.5}}
    with django_capture_on_commit_callbacks(execute=True):
        page = item(catalogue, "still-released")
    assert page.live and page.is_released()
    assert "Could not purge http://localhost/xxgk/still-released/" in caplog.text
