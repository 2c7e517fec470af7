"""Editors find their pages in Chinese in the admin (page search, page chooser), drafts
included, through Wagtail's database backend with the package analysis."""

import pytest
from django.test import override_settings

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from tests.conftest import add_draft

BACKENDS = {"default": {"BACKEND": "govinfo_wagtail.search.backends.database"}}


@pytest.fixture
def editor_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "a@example.com", "pw")
    client.force_login(user)
    return client


@override_settings(WAGTAILSEARCH_BACKENDS=BACKENDS)
def test_admin_page_search_and_chooser_find_chinese_words(editor_client, catalogue, agency):
    draft = add_draft(catalogue, CatalogueItemPage(
        title="海丰县交通运输局2019年政府信息公开工作年度报告", agency=agency,
        body="<p>公路建设情况。</p>"))
    other = add_draft(catalogue, CatalogueItemPage(title="渔业油价补贴资金发放情况公示"))
    for q in ["交通", "年度报告", "年度報告", "公路建设"]:
        response = editor_client.get("/admin/pages/search/", {"q": q})
        assert response.status_code == 200
        html = response.content.decode()
        assert draft.title in html and other.title not in html, q
    chooser = editor_client.get("/admin/choose-page/search/", {"q": "交通运输"})
    assert chooser.status_code == 200
    assert draft.title in chooser.content.decode()
    assert other.title not in chooser.content.decode()
