"""A real Varnish in front of the live server (deploy/varnish/default.vcl): public pages come
from the cache; a release or a take-down is what visitors see within a second; drafts,
private pages, previews and logged-in views are never served from it."""

import datetime
import time

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.core.release import ReleaseReason, release
from tests.conftest import add_draft, add_live

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("varnish")]


def hit(headers) -> bool:
    return headers.get("X-Cache") == "HIT" and len(headers["X-Varnish"].split()) == 2


def cached(varnish, path):
    """GET twice; the second answer must come from the cache."""
    varnish.get(path)
    status, headers, body = varnish.get(path)
    assert status == 200 and hit(headers), (path, dict(headers))
    assert int(headers["Age"]) >= 0
    return body


def seen_within(varnish, path, predicate, seconds=1.0):
    """How long after now the cache answers ``path`` as ``predicate`` wants (or fail)."""
    started = time.monotonic()
    while True:
        status, headers, body = varnish.get(path)
        if predicate(status, body):
            return time.monotonic() - started
        assert time.monotonic() - started < seconds, (path, status, dict(headers))
        time.sleep(0.05)


@pytest.fixture
def item(catalogue, agency):
    return add_live(catalogue, CatalogueItemPage(
        title="关于公布道路养护计划的通知", slug="notice", agency=agency,
        published_date=datetime.date(2026, 3, 1), body="<p>养护计划全文</p>"))


def test_public_pages_listings_and_feeds_are_served_from_the_cache(varnish, item):
    assert "关于公布道路养护计划的通知" in cached(varnish, "/xxgk/notice/")
    cached(varnish, "/xxgk/")
    cached(varnish, "/xxgk/?validity=valid")
    cached(varnish, "/xxgk/feed/rss/")
    cached(varnish, "/govinfo/api/search/?q=%E9%81%93%E8%B7%AF")  # 道路


def test_a_release_and_a_take_down_reach_visitors_within_a_second(varnish, item):
    for path in ("/xxgk/notice/", "/xxgk/", "/xxgk/?validity=valid", "/xxgk/feed/rss/"):
        cached(varnish, path)

    page = CatalogueItemPage.objects.get(pk=item.pk)
    page.title = "关于调整道路养护计划的通知"
    release(page.save_revision(), reason=ReleaseReason.TEST)
    for path in ("/xxgk/notice/", "/xxgk/", "/xxgk/?validity=valid", "/xxgk/feed/rss/"):
        seen_within(varnish, path, lambda status, body: "调整道路养护计划" in body)
    cached(varnish, "/xxgk/notice/")  # cached again once fetched

    CatalogueItemPage.objects.get(pk=item.pk).unpublish()
    seen_within(varnish, "/xxgk/notice/", lambda status, body: status == 404)
    for path in ("/xxgk/", "/xxgk/?validity=valid", "/xxgk/feed/rss/"):
        seen_within(varnish, path, lambda status, body: "调整道路养护计划" not in body)


def test_drafts_private_pages_previews_and_editors_views_are_never_cached(
        varnish, catalogue, agency, item, django_user_model, client):
    draft = add_draft(catalogue, CatalogueItemPage(title="未审核草稿", slug="draft",
                                                   agency=agency))
    for _ in range(2):
        status, headers, body = varnish.get("/xxgk/draft/")
        assert status == 404 and not hit(headers)
    release(draft.get_latest_revision(), reason=ReleaseReason.TEST)
    seen_within(varnish, "/xxgk/draft/", lambda status, body: "未审核草稿" in body)

    private = add_live(catalogue, CatalogueItemPage(title="内部工作通知", slug="internal",
                                                    agency=agency))
    restriction = PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.GROUPS)
    group = Group.objects.create(name="内部")
    restriction.groups.add(group)
    user = django_user_model.objects.create_superuser("admin", "a@example.org", "pw")
    user.groups.add(group)
    client.force_login(user)
    session = f"sessionid={client.cookies['sessionid'].value}"

    for _ in range(2):  # the member sees it, uncached; the public is sent to the login
        status, headers, body = varnish.get("/xxgk/internal/", cookie=session)
        assert status == 200 and "内部工作通知" in body and not hit(headers)
        status, headers, body = varnish.get("/xxgk/internal/")
        assert "内部工作通知" not in body and not hit(headers)

    for _ in range(2):  # an editor's view of a public page is not kept for visitors
        status, headers, _body = varnish.get("/xxgk/notice/", cookie=session)
        assert status == 200 and not hit(headers)
    preview = f"/admin/pages/{draft.pk}/edit/preview/"
    for _ in range(2):
        status, headers, _body = varnish.get(preview, cookie=session)
        assert not hit(headers)
        status, headers, body = varnish.get(preview)
        assert not hit(headers) and "未审核草稿" not in body


def test_a_held_import_batch_reaches_visitors_when_its_job_completes(varnish, catalogue,
                                                                       agency):
    from govinfo_wagtail.core.release_batch import complete_held_releases, release_many

    cached(varnish, "/xxgk/")
    pages = [add_draft(catalogue, CatalogueItemPage(title=f"导入事项{i}", slug=f"imp{i}",
                                                    agency=agency)) for i in range(3)]
    batch = release_many([p.get_latest_revision() for p in pages], reason=ReleaseReason.TEST,
                         hold=True)
    assert "导入事项" not in cached(varnish, "/xxgk/")  # held: not public yet
    complete_held_releases(batch.record_ids)
    seen_within(varnish, "/xxgk/", lambda status, body: "导入事项0" in body)
    seen_within(varnish, "/xxgk/imp2/", lambda status, body: status == 200)
