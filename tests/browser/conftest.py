"""Headless Chromium (Playwright, sync API) against pytest-django's live server.

Debian's ``chromium`` package is the browser: Playwright's own browser download is never
used. Without it these tests fail (they do not skip) and say which package to install;
``make test`` installs it through scripts/system-deps.sh.
"""

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from govinfo_wagtail.core.models import Agency, Topic
from tests.search.factories import item as search_item

BROWSER_DIR = Path(__file__).resolve().parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            # live_server needs committed data (transactional DB). Each test flushes the
            # database when it ends, which would also drop the default Site and root page the
            # migrations create; serialized_rollback puts them back before every test.
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


def chromium_path() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.fail(
            "Chromium is not installed: the browser tests need Debian's `chromium` package "
            "(`sudo apt-get install --no-install-recommends chromium`; `make test` installs it "
            "via scripts/system-deps.sh). Playwright's browser download is not used.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="package")
def browser(django_db_setup, django_db_blocker):
    """One Chromium for all browser tests.

    Package scope is the browser-test session: pytest-django runs the transactional tests
    (these included) together, so this closes right after the last browser test rather than
    at the end of the run, and the event loop Playwright keeps running (see below) does not
    leak into the rest of the suite.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    # Playwright's sync API keeps an asyncio event loop running in this thread while it is
    # started, so Django sees a "running event loop" and refuses ORM calls made by the tests
    # and fixtures (SynchronousOnlyOperation). Nothing here is async code sharing that loop:
    # the ORM calls are ordinary blocking calls between Playwright calls, which is safe. Set
    # only while Playwright runs, so the check stays on for the rest of the suite.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    connections_before = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    # With an event loop running, Django also switches to per-context connection objects
    # (asgiref's Local): fresh ones that lack the test database's serialized contents (so
    # serialized_rollback would restore nothing) and that are not the ones the live server
    # thread shares for in-memory SQLite. Keep using this thread's own connections.
    for alias, connection in connections_before.items():
        connections[alias] = connection
    try:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
        _restore_migration_data(django_db_blocker)


def _restore_migration_data(django_db_blocker):
    """Leave the database as the browser tests found it.

    The last transactional test ends with a flush; later transactional tests that do not ask
    for serialized_rollback would then miss the default Site and root page.
    """
    from django.db import connections

    with django_db_blocker.unblock():
        for conn in connections.all(initialized_only=True):
            contents = getattr(conn, "_test_serialized_contents", None)
            if contents:
                conn.creation.deserialize_db_from_string(contents)


def _new_page(browser, **options):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    return context, page


@pytest.fixture
def page(browser, live_server):
    """A desktop page (1280x900) in a fresh zh-CN browser context."""
    context, page = _new_page(browser, viewport=DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A phone-sized page (390x844, mobile viewport and touch) in a fresh zh-CN context."""
    context, page = _new_page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    yield page
    context.close()


@pytest.fixture
def nojs_page(browser, live_server):
    """A desktop page with JavaScript switched off, as some older or locked-down browsers are."""
    context, page = _new_page(browser, viewport=DESKTOP, java_script_enabled=False)
    yield page
    context.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open more pages at any size: ``new_page(viewport=PHONE, is_mobile=True)``."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", DESKTOP)
        context, page = _new_page(browser, **options)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def corpus(catalogue, agency, topic):
    """Four budget items of two agencies under one topic: the public search's browser tests
    search them for 预算 and narrow by agency (the finance bureau has two)."""
    finance = Agency.objects.create(name="海丰县财政局", index_code="007040638")
    budget = Topic.objects.create(name="财政预决算")
    pages = [
        search_item(
            catalogue,
            "海丰县2021年部门预算公开",
            agency=finance,
            topic=budget,
            published=date(2021, 3, 1),
            document_number="海财〔2021〕5号",
            body="<p>2021年一般公共预算收入安排28.6亿元。</p>",
        ),
        search_item(
            catalogue,
            "海丰县交通运输局2021年部门预算",
            agency=agency,
            topic=budget,
            published=date(2021, 4, 1),
            body="<p>交通运输局部门预算说明。</p>",
        ),
        search_item(
            catalogue,
            "海丰县2022年三公经费预算情况说明",
            agency=finance,
            topic=budget,
            published=date(2022, 4, 6),
            body="<p>三公经费预算合计386万元。</p>",
        ),
        search_item(
            catalogue,
            "海丰县交通运输局2022年部门预算",
            agency=agency,
            topic=budget,
            published=date(2022, 2, 1),
            body="<p>交通运输局2022年预算。</p>",
        ),
    ]
    return {"pages": pages, "finance": finance, "transport": agency, "budget": budget}
