"""Field weights: the summary with the keywords above the body, the body above attachment
text; and sites upgrading from an index built before the strong fields existed (migration
0005 fills them without a manual step) or before the summary was one (0006)."""

import importlib
from datetime import date

from django.apps import apps
from django.core import checks
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from wagtail.documents import get_document_model

from govinfo_wagtail.search import services
from govinfo_wagtail.search.documents import backend_text
from govinfo_wagtail.search.models import SearchDocument
from govinfo_wagtail.search.services import SearchQuery
from govinfo_wagtail.text import analysis
from tests.search.factories import item

fill = importlib.import_module("govinfo_wagtail.search.migrations.0005_fill_strong_fields").fill
fill_summary = importlib.import_module(
    "govinfo_wagtail.search.migrations.0006_summary_in_strong_fields").fill


def attachment(name: str, text: str):
    document = get_document_model()(title=name)
    document.file.save(name, ContentFile(text.encode()), save=False)
    document.save()
    return [("attachment", {"document": document, "title": ""})]


def titles(q: str, **kwargs) -> list[str]:
    return [h.page.title for h in services.search(SearchQuery(q=q, **kwargs)).hits]


def test_a_word_in_the_body_ranks_above_the_same_word_only_in_an_attachment(catalogue, agency):
    # Newer, and the word several times in its attachment (a higher text score).
    in_attachment = item(
        catalogue, "关于印发年度工作要点的通知", body="<p>请各单位认真贯彻落实。</p>",
        attachments=attachment("要点.txt", "扬尘治理。扬尘监测。扬尘防控，落实扬尘责任。"),
        agency=agency, published=date(2024, 6, 1))
    in_body = item(catalogue, "关于城市管理工作的通知",
                   body="<p>加强道路保洁和扬尘治理，改善市容环境。</p>", agency=agency,
                   published=date(2023, 3, 1))
    in_title = item(catalogue, "关于规范建筑工地扬尘治理的通知", agency=agency,
                    published=date(2021, 5, 1))
    row = SearchDocument.objects.get(page_id=in_attachment.pk)
    assert "扬尘" in services.attachment_only_text([], ["扬尘"]).split()
    assert row.attach_only  # the attachment's own words are recorded
    assert titles("扬尘") == [in_title.title, in_body.title, in_attachment.title]
    # Several words: the one that needs the attachment for one of them comes last as well.
    assert titles("扬尘 治理") == [in_title.title, in_body.title, in_attachment.title]


def test_a_word_of_the_body_that_an_attachment_also_holds_is_not_attachment_only(
        catalogue, agency):
    page = item(catalogue, "关于城市管理工作的通知", body="<p>加强扬尘治理。</p>",
                attachments=attachment("附件.txt", "扬尘治理。道路保洁。"), agency=agency)
    only = (SearchDocument.objects.get(page_id=page.pk).attach_only or "").split()
    assert backend_text("保洁") in only  # the attachment's own word (as the backend stores it)
    assert backend_text("扬尘") not in only and backend_text("治理") not in only  # in the body


def test_a_word_in_the_summary_ranks_with_the_keywords_below_the_title_above_the_body(
        catalogue, agency):
    in_title = item(catalogue, "关于规范建筑工地扬尘治理的通知", agency=agency,
                    published=date(2020, 5, 1))
    in_summary = item(catalogue, "关于城市管理工作的通知", summary="部署建筑工地扬尘治理。",
                      agency=agency, published=date(2021, 5, 1))
    in_keywords = item(catalogue, "关于市容环境的通知", keywords="扬尘治理", agency=agency,
                       published=date(2021, 4, 1))
    newer = [item(catalogue, f"关于档案管理工作的通知（{i}）", agency=agency,
                  body="<p>并做好扬尘治理等相关工作的衔接。扬尘治理，扬尘治理。</p>",
                  published=date(2024, 1, 1 + i)) for i in range(4)]
    row = SearchDocument.objects.get(page_id=in_summary.pk)
    assert "扬尘" in row.meta_text.split() or "q_扬尘" in row.meta_text.split()
    # Only the newest 2 matches would be ranked as body matches: the summary's document is
    # a strong match, found through the strong fields' index however many newer bodies.
    with override_settings(GOVINFO_SEARCH_RANK_WINDOW=2):
        for q in ("扬尘", "扬尘 治理"):
            found = titles(q)
            assert found[0] == in_title.title, q
            assert set(found[1:3]) == {in_summary.title, in_keywords.title}, q
            assert set(found[3:]) <= {p.title for p in newer}, q


def test_upgrade_puts_the_summary_into_the_strong_fields(catalogue, agency):
    with_summary = item(catalogue, "关于城市管理工作的通知", summary="部署建筑工地扬尘治理。",
                        keywords="城市管理", agency=agency, published=date(2021, 5, 1))
    without = item(catalogue, "关于档案管理工作的通知", keywords="档案", agency=agency,
                   body="<p>并做好扬尘等相关工作的衔接。</p>", published=date(2024, 1, 1))
    built = {r.page_id: r.meta_text for r in SearchDocument.objects.all()}
    before = SearchDocument.objects.get(page_id=with_summary.pk)
    stale = backend_text(analysis.index_text("城市管理", agency.name))
    SearchDocument.objects.filter(pk=before.pk).update(meta_text=stale)  # as 0005 wrote it
    with override_settings(GOVINFO_SEARCH_RANK_WINDOW=1):
        assert with_summary.title not in titles("扬尘")  # the newer body match fills it
        with connection.schema_editor(atomic=False) as schema_editor:
            fill_summary(apps, schema_editor)
        assert titles("扬尘")[0] == with_summary.title
    assert {r.page_id: r.meta_text for r in SearchDocument.objects.all()} == built
    assert without.pk in built


def _as_before_0004():
    """Rows as an index written by a version before the strong fields had them."""
    SearchDocument.objects.update(title_text="", meta_text="", title_key="", attach_only=None)


def _warnings():
    return [m for m in checks.run_checks(databases=["default"])
            if m.id == "govinfo_search.W001"]


def test_upgrade_fills_the_strong_fields_so_old_title_matches_are_found_again(catalogue, agency):
    sought = item(catalogue, "关于规范建筑工地扬尘治理的通知", agency=agency,
                  document_number="海住建〔2021〕7号", keywords="扬尘 工地",
                  published=date(2021, 5, 1))
    for i in range(6):  # newer items that mention the word once in their body
        item(catalogue, f"关于档案管理工作的通知（{i}）",
             body="<p>并做好扬尘等相关工作的衔接。</p>", agency=agency,
             published=date(2024, 1, 1 + i))
    with_file = item(catalogue, "关于信访接待的公告", body="<p>接待安排。</p>",
                     attachments=attachment("安排.txt", "来访登记表。"), agency=agency,
                     published=date(2024, 2, 1))
    built = {r.page_id: r for r in SearchDocument.objects.all()}
    _as_before_0004()
    with override_settings(GOVINFO_SEARCH_RANK_WINDOW=3):
        assert sought.title not in titles("扬尘")  # only the newest 3 body matches ranked
        with connection.schema_editor(atomic=False) as schema_editor:
            fill(apps, schema_editor)
        assert titles("扬尘")[0] == sought.title
        assert titles("海住建〔2021〕7号")[0] == sought.title
    for row in SearchDocument.objects.all():  # what indexing the page would have written
        expected = built[row.page_id]
        assert (row.title_text, row.meta_text, row.title_key) == (
            expected.title_text, expected.meta_text, expected.title_key)
        # Pages without attachments are complete; the one with a file waits for the rebuild.
        assert row.attach_only == (None if row.page_id == with_file.pk else "")
    [warning] = _warnings()
    assert "1 " in warning.msg and "govinfo_search_rebuild" in warning.hint
    call_command("govinfo_search_rebuild", "--skip-cluster", stdout=open("/dev/null", "w"))
    assert _warnings() == []
    assert SearchDocument.objects.get(page_id=with_file.pk).attach_only is not None
