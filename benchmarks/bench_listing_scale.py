"""A catalogue listing at a county's size, uncached: one section holding N items (20,000 by
default; 100,000 with GOVINFO_BENCH_FULL=1) of 60 agencies, under a taxonomy of 20 topics
with 4 subtopics each, over ten years, some amended or repealed; every item live through a
release record, as the release service leaves it.

Each listing a visitor reaches from the filter bar and the pager is requested through
Django's test client (the whole request: routing, the release rule, the filter bar, the
topic tree, the rows), beside the plain Wagtail page at the same depth in the same run,
interleaved; printed: the median time, its ratio to the plain page, and the number of
queries. The listing's cost should not grow with the section: its queries read the
section's indexes, and what Python handles is a page of rows, the taxonomy and the agencies.

The items are inserted as rows (pages, revisions and release records, as the release
service writes them): releasing 100,000 pages one by one would measure the release service.

Run: .venv/bin/python benchmarks/bench_listing_scale.py
Environment: GOVINFO_BENCH_FULL=1 (100,000 items), GOVINFO_BENCH_LISTING_ITEMS (a size of
your own), GOVINFO_BENCH_DATABASES (sqlite,postgresql,mysql; default: sqlite,postgresql),
GOVINFO_BENCH_LISTING_PG_URL / _MYSQL_URL (databases dropped and re-created).
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _django import setup_django  # noqa: E402
from bench_render import count_queries as _queries  # noqa: E402
from bench_search import _insert_rows  # noqa: E402

DEFAULT_ITEMS = 20_000
FULL_ITEMS = 100_000
RUNS = 15
SEED = 20261204
PG_URL = "postgres://postgres@127.0.0.1:5432/govinfo_listing_bench"
MYSQL_URL = "mysql://root@127.0.0.1:3306/govinfo_listing_bench"
BATCH = 2000


def _load(n: int) -> dict:
    """The section, its taxonomy and agencies, and ``n`` live items; returns what the
    listings filter by."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from wagtail.models import Page, Revision, Site

    from govinfo_wagtail.catalogue.models import CatalogueIndexPage, CatalogueItemPage
    from govinfo_wagtail.core.models import Agency, DisclosurePage, ReleaseRecord, Topic
    from govinfo_wagtail.core.release import ReleaseReason, release

    rng = random.Random(SEED)
    agencies = [Agency.objects.create(name=f"海丰县第{i + 1}局", index_code=f"0070{i:05d}")
                for i in range(60)]
    parents = [Topic.objects.create(name=f"主题{i + 1}", sort_order=i) for i in range(20)]
    topics = [Topic.objects.create(name=f"子主题{i + 1}-{j + 1}", parent=parent, sort_order=j)
              for i, parent in enumerate(parents) for j in range(4)]
    root = Site.objects.get(is_default_site=True).root_page
    section = CatalogueIndexPage(title="政府信息公开目录", slug="xxgk", live=False)
    root.add_child(instance=section)
    release(section.save_revision(), reason=ReleaseReason.BENCHMARK)
    section.refresh_from_db()
    plain = Page(title="栏目", slug="plain-section")
    root.add_child(instance=plain)
    plain.save_revision().publish()
    leaf = Page(title="关于加强农村公路养护管理的通知", slug="plain")
    plain.add_child(instance=leaf)
    leaf.save_revision().publish()

    kind = ContentType.objects.get_for_model(CatalogueItemPage)
    base = ContentType.objects.get_for_model(Page)
    first_page = Page.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1
    first_revision = Revision.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1
    start = date(2016, 1, 1)
    released_at = datetime(2026, 1, 1, tzinfo=UTC)
    validities = ["valid"] * 17 + ["amended", "repealed", "expired"]
    for lo in range(0, n, BATCH):
        pages, revisions, records = [], [], []
        for i in range(lo, min(n, lo + BATCH)):
            page_id, revision_id = first_page + i, first_revision + i
            published = start + timedelta(days=rng.randint(0, 3650))
            agency = agencies[rng.randrange(60)]
            title = f"关于{published.year}年第{i + 1}批农村公路养护工作的通知"
            pages.append(CatalogueItemPage(
                id=page_id, page_ptr_id=page_id, disclosurepage_ptr_id=page_id, title=title,
                draft_title=title, slug=f"item-{i}",
                path=Page._get_path(section.path, section.depth + 1, i + 1),
                depth=section.depth + 1, numchild=0, url_path=f"{section.url_path}item-{i}/",
                content_type=kind, locale_id=section.locale_id, live=True,
                has_unpublished_changes=False, live_revision_id=revision_id,
                latest_revision_id=revision_id, first_published_at=released_at,
                last_published_at=released_at,
                index_number=f"{agency.index_code}/{published.year}-{i + 1:06d}",
                agency=agency, topic=rng.choice(topics), published_date=published,
                written_date=published, validity=rng.choice(validities),
                body=f"<p>{title}。</p>", summary=""))
            revisions.append(Revision(
                id=revision_id, content_type=kind, base_content_type=base,
                object_id=str(page_id), created_at=released_at, object_str=title,
                content={}))
            records.append(ReleaseRecord(page_id=page_id, revision_id=revision_id,
                                         reason=ReleaseReason.BENCHMARK,
                                         released_at=released_at))
        with transaction.atomic():
            Page.objects.bulk_create([Page(**{f.attname: getattr(p, f.attname)
                                              for f in Page._meta.concrete_fields})
                                      for p in pages])
            _insert_rows(DisclosurePage, pages)
            _insert_rows(CatalogueItemPage, pages)
            Revision.objects.bulk_create(revisions)
            ReleaseRecord.objects.bulk_create(records)
    Page.objects.filter(pk=section.pk).update(numchild=n)
    _analyze()
    return {"section": section, "plain": leaf, "agency": agencies[7], "topic": parents[3],
            "subtopic": topics[13]}


def _analyze() -> None:
    from django.db import connection

    statement = {"sqlite": "ANALYZE", "postgresql": "ANALYZE",
                 "mysql": None}[connection.vendor]
    if statement:
        with connection.cursor() as cursor:
            cursor.execute(statement)


def worker(vendor: str, url: str, n: int) -> None:
    setup_django(url)
    from django.test import Client

    t = time.perf_counter()
    found = _load(n)
    loaded = time.perf_counter() - t
    section, plain = found["section"].url, found["plain"].url
    listings = [
        ("unfiltered, page 1", ""),
        ("unfiltered, page 50", "?page=50"),
        ("unfiltered, last page", f"?page={-(-n // 20)}"),
        ("a topic with its subtopics", f"?topic={found['topic'].pk}"),
        ("a subtopic", f"?topic={found['subtopic'].pk}"),
        ("an agency", f"?agency={found['agency'].pk}"),
        ("a year", "?year=2021"),
        ("repealed", "?validity=repealed"),
        ("agency + year + page 2", f"?agency={found['agency'].pk}&year=2021&page=2"),
    ]
    client = Client()
    print(f"{vendor}: {n:,} items in one section, 60 agencies, 100 topics "
          f"(loaded in {loaded:.0f} s); medians of {RUNS} requests, each followed by the plain "
          f"page's; load average {os.getloadavg()[0]:.2f}", flush=True)
    print(f"  {'listing':32} {'ms':>8} {'x plain':>8} {'queries':>8}")
    plain_times = []
    for name, query in listings:
        target = section + query
        queries = _queries(client, target)
        _queries(client, plain)
        mine, theirs = [], []
        for _ in range(RUNS):
            started = time.perf_counter()
            client.get(target)
            mine.append(time.perf_counter() - started)
            started = time.perf_counter()
            client.get(plain)
            theirs.append(time.perf_counter() - started)
        ms, plain_ms = statistics.median(mine) * 1000, statistics.median(theirs) * 1000
        plain_times.append(plain_ms)
        print(f"  {name:32} {ms:8.1f} {ms / plain_ms:7.2f}x {queries:8}", flush=True)
    print(f"  {'plain Wagtail page (baseline)':32} {statistics.median(plain_times):8.1f} "
          f"{1:7.2f}x {_queries(client, plain):8}", flush=True)


def _reset(vendor: str, url: str) -> bool:
    """Drop and create the benchmark's database; False when the server is not there."""
    from urllib.parse import urlparse

    name = urlparse(url).path.lstrip("/")
    try:
        if vendor == "postgresql":
            for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
                subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql],
                               check=True, capture_output=True)
        else:
            subprocess.run(["mariadb", "-h", "127.0.0.1", "-u", "root", "-e",
                            f"DROP DATABASE IF EXISTS `{name}`; CREATE DATABASE `{name}` "
                            "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"],
                           check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"{vendor}: skipped, its server is not reachable ({exc})")
        return False
    return True


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        return worker(sys.argv[2], sys.argv[3], int(os.environ["GOVINFO_BENCH_LISTING_N"]))
    n = int(os.environ.get("GOVINFO_BENCH_LISTING_ITEMS") or (
        FULL_ITEMS if os.environ.get("GOVINFO_BENCH_FULL") else DEFAULT_ITEMS))
    if n < FULL_ITEMS:
        print(f"listing at scale: {n:,} items (GOVINFO_BENCH_FULL=1 runs {FULL_ITEMS:,})")
    vendors = os.environ.get("GOVINFO_BENCH_DATABASES", "sqlite,postgresql").split(",")
    with tempfile.TemporaryDirectory() as tmp:
        for vendor in vendors:
            url = {"sqlite": f"sqlite:///{Path(tmp) / 'listing.sqlite3'}",
                   "postgresql": os.environ.get("GOVINFO_BENCH_LISTING_PG_URL", PG_URL),
                   "mysql": os.environ.get("GOVINFO_BENCH_LISTING_MYSQL_URL", MYSQL_URL),
                   }[vendor]
            if vendor != "sqlite" and not _reset(vendor, url):
                continue
            # A process per database: Django is configured once per process.
            subprocess.run([sys.executable, __file__, "--worker", vendor, url], check=True,
                           env=os.environ | {"GOVINFO_BENCH_LISTING_N": str(n)})


if __name__ == "__main__":
    main()
