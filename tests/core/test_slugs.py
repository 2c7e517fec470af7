"""Pinyin slugs for new pages (issue 15): Chinese titles, autosaved drafts, existing slugs."""

import pytest
from django.utils.text import slugify
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.core.release import ReleaseReason, release
from govinfo_wagtail.core.slugs import pinyin_slug

TITLE = "关于加强农村公路养护管理的通知"
PINYIN = "guan-yu-jia-qiang-nong-cun-gong-lu-yang-hu-guan-li-de-tong-zhi"


def add_url(parent):
    return f"/admin/pages/add/govinfo_catalogue/catalogueitempage/{parent.pk}/"


def form(agency, title=TITLE, slug=None, **extra):
    # Wagtail's editor copies the title into the slug as it is typed (Unicode slugs).
    data = {"title": title, "slug": slugify(title, allow_unicode=True) if slug is None else slug,
            "agency": agency.pk, "validity": "valid", "disclosure_method": "proactive",
            "attachments": streamfield([]), "body": rich_text(""), "summary": ""}
    data.update(extra)
    return nested_form_data(data)


def children(parent, title=TITLE):
    return list(Page.objects.child_of(parent).filter(title=title).order_by("pk"))


@pytest.fixture
def editor_client(client, users):
    client.force_login(users["editor"])
    return client


def test_pinyin_of_titles():
    assert pinyin_slug(TITLE) == PINYIN
    # Readings in context (多音字), digits and Latin letters kept.
    assert pinyin_slug("重庆银行2026年Q1报告") == "chong-qing-yin-hang-2026-nian-q1-bao-gao"
    assert pinyin_slug("《通知》政策解读") == "tong-zhi-zheng-ce-jie-du"
    long = pinyin_slug("海丰县交通运输局2019年政府信息公开工作年度报告" * 3)
    assert len(long) <= 80 and not long.endswith("-")


def test_a_new_page_with_a_chinese_title_gets_a_pinyin_slug(editor_client, catalogue, agency):
    response = editor_client.post(add_url(catalogue), form(agency))
    assert response.status_code == 302, response.content.decode()[:2000]
    [page] = children(catalogue)
    assert page.slug == PINYIN


def test_a_slug_the_editor_typed_is_kept(editor_client, catalogue, agency):
    editor_client.post(add_url(catalogue), form(agency, slug="road-maintenance-2026"))
    assert children(catalogue)[0].slug == "road-maintenance-2026"


def test_an_autosaved_abandoned_draft_does_not_block_the_next_attempt(
    editor_client, catalogue, agency
):
    # Wagtail's autosave posts the new-page form as JSON and creates a draft page.
    response = editor_client.post(add_url(catalogue), form(agency),
                                  headers={"accept": "application/json"})
    assert response.status_code == 200 and response.json()["success"], response.content
    # The editor closes the tab, later starts again with the same title.
    response = editor_client.post(add_url(catalogue), form(agency))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [p.slug for p in children(catalogue)] == [PINYIN, f"{PINYIN}-2"]


def test_edits_of_a_never_public_draft_keep_its_pinyin_slug(editor_client, catalogue, agency):
    editor_client.post(add_url(catalogue), form(agency), headers={"accept": "application/json"})
    [page] = children(catalogue)
    # The editor's page still holds the title-synced slug; autosave posts it from the edit view.
    editor_client.post(f"/admin/pages/{page.pk}/edit/", form(agency),
                       headers={"accept": "application/json"})
    page.refresh_from_db()
    assert page.slug == PINYIN


def test_a_page_that_was_public_keeps_its_slug(editor_client, catalogue, agency):
    chinese = slugify(TITLE, allow_unicode=True)
    page = CatalogueItemPage(title=TITLE, slug=chinese, agency=agency, live=False)
    catalogue.add_child(instance=page)
    release(page.save_revision(), reason=ReleaseReason.TEST)
    page.refresh_from_db()
    assert page.first_published_at is not None
    editor_client.post(f"/admin/pages/{page.pk}/edit/", form(agency, slug=chinese))
    page.refresh_from_db()
    assert page.slug == chinese  # old URLs keep working


def test_a_latin_title_keeps_wagtails_slug(editor_client, catalogue, agency):
    editor_client.post(add_url(catalogue), form(agency, title="Annual plan 2026"))
    assert children(catalogue, "Annual plan 2026")[0].slug == "annual-plan-2026"


def test_a_typed_slug_already_in_use_is_refused_in_chinese(editor_client, catalogue, agency):
    editor_client.post(add_url(catalogue), form(agency, slug="road"))
    response = editor_client.post(add_url(catalogue), form(agency, title="另一个通知", slug="road"))
    assert response.status_code == 200
    # Wagtail's message, through the catalogue (the package's zh_Hans translates it).
    from django.utils.html import escape
    from django.utils.translation import gettext

    said = gettext("The slug '%(page_slug)s' is already in use within the parent page.") % {
        "page_slug": "road"}
    assert escape(said) in response.content.decode()
    assert len(children(catalogue, "另一个通知")) == 0
