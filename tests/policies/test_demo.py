"""The demo's 规范性文件 and its two interpretations went live together."""

from django.core.management import call_command
from wagtail.models import PageLogEntry

from govinfo_wagtail.core.release import RELEASE_LOG_ACTION
from govinfo_wagtail.policies.models import InterpretationPage, PolicyDocumentPage


def test_demo_policy_and_interpretations_released_together(db, root_page):
    call_command("govinfo_setup", stdout=open("/dev/null", "w"))
    call_command("govinfo_demo", stdout=open("/dev/null", "w"))
    policy = PolicyDocumentPage.objects.get(slug="nongcun-gonglu-yanghu-banfa")
    assert policy.live and policy.category == "normative" and policy.requires_interpretation
    forms = sorted(i.interpretation_form for i in policy.get_live_interpretations())
    assert forms == ["graphic", "text"]
    pages = [policy, *InterpretationPage.objects.filter(policy_links__policy=policy)]
    entries = PageLogEntry.objects.filter(action=RELEASE_LOG_ACTION, page__in=pages)
    assert {e.data["reason"] for e in entries} == {"demo"} and entries.count() == 3
    # Loading again creates nothing new.
    call_command("govinfo_demo", stdout=open("/dev/null", "w"))
    assert PolicyDocumentPage.objects.count() == 1 and InterpretationPage.objects.count() == 2
