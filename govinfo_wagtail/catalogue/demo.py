"""The catalogue's demo part: the catalogue 政府信息公开目录 at /xxgk/, ten items of three
agencies, and the collection 现行有效信息. Loaded by ``govinfo_demo`` (core.demo)."""

from datetime import date

from ..core.models import Validity
from .demo_statutory import load_statutory_demo
from .models import CatalogueCollectionPage, CatalogueIndexPage, CatalogueItemPage

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


def load_demo(context, log=print) -> None:
    catalogue = CatalogueIndexPage.objects.child_of(context.home).filter(slug="xxgk").first()
    if catalogue is None:
        catalogue = CatalogueIndexPage(
            title="政府信息公开目录", slug="xxgk",
            intro="<p>本目录按主题分类、发布机构、年份和有效性列出主动公开的政府信息。</p>",
        )
        context.release_new(context.home, catalogue)
        log("Created the catalogue 政府信息公开目录 at /xxgk/")
    context.catalogue = catalogue
    created = 0
    for (slug, title, agency, topic, docnum, written, published, validity, summary,
         body) in ITEMS:
        if CatalogueItemPage.objects.child_of(catalogue).filter(slug=slug).exists():
            continue
        item = CatalogueItemPage(
            title=title, slug=slug, agency=context.agencies[agency],
            topic=context.topics[topic], document_number=docnum, written_date=written,
            published_date=published, validity=validity, summary=summary, body=body,
            validity_changed_on=date(2020, 1, 1) if validity != Validity.VALID else None,
        )
        context.release_new(catalogue, item)
        created += 1
    log(f"Catalogue items: {created} created")

    if not CatalogueCollectionPage.objects.child_of(catalogue).filter(slug="xxyx").exists():
        collection = CatalogueCollectionPage(
            title="现行有效信息", slug="xxyx", validity=Validity.VALID,
            intro="<p>本页列出现行有效的全部公开信息。</p>",
        )
        context.release_new(catalogue, collection)
    load_statutory_demo(context, log)
