"""The analysed search text Wagtail's backends index (core.search_text), and the hooks through
which apps add to it: the search app adds the stored attachment text without the kernel
importing it."""

import pytest
from django.db import connection
from wagtail import hooks

from govinfo_wagtail.core.models import DisclosurePage
from govinfo_wagtail.core.search_text import (
    SEARCH_TEXT_ENCODING_HOOK,
    SEARCH_TEXT_PARTS_HOOK,
    analysed_text,
)
from govinfo_wagtail.search.indexing import update_page_index
from govinfo_wagtail.text.analysis import index_text
from tests.search.factories import item
from tests.search.test_field_weights import attachment

pytestmark = pytest.mark.django_db


def fresh(page) -> DisclosurePage:
    return DisclosurePage.objects.get(pk=page.pk).specific


def test_an_app_adds_texts_to_the_analysed_search_text(catalogue, agency):
    page = item(catalogue, "关于开展检查的通知", agency=agency)
    # The tokens as this database's index stores them (MariaDB/MySQL encode short ones).
    added = set(analysed_text(("扬尘治理",)).split())
    assert not added <= set(fresh(page).search_text().split())
    with hooks.register_temporarily(SEARCH_TEXT_PARTS_HOOK, lambda page: ["扬尘治理"]):
        assert added <= set(fresh(page).search_text().split())


def test_an_encoding_hook_rewrites_the_analysed_text(catalogue, agency):
    page = item(catalogue, "关于开展检查的通知", agency=agency)
    with hooks.register_temporarily(SEARCH_TEXT_ENCODING_HOOK, lambda text: text.upper()):
        assert fresh(page).search_text() == fresh(page).search_text().upper()


def test_the_search_app_contributes_the_stored_attachment_text(catalogue, agency):
    page = item(catalogue, "关于开展检查的通知", agency=agency,
                attachments=attachment("要点.txt", "扬尘治理工作要点。"))
    update_page_index(page.pk)  # extracts and stores the attachment's text
    text = fresh(page).search_text()
    if connection.vendor != "mysql":  # (InnoDB's encoding of short tokens on MariaDB/MySQL)
        assert set(index_text("扬尘治理").split()) <= set(text.split())
    assert text != index_text(*fresh(page).search_parts())
