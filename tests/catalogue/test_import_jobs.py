"""Import jobs: batches in their own transactions, resumable and rolled back completely;
re-imports by legacy key; old URLs as redirects; attachments from a folder or a .zip."""

import csv
import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision

from govinfo_wagtail.catalogue.importing import jobs
from govinfo_wagtail.catalogue.importing.attachments import AttachmentSource, safe_name
from govinfo_wagtail.catalogue.models import CatalogueItemPage, ImportedItem, ImportJob
from govinfo_wagtail.core.models import IndexNumber, ReleaseRecord

HEADER = ["旧系统编号", "标题", "发布机构", "发布日期", "正文", "原网址", "附件"]


def rows(agency, n, *, attachments=""):
    return [[f"OLD-{i}", f"第{i}号通知", agency.name, "2016-03-02", f"第{i}号通知的正文。",
             f"http://old.example.gov.cn/art/2016/3/2/art_{i}.html", attachments]
            for i in range(1, n + 1)]


def write(path, table):
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(table)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "x")


def start(path, catalogue, *, publish=True, attachments=None):
    run = jobs.check_file(path, path.name, parent=catalogue, publish=publish,
                          attachments=attachments)
    assert run.validation.ok, run.validation.problems
    return run


def import_file(path, catalogue, admin, *, publish=True, attachments=None, **kwargs):
    run = start(path, catalogue, publish=publish, attachments=attachments)
    return jobs.run_job(path, path.name, run, user=admin, reason="迁移旧系统已公开信息",
                        **kwargs)


def end_state(catalogue):
    pages = CatalogueItemPage.objects.child_of(catalogue).order_by("path")
    return {
        "pages": [(p.title, p.live, p.slug, p.path) for p in pages],
        "released": sorted(ReleaseRecord.objects.filter(released_at__isnull=False,
                                                        page__in=pages)
                           .values_list("page__title", flat=True)),
        "revisions": Revision.objects.filter(object_id__in=[str(p.pk) for p in pages]).count(),
        "redirects": sorted(Redirect.objects.values_list("old_path", "redirect_page__title")),
        "numchild": Page.objects.get(pk=catalogue.pk).numchild,
    }


def fixtree_is_clean():
    out = io.StringIO()
    call_command("fixtree", "--noinput", stdout=out)
    text = out.getvalue()
    assert "Checking" in text and "Problems found" not in text, text


class Interrupt(Exception):
    pass


def test_interrupted_job_resumes_to_the_state_of_an_uninterrupted_run(
        tmp_path, catalogue, agency, admin):
    path = write(tmp_path / "legacy.csv", rows(agency, 7))

    def fail_after_first_batch(job):
        if job.rows_done == 3:
            raise Interrupt

    with pytest.raises(Interrupt):
        import_file(path, catalogue, admin, batch_rows=3, after_batch=fail_after_first_batch)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.INTERRUPTED and job.next_row == 5  # rows 2-4 written
    # The public sees nothing of a job that has not completed.
    assert CatalogueItemPage.objects.child_of(catalogue).count() == 3
    assert not CatalogueItemPage.objects.released().exists()
    assert catalogue.get_items().count() == 0

    again = start(path, catalogue)
    assert again.resumed and again.job.pk == job.pk
    jobs.run_job(path, path.name, again, user=admin, reason="迁移旧系统已公开信息", batch_rows=3)
    job.refresh_from_db()
    assert (job.state, job.created, job.unchanged) == (ImportJob.State.COMPLETED, 7, 0)
    resumed = end_state(catalogue)
    assert len(resumed["released"]) == 7 and resumed["numchild"] == 7
    fixtree_is_clean()

    # The same file, uninterrupted, into a fresh catalogue: the same shape.
    for item in CatalogueItemPage.objects.all():
        item.delete()
    Redirect.objects.all().delete()
    ImportedItem.objects.all().delete()
    ReleaseRecord.objects.all().delete()
    import_file(path, catalogue, admin, batch_rows=3)
    fresh = end_state(catalogue)
    strip = [(t, live, slug) for t, live, slug, _ in resumed["pages"]]
    assert strip == [(t, live, slug) for t, live, slug, _ in fresh["pages"]]
    assert resumed["released"] == fresh["released"]
    assert resumed["redirects"] == fresh["redirects"]
    assert resumed["revisions"] == fresh["revisions"] == 7


def test_rollback_leaves_the_database_as_it_was(tmp_path, catalogue, agency, admin):
    path = write(tmp_path / "legacy.csv", rows(agency, 5))
    before = (Page.objects.count(), Revision.objects.count(), PageLogEntry.objects.count(),
              IndexNumber.objects.count(), Redirect.objects.count(),
              ReleaseRecord.objects.count(), Page.objects.get(pk=catalogue.pk).numchild)

    def fail(job):
        if job.rows_done == 4:
            raise Interrupt

    with pytest.raises(Interrupt):
        import_file(path, catalogue, admin, batch_rows=2, after_batch=fail)
    job = ImportJob.objects.get()
    out = io.StringIO()
    call_command("govinfo_import", "unused.csv", "--rollback", str(job.pk), stdout=out)
    assert "4" in out.getvalue()
    after = (Page.objects.count(), Revision.objects.count(), PageLogEntry.objects.count(),
             IndexNumber.objects.count(), Redirect.objects.count(),
             ReleaseRecord.objects.count(), Page.objects.get(pk=catalogue.pk).numchild)
    assert after == before
    job.refresh_from_db()
    assert job.state == ImportJob.State.ROLLED_BACK
    fixtree_is_clean()


def test_reimport_of_the_same_file_changes_nothing_and_a_changed_row_updates(
        tmp_path, catalogue, agency, admin):
    table = rows(agency, 4)
    path = write(tmp_path / "legacy.csv", table)
    import_file(path, catalogue, admin, publish=False)
    revisions, logs = Revision.objects.count(), PageLogEntry.objects.count()

    job = import_file(path, catalogue, admin, publish=False)
    assert (job.created, job.updated, job.unchanged) == (0, 0, 4)
    assert (Revision.objects.count(), PageLogEntry.objects.count()) == (revisions, logs)

    table[1][1] = "第2号通知（修订）"
    job = import_file(write(tmp_path / "legacy.csv", table), catalogue, admin, publish=False)
    assert (job.created, job.updated, job.unchanged) == (0, 1, 3)
    assert Revision.objects.count() == revisions + 1
    page = ImportedItem.objects.get(legacy_key="OLD-2").page.specific
    assert page.get_latest_revision_as_object().title == "第2号通知（修订）"
    assert not page.live  # a draft gets a new revision, still for review
    assert CatalogueItemPage.objects.count() == 4


def test_the_command_reports_created_updated_unchanged(tmp_path, catalogue, agency, admin):
    path = write(tmp_path / "legacy.csv", rows(agency, 2))
    out = io.StringIO()
    call_command("govinfo_import", str(path), "--no-progress", stdout=out)
    out = io.StringIO()
    call_command("govinfo_import", str(path), "--no-progress", stdout=out)
    job = ImportJob.objects.order_by("-pk").first()
    assert (job.created, job.unchanged) == (0, 2) and str(job.pk) in out.getvalue()


@pytest.fixture
def redirects(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE,
                           "wagtail.contrib.redirects.middleware.RedirectMiddleware"]


def test_old_url_answers_a_redirect_to_the_live_page(tmp_path, catalogue, agency, admin, client,
                                                     redirects):
    import_file(write(tmp_path / "legacy.csv", rows(agency, 2)), catalogue, admin)
    page = ImportedItem.objects.get(legacy_key="OLD-1").page.specific
    response = client.get("/art/2016/3/2/art_1.html")
    assert response.status_code == 301
    assert response["Location"].endswith(page.url)
    assert client.get(response["Location"]).status_code == 200


def test_an_old_url_already_redirecting_elsewhere_is_reported(tmp_path, catalogue, agency,
                                                              admin):
    Redirect.objects.create(old_path="/art/2016/3/2/art_1.html", redirect_link="https://x.cn/",
                            site=catalogue.get_site())
    path = write(tmp_path / "legacy.csv", rows(agency, 1))
    out = io.StringIO()
    call_command("govinfo_import", str(path), "--no-progress", stdout=out)
    assert "art_1.html" in out.getvalue()
    assert Redirect.objects.get(old_path="/art/2016/3/2/art_1.html").redirect_link


def test_attachments_from_a_zip_become_documents_found_by_search(
        tmp_path, catalogue, agency, admin, django_capture_on_commit_callbacks):
    from govinfo_wagtail.search.services import SearchQuery, search

    archive = tmp_path / "files.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("2016/养护计划.txt", "附件里的农村公路养护计划全文。".encode())
    source = AttachmentSource(archive)
    with django_capture_on_commit_callbacks(execute=True):  # indexing runs after commit
        import_file(write(tmp_path / "legacy.csv",
                          rows(agency, 1, attachments="2016/养护计划.txt")),
                    catalogue, admin, attachments=source)
    page = CatalogueItemPage.objects.get()
    assert page.live and page.is_released()
    document = page.attachments[0].value["document"]
    assert document.title == "养护计划.txt"
    assert document.collection.name == agency.name
    from govinfo_wagtail.search.models import SearchDocument

    assert "养护" in SearchDocument.objects.get(page_id=page.pk).plain
    if connection.vendor != "mysql":  # InnoDB FULLTEXT sees only committed rows; the search
        # tests (tests/search, transactional) cover MariaDB's index itself.
        results = search(SearchQuery(q="农村公路养护计划"))
        assert [hit.page.pk for hit in results.hits] == [page.pk]
    # Wagtail's reference index knows the page uses the document.
    assert ReferenceIndex.get_references_to(document).filter(object_id=str(page.pk)).exists()


def test_reference_index_of_imported_pages_is_what_wagtail_writes(
        tmp_path, catalogue, agency, admin, django_capture_on_commit_callbacks):
    """Written for a batch at once, the rows are those of Wagtail's own per-object update."""
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "plan.txt").write_text("养护计划", encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        import_file(write(tmp_path / "legacy.csv", rows(agency, 3, attachments="plan.txt")),
                    catalogue, admin, attachments=AttachmentSource(folder))
    pages = list(CatalogueItemPage.objects.child_of(catalogue))
    assert len(pages) == 3

    def rows_of(page):
        return sorted(ReferenceIndex.objects.filter(object_id=str(page.pk)).values_list(
            "content_type_id", "base_content_type_id", "to_content_type_id", "to_object_id",
            "model_path", "content_path", "content_path_hash"))

    written = {page.pk: rows_of(page) for page in pages}
    assert all(any(r[4].startswith("attachments") for r in w) for w in written.values())
    assert all(any(r[4] == "agency" for r in w) for w in written.values())
    ReferenceIndex.objects.filter(object_id__in=[str(p.pk) for p in pages]).delete()
    for page in pages:
        ReferenceIndex.create_or_update_for_object(page)
    assert {page.pk: rows_of(page) for page in pages} == written


def test_imported_pages_work_in_wagtails_admin(
        tmp_path, catalogue, agency, admin, client, django_capture_on_commit_callbacks):
    """Edit, preview, history, the document's usage and unpublishing on pages written in bulk."""
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "plan.txt").write_text("养护计划", encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        import_file(write(tmp_path / "legacy.csv", rows(agency, 2, attachments="plan.txt")),
                    catalogue, admin, attachments=AttachmentSource(folder))
    page = CatalogueItemPage.objects.child_of(catalogue).order_by("path").first()
    assert page.live and page.is_released()
    client.force_login(admin)
    edit = client.get(f"/admin/pages/{page.pk}/edit/")
    assert edit.status_code == 200 and "第1号通知" in edit.content.decode()
    preview = client.get(f"/admin/pages/{page.pk}/view_draft/")
    assert preview.status_code == 200 and "第1号通知的正文" in preview.content.decode()
    history = client.get(f"/admin/pages/{page.pk}/history/")
    assert history.status_code == 200
    assert {"wagtail.create", "wagtail.publish"} <= set(
        PageLogEntry.objects.filter(page=page).values_list("action", flat=True))
    document = page.attachments[0].value["document"]
    usage = client.get(f"/admin/documents/usage/{document.pk}/")
    assert usage.status_code == 200 and page.title in usage.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/pages/{page.pk}/unpublish/")
    assert response.status_code == 302
    assert not CatalogueItemPage.objects.get(pk=page.pk).live
    fixtree_is_clean()


def test_missing_and_unsafe_attachments_are_reported_before_anything_is_written(
        tmp_path, catalogue, agency, admin):
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "secret.txt").write_text("x")
    (folder / "link.txt").symlink_to(tmp_path / "secret.txt")
    table = rows(agency, 4)
    table[0][6] = "a.pdf"
    table[1][6] = "missing.pdf"
    table[2][6] = "../secret.txt"
    table[3][6] = "link.txt"
    path = write(tmp_path / "legacy.csv", table)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("govinfo_import", str(path), "--attachments", str(folder), stdout=out)
    report = out.getvalue()
    assert "missing.pdf" in report and "../secret.txt" in report and "link.txt" in report
    assert "a.pdf" not in report
    assert not CatalogueItemPage.objects.exists()
    assert not get_document_model().objects.exists()


@pytest.mark.parametrize("name,expected", [
    ("a/b.pdf", "a/b.pdf"), ("a\\b.pdf", "a/b.pdf"), ("./a.pdf", "a.pdf"),
    ("../a.pdf", None), ("/etc/passwd", None), ("C:/x.pdf", None), ("a/../../b", None),
    ("", None),
])
def test_safe_name(name, expected):
    assert safe_name(name) == expected


def test_json_lines_import(tmp_path, catalogue, agency, admin):
    path = tmp_path / "export.jsonl"
    import json

    lines = [{"legacy_id": "J1", "title": "甲", "agency": agency.name,
              "published_date": "2016年3月2日"},
             {"legacy_id": "J2", "title": "乙", "agency": agency.name}]
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines),
                    encoding="utf-8")
    job = import_file(path, catalogue, admin, publish=False)
    assert job.created == 2
    assert sorted(CatalogueItemPage.objects.values_list("title", flat=True)) == ["乙", "甲"]


def test_a_drafts_job_is_indexed_when_it_completes_with_the_batches_of_an_interrupted_run(
        tmp_path, catalogue, agency, admin, django_capture_on_commit_callbacks):
    """The drafts of a job reach the search index (the admin's search) in one notice when the
    job completes, not one per batch (each notice costs Wagtail's PostgreSQL backend a scan of
    its whole index); the batches written before an interruption are in it."""
    from govinfo_wagtail.core.signals import disclosure_pages_changed

    notices = []

    def record(sender, page_ids, **kwargs):
        notices.append(list(page_ids))

    disclosure_pages_changed.connect(record, dispatch_uid="test-drafts-job")
    try:
        path = write(tmp_path / "drafts.csv", rows(agency, 7))

        def fail_after_first_batch(job):
            if job.rows_done == 3:
                raise Interrupt

        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(Interrupt):
                import_file(path, catalogue, admin, publish=False, batch_rows=3,
                            after_batch=fail_after_first_batch)
        assert notices == []
        with django_capture_on_commit_callbacks(execute=True):
            import_file(path, catalogue, admin, publish=False, batch_rows=3)
        pages = set(CatalogueItemPage.objects.child_of(catalogue).values_list("pk", flat=True))
        assert len(pages) == 7 and not CatalogueItemPage.objects.live().exists()
        assert [set(ids) for ids in notices] == [pages]
    finally:
        disclosure_pages_changed.disconnect(dispatch_uid="test-drafts-job")
