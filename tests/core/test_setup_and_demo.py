import io

from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from wagtail.models import Page, Site, Workflow

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.conf import govinfo_settings
from govinfo_wagtail.core.models import IndexNumber, Topic


def test_setup_is_idempotent_and_leaves_the_host_site_alone(db, root_page):
    pages_before = list(Page.objects.values_list("pk", "live", "title"))
    sites_before = list(Site.objects.values_list("pk", "root_page_id"))
    call_command("govinfo_setup", stdout=open("/dev/null", "w"))
    counts = (Group.objects.count(), Topic.objects.count(), Workflow.objects.count())
    call_command("govinfo_setup", stdout=open("/dev/null", "w"))
    assert (Group.objects.count(), Topic.objects.count(), Workflow.objects.count()) == counts
    assert list(Page.objects.values_list("pk", "live", "title")) == pages_before
    assert list(Site.objects.values_list("pk", "root_page_id")) == sites_before
    for name in [govinfo_settings.EDITOR_GROUP, govinfo_settings.ADMIN_GROUP,
                 *govinfo_settings.REVIEWER_GROUPS]:
        assert Group.objects.filter(name=name).exists()
    assert Topic.objects.filter(name="政府信息公开年报").exists()
    editors = Group.objects.get(name=govinfo_settings.EDITOR_GROUP)
    assert editors.permissions.filter(codename="access_admin").exists()
    assert not editors.permissions.filter(codename="change_agency").exists()
    assert Permission.objects.filter(group__name=govinfo_settings.ADMIN_GROUP,
                                     codename="change_agency").exists()


def test_setup_reports_missing_project_settings(db, settings):
    """govinfo_setup says what the system checks say (tests/core/test_system_checks.py)."""
    out = io.StringIO()
    call_command("govinfo_setup", stdout=out)
    assert "WARNING" not in out.getvalue()
    del settings.WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT
    out = io.StringIO()
    call_command("govinfo_setup", stdout=out)
    warnings = [line for line in out.getvalue().splitlines() if "WARNING" in line]
    assert len(warnings) == 1 and "govinfo_review.W004" in warnings[0]
    assert "WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT" in warnings[0]


def test_demo_loads_twice_and_releases_through_the_release_service(db, root_page):
    call_command("govinfo_setup", stdout=open("/dev/null", "w"))
    call_command("govinfo_demo", stdout=open("/dev/null", "w"))
    items = CatalogueItemPage.objects.live()
    assert items.count() >= 10
    assert items.filter(agency__name="海丰县交通运输局").count() >= 5
    assert len({i.topic_id for i in items}) >= 5
    assert all(i.index_number for i in items)
    # Every live disclosure page of the demo (items, policies, reports) has its number.
    from govinfo_wagtail.core.models import DisclosurePage
    live = DisclosurePage.objects.live()
    assert IndexNumber.objects.count() == live.count() and all(p.index_number for p in live)
    from wagtail.models import PageLogEntry
    assert PageLogEntry.objects.filter(action="govinfo_core.release",
                                       data__reason="demo").count() >= items.count()
    # Items of earlier years keep a number of their own year (as if moved over from a legacy
    # system), outside the gap-free serials; the year is the publication year, not today's.
    old = items.get(slug="2019-renshi-renmian")
    assert "/2019-" in old.index_number
    assert IndexNumber.objects.get(value=old.index_number).serial is None
    # The guide and the 法定主动公开内容 page are released types: live through the release
    # service too, with their records (the public sees them only so); the statutory page
    # covers every agency (none filled in on release).
    from govinfo_wagtail.catalogue.models import DisclosureGuidePage, StatutoryContentPage
    from govinfo_wagtail.core.models import ReleaseRecord
    for model in (DisclosureGuidePage, StatutoryContentPage):
        page = model.objects.get()
        assert page.live and page.is_released()
        assert ReleaseRecord.objects.get(revision_id=page.live_revision_id).reason == "demo"
    assert StatutoryContentPage.objects.get().agency_id is None
    call_command("govinfo_demo", stdout=open("/dev/null", "w"))
    assert CatalogueItemPage.objects.live().count() == items.count()


def test_demo_sets_every_section_link_to_a_live_page_with_content(db, root_page, client):
    """The demo's 依申请公开 link (navigation, home page tiles, the no-results page) opens a
    live page that says how to apply and lists the application documents; it is no empty
    column for the freshness monitor."""
    from bs4 import BeautifulSoup
    from django.utils import timezone
    from django.utils.translation import override

    from govinfo_wagtail.catalogue.freshness import freshness_report
    from govinfo_wagtail.core.site_settings import PublicSiteSettings

    call_command("govinfo_setup", stdout=open("/dev/null", "w"))
    call_command("govinfo_demo", stdout=open("/dev/null", "w"))
    site = Site.objects.get(is_default_site=True)
    config = PublicSiteSettings.for_site(site)
    assert config.on_request_page_id is not None
    keys = [key for key, _label, _page in config.navigation_links()]
    assert "on_request" in keys
    page = config.on_request_page.specific
    assert page.live
    html = client.get(page.url).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    nav = soup.select_one("nav.govinfo-section-nav .govinfo-section-nav__on_request a")
    assert nav is not None and nav.has_attr("aria-current")
    assert "20个工作日" in html and config.on_request_page.title in html
    assert "政府信息公开申请表" in html  # the column lists its item
    with override("en"):
        report = freshness_report(site, timezone.now())
    assert page.title not in {c.title for c in report.empty}
    # The no-results page offers the same page.
    from django.urls import reverse
    html = client.get(reverse("govinfo:search:search"),
                      {"q": "不存在的词语组合甲乙丙"}).content.decode()
    assert f'href="{page.url}"' in html
    # Loading again keeps one page and the setting.
    call_command("govinfo_demo", stdout=open("/dev/null", "w"))
    assert type(page).objects.filter(slug=page.slug).count() == 1
    assert PublicSiteSettings.for_site(site).on_request_page_id == page.pk


def test_demo_sets_the_annual_reports_link_to_a_live_column_listing_the_reports(
        db, root_page, client):
    """The demo's 年报 navigation link is set like the other sections: a live, released
    column that lists the demo's annual reports."""
    from govinfo_wagtail.core.site_settings import PublicSiteSettings
    from govinfo_wagtail.reports.models import AnnualReportPage

    call_command("govinfo_setup", stdout=open("/dev/null", "w"))
    call_command("govinfo_demo", stdout=open("/dev/null", "w"))
    site = Site.objects.get(is_default_site=True)
    config = PublicSiteSettings.for_site(site)
    assert "annual_reports" in [key for key, _label, _page in config.navigation_links()]
    page = config.annual_reports_page.specific
    assert page.live
    html = client.get(page.url).content.decode()
    report = AnnualReportPage.objects.live().first()
    assert report is not None and report.title in html
    call_command("govinfo_demo", stdout=open("/dev/null", "w"))
    assert type(page).objects.filter(slug=page.slug).count() == 1
    assert PublicSiteSettings.for_site(site).annual_reports_page_id == page.pk
