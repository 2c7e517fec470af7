"""Benchmark of ``govinfo_import`` jobs: generated .xlsx files imported as drafts and as
released legacy items (automated checks, index numbers, search index included), beside a
baseline measured in the same run (the same rows released a page at a time), and one ordinary
release beside a plain ``revision.publish()``; then released rows with one attachment each
(``--attachment-rows``), whose rate is printed apart: the 170 rows/s target is for rows
without attachments. tests.settings, migrated from scratch.

`make bench` (no arguments) runs 10,000 rows on SQLite, PostgreSQL and MariaDB, each in a
process of its own, and with GOVINFO_BENCH_FULL=1 also 100,000 rows on PostgreSQL.
GOVINFO_BENCH_IMPORT_ROWS sets the size, GOVINFO_BENCH_IMPORT_DATABASES the databases
(sqlite,postgresql,mysql); GOVINFO_BENCH_PG_URL / GOVINFO_BENCH_MYSQL_URL the servers (their
``_import`` databases are dropped and re-created). One run by hand:
.venv/bin/python benchmarks/bench_import.py --rows N --database DATABASE_URL
The figures of docs/migration.md come from these runs.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import setup_django  # noqa: E402

SEED = 20240501
AGENCIES = [("海丰县人民政府", "县政府", "007040013"),
            ("海丰县交通运输局", "县交通运输局", "00704046X"),
            ("海丰县财政局", "县财政局", "007040638")]
TOPICS = {"政务公开": ["政策文件", "规划计划"], "财政信息": ["财政预决算", "政府采购"],
          "执法监管": ["行政许可", "行政处罚"]}
WORDS = ["农村公路", "养护", "预决算", "公开", "交通运输", "安全生产", "营商环境", "乡村振兴",
         "行政许可", "政府采购", "统计", "实施方案", "管理办法", "工作通知"]


def make_xlsx(path: Path, rows: int, *, legacy_numbers: bool = False,
              attachments: bool = False) -> None:
    """``rows`` generated rows; with ``attachments``, each row names a file of its own in the
    zip that :func:`make_attachments` writes (``files/<n>.txt``)."""
    import openpyxl

    rng = random.Random(SEED)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("目录")
    headers = ["标题", "发布机构", "主题分类", "文号", "成文日期", "发布日期", "有效性", "主题词",
               "摘要", "正文", "类型"]
    if legacy_numbers:
        headers.append("索引号")
    if attachments:
        headers.append("附件")
    sheet.append(headers)
    start = date(2015, 1, 1)
    for n in range(rows):
        agency = rng.choice(AGENCIES)
        parent = rng.choice(list(TOPICS))
        written = start + timedelta(days=rng.randint(0, 3000))
        title = f"关于{rng.choice(WORDS)}{rng.choice(WORDS)}的通知（第{n + 1}号）"
        row = [
            title,
            agency[rng.randint(0, 1)],  # full or short name
            f"{parent}/{rng.choice(TOPICS[parent])}",
            f"海府〔{written.year}〕{n + 1}号" if rng.random() < 0.6 else "",
            written,
            (written + timedelta(days=rng.randint(0, 20))).strftime("%Y年%-m月%-d日"),
            "有效",
            "、".join(rng.sample(WORDS, 3)),
            "".join(rng.choices(WORDS, k=10)),
            "\n".join("".join(rng.choices(WORDS, k=30)) for _ in range(3)),
            "item",
        ]
        if legacy_numbers:
            row.append(f"{agency[2]}/{written.year}-{n + 1:05d}")
        if attachments:
            row.append(f"files/{n + 1}.txt")
        sheet.append(row)
    book.save(path)


def make_attachments(path: Path, rows: int) -> None:
    """A zip of one text attachment per row (about 2 KB of Chinese text each), as an old
    system's export of its attachment folder."""
    import zipfile

    rng = random.Random(SEED + 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n in range(rows):
            text = "\n".join("".join(rng.choices(WORDS, k=40)) for _ in range(6))
            zf.writestr(f"files/{n + 1}.txt", f"附件第{n + 1}号：{text}".encode())


def make_fixtures():
    from django.contrib.auth import get_user_model
    from wagtail.models import Site

    from govinfo_wagtail.catalogue.models import CatalogueIndexPage
    from govinfo_wagtail.core.models import Agency, Topic
    from govinfo_wagtail.core.release import ReleaseReason, release

    for name, short, code in AGENCIES:
        Agency.objects.create(name=name, short_name=short, index_code=code)
    for parent, children in TOPICS.items():
        node = Topic.objects.create(name=parent)
        for child in children:
            Topic.objects.create(name=child, parent=node)
    home = Site.objects.get(is_default_site=True).root_page
    catalogue = CatalogueIndexPage(title="政府信息公开目录", slug="xxgk", live=False)
    home.add_child(instance=catalogue)
    release(catalogue.save_revision(), reason=ReleaseReason.BENCHMARK)
    admin = get_user_model().objects.create_superuser("bench", "bench@example.org", "x")
    return CatalogueIndexPage.objects.get(pk=catalogue.pk), admin


def say(*args) -> None:
    print(*args, flush=True)


def rate(rows: int, seconds: float) -> str:
    return f"{seconds:.1f} s ({rows / seconds:,.1f} rows/s)"


class Timer:
    """Time spent in one function, wrapped for the run (background work of the import that
    runs inline with the immediate task backend: search indexing, reference index)."""

    def __init__(self, owner, name):
        self.seconds = 0.0
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        setattr(owner, name, timed)


def peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    if argv is None and len(sys.argv) == 1 or argv == []:
        return run_all()
    return run_one(argv)


def run_all() -> None:
    """Every database in a process of its own (Django is set up once per process)."""
    import os
    import subprocess

    from bench_search import _url

    rows = int(os.environ.get("GOVINFO_BENCH_IMPORT_ROWS", 10_000))
    runs = [(vendor, rows) for vendor in os.environ.get(
        "GOVINFO_BENCH_IMPORT_DATABASES", "sqlite,postgresql,mysql").split(",") if vendor]
    if os.environ.get("GOVINFO_BENCH_FULL") == "1":
        runs.append(("postgresql", 100_000))
    else:
        say("import: 100,000 rows on PostgreSQL skipped (GOVINFO_BENCH_FULL=1 runs them)")
    say(f"import: load average before the runs {os.getloadavg()[0]:.1f} (2 cores, shared)")
    for vendor, size in runs:
        url = _url(vendor, "_import")
        if url is None:
            continue
        done = subprocess.run([sys.executable, __file__, "--rows", str(size), "--database",
                               url], cwd=REPO)
        if done.returncode:
            say(f"import: the {vendor} run failed (exit status {done.returncode})")
        say(f"import: load average after the {vendor} run {os.getloadavg()[0]:.1f}")


def run_one(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database", default=None,
                        help="DATABASE_URL (default: a temporary SQLite file)")
    parser.add_argument("--attachment-rows", type=int, default=1000,
                        help="Rows imported released with one attachment each (the 170 rows/s "
                             "target is for rows without attachments; this prints their rate).")
    parser.add_argument("--baseline-rows", type=int, default=100,
                        help="Rows imported the old way (a page, a revision and a release at "
                             "a time) as the baseline of the same run.")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="govinfo-bench-import-") as tmp:
        tmp = Path(tmp)
        drafts_file, legacy_file = tmp / "drafts.xlsx", tmp / "legacy.xlsx"
        started = time.perf_counter()
        make_xlsx(drafts_file, args.rows)
        make_xlsx(legacy_file, args.rows, legacy_numbers=True)
        attached_file, archive = tmp / "attached.xlsx", tmp / "attachments.zip"
        make_xlsx(attached_file, args.attachment_rows, attachments=True)
        make_attachments(archive, args.attachment_rows)
        say(f"import: generated two {args.rows:,}-row .xlsx files "
            f"({drafts_file.stat().st_size / 1e6:.1f} MB each) in "
            f"{time.perf_counter() - started:.1f} s")
        setup_django(args.database or f"sqlite:///{tmp / 'bench.sqlite3'}")
        from django.db import connection, transaction
        from wagtail.models import Page

        from govinfo_wagtail.catalogue.importing import jobs, references
        from govinfo_wagtail.catalogue.models import CatalogueIndexPage, CatalogueItemPage
        from govinfo_wagtail.core.release import ReleaseReason, release
        from govinfo_wagtail.search import indexing

        catalogue, admin = make_fixtures()
        search_time = Timer(indexing, "update_pages_index")
        references_time = Timer(references, "update_references")
        vendor = connection.vendor

        # Baseline, same run: the way the import worked before (a page at a time).
        from govinfo_wagtail.core.models import Agency

        agency = Agency.objects.first()
        started = time.perf_counter()
        with transaction.atomic():
            for n in range(args.baseline_rows):
                page = CatalogueItemPage(title=f"基线{n}", slug=f"baseline-{n}", agency=agency,
                                         published_date=date(2016, 1, 1), live=False)
                catalogue.add_child(instance=page)
                release(page.save_revision(user=admin, log_action=True),
                        reason=ReleaseReason.BENCHMARK, user=admin)
        say(f"import: baseline, {args.baseline_rows} released rows a page at a time "
            f"({vendor}): {rate(args.baseline_rows, time.perf_counter() - started)}")

        for label, path, publish in (("drafts", drafts_file, False),
                                     ("released (legacy numbers kept)", legacy_file, True)):
            target = CatalogueIndexPage(title=f"目录{label}", slug=f"xxgk-{int(publish)}",
                                        live=False)
            Page.objects.get(pk=catalogue.get_parent().pk).add_child(instance=target)
            release(target.save_revision(), reason=ReleaseReason.BENCHMARK)
            target = CatalogueIndexPage.objects.get(pk=target.pk)
            search_time.seconds = references_time.seconds = 0.0
            started = time.perf_counter()
            run = jobs.check_file(path, path.name, parent=target, publish=publish)
            assert run.validation.ok, run.validation.problems[:5]
            checked = time.perf_counter() - started
            job = jobs.run_job(path, path.name, run, user=admin, reason="基准测试：从旧系统迁移")
            seconds = time.perf_counter() - started
            assert job.created == args.rows, job.created
            background = references_time.seconds
            say(f"import: {args.rows:,} rows as {label} ({vendor}): "
                f"{rate(args.rows, seconds)} in all [validation {checked:.1f} s; search "
                f"indexing {search_time.seconds:.1f} s; Wagtail reference index (a background "
                f"task, run inline here) {background:.1f} s]; without the reference index "
                f"{rate(args.rows, seconds - background)}; peak RSS {peak_mb():.0f} MB")

        # Released rows with one attachment each: the documents, their text extracted in the
        # job before the batch is released, and found by search.
        if args.attachment_rows:
            from govinfo_wagtail.catalogue.importing.attachments import AttachmentSource

            target = CatalogueIndexPage(title="目录附件", slug="xxgk-attached", live=False)
            Page.objects.get(pk=catalogue.get_parent().pk).add_child(instance=target)
            release(target.save_revision(), reason=ReleaseReason.BENCHMARK)
            target = CatalogueIndexPage.objects.get(pk=target.pk)
            source = AttachmentSource(archive)
            search_time.seconds = 0.0
            started = time.perf_counter()
            run = jobs.check_file(attached_file, attached_file.name, parent=target,
                                  publish=True, attachments=source)
            assert run.validation.ok, run.validation.problems[:5]
            job = jobs.run_job(attached_file, attached_file.name, run, user=admin,
                               reason="基准测试：从旧系统迁移")
            seconds = time.perf_counter() - started
            source.close()
            assert job.created == args.attachment_rows, job.created
            from wagtail.documents import get_document_model

            from govinfo_wagtail.search.models import SearchDocument

            found = SearchDocument.objects.filter(
                page__path__startswith=target.path, plain__contains="附件第1号").count()
            say(f"import: {args.attachment_rows:,} released rows with one attachment each "
                f"({vendor}): {rate(args.attachment_rows, seconds)} in all [search indexing "
                f"{search_time.seconds:.1f} s; {get_document_model().objects.count():,} "
                f"documents; the first attachment's text found in {found} search "
                f"document(s)]; peak RSS {peak_mb():.0f} MB")

        # One ordinary release beside a plain revision.publish() of the same kind of page.
        def median(values):
            values = sorted(values)
            return values[len(values) // 2] * 1000

        timings, plain = [], []
        for n in range(21):
            page = CatalogueItemPage(title=f"单条{n}", slug=f"single-{n}", agency=agency,
                                     live=False)
            catalogue.add_child(instance=page)
            revision = page.save_revision(user=admin)
            with transaction.atomic():  # background work (after commit) excluded
                started = time.perf_counter()
                release(revision, reason=ReleaseReason.BENCHMARK, user=admin)
                timings.append(time.perf_counter() - started)
            other = Page(title=f"普通{n}", slug=f"plain-{n}", live=False)
            catalogue.get_parent().add_child(instance=other)
            revision = other.save_revision(user=admin)
            with transaction.atomic():
                started = time.perf_counter()
                revision.publish(user=admin)
                plain.append(time.perf_counter() - started)
        say(f"import: one release ({vendor}): median {median(timings):.0f} ms; a plain "
            f"revision.publish() of a Wagtail page: median {median(plain):.0f} ms")


if __name__ == "__main__":
    main()
