import pytest
from wagtail.models import Page, Site

from govinfo_wagtail.core.models import Agency, Topic
from govinfo_wagtail.core.release import ReleaseReason, release


@pytest.fixture
def root_page(db) -> Page:
    """The default site's root page (Wagtail's initial 'Welcome' page)."""
    return Site.objects.get(is_default_site=True).root_page


@pytest.fixture
def agency(db) -> Agency:
    return Agency.objects.create(
        name="海丰县交通运输局", short_name="县交通运输局", credit_code="1144152100704046XU",
        index_code="00704046X",
    )


@pytest.fixture
def topic(db) -> Topic:
    return Topic.objects.create(name="政策文件")


@pytest.fixture
def catalogue(root_page):
    from govinfo_wagtail.catalogue.models import CatalogueIndexPage

    page = CatalogueIndexPage(title="政府信息公开目录", slug="xxgk", live=False)
    root_page.add_child(instance=page)
    release(page.save_revision(), reason=ReleaseReason.TEST)
    page.refresh_from_db()
    return page


def add_draft(parent: Page, page: Page) -> Page:
    page.live = False
    parent.add_child(instance=page)
    page.save_revision()
    return page


def add_live(parent: Page, page: Page) -> Page:
    """Create a page and release it through the release service, as the demo loader does."""
    add_draft(parent, page)
    return release(page.get_latest_revision(), reason=ReleaseReason.TEST)[0]
