"""From a policy document to its interpretation and back, on the public site, in Chromium."""

import re

from playwright.sync_api import expect

from govinfo_wagtail.core.release import ReleaseReason, release
from govinfo_wagtail.policies.models import (
    InterpretationPage,
    InterpretedPolicy,
    PolicyDocumentPage,
)
from tests.browser.helpers import assert_no_serious_axe_violations, screenshot
from tests.conftest import add_draft


def _url(live_server, page) -> str:
    return live_server.url + page.get_url_parts()[2]


def test_policy_to_interpretation_and_back(page, live_server, catalogue, agency, topic):
    policy = add_draft(catalogue, PolicyDocumentPage(
        title="海丰县农村公路养护管理办法", agency=agency, topic=topic,
        document_number="海府规〔2020〕2号", summary="明确县、镇、村三级农村公路养护责任。",
        body="<p>第一条 为加强农村公路养护管理，制定本办法。</p>",
    ))
    interpretation = add_draft(catalogue, InterpretationPage(
        title="《海丰县农村公路养护管理办法》政策解读", agency=agency, topic=topic,
        interpretation_form="graphic", body="<p>一图读懂：谁来养、怎么养。</p>",
        policy_links=[InterpretedPolicy(policy=policy)],
    ))
    release([policy.get_latest_revision(), interpretation.get_latest_revision()],
            reason=ReleaseReason.TEST)
    policy.refresh_from_db()
    interpretation.refresh_from_db()

    page.goto(_url(live_server, policy))
    expect(page.get_by_role("heading", level=1)).to_have_text(policy.title)
    related = page.locator("[data-related=interpretations]")
    expect(related.get_by_role("link")).to_have_text([interpretation.title])
    screenshot(page, "policy-desktop")
    assert_no_serious_axe_violations(page)

    related.get_by_role("link", name=interpretation.title).click()
    expect(page).to_have_url(_url(live_server, interpretation))
    expect(page.get_by_role("heading", level=1)).to_have_text(interpretation.title)
    expect(page.locator("[data-form=graphic]")).to_be_visible()
    documents = page.locator("[data-related=policies]")
    expect(documents).to_contain_text("海府规〔2020〕2号")
    screenshot(page, "interpretation-desktop")
    assert_no_serious_axe_violations(page)

    documents.get_by_role("link", name=policy.title).click()
    expect(page).to_have_url(re.compile(re.escape(_url(live_server, policy)) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(policy.title)
