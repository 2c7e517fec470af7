"""Public search at scale: generated Chinese disclosure items on SQLite and PostgreSQL.

For each database: indexing throughput (analysis + SearchDocument rows, and end to end through
the release service and the index task for a sample), then p50/p95 of 30 queries (some with
facet filters) through the package's search service, each beside the raw floor on the same
data (SQLite FTS5 ``MATCH … ORDER BY bm25 LIMIT 20``; PostgreSQL stored tsvector + GIN
``ORDER BY ts_rank … LIMIT 20``, and RUM ``ORDER BY tsv <=> q LIMIT 20`` when installed).
Stock Wagtail search is not re-timed: see the figures cited from stack-facts.md at the end.
GOVINFO_BENCH_REUSE=1 keeps the PostgreSQL database of the previous run and only times the
queries again (no indexing figures).

Run:  .venv/bin/python benchmarks/bench_search.py
Size: GOVINFO_BENCH_FULL=1 runs the 100,000-item catalogues (the size of the targets: the
      30-query benchmark on each database and the buried relevance set on PostgreSQL; about
      10 minutes of loading each); without it they are skipped, and the output says so, and
      the 30-query benchmark runs at 20,000 items. GOVINFO_BENCH_SEARCH_ITEMS sets that size
      (a quick look: GOVINFO_BENCH_SEARCH_ITEMS=2000 .venv/bin/python benchmarks/bench_search.py)
PostgreSQL: GOVINFO_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/govinfo_search_bench;
      the database is dropped and re-created). GOVINFO_BENCH_DATABASES=sqlite,postgresql.
Buried relevance set: GOVINFO_BENCH_BURIED (vendor:items, ...), each in a database of its own
      (``<name>_buried_<items>``); GOVINFO_BENCH_REUSE=1 also re-times a buried set already
      loaded there by an earlier run.

The bulk of the items is inserted as rows (releasing 100,000 pages one by one would take
hours and measure the release service, not search); the end-to-end sample goes through the
release service with ReleaseReason.BENCHMARK.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import setup_django  # noqa: E402

FULL_ITEMS = 100_000  # the size the targets are set for; loading takes ~10 min a database
DEFAULT_ITEMS = 20_000  # without GOVINFO_BENCH_FULL
QUICK_LIMIT = 20_000  # larger runs only with GOVINFO_BENCH_FULL=1
SEED = 20241130
PG_URL = "postgres://postgres@127.0.0.1:5432/govinfo_search_bench"
MYSQL_URL = "mysql://root@127.0.0.1:3306/govinfo_search_bench"
# GOVINFO_BENCH_BURIED: the buried relevance set, vendor:items (the sizes)
BURIED_RUNS = "sqlite:20000,postgresql:20000,mysql:20000,postgresql:100000"
END_TO_END_SAMPLE = 100
ROUNDS = 3  # timed runs per query

PLACES = ["海丰县", "梅陇镇", "公平镇", "可塘镇", "陶河镇", "赤坑镇", "大湖镇", "联安镇", "城东镇"]
SUBJECTS = [
    "渔业", "农村公路", "养护", "预算", "决算", "三公经费", "政府采购", "交通运输", "安全生产",
    "营商环境", "乡村振兴", "行政许可", "行政处罚", "义务教育", "招生", "医疗保险", "疫苗接种",
    "防汛", "防台风", "森林防火", "生猪", "耕地", "补贴", "公共租赁住房", "老旧小区改造",
    "垃圾分类", "自来水", "价格听证", "国土空间规划", "建设用地", "非物质文化遗产", "招聘",
    "人事任免", "统计公报", "环境影响评价", "水利工程", "河长制", "最低生活保障", "养老服务",
    "残疾人", "退役军人", "消防", "燃气", "出租汽车", "公交线路", "电动自行车", "食品安全",
]
DOC_TYPES = ["的通知", "的公告", "实施方案", "管理办法", "工作报告", "情况公示", "的通报", "的批复"]
FILLER = [
    "为进一步做好相关工作，", "根据有关法律法规规定，", "经县人民政府同意，",
    "现将有关事项通知如下。",
    "各镇人民政府，县政府各部门：", "请结合实际认真贯彻执行。", "加强组织领导，明确责任分工，",
    "切实保障人民群众合法权益。", "全面落实各项工作措施，", "确保按时完成年度目标任务。",
    "对工作中发现的问题及时整改，", "进一步提高服务质量和水平。", "主动接受社会监督。",
    "按照属地管理原则，", "资金全部通过国库集中支付，", "具体实施办法另行制定。",
]
QUERIES = [  # (query, facet) — words from very rare to very common, several words, 文号
    ("渔业", None), ("农村公路 养护", None), ("预算", "agency"), ("三公经费", None),
    ("政府采购", "year"), ("交通运输", None), ("安全生产", "agency"), ("营商环境", None),
    ("乡村振兴", "year"), ("行政许可", None), ("义务教育 招生", None), ("医疗保险", "agency"),
    ("疫苗接种", None), ("防汛 防台风", None), ("森林防火", "year"), ("生猪", None),
    ("耕地 补贴", None), ("公共租赁住房", "agency"), ("老旧小区改造", None), ("垃圾分类", None),
    ("通知", None), ("工作", "agency"), ("人民政府", None), ("海丰县 公告", "year"),
    ("海府〔2021〕123号", None), ("国土空间规划", None), ("非物质文化遗产", None),
    ("退役军人 养老服务", None), ("食品安全", "agency"), ("建设用地 环境影响评价", None),
]

STOCK_FIGURES = (
    "stock Wagtail database backend at 100,000 items (stack-facts.md, same kind of data): "
    "SQLite > 30 s per common-word query, update_index ≈ 430 items/s; PostgreSQL p50 3.6 s, "
    "p95 7.8 s (one agency filter: p95 0.98 s), update_index ≈ 22 items/s"
)


def _generate(n: int, rng: random.Random):
    """Items shaped like a county's disclosure catalogue: each is about one or two subjects,
    which its body keeps returning to, amid boilerplate every document shares (通知, 工作,
    人民政府 ...); now and then it mentions another subject. So subject words match a few
    per cent of items and boilerplate words nearly all, as in real catalogues."""
    start = date(2015, 1, 1)
    for i in range(n):
        subject = rng.choice(SUBJECTS)
        other = rng.choice(SUBJECTS) if rng.random() < 0.3 else ""
        own = [subject] + ([other] if other else [])
        published = start + timedelta(days=rng.randint(0, 3600))
        place = rng.choice(PLACES)
        kind = rng.choice(DOC_TYPES)
        title = f"关于{place}{published.year}年{subject}{other}{kind}"
        parts, length, target = [], 0, rng.randint(400, 1400)  # mean ≈ 900 characters
        while length < target:
            r = rng.random()
            if r < 0.72:
                piece = rng.choice(FILLER)
            else:  # mostly its own subjects, rarely another one
                word = rng.choice(own) if r < 0.985 else rng.choice(SUBJECTS)
                piece = word + rng.choice(["工作", "项目", "资金", "管理", "情况"]) + "，"
            parts.append(piece)
            length += len(piece)
        number = f"海府〔{published.year}〕{i % 500 + 1}号" if rng.random() < 0.4 else ""
        yield i, title, "".join(parts), published, number


def _insert_rows(model, objs) -> None:
    """Insert only ``model``'s own table (multi-table inheritance: bulk_create cannot)."""
    from django.db import connection

    fields = [f for f in model._meta.local_concrete_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
    rows = [[f.get_db_prep_save(getattr(o, f.attname), connection) for f in fields] for o in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _drop_fulltext_indexes(connection) -> list[str]:
    """Drop the GIN/RUM indexes of the search table; returns their CREATE statements."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname IN ('govinfo_search_doc_gin', 'govinfo_search_doc_sample', "
            "'govinfo_search_doc_strong')",
            ["govinfo_search_searchdocument"],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _load(vendor: str, n: int, out: dict) -> list:
    """Create n items (rows + analysis + SearchDocument) and an end-to-end sample; timed."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from wagtail.models import Page, Site

    from govinfo_wagtail.catalogue.models import CatalogueIndexPage, CatalogueItemPage
    from govinfo_wagtail.core.models import Agency, DisclosurePage, Topic
    from govinfo_wagtail.core.release import ReleaseReason, release
    from govinfo_wagtail.search import services
    from govinfo_wagtail.search.models import SearchDocument

    rng = random.Random(SEED)
    agencies = [Agency.objects.create(name=f"海丰县第{i + 1}局", index_code=f"0070{i:05d}")
                for i in range(60)]
    topics = [Topic.objects.create(name=f"主题{i + 1}") for i in range(20)]
    home = Site.objects.get(is_default_site=True).root_page
    catalogue = CatalogueIndexPage(title="目录", slug="xxgk", live=False)
    home.add_child(instance=catalogue)
    release(catalogue.save_revision(), reason=ReleaseReason.BENCHMARK)
    catalogue.refresh_from_db()
    ct = ContentType.objects.get_for_model(CatalogueItemPage)

    # --- bulk: rows + analysis + SearchDocument -------------------------------------------
    analysis_s = insert_s = 0.0
    # A bulk load builds the full-text indexes once at the end (as govinfo_search_rebuild on
    # an empty table would be best run); the time to build them counts as indexing time.
    fulltext_indexes = _drop_fulltext_indexes(connection) if vendor == "postgresql" else []
    batch = 2000
    items = list(_generate(n, rng))
    now = time.time()
    for lo in range(0, n, batch):
        chunk = items[lo : lo + batch]
        pages, dpages, docs = [], [], []
        for i, title, body, published, number in chunk:
            agency, topic = agencies[i % len(agencies)], topics[(i * 7) % len(topics)]
            path = Page._get_path(catalogue.path, catalogue.depth + 1, i + 1)
            fields = dict(
                title=title, draft_title=title, slug=f"item-{i}", path=path,
                depth=catalogue.depth + 1, numchild=0, url_path=f"{catalogue.url_path}item-{i}/",
                content_type=ct, locale_id=catalogue.locale_id, live=True,
                has_unpublished_changes=False,
            )
            page = Page(**fields)
            pages.append(page)
            dp = CatalogueItemPage(
                **fields, index_number=f"0070{i % 60:05d}/{published.year}-{i + 1:06d}",
                agency=agency, topic=topic, published_date=published, written_date=published,
                document_number=number, body=f"<p>{body}</p>", summary="",
            )
            dpages.append(dp)
        with transaction.atomic():
            Page.objects.bulk_create(pages)
            for page, dp in zip(pages, dpages, strict=True):
                dp.page_ptr_id = dp.id = page.pk
                dp.disclosurepage_ptr_id = page.pk
            t = time.perf_counter()
            for dp in dpages:
                docs.append(services.build_document(dp))
            analysis_s += time.perf_counter() - t
            _insert_rows(DisclosurePage, dpages)
            _insert_rows(CatalogueItemPage, dpages)
            t = time.perf_counter()
            SearchDocument.objects.bulk_create(docs)
            insert_s += time.perf_counter() - t
    Page.objects.filter(pk=catalogue.pk).update(numchild=n)
    t = time.perf_counter()
    with connection.cursor() as cursor:
        for definition in fulltext_indexes:
            cursor.execute(definition)
    insert_s += time.perf_counter() - t
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE govinfo_search_searchdocument")
    elif vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO govinfo_search_fts(govinfo_search_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")
    out["bulk_items_per_s"] = n / (analysis_s + insert_s)
    out["analysis_items_per_s"] = n / analysis_s
    out["generate_wall_s"] = time.time() - now

    # --- end to end: release service + index task, for a sample ---------------------------
    catalogue.refresh_from_db()
    t = time.perf_counter()
    for j in range(END_TO_END_SAMPLE):
        _, title, body, published, number = items[j]
        page = CatalogueItemPage(title=title + "（样本）", agency=agencies[j % 60],
                                 topic=topics[j % 20], published_date=published,
                                 body=f"<p>{body}</p>", live=False)
        catalogue.add_child(instance=page)
        release(page.save_revision(), reason=ReleaseReason.BENCHMARK)
    out["end_to_end_items_per_s"] = END_TO_END_SAMPLE / (time.perf_counter() - t)
    out["indexed"] = SearchDocument.objects.count()

    return agencies


def worker(vendor: str, db_url: str, n: int) -> dict:
    setup_django(db_url, migrate=False)
    from django.core.management import call_command
    from django.db import connection

    from govinfo_wagtail.core.models import Agency
    from govinfo_wagtail.search import services, sql
    from govinfo_wagtail.search.models import SearchDocument
    from govinfo_wagtail.text import analysis

    out: dict = {"vendor": vendor, "items": n}
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    out["migrate_s"] = time.perf_counter() - t
    reused = bool(os.environ.get("GOVINFO_BENCH_REUSE")) and SearchDocument.objects.count() >= n
    if reused:  # time the queries again on the data a previous run loaded
        agencies = list(Agency.objects.order_by("pk"))
        out["indexed"] = SearchDocument.objects.count()
    else:
        agencies = _load(vendor, n, out)

    # --- queries ---------------------------------------------------------------------------
    queries = []
    for q, facet in QUERIES:
        filters = {}
        if facet == "agency":
            filters["agency"] = agencies[3].pk
        elif facet == "year":
            filters["year"] = 2020
        queries.append((q, analysis.query_terms(q), filters))

    def floor_sql(terms, filters, rum=False):
        return _floor_sql(vendor, terms, filters, rum=rum)

    def run_sql(statement, params):
        # The floor gets the same planner settings as the package (no sequential scans).
        with sql.plan_for_fulltext(), connection.cursor() as cursor:
            cursor.execute(statement, params)
            cursor.fetchall()

    floor_key = "floor_gin" if vendor != "sqlite" else "floor_bm25"
    statements: list[int] = []
    timings: dict[str, list[float]] = {"ours": [], floor_key: []}
    matches, approximate, per_query = [], 0, []
    for q, terms, filters in queries:
        query = services.SearchQuery(q=q, page_size=20, **filters)
        # Each query once to warm the caches (a busy server), then ROUNDS timed runs of the
        # package search and of the floor, interleaved so that load hits them alike.
        statements.append(_statements(query))
        run_sql(*floor_sql(terms, filters))
        mine = []
        for _ in range(ROUNDS):
            t = time.perf_counter()
            result = services.search(query)
            mine.append(time.perf_counter() - t)
            assert result.hits or not result.count
            t = time.perf_counter()
            run_sql(*floor_sql(terms, filters))
            timings[floor_key].append(time.perf_counter() - t)
        timings["ours"] += mine
        per_query.append((1000 * sorted(mine)[len(mine) // 2], q, bool(filters),
                          result.count, result.approximate))
        approximate += result.approximate
        with sql.plan_for_fulltext():
            matches.append(services.count(terms, filters))
    out["approximate_queries"] = approximate
    out["statements"] = (sum(statements) / len(statements), max(statements))
    out["slowest"] = sorted(per_query, reverse=True)[:4]
    out["rum"] = vendor == "postgresql" and _create_rum_index(connection)
    if out["rum"]:  # RUM's ranked scan as a second floor; then the index goes again
        timings["floor_rum"] = []
        for _q, terms, filters in queries:
            run_sql(*floor_sql(terms, filters, rum=True))
            for _ in range(ROUNDS):
                t = time.perf_counter()
                run_sql(*floor_sql(terms, filters, rum=True))
                timings["floor_rum"].append(time.perf_counter() - t)
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX govinfo_search_doc_rum")
    out["match_share_min_max"] = (min(matches) / n, max(matches) / n)
    out["timings_ms"] = {
        k: {"p50": 1000 * _pct(v, 50), "p95": 1000 * _pct(v, 95)} for k, v in timings.items()
    }
    return out


def _floor_sql(vendor: str, terms, filters, *, rum: bool = False, limit: int = 20):
    """The bare ranked top ``limit`` in raw SQL over the same table, with the same filters,
    ranking every match: FTS5 bm25, ts_rank over GIN (or RUM's <=>), MATCH relevance."""
    from govinfo_wagtail.search import documents, sql
    from govinfo_wagtail.text import analysis

    doc = "govinfo_search_searchdocument"
    where = "".join(f" AND {doc}.{sql.FACET_COLUMNS[k]} = %s" for k in filters)
    if vendor == "sqlite":
        return (f"SELECT {doc}.page_id FROM govinfo_search_fts JOIN {doc} ON "
                f"{doc}.page_id = govinfo_search_fts.rowid WHERE govinfo_search_fts "
                f"MATCH %s{where} ORDER BY bm25(govinfo_search_fts) LIMIT {limit}",
                [analysis.fts5_query(terms), *filters.values()])
    if vendor == "mysql":
        q = analysis.mysql_boolean_query(terms, documents.innodb_min_token_size())
        match = f"MATCH({doc}.text) AGAINST (%s IN BOOLEAN MODE)"
        return (f"SELECT page_id FROM {doc} WHERE {match}{where} ORDER BY {match} DESC "
                f"LIMIT {limit}", [q, *filters.values(), q])
    q = analysis.tsquery(terms)
    rank = "tsv <=> to_tsquery('simple', %s)" if rum else \
        "ts_rank(tsv, to_tsquery('simple', %s)) DESC"
    return (f"SELECT page_id FROM {doc} WHERE tsv @@ to_tsquery('simple', %s){where} "
            f"ORDER BY {rank} LIMIT {limit}", [q, *filters.values(), q])


def _statements(query) -> int:
    """SQL statements one package search sends (a figure the machine's load does not change:
    on a busy machine each round trip to the server also waits for a core)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from govinfo_wagtail.search import services

    with CaptureQueriesContext(connection) as captured:
        services.search(query)
    return len(captured.captured_queries)


def _timed_rounds(fn) -> tuple[list[float], object]:
    fn()  # warm the caches
    times, result = [], None
    for _ in range(ROUNDS):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return times, result


def buried_worker(vendor: str, db_url: str, n: int) -> dict:
    """The relevance set buried among ``n`` newer items (tests/search/relevance/buried.py):
    recall@10, MRR, p50 and p95 of the package beside the floors that rank every match."""
    setup_django(db_url)

    out: dict = {"vendor": vendor, "items": n}
    pages = _loaded_set(n) if os.environ.get("GOVINFO_BENCH_REUSE") else None
    if pages is not None:  # re-time the set an earlier run loaded here
        out["reused"] = True
    else:
        pages = _load_buried(vendor, n, out)
    _time_buried(vendor, pages, out)
    return out


def _loaded_set(n: int) -> dict | None:
    """The relevance set's pages in a database an earlier run filled, or None."""
    from govinfo_wagtail.catalogue.models import CatalogueItemPage
    from govinfo_wagtail.search.models import SearchDocument
    from tests.search.relevance.corpus import ITEMS

    if SearchDocument.objects.count() < n:
        return None
    pages = {key: CatalogueItemPage.objects.filter(title=title).order_by("pk").first()
             for key, *_rest, title, _body in ITEMS}
    return pages if all(pages.values()) else None


def _load_buried(vendor: str, n: int, out: dict) -> dict:
    from django.db import connection
    from wagtail.models import Site

    from govinfo_wagtail.catalogue.models import CatalogueIndexPage
    from govinfo_wagtail.core.release import ReleaseReason, release
    from tests.search.relevance.buried import bury, load_set

    home = Site.objects.get(is_default_site=True).root_page
    catalogue = CatalogueIndexPage(title="目录", slug="xxgk", live=False)
    home.add_child(instance=catalogue)
    release(catalogue.save_revision(), reason=ReleaseReason.BENCHMARK)
    catalogue.refresh_from_db()
    pages = load_set(catalogue, ReleaseReason.BENCHMARK)
    indexes = _drop_fulltext_indexes(connection) if vendor == "postgresql" else []
    t = time.perf_counter()
    timings = bury(catalogue, n)
    with connection.cursor() as cursor:
        for definition in indexes:
            cursor.execute(definition)
        if vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE govinfo_search_searchdocument")
        elif vendor == "sqlite":
            for fts in ("govinfo_search_fts", "govinfo_search_strong_fts"):
                cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('optimize')")
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE TABLE govinfo_search_searchdocument")
            cursor.fetchall()
    out["load_s"] = time.perf_counter() - t
    out["analysis_items_per_s"] = n / timings["analysis"]
    return pages


def _time_buried(vendor: str, pages: dict, out: dict) -> None:
    from django.db import connection

    from govinfo_wagtail.search import services, sql
    from govinfo_wagtail.text import analysis
    from tests.search.relevance.buried import quality, resolve
    from tests.search.relevance.corpus import QUERIES as SET_QUERIES

    def run_sql(statement, params):
        with sql.plan_for_fulltext(), connection.cursor() as cursor:
            cursor.execute(statement, params)
            return [row[0] for row in cursor.fetchall()]

    floors = {"sqlite": ["bm25"], "mysql": ["match"], "postgresql": ["gin"]}[vendor]
    if vendor == "postgresql" and _create_rum_index(connection):
        floors.append("rum")
    times: dict[str, list[float]] = {"package": [], **{f: [] for f in floors}}
    top: dict[str, dict[str, list[int]]] = {"package": {}, **{f: {} for f in floors}}
    statements: dict[str, list[int]] = {"set": [], "bench": []}
    for raw, _expected in SET_QUERIES:
        q = resolve(raw, pages)
        terms = analysis.query_terms(q)
        statements["set"].append(_statements(services.SearchQuery(q=q, page_size=10)))
        spent, result = _timed_rounds(
            lambda q=q: services.search(services.SearchQuery(q=q, page_size=10)))
        times["package"] += spent
        top["package"][q] = [hit.page.pk for hit in result.hits]
        for f in floors:
            spent, ids = _timed_rounds(lambda f=f, terms=terms: run_sql(
                *_floor_sql(vendor, terms, {}, rum=f == "rum", limit=10)))
            times[f] += spent
            top[f][q] = ids
    out["quality"] = {}
    for name in times:
        found = quality(pages, lambda q, name=name: top[name][q])
        out["quality"][name] = {
            "recall_at_10": found.recall_at_10, "mrr": found.mrr, "misses": found.misses[:6],
            "p50": 1000 * _pct(times[name], 50), "p95": 1000 * _pct(times[name], 95)}
    # The benchmark's 30 queries on the same catalogue (latency only; filters as there).
    agency = pages["taxi"].agency_id
    mine = []
    for q, facet in QUERIES:
        filters = {"agency": agency} if facet == "agency" else (
            {"year": 2025} if facet == "year" else {})
        statements["bench"].append(_statements(
            services.SearchQuery(q=q, page_size=20, **filters)))
        spent, _ = _timed_rounds(lambda q=q, filters=filters: services.search(
            services.SearchQuery(q=q, page_size=20, **filters)))
        mine += spent
    out["bench_queries"] = {"p50": 1000 * _pct(mine, 50), "p95": 1000 * _pct(mine, 95)}
    out["statements"] = {k: (sum(v) / len(v), max(v)) for k, v in statements.items()}
    out["load_average"] = os.getloadavg()
    if "rum" in floors:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX govinfo_search_doc_rum")


def _report_buried(r: dict) -> None:
    loaded = ("loaded by an earlier run (GOVINFO_BENCH_REUSE)" if r.get("reused") else
              f"load {r['load_s']:.0f} s, analysis {r['analysis_items_per_s']:,.0f} items/s")
    print(f"\n[{r['vendor']}] relevance set buried among {r['items']:,} newer items ({loaded}; "
          f"load average {', '.join(f'{x:.1f}' for x in r['load_average'])} on "
          f"{os.cpu_count()} cores: a shared machine inflates latencies)")
    labels = {"package": "package search", "bm25": "floor FTS5 bm25, every match",
              "gin": "floor ts_rank over GIN, every match", "rum": "floor RUM <=>, every match",
              "match": "floor MATCH relevance, every match"}
    for name, qv in r["quality"].items():
        print(f"  {labels[name]:<38} recall@10 {qv['recall_at_10']:.3f}  MRR {qv['mrr']:.3f}  "
              f"p50 {qv['p50']:.1f} ms  p95 {qv['p95']:.1f} ms")
        if name == "package" and qv["misses"]:
            print("    missed: " + "; ".join(qv["misses"]))
    b = r["bench_queries"]
    print(f"  package search, the benchmark's 30 queries on this catalogue: p50 {b['p50']:.1f} ms, "
          f"p95 {b['p95']:.1f} ms")
    st = r["statements"]
    print(f"  SQL statements per package search (independent of the load): the set's queries "
          f"{st['set'][0]:.1f} on average, at most {st['set'][1]}; the 30 queries "
          f"{st['bench'][0]:.1f}, at most {st['bench'][1]}")


def _reset_mysql(url: str) -> None:
    import MySQLdb

    rest = url.split("://", 1)[1]
    user, hostport_db = rest.split("@", 1)
    hostport, name = hostport_db.split("/", 1)
    host, _, port = hostport.partition(":")
    conn = MySQLdb.connect(host=host, port=int(port or 3306), user=user.split(":")[0],
                           passwd=user.split(":")[1] if ":" in user else "")
    cur = conn.cursor()
    cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
    cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    conn.close()


def _create_rum_index(connection) -> bool:
    """A RUM index for the RUM floor, if the server has the extension (the package does not
    use RUM: see migration 0003)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        if cursor.fetchone() is None:
            return False
        cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
        cursor.execute("CREATE INDEX IF NOT EXISTS govinfo_search_doc_rum ON "
                       "govinfo_search_searchdocument USING rum (tsv rum_tsvector_ops)")
    return True


def _report(r: dict) -> None:
    print(f"\n[{r['vendor']}] {r['items']:,} items (indexed {r['indexed']:,}; "
          f"queries match {r['match_share_min_max'][0]:.1%}–{r['match_share_min_max'][1]:.1%})")
    if "bulk_items_per_s" not in r:
        print("  indexing: not measured (GOVINFO_BENCH_REUSE: data of an earlier run)")
    else:
        _report_indexing(r)
    _report_queries(r)


def _report_indexing(r: dict) -> None:
    print(f"  indexing (analysis + rows):  {r['bulk_items_per_s']:,.0f} items/s "
          f"(analysis alone {r['analysis_items_per_s']:,.0f} items/s)")
    print(f"  end to end (release + index task, {END_TO_END_SAMPLE} items): "
          f"{r['end_to_end_items_per_s']:,.1f} items/s")


def _report_queries(r: dict) -> None:
    t = r["timings_ms"]
    ours = t["ours"]
    print(f"  package search (count + facets + top 20 + pages): "
          f"p50 {ours['p50']:.1f} ms, p95 {ours['p95']:.1f} ms "
          f"({r['approximate_queries']} of {len(QUERIES)} queries broad: estimated counts)")
    print(f"  SQL statements per package search (independent of the load): "
          f"{r['statements'][0]:.1f} on average, at most {r['statements'][1]}")
    for ms, q, filtered, count, approx in r["slowest"]:
        print(f"    slow: {q!r}{' + filter' if filtered else ''}: median {ms:.1f} ms, "
              f"{'about ' if approx else ''}{count:,} matches")
    for key, label in (("floor_bm25", "floor FTS5 bm25 top 20"),
                       ("floor_gin", "floor tsvector+GIN ts_rank top 20"),
                       ("floor_rum", "floor RUM <=> top 20")):
        if key in t:
            ratio = ours["p95"] / t[key]["p95"] if t[key]["p95"] else float("inf")
            print(f"  {label}: p50 {t[key]['p50']:.1f} ms, p95 {t[key]['p95']:.1f} ms "
                  f"(package p95 = {ratio:.1f}x)")
    if r["vendor"] == "postgresql" and not r["rum"]:
        print("  RUM floor: extension not available (apt-get install postgresql-<version>-rum)")


def _reset_pg(url: str, *, keep: bool = False) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if keep and exists:
            return
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _url(vendor: str, suffix: str = "", *, keep: bool = False) -> str | None:
    if vendor == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp(prefix='govinfo-bench-')}/bench.sqlite3"
    if vendor == "mysql":
        url = os.environ.get("GOVINFO_BENCH_MYSQL_URL", MYSQL_URL) + suffix
        reset = _reset_mysql
    else:
        url = os.environ.get("GOVINFO_BENCH_PG_URL", PG_URL) + suffix
        reset = _reset_pg
    if keep:
        return url
    try:
        reset(url)
    except Exception as exc:
        print(f"[{vendor}] skipped: cannot reach {url}: {exc}")
        return None
    return url


def main() -> None:
    full = bool(os.environ.get("GOVINFO_BENCH_FULL"))
    reuse = bool(os.environ.get("GOVINFO_BENCH_REUSE"))
    n = int(os.environ.get("GOVINFO_BENCH_SEARCH_ITEMS", FULL_ITEMS if full else DEFAULT_ITEMS))
    if n > QUICK_LIMIT and not full:
        print(f"30-query benchmark at {n:,} items not run: set GOVINFO_BENCH_FULL=1")
        n = DEFAULT_ITEMS
    if not full:
        print(f"(the 30-query benchmark runs at {n:,} items; GOVINFO_BENCH_FULL=1 runs "
              f"{FULL_ITEMS:,}, the size of the targets)")
    databases = [d for d in os.environ.get(
        "GOVINFO_BENCH_DATABASES", "sqlite,postgresql").split(",") if d]
    for vendor in databases:
        if vendor == "sqlite":
            tmp = tempfile.mkdtemp(prefix="govinfo-bench-")
            url = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            url = os.environ.get("GOVINFO_BENCH_PG_URL", PG_URL)
            try:
                if not os.environ.get("GOVINFO_BENCH_REUSE"):
                    _reset_pg(url)
            except Exception as exc:
                print(f"[postgresql] skipped: cannot reach {url}: {exc}")
                continue
        proc = subprocess.run(
            [sys.executable, __file__, "--worker", vendor, url, str(n)],
            capture_output=True, text=True, cwd=REPO,
        )
        if proc.returncode:
            print(proc.stdout[-2000:], proc.stderr[-4000:])
            raise RuntimeError(f"{vendor} benchmark failed")
        _report(json.loads(proc.stdout.strip().splitlines()[-1]))
    print(f"\n  {STOCK_FIGURES}")
    # The relevance set buried in catalogues of realistic size (vendor:items, ...).
    for spec in [s for s in os.environ.get("GOVINFO_BENCH_BURIED", BURIED_RUNS).split(",") if s]:
        vendor, _, size = spec.partition(":")
        size = size or "20000"
        if int(size) > QUICK_LIMIT and not full:
            print(f"\n[{vendor}] relevance set buried among {int(size):,} items: not run "
                  "(set GOVINFO_BENCH_FULL=1; about 10 minutes of loading)")
            continue
        keep = reuse and vendor == "postgresql"
        url = _url(vendor, f"_buried_{size}", keep=keep)
        if keep:
            try:
                _reset_pg(url, keep=True)
            except Exception as exc:
                print(f"[{vendor}] skipped: cannot reach {url}: {exc}")
                continue
        if url is None:
            continue
        proc = subprocess.run(
            [sys.executable, __file__, "--buried", vendor, url, size],
            capture_output=True, text=True, cwd=REPO,
        )
        if proc.returncode:
            print(proc.stdout[-2000:], proc.stderr[-4000:])
            raise RuntimeError(f"{vendor} buried-set benchmark failed")
        _report_buried(json.loads(proc.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        result = worker(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        print(json.dumps(result))
    elif len(sys.argv) > 1 and sys.argv[1] == "--buried":
        print(json.dumps(buried_worker(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    else:
        main()
