"""Demo content for the example site (``govinfo_demo``). Safe to run again.

Everything goes live through the release service with the reason "demo content", like any
other release.
"""

import secrets
from dataclasses import dataclass
from datetime import date
from importlib import import_module

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import Page, Site

from ..conf import govinfo_settings
from .index_numbers import pattern_for, register_legacy_index_number, release_year
from .models import Agency, DisclosureSettings, IndexNumber, Topic, Validity
from .release import ReleaseReason, release

AGENCIES = [
    # name, short name, kind, credit code (check characters valid), index code
    ("海丰县人民政府", "县政府", Agency.Kind.GOVERNMENT, "114415210070400139", "007040013"),
    ("海丰县交通运输局", "县交通运输局", Agency.Kind.DEPARTMENT, "1144152100704046XU",
     "00704046X"),
    ("海丰县财政局", "县财政局", Agency.Kind.DEPARTMENT, "114415210070406383", "007040638"),
]

# (slug, title, agency, topic, document number, written, published, validity, summary, body)
ITEMS = [
    ("jiaotong-jigou-zhineng", "海丰县交通运输局机构职能", "海丰县交通运输局", "机构职能", "",
     date(2019, 3, 1), date(2019, 3, 5), Validity.VALID,
     "本局主要职责、内设机构和联系方式。",
     "<p>负责全县公路、水路交通运输行业管理，组织实施交通基础设施建设和养护。</p>"),
    ("2019-gonglu-yanghu-jihua", "2019年全县农村公路养护计划", "海丰县交通运输局", "规划计划",
     "海交〔2019〕8号", date(2019, 2, 20), date(2019, 2, 25), Validity.EXPIRED,
     "明确2019年农村公路日常养护和专项整治任务。",
     "<p>全年计划完成农村公路日常养护里程1200公里，危桥改造6座。</p>"),
    ("2019-bumen-yusuan", "海丰县交通运输局2019年部门预算", "海丰县交通运输局", "财政预决算",
     "", date(2019, 2, 1), date(2019, 2, 15), Validity.VALID,
     "2019年部门收支预算总表、财政拨款支出预算表和“三公”经费预算。",
     "<p>2019年收入预算合计2,356.7万元，其中一般公共预算拨款2,100.2万元。</p>"),
    ("chuzuche-xuke", "出租汽车经营许可办理指南", "海丰县交通运输局", "行政许可", "",
     date(2019, 5, 10), date(2019, 5, 12), Validity.VALID,
     "申请条件、所需材料、办理流程和办理时限。",
     "<p>申请人应当具备符合要求的车辆和驾驶人员，自受理之日起20个工作日内作出决定。</p>"),
    ("chaoxian-chufa-gongshi", "道路运输超限超载行政处罚结果公示（2019年第3期）",
     "海丰县交通运输局", "行政处罚", "", date(2019, 9, 30), date(2019, 10, 8), Validity.VALID,
     "2019年第三季度超限超载处罚案件结果。",
     "<p>本期共公示处罚案件12宗，罚款合计4.8万元。</p>"),
    ("gonglu-caigou-gonggao", "农村公路安全生命防护工程采购结果公告", "海丰县交通运输局",
     "政府采购", "", date(2019, 7, 1), date(2019, 7, 3), Validity.VALID,
     "中标供应商、中标金额和采购内容。", "<p>中标金额为人民币386.5万元。</p>"),
    ("2020-zhengfu-gongzuo-baogao", "2020年海丰县人民政府工作报告", "海丰县人民政府", "规划计划",
     "", date(2020, 1, 8), date(2020, 1, 10), Validity.VALID,
     "回顾2019年工作，部署2020年重点任务。",
     "<p>2019年全县地区生产总值增长6.8%，交通基础设施建设加快推进。</p>"),
    ("2020-caizheng-yujuesuan-gongkai", "关于做好2020年预决算公开工作的通知", "海丰县财政局",
     "财政预决算", "海财〔2020〕3号", date(2020, 2, 10), date(2020, 2, 12), Validity.VALID,
     "部署全县各部门2020年预决算公开工作。",
     "<p>各部门应于财政批复后20日内公开部门预算。</p>"),
    ("2019-renshi-renmian", "海丰县交通运输局干部任前公示", "海丰县交通运输局", "人事信息",
     "", date(2019, 11, 1), date(2019, 11, 4), Validity.VALID,
     "拟任职干部的基本情况，公示期五个工作日。", "<p>公示期间如有异议，请向县委组织部反映。</p>"),
    ("2019-jiaotong-tongji", "2019年海丰县交通运输统计公报", "海丰县交通运输局", "统计信息", "",
     date(2020, 3, 1), date(2020, 3, 6), Validity.VALID,
     "全县公路里程、客货运输量等主要统计数据。",
     "<p>截至2019年底，全县公路通车里程2,086公里。</p>"),
]

DEMO_USERS = [
    # username, first name, groups, superuser
    ("editor", "信息员", [govinfo_settings.EDITOR_GROUP], False),
    ("reviewer_political", "政治审核员", [govinfo_settings.REVIEWER_GROUPS[0]], False),
    ("reviewer_policy", "政策审核员", [govinfo_settings.REVIEWER_GROUPS[1]], False),
    ("reviewer_wording", "文字审核员", [govinfo_settings.REVIEWER_GROUPS[2]], False),
    ("admin", "管理员", [govinfo_settings.ADMIN_GROUP], True),
]


@dataclass
class DemoContext:
    """What each part's own demo loader (policies.demo, reports.demo) builds on."""

    site: Site
    home: Page
    catalogue: Page
    agencies: dict[str, Agency]
    topics: dict[str, Topic]
    admin: object

    def release_new(self, parent: Page, page: Page) -> Page:
        return _release_new(parent, page, self.admin)


DEMO_PARTS = ["govinfo_wagtail.policies.demo", "govinfo_wagtail.reports.demo"]


def _demo_users() -> list[tuple[str, str]]:
    User = get_user_model()
    accounts = []
    for username, first_name, group_names, superuser in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.first_name = first_name
        user.email = f"{username}@example.org"
        user.is_staff = user.is_superuser = superuser
        user.save()
        user.groups.set(Group.objects.filter(name__in=group_names))
        accounts.append((username, password))
    return accounts


def _release_new(parent: Page, page: Page, admin) -> Page:
    page.live = False
    legacy = _legacy_index_number(page, parent)
    if legacy:
        page.index_number = legacy  # release() assigns a number only to a page that has none
    parent.add_child(instance=page)
    if legacy:
        register_legacy_index_number(page, legacy)
    revision = page.save_revision(user=admin)
    return release(revision, reason=ReleaseReason.DEMO, user=admin)[0]


def _legacy_index_number(page: Page, parent: Page) -> str | None:
    """Demo items of earlier years stand for content moved over from a legacy system: they
    keep a number of their own year (as imported items keep theirs), outside the gap-free
    serials, rather than a number of the year the demo happens to be loaded."""
    published, agency = getattr(page, "published_date", None), getattr(page, "agency", None)
    if published is None or agency is None or published.year >= release_year():
        return None
    pattern = pattern_for(agency, parent.get_site())
    serial = 1
    while True:  # the next unused serial of this agency and year
        value = pattern.format(agency_code=agency.index_code, year=published.year, serial=serial)
        if not IndexNumber.objects.filter(value=value).exists():
            return value
        serial += 1


def load_demo(log=print) -> list[tuple[str, str]]:
    from ..catalogue.models import CatalogueCollectionPage, CatalogueIndexPage, CatalogueItemPage
    from .setup import grant_catalogue_permissions, setup_review_workflow

    with transaction.atomic():
        agencies = {}
        for name, short, kind, credit, code in AGENCIES:
            agencies[name], _ = Agency.objects.update_or_create(
                name=name,
                defaults={"short_name": short, "kind": kind, "credit_code": credit,
                          "index_code": code},
            )
        topics = {t.name: t for t in Topic.objects.filter(parent=None)}
        site = Site.objects.get(is_default_site=True)
        if not site.site_name:
            site.site_name = "海丰县人民政府"
            site.save()
        home = site.root_page.specific
        settings = DisclosureSettings.for_site(site)
        if settings.default_agency_id is None:
            settings.default_agency = agencies["海丰县人民政府"]
            settings.save()

        accounts = _demo_users()
        admin = get_user_model().objects.get(username="admin")

        catalogue = CatalogueIndexPage.objects.child_of(home).filter(slug="xxgk").first()
        if catalogue is None:
            catalogue = CatalogueIndexPage(
                title="政府信息公开目录", slug="xxgk",
                intro="<p>本目录按主题分类、发布机构、年份和有效性列出主动公开的政府信息。</p>",
            )
            _release_new(home, catalogue, admin)
            log("Created the catalogue 政府信息公开目录 at /xxgk/")
        created = 0
        for (slug, title, agency, topic, docnum, written, published, validity, summary,
             body) in ITEMS:
            if CatalogueItemPage.objects.child_of(catalogue).filter(slug=slug).exists():
                continue
            item = CatalogueItemPage(
                title=title, slug=slug, agency=agencies[agency], topic=topics[topic],
                document_number=docnum, written_date=written, published_date=published,
                validity=validity, summary=summary, body=body,
                validity_changed_on=date(2020, 1, 1) if validity != Validity.VALID else None,
            )
            _release_new(catalogue, item, admin)
            created += 1
        log(f"Catalogue items: {created} created")

        if not CatalogueCollectionPage.objects.child_of(catalogue).filter(slug="xxyx").exists():
            collection = CatalogueCollectionPage(
                title="现行有效信息", slug="xxyx", validity=Validity.VALID,
                intro="<p>本页列出现行有效的全部公开信息。</p>",
            )
            _release_new(catalogue, collection, admin)
        context = DemoContext(site=site, home=home, catalogue=catalogue, agencies=agencies,
                              topics=topics, admin=admin)
        for module in DEMO_PARTS:
            import_module(module).load_demo(context, log=log)
        grant_catalogue_permissions(log)
        setup_review_workflow(log)
    return accounts
