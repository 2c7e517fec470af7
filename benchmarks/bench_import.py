"""Benchmark of ``govinfo_import``: a generated 10,000-row .xlsx file, checked (dry run) and
imported as drafts into a temporary SQLite database (tests.settings, migrated from scratch).

Run: .venv/bin/python benchmarks/bench_import.py [--rows N] [--publish]
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


def make_xlsx(path: Path, rows: int, *, legacy_numbers: bool = False) -> None:
    import openpyxl

    rng = random.Random(SEED)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("目录")
    headers = ["标题", "发布机构", "主题分类", "文号", "成文日期", "发布日期", "有效性", "主题词",
               "摘要", "正文", "类型"]
    if legacy_numbers:
        headers.append("索引号")
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
        sheet.append(row)
    book.save(path)


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
    return f"{seconds:.1f} s ({rows / seconds:,.0f} rows/s)"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--publish", action="store_true",
                        help="Also time a --publish import (legacy numbers kept) of the same size.")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="govinfo-bench-import-") as tmp:
        tmp = Path(tmp)
        xlsx = tmp / "import.xlsx"
        started = time.perf_counter()
        make_xlsx(xlsx, args.rows)
        say(f"import: generated {args.rows:,}-row .xlsx ({xlsx.stat().st_size / 1e6:.1f} MB) "
              f"in {time.perf_counter() - started:.1f} s")
        setup_django(f"sqlite:///{tmp / 'bench.sqlite3'}")
        from django.db import connection, transaction

        from govinfo_wagtail.catalogue.importing import import_rows, read_table, validate
        from govinfo_wagtail.core.models import DisclosurePage

        catalogue, admin = make_fixtures()
        data = xlsx.read_bytes()

        started = time.perf_counter()
        table = read_table(data, xlsx.name)
        read_seconds = time.perf_counter() - started
        validation = validate(table, parent=catalogue)
        seconds = time.perf_counter() - started
        assert validation.ok, validation.problems[:5]
        say(f"import: {args.rows:,} rows dry-run: {rate(args.rows, seconds)} "
              f"[reading the .xlsx: {read_seconds:.1f} s]")

        # The import is one transaction; what runs after its commit (search indexing of the
        # new drafts, queued by govinfo_wagtail.search) is timed separately.
        started = time.perf_counter()
        with transaction.atomic():
            pages = import_rows(validation.rows, parent=catalogue, user=admin)
            in_transaction = time.perf_counter() - started
        seconds = time.perf_counter() - started
        assert len(pages) == args.rows == DisclosurePage.objects.filter(live=False).count()
        say(f"import: {args.rows:,} rows as drafts ({connection.vendor}): "
              f"{rate(args.rows, in_transaction)}; after the commit, search indexing "
              f"{seconds - in_transaction:.1f} s; total {rate(args.rows, seconds)}")

        if args.publish:
            xlsx2 = tmp / "legacy.xlsx"
            make_xlsx(xlsx2, args.rows, legacy_numbers=True)
            started = time.perf_counter()
            validation = validate(read_table(xlsx2.read_bytes(), xlsx2.name), parent=catalogue,
                                  publish=True)
            assert validation.ok, validation.problems[:5]
            with transaction.atomic():
                import_rows(validation.rows, parent=catalogue, user=admin, publish=True,
                            reason="基准测试：从旧系统迁移")
                in_transaction = time.perf_counter() - started
            seconds = time.perf_counter() - started
            say(f"import: {args.rows:,} rows --publish (check + release, legacy numbers): "
                  f"{rate(args.rows, in_transaction)}; after the commit, search indexing "
                  f"{seconds - in_transaction:.1f} s; total {rate(args.rows, seconds)}")


if __name__ == "__main__":
    main()
