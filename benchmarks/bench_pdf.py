"""Benchmark of the annual report PDF: the demo's 2020 report (tables, two charts) rendered
with WeasyPrint several times; prints the median beside the first, cold render (which also
loads the 11 MB packaged Noto Serif SC) as the baseline.

Run: .venv/bin/python benchmarks/bench_pdf.py [runs]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import setup_django  # noqa: E402

RUNS = 7


def load_reports():
    from django.contrib.auth import get_user_model
    from wagtail.models import Site
    from wagtail.signals import page_published

    from govinfo_wagtail.catalogue.models import CatalogueIndexPage
    from govinfo_wagtail.core.demo import DemoContext
    from govinfo_wagtail.core.models import Agency, Topic
    from govinfo_wagtail.core.release import ReleaseReason, release
    from govinfo_wagtail.reports.demo import AGENCY, load_demo
    from govinfo_wagtail.reports.models import AnnualReportPage

    # Render only under the stopwatch, not in the background task of each release.
    page_published.disconnect(dispatch_uid="govinfo_reports_pdf", sender=AnnualReportPage)
    site = Site.objects.get(is_default_site=True)
    agency = Agency.objects.create(name=AGENCY, index_code="00704046X")
    topic = Topic.objects.create(name="政府信息公开年报")
    admin = get_user_model().objects.create_superuser("bench", "bench@example.org", "x")
    catalogue = CatalogueIndexPage(title="政府信息公开目录", slug="xxgk", live=False)
    site.root_page.add_child(instance=catalogue)
    release(catalogue.save_revision(), reason=ReleaseReason.BENCHMARK)
    load_demo(DemoContext(site=site, home=site.root_page, catalogue=catalogue,
                          agencies={AGENCY: agency}, topics={topic.name: topic}, admin=admin),
              log=lambda *a: None)
    return AnnualReportPage.objects.get(year=2020)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    runs = int(argv[0]) if argv else RUNS
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        from govinfo_wagtail.reports.pdf import build_report_pdf

        report = load_reports()
        started = time.perf_counter()
        first = build_report_pdf(report)
        cold = time.perf_counter() - started
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            build_report_pdf(report)
            times.append(time.perf_counter() - started)
    median = statistics.median(times)
    print(f"demo 2020 report PDF: {len(first) / 1024:.0f} KiB")
    print(f"baseline (first, cold render): {cold:.2f} s")
    print(f"median of {runs} renders:       {median:.2f} s "
          f"(min {min(times):.2f} s, max {max(times):.2f} s; {cold / median:.1f}x the cold one)")


if __name__ == "__main__":
    main()
