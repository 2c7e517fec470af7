from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page, Site

from govinfo_wagtail.conf import govinfo_settings
from govinfo_wagtail.core.models import Agency, Topic
from govinfo_wagtail.core.release import ReleaseReason, release
from govinfo_wagtail.core.setup import run_setup

MIGRATION_DATA: dict[str, str] = {}
# Transactional test modules outside tests/search (which has its own rule) that need what the
# migrations created after another transactional test flushed it. Django's
# serialized_rollback cannot do it here: it reloads pages whose content types a flush and
# post_migrate gave other ids.
NEEDS_MIGRATION_DATA = {"test_task_worker.py", "test_varnish.py", "test_import_job_concurrency.py",
                        "test_edge.py", "test_prepared.py"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.path)).name in NEEDS_MIGRATION_DATA:
            # First, so that it is torn down after the database fixture's flush.
            item.fixturenames.insert(0, "_migration_data")


@pytest.fixture
def _migration_data(django_db_setup, django_db_blocker):
    from tests.search.conftest import restore_migration_data

    with django_db_blocker.unblock():
        restore_migration_data(MIGRATION_DATA["snapshot"])
    yield
    with django_db_blocker.unblock():
        restore_migration_data(MIGRATION_DATA["snapshot"])


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, and a snapshot of what its migrations created (default site, root
    page, locale, collections), taken before any transactional test can flush it: the search
    tests put it back after such flushes (tests/search/conftest.py)."""
    from tests.search.conftest import snapshot_migration_data

    with django_db_blocker.unblock():
        MIGRATION_DATA["snapshot"] = snapshot_migration_data()


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


def grant_permission(holder, permission: str) -> None:
    """Give a group or a user the permission "app_label.codename", as the group editor does."""
    from django.contrib.auth.models import Permission

    app_label, codename = permission.split(".", 1)
    perm = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    (holder.permissions if isinstance(holder, Group) else holder.user_permissions).add(perm)


def add_draft(parent: Page, page: Page) -> Page:
    page.live = False
    parent.add_child(instance=page)
    page.save_revision()
    return page


def add_live(parent: Page, page: Page) -> Page:
    """Create a page and release it through the release service, as the demo loader does."""
    add_draft(parent, page)
    return release(page.get_latest_revision(), reason=ReleaseReason.TEST)[0]


@pytest.fixture
def setup_done(catalogue):
    """The package's groups and the 三审 workflow on the catalogue (govinfo_setup)."""
    run_setup(log=lambda *_: None)


@pytest.fixture
def users(django_user_model, setup_done):
    """One user per role of the review, shared by the review and policies tests."""
    def make(name, *groups, superuser=False):
        user = django_user_model.objects.create_user(name, f"{name}@example.org", "pw",
                                                     is_superuser=superuser, is_staff=superuser)
        for group in groups:
            user.groups.add(Group.objects.get(name=group))
        return user

    political, policy, wording = govinfo_settings.REVIEWER_GROUPS
    return {
        "editor": make("editor", govinfo_settings.EDITOR_GROUP),
        "political": make("political", political),
        "policy": make("policy", policy),
        "wording": make("wording", wording),
        "siteadmin": make("siteadmin", govinfo_settings.ADMIN_GROUP),
        "superuser": make("superuser", superuser=True),
        # In every reviewer group: separation of duties is what stops them.
        "allrounder": make("allrounder", political, policy, wording),
    }
