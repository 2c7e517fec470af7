"""Rendering cost of every public page type, uncached (Django alone, no front cache): a full
request through Django's test client, beside a plain Wagtail page with the same title and body
in the same site template (the baseline), at the same depth of the page tree: a page below a
catalogue is compared with a plain page below a plain Wagtail page, so that both pay Wagtail's
routing through the same number of levels. The baseline is measured in the same run,
interleaved: each request of a page type is followed by one of the plain page, and the ratio
is taken between the medians of those pairs, so a shared machine's load moves both alike.
Also the number of queries with 1 and with 20 related items (attachments, interpretations,
policies, amended documents, listed items, the agency's other reports, newest releases).
Goal: each page type at most 1.3x the plain page; query counts the same for 1 and 20.

A page type that lists N things (a listing's rows, a policy's interpretations, the home page's
22 newest releases) is also compared with the plain page listing N links the way a Wagtail
index page does (``page.get_children.live.public``, each child's link, title and date): the
column "x list". That baseline is the plain page with the same body when the body is a list.

The body carries two external links (one to a host outside the exit-prompt allow-list), so
the exit-link rewrite is part of what is measured.

Run: .venv/bin/python benchmarks/bench_render.py [runs]
"""

from __future__ import annotations

import datetime
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
RUNS = 40
LINKS = ('<p>依据<a href="https://www.gd.gov.cn/zwgk/">广东省人民政府</a>有关规定，参见'
         '<a href="https://www.example.org/guide">示例说明</a>。</p>')
BODY = LINKS + "".join(f"<p>第{i}条　为加强农村公路养护管理，提高养护质量，根据有关规定，"
                       f"结合本县实际，制定本办法。各乡镇人民政府负责本辖区农村公路的日常养护工作。</p>"
                       for i in range(1, 13))
TITLE = "关于加强农村公路养护管理的通知"


def setup(database_url: str) -> None:
    """tests.settings on ``database_url``, with the example site's HomePage (title and a
    rich-text body) as the plain page, rendered in the package's site template."""
    sys.path[:0] = [str(REPO), str(REPO / "example_site")]
    os.environ["DATABASE_URL"] = database_url
    from _django import setup_django

    import tests.settings as test_settings

    test_settings.INSTALLED_APPS = ["home", *test_settings.INSTALLED_APPS]
    test_settings.TEMPLATES[0]["DIRS"] = [str(HERE / "templates")]
    setup_django(database_url)


def build():
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile
    from home.models import HomePage
    from wagtail.documents import get_document_model
    from wagtail.models import Page, Site

    from govinfo_wagtail.catalogue.models import (
        CatalogueCollectionPage,
        CatalogueIndexPage,
        CatalogueItemPage,
    )
    from govinfo_wagtail.core.models import Agency, Topic, Validity
    from govinfo_wagtail.core.release import ReleaseReason, release
    from govinfo_wagtail.policies.models import (
        InterpretationPage,
        InterpretedPolicy,
        PolicyDocumentPage,
    )
    from govinfo_wagtail.reports.models import AnnualReportPage

    site = Site.objects.get(is_default_site=True)
    root = site.root_page
    agency = Agency.objects.create(name="海丰县交通运输局", index_code="00704046X")
    topic = Topic.objects.create(name="交通运输")
    Document = get_document_model()

    def live(parent, page):
        page.live = False
        parent.add_child(instance=page)
        return release(page.save_revision(), reason=ReleaseReason.BENCHMARK,
                       override_reason="benchmark")[0]

    def meta(slug, **kwargs):
        return {"title": TITLE, "slug": slug, "agency": agency, "topic": topic, "body": BODY,
                "published_date": datetime.date(2026, 3, 1),
                "document_number": "海交规〔2026〕1号"} | kwargs

    # The baselines: a plain page at each depth the measured pages have (the catalogue's,
    # and one level below it: items, policies, reports, collections).
    plain = HomePage(title=TITLE, slug="plain", body=BODY)
    root.add_child(instance=plain)
    plain.save_revision().publish()
    section = Page(title="栏目", slug="section")
    root.add_child(instance=section)
    section.save_revision().publish()
    deeper = HomePage(title=TITLE, slug="plain", body=BODY)
    section.add_child(instance=deeper)
    deeper.save_revision().publish()
    plain_urls = {plain.url.count("/"): plain.url, deeper.url.count("/"): deeper.url}
    # The plain pages that list 1, 20 or 22 child pages (22: the home page's columns), at
    # both depths.
    list_urls: dict[tuple[int, int], str] = {}
    for parent in (root, section):
        for n in (1, 20, 22):
            listing = HomePage(title=TITLE, slug=f"plainlist{n}", body=BODY)
            parent.add_child(instance=listing)
            listing.save_revision().publish()
            for i in range(n):
                child = HomePage(title=f"{TITLE}（{i}）", slug=f"c{i}", body=BODY)
                listing.add_child(instance=child)
                child.save_revision().publish()
            list_urls[(listing.url.count("/"), n)] = listing.url
    # The example site's home page (the portal home: newest releases, columns of policies,
    # interpretations and reports) is a HomePage too, in its own template.
    home = HomePage(title="海丰县人民政府信息公开", slug="home", body=BODY)
    root.add_child(instance=home)
    home.save_revision().publish()

    def get_template(page, request, *args, **kwargs):
        if page.slug == "plain":
            return "bench/plain_page.html"
        if page.slug.startswith("plainlist"):
            return "bench/plain_list_page.html"
        return "home/home_page.html"

    HomePage.get_template = get_template

    catalogues = {}
    for n in (1, 20):
        catalogues[n] = live(root, CatalogueIndexPage(title=f"目录{n}", slug=f"xxgk{n}"))
    main = live(root, CatalogueIndexPage(title="政府信息公开目录", slug="xxgk"))
    urls: dict[str, dict[int, str]] = {}

    # Items with 1 / 20 attachments.
    urls["catalogue item (attachments)"] = {}
    for n in (1, 20):
        docs = [Document.objects.create(title=f"附件{i}", file=ContentFile(
            f"附件{i}：农村公路养护".encode(), name=f"a{n}-{i}.txt")) for i in range(n)]
        attachments = json.dumps([{"type": "attachment", "value": {"document": d.pk,
                                                                     "title": ""}}
                                  for d in docs])
        page = live(main, CatalogueItemPage(**meta(f"att{n}"), attachments=attachments))
        urls["catalogue item (attachments)"][n] = page.url

    # Items that amended 1 / 20 documents (listed under "documents changed by this").
    urls["catalogue item (amended documents)"] = {}
    for n in (1, 20):
        page = live(main, CatalogueItemPage(**meta(f"amending{n}")))
        for i in range(n):
            live(main, CatalogueItemPage(**meta(f"amended{n}-{i}"), validity=Validity.AMENDED,
                                         validity_changed_on=datetime.date(2026, 4, 1),
                                         validity_changed_by=page))
        urls["catalogue item (amended documents)"][n] = page.url

    # A policy with 1 / 20 interpretations; an interpretation of 1 / 20 policies.
    urls["policy (interpretations)"], urls["interpretation (policies)"] = {}, {}
    for n in (1, 20):
        policy = live(main, PolicyDocumentPage(**meta(f"policy{n}"), category="other",
                                               requires_interpretation=False))
        for i in range(n):
            live(main, InterpretationPage(**meta(f"interp{n}-{i}"),
                                          policy_links=[InterpretedPolicy(policy=policy)]))
        urls["policy (interpretations)"][n] = policy.url
        policies = [live(main, PolicyDocumentPage(**meta(f"p{n}-{i}"), category="other",
                                                  requires_interpretation=False))
                    for i in range(n)]
        interp = live(main, InterpretationPage(
            **meta(f"interp-of{n}"), policy_links=[InterpretedPolicy(policy=p)
                                                   for p in policies]))
        urls["interpretation (policies)"][n] = interp.url

    # Catalogue listings and collections with 1 / 20 items.
    urls["catalogue listing (items)"], urls["collection (items)"] = {}, {}
    kind = ContentType.objects.get_for_model(CatalogueItemPage)
    for n in (1, 20):
        # The collection lists its catalogue's items: those of their own agency.
        own = Agency.objects.create(name=f"目录机关{n}", index_code=f"C{n}")
        for i in range(n):
            live(catalogues[n], CatalogueItemPage(**meta(f"item{i}", agency=own)))
        urls["catalogue listing (items)"][n] = catalogues[n].url
        collection = CatalogueCollectionPage(title=f"集合{n}", slug=f"coll{n}")
        collection.page_types.set([kind])
        collection.agencies.set([own])
        collection = live(catalogues[n], collection)
        urls["collection (items)"][n] = collection.url

    # An annual report with 1 / 20 reports of its agency (the agency section, the charts).
    urls["annual report (agency's reports)"] = {}
    for n in (1, 20):
        other = Agency.objects.create(name=f"报告机关{n}", index_code=f"R{n}")
        for year in range(2019, 2019 + n):
            report = live(main, AnnualReportPage(
                title=f"{year}年政府信息公开工作年度报告", slug=f"r{n}-{year}", year=year,
                agency=other, overview=BODY, published_date=datetime.date(year + 1, 1, 20)))
        urls["annual report (agency's reports)"][n] = report.url
    # The home page's columns list the site's newest releases (8 + 5 + 5 + 4), full here
    # whatever the page: one page, measured once.
    urls["home page (portal columns)"] = {22: home.url}
    return plain_urls, list_urls, urls


def count_queries(client, url) -> int:
    from django.db import connection

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    return len(queries)


def measure(client, targets: list[str], runs) -> list[float]:
    """Median time of each of ``targets``, requested in turn (ms)."""
    times: list[list[float]] = [[] for _ in targets]
    for _ in range(runs):
        for target, into in zip(targets, times, strict=True):
            started = time.perf_counter()
            client.get(target)
            into.append(time.perf_counter() - started)
    return [statistics.median(t) * 1000 for t in times]


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    runs = int(argv[0]) if argv else RUNS
    with tempfile.TemporaryDirectory() as tmp:
        setup(f"sqlite:///{Path(tmp) / 'render.sqlite3'}")
        from django.test import Client
        from django.test.utils import override_settings

        with override_settings(TASKS={"default": {
                "BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
            plain_urls, list_urls, urls = build()
        client = Client()
        base_q = "/".join(str(count_queries(client, url)) for _, url in sorted(plain_urls.items()))
        load = os.getloadavg()
        print(f"uncached render, medians of {runs} requests interleaved with the plain page's "
              f"and the plain list's (SQLite, Django test client; load average {load[0]:.2f} "
              f"{load[1]:.2f})")
        print("x plain: the plain page with the same body; x list: the plain page listing as "
              "many links as the page lists things (1, 20, or the home page's 22)")
        print(f"{'page type':36} {'1 item':>8} {'x plain':>7} {'x list':>6}  "
              f"{'20 items':>8} {'x plain':>7} {'x list':>6}  {'queries 1/20':>12}")
        plain_cells = []
        worst = worst_list = 0.0
        rows = []
        for name, by_n in urls.items():
            cells, counts = [], []
            for n in (1, 20):
                listed = n if n in by_n else 22 if n == 1 and 22 in by_n else None
                if listed is None:
                    cells.append(f"{'-':>8} {'':>7} {'':>6}")
                    continue
                url = by_n[listed]
                counts.append(count_queries(client, url))
                depth = url.count("/")
                ms, plain_ms, list_ms = measure(
                    client, [url, plain_urls[depth], list_urls[(depth, listed)]], runs)
                plain_cells.append(plain_ms)
                worst = max(worst, ms / plain_ms)
                worst_list = max(worst_list, ms / list_ms)
                cells.append(f"{ms:6.1f}ms {ms / plain_ms:6.2f}x {ms / list_ms:5.2f}x")
            flag = "" if len(set(counts)) == 1 else "  <- grows with related items"
            shown = "/".join(str(c) for c in counts)
            rows.append(f"{name:36} {cells[0]}  {cells[1]}  {shown:>12}{flag}")
        print(f"{'plain Wagtail page (baselines)':36} {statistics.median(plain_cells):6.1f}ms "
              f"{1:6.2f}x {'':>6}  {'':>8} {'':>7} {'':>6}  {base_q:>12}")
        print("\n".join(rows))
        print("(home page: its 22 newest releases, in the 1-item column)")
        print(f"goal: <= 1.30x the plain page with the same body (worst {worst:.2f}x against "
              f"the plain page, {worst_list:.2f}x against the plain list); equal query counts")


if __name__ == "__main__":
    main()
