"""The 信息公开 section navigation configured in PublicSiteSettings, and page chrome."""

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Site

from govinfo_wagtail.catalogue.models import (
    CatalogueCollectionPage,
    CatalogueItemPage,
)
from govinfo_wagtail.core.site_settings import PublicSiteSettings
from tests.conftest import add_draft, add_live

pytestmark = pytest.mark.django_db


def nav_links(html: str) -> list[tuple[str, str, bool]]:
    nav = BeautifulSoup(html, "html.parser").select_one("nav.govinfo-section-nav")
    if nav is None:
        return []
    return [(li["class"][0].removeprefix("govinfo-section-nav__"), li.a["href"],
             li.a.has_attr("aria-current")) for li in nav.select("li")]


@pytest.fixture
def section(catalogue, agency):
    guide = add_live(catalogue, CatalogueItemPage(title="政府信息公开指南", agency=agency))
    rules = add_live(catalogue, CatalogueItemPage(title="政府信息公开制度", agency=agency))
    reports = add_live(catalogue, CatalogueCollectionPage(title="政府信息公开年报"))
    on_request = add_draft(catalogue, CatalogueCollectionPage(title="依申请公开"))
    config = PublicSiteSettings.for_site(Site.objects.get(is_default_site=True))
    config.guide_page, config.rules_page, config.catalogue_page = guide, rules, catalogue
    config.annual_reports_page, config.on_request_page = reports, on_request
    config.save()
    return {"guide": guide, "rules": rules, "catalogue": catalogue, "reports": reports,
            "on_request": on_request, "config": config}


def test_navigation_lists_configured_live_pages_in_order(client, section):
    links = nav_links(client.get(section["catalogue"].url).content.decode())
    # 依申请公开 is a draft, so it is left out until it goes live.
    assert [(key, href) for key, href, _ in links] == [
        ("guide", section["guide"].url), ("rules", section["rules"].url),
        ("catalogue", section["catalogue"].url), ("annual_reports", section["reports"].url),
    ]
    assert [current for *_, current in links] == [False, False, True, False]


def test_deepest_configured_ancestor_is_current(client, section):
    links = nav_links(client.get(section["guide"].url).content.decode())
    assert [key for key, _, current in links if current] == ["guide"]


def test_on_request_link_appears_when_configured_and_live(client, section):
    from govinfo_wagtail.core.release import ReleaseReason, release

    release(section["on_request"].get_latest_revision(), reason=ReleaseReason.TEST)
    links = nav_links(client.get(section["catalogue"].url).content.decode())
    assert [key for key, *_ in links][-1] == "on_request"


def test_no_navigation_without_settings(client, catalogue):
    html = client.get(catalogue.url).content.decode()
    assert nav_links(html) == []
    assert 'class="govinfo-skip"' in html and 'id="govinfo-main"' in html


def test_portal_name_in_title_and_exit_prompt(client, section):
    section["config"].portal_name = "海丰县人民政府"
    section["config"].save()
    soup = BeautifulSoup(client.get(section["guide"].url).content, "html.parser")
    assert soup.title.text.endswith("海丰县人民政府")
    assert "海丰县人民政府" in soup.select_one("#govinfo-exit-message").text


def test_titles_and_rich_text_are_escaped(client, catalogue, agency):
    item = add_live(catalogue, CatalogueItemPage(
        title="<script>alert(1)</script>", agency=agency,
        body='<p><a href="https://example.org/&quot;onmouseover=&quot;x">链接</a></p>'))
    html = client.get(item.url).content.decode()
    assert "<script>alert(1)</script>" not in html
    anchor = BeautifulSoup(html, "html.parser").select_one(".govinfo-body a")
    assert not anchor.has_attr("onmouseover")
    assert anchor["data-govinfo-exit"] == 'https://example.org/"onmouseover="x'


def test_host_overrides_one_block_of_the_base_template(client, catalogue, tmp_path, settings):
    # Django skips the template being extended, so a host's govinfo_core/base.html can extend
    # the package's own and replace a single block.
    (tmp_path / "govinfo_core").mkdir()
    (tmp_path / "govinfo_core" / "base.html").write_text(
        '{% extends "govinfo_core/base.html" %}'
        '{% block footer_content %}<p id="beian">粤ICP备00000000号</p>{% endblock %}',
        encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [str(tmp_path)]}]
    soup = BeautifulSoup(client.get(catalogue.url).content, "html.parser")
    assert soup.select_one("footer #beian").text == "粤ICP备00000000号"
    # The rest of the package's base is still there.
    assert soup.select_one("main#govinfo-main h1").text == catalogue.title
    assert soup.select_one("a.govinfo-skip") is not None


def test_no_results_page_links_the_on_request_page_only_while_the_public_may_see_it(
        client, section):
    """The no-results page's 依申请公开 link follows the navigation's rule: a page of a
    released type that is live without a release record is not linked (it answers 404)."""
    from govinfo_wagtail.core.models import ReleaseRecord

    page = section["on_request"]
    page = add_live(page.get_parent(), CatalogueItemPage(
        title="依申请公开指引", agency=section["guide"].agency))
    section["config"].on_request_page = page
    section["config"].save()
    url = "/govinfo/search/?q=绝无此词的检索"
    assert page.url in client.get(url).content.decode()
    ReleaseRecord.objects.filter(page_id=page.pk).delete()
    assert page.url not in client.get(url).content.decode()
