"""Benchmark: import files built to exhaust a server (issue 12) are refused within 5 s and
300 MB each.

The files are generated at their full sizes (tests/catalogue/hostile_files.py):
(a) a ~0.4 MB .xlsx with one 400 MB cell, as a shared string and as an inline string;
(b) a ~0.7 MB .xlsx with 3 million rows and an unknown header;
(c) a CSV with 100,000 columns.
Each is checked by ``govinfo_import FILE --dry-run`` in a subprocess of its own, on a migrated
SQLite database with one catalogue. Printed per file: the wall time of the command, the peak of
memory it allocated (tracemalloc), the subprocess's peak resident size (getrusage max RSS,
Django and the test settings loaded included) and the refusal it printed.

Run: .venv/bin/python benchmarks/hostile_imports.py   (also part of ``make bench``)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LIMIT_SECONDS, LIMIT_MB = 5.0, 300.0

CHILD = r"""
import io, json, os, resource, sys, time, tracemalloc
sys.path.insert(0, {repo!r}); sys.path.insert(0, {bench!r})
from _django import setup_django
setup_django({database!r}, migrate=False)
from django.core.management import call_command
from django.core.management.base import CommandError
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out = io.StringIO()
tracemalloc.start()
started = time.perf_counter()
try:
    call_command("govinfo_import", {path!r}, "--dry-run", "--no-progress", stdout=out)
    refused = False
except CommandError:
    refused = True
seconds = time.perf_counter() - started
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(json.dumps({{"seconds": seconds, "peak": peak, "refused": refused,
                  "rss_before": rss_before * 1024,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                  "report": out.getvalue()}}))
"""


def _prepare(database: str) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from _django import setup_django

    setup_django(database)
    from wagtail.models import Page

    from govinfo_wagtail.catalogue.models import CatalogueIndexPage
    from govinfo_wagtail.core.release import ReleaseReason, release

    home = Page.objects.get(depth=2)
    catalogue = CatalogueIndexPage(title="政府信息公开目录", slug="xxgk", live=False)
    home.add_child(instance=catalogue)
    release(catalogue.save_revision(), reason=ReleaseReason.BENCHMARK)


def main() -> None:
    sys.path.insert(0, str(REPO))
    from tests.catalogue import hostile_files

    with tempfile.TemporaryDirectory(prefix="govinfo-bench-hostile-") as tmp:
        tmp = Path(tmp)
        database = f"sqlite:///{tmp / 'bench.sqlite3'}"
        # Migrated in a subprocess too: this process stays free of Django for the figures.
        subprocess.run([sys.executable, "-c",
                        f"import sys; sys.path.insert(0, {str(REPO / 'benchmarks')!r}); "
                        f"from hostile_imports import _prepare; _prepare({database!r})"],
                       check=True, cwd=REPO)
        files = {
            "(a) 400 MB cell, shared string": hostile_files.huge_cell_xlsx(tmp / "a.xlsx"),
            "(a) 400 MB cell, inline string": hostile_files.huge_cell_xlsx(
                tmp / "a-inline.xlsx", shared=False),
            "(b) 3,000,000 rows, bad header": hostile_files.many_rows_bad_header_xlsx(
                tmp / "b.xlsx"),
            "(c) 100,000 columns (CSV)": hostile_files.wide_csv(tmp / "c.csv"),
        }
        print(f"{'file':34} {'size':>8} {'time':>8} {'alloc peak':>11} {'max RSS':>9}  "
              f"(limits: {LIMIT_SECONDS:g} s, {LIMIT_MB:g} MB)")
        failed = []
        for label, path in files.items():
            code = CHILD.format(repo=str(REPO), bench=str(REPO / "benchmarks"),
                                database=database, path=str(path))
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  cwd=REPO, timeout=600)
            if done.returncode != 0:
                raise RuntimeError(f"{label}: {done.stderr[-2000:]}")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            peak_mb, rss_mb = result["peak"] / 2**20, result["rss"] / 2**20
            ok = (result["refused"] and result["seconds"] < LIMIT_SECONDS
                  and rss_mb < LIMIT_MB)
            if not ok:
                failed.append(label)
            print(f"{label:34} {path.stat().st_size / 2**20:6.2f}MB {result['seconds']:7.2f}s "
                  f"{peak_mb:9.1f}MB {rss_mb:7.0f}MB  {'ok' if ok else 'OVER LIMIT'}"
                  f"  (RSS before the import {result['rss_before'] / 2**20:.0f} MB)")
            report = result["report"].strip().splitlines()
            print(f"    {len(result['report'])} characters of report: "
                  f"{(report[0] if report else '')[:110]}")
        if failed:
            raise AssertionError(f"over the limits: {', '.join(failed)}")


if __name__ == "__main__":
    main()
