"""Indexing many pages analyses each page once: the public index's analysis is what Wagtail's
backends get as ``search_text``, the same text as analysing the page afresh."""

from datetime import date

from django.utils import timezone
from wagtail.models import PageLogEntry

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.core.bulk import bulk_create
from govinfo_wagtail.search.services import build_document
from govinfo_wagtail.text import analysis
from tests.conftest import add_live


def test_the_public_index_analysis_is_reused_as_the_backends_search_text(catalogue, agency,
                                                                         monkeypatch):
    page = add_live(catalogue, CatalogueItemPage(
        title="关于农村公路养护的通知", agency=agency, document_number="海府〔2024〕3号",
        keywords="农村公路、养护", summary="养护资金", body="<p>农村公路养护工作安排</p>",
        published_date=date(2024, 5, 1)))
    fresh = CatalogueItemPage.objects.get(pk=page.pk).search_text()
    page = CatalogueItemPage.objects.get(pk=page.pk)
    build_document(page)
    calls = []
    index_text = analysis.index_text
    monkeypatch.setattr(analysis, "index_text", lambda *a, **k: calls.append(a) or index_text(
        *a, **k))
    assert page.search_text() == fresh
    assert calls == []  # not analysed again
    page.title = "另一个标题"  # the parts changed: analysed afresh
    assert page.search_text() != fresh and calls


def test_bulk_create_writes_the_rows_and_leaves_the_objects_as_they_were(catalogue):
    entries = [PageLogEntry(page_id=catalogue.pk, content_type_id=catalogue.content_type_id,
                            label=f"条目{n}", action="wagtail.edit", data={"n": n, "q": '"'},
                            timestamp=timezone.now())
               for n in range(3)]
    bulk_create(PageLogEntry, entries)
    assert [e.label for e in entries] == ["条目0", "条目1", "条目2"]
    stored = PageLogEntry.objects.filter(action="wagtail.edit", page_id=catalogue.pk)
    assert sorted((e.label, e.data["n"], e.data["q"]) for e in stored) == [
        ("条目0", 0, '"'), ("条目1", 1, '"'), ("条目2", 2, '"')]
