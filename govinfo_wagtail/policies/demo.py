"""Demo content of this part, loaded by ``govinfo_demo`` after the catalogue's (core/demo.py)."""

from datetime import date

from ..core.release import ReleaseReason, release
from .models import (
    DocumentCategory,
    InterpretationForm,
    InterpretationPage,
    InterpretedPolicy,
    PolicyDocumentPage,
)

POLICY_SLUG = "nongcun-gonglu-yanghu-banfa"


def load_demo(context, log=print) -> None:
    """``context``: the DemoContext built by core.demo (agencies, topics, catalogue, admin).

    A 规范性文件 with a 文字解读 and a 图解, released together (三同步) in one call of the
    release service. Safe to run again.
    """
    catalogue = context.require_catalogue()
    if PolicyDocumentPage.objects.child_of(catalogue).filter(slug=POLICY_SLUG).exists():
        log("Policy demo: already there")
        return
    agency = context.agencies["海丰县交通运输局"]
    topic = context.topics.get("政策文件")
    written, published = date(2020, 4, 10), date(2020, 4, 15)
    policy = PolicyDocumentPage(
        title="海丰县农村公路养护管理办法", slug=POLICY_SLUG, agency=agency, topic=topic,
        issuing_agency=context.agencies["海丰县人民政府"],
        category=DocumentCategory.NORMATIVE, requires_interpretation=True,
        document_number="海府规〔2020〕2号", written_date=written, published_date=published,
        keywords="农村公路、养护", summary="明确县、镇、村三级农村公路养护责任和资金保障。",
        body="<p>第一条 为加强农村公路养护管理，保障农村公路完好、安全、畅通，制定本办法。</p>"
             "<p>第二条 县交通运输局负责全县农村公路养护的监督管理。</p>",
    )
    text = InterpretationPage(
        title="《海丰县农村公路养护管理办法》政策解读", slug="nongcun-gonglu-yanghu-jiedu",
        agency=agency, topic=topic, interpretation_form=InterpretationForm.TEXT,
        written_date=written, published_date=published,
        summary="从背景依据、主要内容和适用范围解读《办法》。",
        body="<h2>一、背景依据</h2><p>依据《公路法》和省农村公路条例制定。</p>"
             "<h2>二、主要内容</h2><p>明确三级养护责任，建立养护资金保障机制。</p>"
             "<h2>三、适用范围</h2><p>适用于本县行政区域内的县道、乡道和村道。</p>",
    )
    graphic = InterpretationPage(
        title="一图读懂《海丰县农村公路养护管理办法》", slug="nongcun-gonglu-yanghu-tujie",
        agency=agency, topic=topic, interpretation_form=InterpretationForm.GRAPHIC,
        written_date=written, published_date=published,
        summary="用图表说明谁来养、怎么养、钱从哪里来。",
        body="<p>谁来养：县道由县负责，乡道由镇负责，村道由村负责。</p>"
             "<p>钱从哪里来：县财政按每公里每年标准安排养护资金。</p>",
    )
    revisions = []
    for page in (policy, text, graphic):
        if page is not policy:
            page.policy_links = [InterpretedPolicy(policy=policy)]
        page.live = False
        catalogue.add_child(instance=page)
        revisions.append(page.save_revision(user=context.admin))
    # All three in one release: the policy may not go live without an interpretation.
    release(revisions, reason=ReleaseReason.DEMO, user=context.admin)
    log("Policy demo: a normative document with a text and a graphic interpretation")
