"""The demo's statutory pages beside the catalogue: the county government's 政府信息公开指南,
the 制度 collection with three rules, the 法定主动公开内容 page, the 依申请公开 column (how to
apply, the application form and the procedure), and the section navigation pointing at them
(only where an administrator has not chosen a page)."""

from datetime import date

from ..core.models import Topic, Validity
from ..core.site_settings import PublicSiteSettings
from .models import CatalogueCollectionPage, CatalogueItemPage
from .statutory import DisclosureGuidePage, StatutoryCategoryTopic, StatutoryContentPage
from .update_periods import ColumnKind, UpdatePeriod

RULES_TOPIC = "政务公开制度"
RULES = [
    ("baomi-shencha-zhidu", "海丰县人民政府政府信息公开保密审查制度", "海府办〔2019〕12号",
     "<p>拟公开的政府信息应当依照《中华人民共和国保守国家秘密法》进行审查，未经审查不得公开。</p>"),
    ("yishenqing-gongkai-zhidu", "海丰县人民政府依申请公开政府信息工作制度", "海府办〔2019〕13号",
     "<p>收到政府信息公开申请，能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内予以答复。</p>"),
    ("fabu-xietiao-zhidu", "海丰县人民政府政府信息发布协调制度", "海府办〔2019〕14号",
     "<p>发布的政府信息涉及其他行政机关的，应当与有关行政机关进行沟通、确认。</p>"),
]
ON_REQUEST_TOPIC = "依申请公开"
ON_REQUEST_INTRO = (
    "<p>公民、法人或者其他组织可以通过在线申请、信函或者当面提交的方式，向本机关申请获取"
    "主动公开范围以外的政府信息。本机关收到申请后，能够当场答复的当场答复；不能当场答复的，"
    "自收到申请之日起20个工作日内予以答复。</p>"
    "<p>受理机构：海丰县人民政府办公室（县政务公开办），地址：广东省汕尾市海丰县海城镇人民路1号，"
    "电话：0660-6612345。</p>"
)
ON_REQUEST_ITEMS = [
    ("zhengfu-xinxi-gongkai-shenqingbiao", "海丰县人民政府政府信息公开申请表",
     "申请人信息、所需政府信息的内容描述、获取信息的方式和载体。",
     "<p>申请人应当填写姓名或者名称、身份证明、联系方式，所需政府信息的名称、文号或者便于"
     "查询的其他特征性描述，以及获取政府信息的方式和载体形式。</p>"),
    ("yishenqing-gongkai-liucheng", "依申请公开办理流程",
     "申请、登记、审查、答复的步骤和时限。",
     "<p>申请—登记—审查—答复。自收到申请之日起20个工作日内答复，需要延长答复期限的，"
     "经负责人同意并告知申请人，延长期限最长不超过20个工作日。</p>"),
]
# category of 条例 art. 20 -> the default topics that hold it
CATEGORY_TOPICS = [(1, "政策文件"), (2, "机构职能"), (3, "规划计划"), (4, "统计信息"),
                   (5, "行政许可"), (6, "行政处罚"), (7, "财政预决算"), (9, "政府采购"),
                   (12, "应急管理"), (14, "人事信息")]

GUIDE = dict(
    title="海丰县人民政府政府信息公开指南", slug="zhinan",
    classification=(
        "<p>本机关主动公开的政府信息按主题分为机构职能、政策文件、规划计划、财政预决算、"
        "行政许可、行政处罚、政府采购、人事信息、统计信息、应急管理等类别，"
        "在“政府信息公开目录”中按主题分类、发布机构、年份和有效性编排，每条信息附有索引号。</p>"),
    obtaining=(
        "<p><b>主动公开：</b>本机关通过海丰县人民政府门户网站“政府信息公开”专栏主动公开政府信息，"
        "属于主动公开范围的政府信息，自该信息形成或者变更之日起20个工作日内予以公开。</p>"
        "<p><b>依申请公开：</b>公民、法人或者其他组织可以通过在线申请、信函或者当面提交的方式"
        "向本机关申请获取政府信息。本机关收到申请后，能够当场答复的当场答复；不能当场答复的，"
        "自收到申请之日起20个工作日内予以答复，需要延长答复期限的，延长期限最长不超过20个工作日。</p>"),
    office_name="海丰县人民政府办公室（县政务公开办）",
    office_address="广东省汕尾市海丰县海城镇人民路1号", office_postcode="516400",
    office_hours="工作日上午8:30—12:00，下午14:30—17:30（法定节假日除外）",
    office_phone="0660-6612345", office_fax="0660-6612346",
    office_email="hfxzwgk@example.gov.cn",
    application_url="https://www.haifeng.gov.cn/ysqgk/",
    other=("<p>公民、法人或者其他组织认为本机关在政府信息公开工作中侵犯其合法权益的，"
           "可以向上一级行政机关或者政府信息公开工作主管部门投诉、举报，"
           "也可以依法申请行政复议或者提起行政诉讼。</p>"),
)


def load_statutory_demo(context, log=print) -> None:
    catalogue = context.require_catalogue()
    government = context.agencies["海丰县人民政府"]

    guide = DisclosureGuidePage.objects.filter(agency=government).first()
    if guide is None:
        guide = context.release_new(catalogue, DisclosureGuidePage(agency=government, **GUIDE))
        log("Created the disclosure guide 政府信息公开指南 at /xxgk/zhinan/")

    topic, _ = Topic.objects.get_or_create(parent=None, name=RULES_TOPIC,
                                           defaults={"sort_order": 5})
    for slug, title, number, body in RULES:
        if not CatalogueItemPage.objects.child_of(catalogue).filter(slug=slug).exists():
            context.release_new(catalogue, CatalogueItemPage(
                title=title, slug=slug, agency=government, topic=topic,
                document_number=number, written_date=date(2019, 5, 20),
                published_date=date(2019, 5, 28), validity=Validity.VALID,
                summary=title, body=body,
            ))
    rules = CatalogueCollectionPage.objects.child_of(catalogue).filter(slug="zhidu").first()
    if rules is None:
        rules = CatalogueCollectionPage(
            title="政府信息公开制度", slug="zhidu",
            intro="<p>本机关政府信息公开工作的保密审查、依申请公开、发布协调等制度。</p>",
        )
        rules.topics = [topic]  # a ParentalManyToManyField: kept in the revision
        rules = context.release_new(catalogue, rules)
        log("Created the collection 政府信息公开制度 at /xxgk/zhidu/")

    statutory = StatutoryContentPage.objects.child_of(catalogue).filter(slug="fdgknr").first()
    if statutory is None:
        statutory = StatutoryContentPage(
            title="法定主动公开内容", slug="fdgknr",
            intro="<p>根据《中华人民共和国政府信息公开条例》第二十条，本机关主动公开下列政府信息。</p>",
        )
        topics = {t.name: t for t in Topic.objects.filter(parent=None)}
        statutory.category_topics = [
            StatutoryCategoryTopic(category=number, topic=topics[name])
            for number, name in CATEGORY_TOPICS if name in topics
        ]
        statutory = context.release_new(catalogue, statutory)
        log("Created the page 法定主动公开内容 at /xxgk/fdgknr/")

    on_request = _on_request_demo(context, catalogue, government, log)
    reports_topic, _ = Topic.objects.get_or_create(parent=None, name="政府信息公开年报")
    annual = CatalogueCollectionPage.objects.child_of(catalogue).filter(slug="ndbg").first()
    if annual is None:  # the 年报 column: lists the reports demo's annual reports
        annual = CatalogueCollectionPage(title="政府信息公开年报", slug="ndbg",
                                         intro="<p>本机关历年政府信息公开工作年度报告。</p>")
        annual.topics = [reports_topic]
        annual = context.release_new(catalogue, annual)
        log("Created the collection 政府信息公开年报 at /xxgk/ndbg/")

    # Update periods of the inspection for the catalogue and its collections (the demo's
    # items are from 2019-2020: the freshness panel shows them overdue).
    UpdatePeriod.objects.get_or_create(page=catalogue, defaults={"kind": ColumnKind.NOTICE})
    UpdatePeriod.objects.get_or_create(page=rules, defaults={"kind": ColumnKind.POLICY})

    config = PublicSiteSettings.for_site(context.site)
    chosen = {"guide_page": guide, "rules_page": rules, "catalogue_page": catalogue,
              "on_request_page": on_request, "annual_reports_page": annual}
    changed = [f for f, p in chosen.items() if getattr(config, f"{f}_id") is None]
    for field in changed:
        setattr(config, field, chosen[field])
    if changed:
        config.save()


def _on_request_demo(context, catalogue, government, log=print):
    """The 依申请公开 column: a collection over its topic, with the application form and the
    procedure as its items (an empty column would count against the site)."""
    topic, _ = Topic.objects.get_or_create(parent=None, name=ON_REQUEST_TOPIC,
                                           defaults={"sort_order": 6})
    for slug, title, summary, body in ON_REQUEST_ITEMS:
        if not CatalogueItemPage.objects.child_of(catalogue).filter(slug=slug).exists():
            context.release_new(catalogue, CatalogueItemPage(
                title=title, slug=slug, agency=government, topic=topic,
                written_date=date(2019, 5, 20), published_date=date(2019, 5, 28),
                validity=Validity.VALID, summary=summary, body=body,
            ))
    page = CatalogueCollectionPage.objects.child_of(catalogue).filter(slug="ysqgk").first()
    if page is None:
        page = CatalogueCollectionPage(title="依申请公开", slug="ysqgk", intro=ON_REQUEST_INTRO)
        page.topics = [topic]
        page = context.release_new(catalogue, page)
        log("Created the collection 依申请公开 at /xxgk/ysqgk/")
    return page
