"""The relevance set buried in a catalogue of realistic size (docs/search.md, "Relevance at scale").

``corpus.py`` holds 43 items and 43 queries. Here thousands of *newer* items are generated
around them, each about a subject of its own (its title: 档案管理, 信访接待 …, none of the
set's query words) and each mentioning several of the set's query words once in passing, as
real notices do ("并做好农村公路等相关工作的衔接"). So every query matches hundreds to
thousands of newer items, and only a ranking that keeps strong matches (title, 文号, 索引号,
keywords) finds the set's documents among them.

Used by ``tests/search/test_buried_relevance.py`` (a few thousand items, on every database in
CI) and ``benchmarks/bench_search.py`` (20,000 on each database, 100,000 on PostgreSQL).
The bulk of the items is inserted as rows (releasing thousands of pages one by one would
measure the release service, not search); the set itself goes through the release service.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from .corpus import QUERIES

SEED = 20261201
START = date(2024, 8, 1)  # after the newest item of the set: every generated item is newer
DAYS = 730
PASSING_PER_ITEM = 6  # query words each generated item mentions once in passing

OWN_SUBJECTS = [
    "档案管理", "机关事务", "信访接待", "民兵训练", "气象服务", "粮食储备", "统计调查", "保密工作",
    "志愿服务", "文明创建", "法治宣传", "督查落实", "人口普查", "地名管理", "对口帮扶", "节能降耗",
    "民族宗教", "侨务工作", "妇女儿童", "科普活动", "双拥共建", "政务服务", "数字政府", "网格治理",
]
KINDS = ["的通知", "的公告", "工作方案", "工作报告", "情况通报", "会议纪要", "实施意见", "的批复"]
PLACES = ["海城镇", "梅陇镇", "公平镇", "可塘镇", "陶河镇", "赤坑镇", "大湖镇", "联安镇", "城东镇"]
FILLER = [
    "为进一步做好相关工作，", "根据有关法律法规规定，", "经县人民政府同意，",
    "现将有关事项通知如下。",
    "各镇人民政府，县政府各部门：", "请结合实际认真贯彻执行。", "加强组织领导，明确责任分工，",
    "切实保障人民群众合法权益。", "全面落实各项工作措施，", "确保按时完成年度目标任务。",
    "对工作中发现的问题及时整改，", "进一步提高服务质量和水平。", "主动接受社会监督。",
    "按照属地管理原则，", "具体实施办法另行制定。", "各单位要高度重视，",
]
PASSING = ["并做好{}等相关工作的衔接。", "涉及{}的事项另行通知。", "与{}工作统筹推进，",
           "兼顾{}方面的有关要求，", "会议还通报了{}情况。"]


def passing_words() -> list[str]:
    """The words of the set's queries (each typed part; 文号 and 索引号 left out)."""
    from govinfo_wagtail.text.analysis import search_form

    words = []
    for q, _expected in QUERIES:
        if "{ix:" in q or re.search(r"[〔（\[]\d{4}", q):
            continue
        words.extend(search_form(part) for part in q.split())
    return list(dict.fromkeys(words))


@dataclass
class Generated:
    n: int
    title: str
    body: str
    published: date
    agency: int  # index into the generated agencies
    document_number: str


def generate(n: int, seed: int = SEED) -> Iterator[Generated]:
    rng = random.Random(seed)
    words = passing_words()
    for i in range(n):
        published = START + timedelta(days=rng.randrange(DAYS))
        subject = rng.choice(OWN_SUBJECTS)
        title = f"关于{rng.choice(PLACES)}{published.year}年{subject}{rng.choice(KINDS)}"
        mentions = rng.sample(words, PASSING_PER_ITEM)
        parts, length, target = [], 0, rng.randint(300, 900)
        while length < target:
            if mentions and rng.random() < 0.12:
                piece = rng.choice(PASSING).format(mentions.pop())
            elif rng.random() < 0.2:
                piece = f"{subject}{rng.choice(['工作', '项目', '资金', '管理'])}，"
            else:
                piece = rng.choice(FILLER)
            parts.append(piece)
            length += len(piece)
        parts.extend(rng.choice(PASSING).format(w) for w in mentions)  # the rest at the end
        number = f"海府〔{published.year}〕{100 + i % 900}号" if rng.random() < 0.4 else ""
        yield Generated(i, title, "".join(parts), published, i % 20, number)


def _insert_rows(model, objs) -> None:
    """Insert only ``model``'s own table (multi-table inheritance: bulk_create cannot)."""
    from django.db import connection

    fields = list(model._meta.local_concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) " \
          f"VALUES ({marks})"
    rows = [[f.get_db_prep_save(getattr(o, f.attname), connection) for f in fields] for o in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def bury(catalogue, n: int, *, batch: int = 2000, seed: int = SEED,
         on_batch: Callable[[int], None] | None = None) -> dict[str, float]:
    """Insert ``n`` generated, indexed items under ``catalogue``; returns timings (seconds)."""
    import time

    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from wagtail.models import Page

    from govinfo_wagtail.catalogue.models import CatalogueItemPage
    from govinfo_wagtail.core.models import Agency, DisclosurePage, Topic
    from govinfo_wagtail.search import services
    from govinfo_wagtail.search.models import SearchDocument

    agencies = [Agency.objects.get_or_create(index_code=f"0099{a:05d}",
                                             defaults={"name": f"海丰县第{a + 1}事务中心"})[0]
                for a in range(20)]
    topics = list(Topic.objects.order_by("pk")) or [Topic.objects.create(name="工作动态")]
    ct = ContentType.objects.get_for_model(CatalogueItemPage)
    catalogue.refresh_from_db()
    first_child = catalogue.numchild + 1
    timings = {"analysis": 0.0, "rows": 0.0}
    items = list(generate(n, seed))
    for lo in range(0, n, batch):
        pages, dpages, docs = [], [], []
        for g in items[lo : lo + batch]:
            slug = f"buried-{g.n}"
            fields = dict(
                title=g.title, draft_title=g.title, slug=slug,
                path=Page._get_path(catalogue.path, catalogue.depth + 1, first_child + g.n),
                depth=catalogue.depth + 1, numchild=0, url_path=f"{catalogue.url_path}{slug}/",
                content_type=ct, locale_id=catalogue.locale_id, live=True,
                has_unpublished_changes=False,
            )
            pages.append(Page(**fields))
            dpages.append(CatalogueItemPage(
                **fields, index_number=f"0099{g.agency:05d}/{g.published.year}-{g.n + 1:06d}",
                agency=agencies[g.agency], topic=topics[g.n % len(topics)],
                published_date=g.published, written_date=g.published,
                document_number=g.document_number, body=f"<p>{g.body}</p>", summary="",
            ))
        t = time.perf_counter()
        with transaction.atomic():
            Page.objects.bulk_create(pages)
            for page, dp in zip(pages, dpages, strict=True):
                dp.page_ptr_id = dp.id = dp.disclosurepage_ptr_id = page.pk
            _insert_rows(DisclosurePage, dpages)
            _insert_rows(CatalogueItemPage, dpages)
            a = time.perf_counter()
            docs = [services.build_document(dp) for dp in dpages]
            timings["analysis"] += time.perf_counter() - a
            SearchDocument.objects.bulk_create(docs)
        timings["rows"] += time.perf_counter() - t
        if on_batch:
            on_batch(lo + len(pages))
    timings["rows"] -= timings["analysis"]
    Page.objects.filter(pk=catalogue.pk).update(numchild=catalogue.numchild + n)
    return timings


def load_set(catalogue, reason=None) -> dict:
    """The 43 items of ``corpus.py``, each released through the release service."""
    from govinfo_wagtail.catalogue.models import CatalogueItemPage
    from govinfo_wagtail.core.models import Agency, Topic
    from govinfo_wagtail.core.release import ReleaseReason, release

    from .corpus import AGENCIES, ITEMS, TOPICS

    agencies = {k: Agency.objects.create(name=n, index_code=c) for k, (n, c) in AGENCIES.items()}
    topics = {name: Topic.objects.create(name=name) for name in TOPICS}
    pages = {}
    for key, agency, topic, published, number, title, body in ITEMS:
        page = CatalogueItemPage(
            title=title, body=f"<p>{body}</p>", document_number=number, live=False,
            agency=agencies[agency], topic=topics[topic], written_date=published,
            published_date=published)
        catalogue.add_child(instance=page)
        pages[key] = release(page.save_revision(), reason=reason or ReleaseReason.TEST)[0]
    return pages


def resolve(raw: str, pages: dict) -> str:
    """A query of the set with its ``{ix:key}`` placeholders filled in."""
    return re.sub(r"\{ix:(\w+)\}", lambda m: pages[m.group(1)].index_number, raw)


@dataclass
class Quality:
    recall_at_10: float
    mrr: float
    misses: list[str]


def quality(pages: dict, top10: Callable[[str], list[int]]) -> Quality:
    """recall@10 and MRR of ``top10(query) -> page ids`` over the set's queries.

    recall@10: the share of a query's expected items in its first ten results, averaged over
    the queries; MRR: 1 / the rank of the first expected item (0 beyond ten), averaged.
    """
    recalls, ranks, misses = [], [], []
    for raw, expected in QUERIES:
        q = resolve(raw, pages)
        found = top10(q)[:10]
        wanted = {pages[key].pk for key in expected}
        recalls.append(len(wanted & set(found)) / len(wanted))
        rank = next((i for i, pk in enumerate(found, 1) if pk in wanted), None)
        ranks.append(1 / rank if rank else 0.0)
        if len(wanted & set(found)) < len(wanted):
            missing = [k for k in expected if pages[k].pk not in found]
            misses.append(f"{q}: missing {missing}")
    return Quality(sum(recalls) / len(recalls), sum(ranks) / len(ranks), misses)
