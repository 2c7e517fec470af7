"""Attachments of disclosure content are downloadable by the public only while a live,
released, public page uses them; the host site's own documents are served as before."""

import json
import uuid

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client, override_settings
from wagtail.documents import get_document_model
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    Page,
    PageViewRestriction,
    Workflow,
)

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.core.documents import (
    DisclosureDocumentUse,
    check_document_serve_method,
)
from govinfo_wagtail.core.release import ReleaseReason, release
from govinfo_wagtail.pdf.fetcher import FetchRefused, SiteOnlyURLFetcher, public_media_file
from tests.conftest import add_draft, add_live

Document = get_document_model()
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


ATTACHMENT = "关于道路养护的附件".encode()


def make_document(title="附件", content=ATTACHMENT, ext="txt", collection=None):
    name = f"att-{uuid.uuid4().hex[:10]}.{ext}"
    kwargs = {"collection": collection} if collection else {}
    return Document.objects.create(title=title, file=ContentFile(content, name=name), **kwargs)


def attachments(*documents):
    return json.dumps([{"type": "attachment", "value": {"document": d.pk, "title": ""}}
                       for d in documents])


def download(document, client=None):
    return (client or Client()).get(document.url)


def status(document, client=None):
    return download(document, client).status_code


def attach_in_new_draft(page, *documents, user=None):
    """An edit saved as a draft: the revision has the attachment, the page's row not."""
    page = Page.objects.get(pk=page.pk).specific
    page.attachments = attachments(*documents)
    return page.save_revision(user=user)


@pytest.fixture
def draft(catalogue, agency):
    return add_draft(catalogue, CatalogueItemPage(title="待审事项", agency=agency))


def test_a_never_released_drafts_attachment_is_a_404_then_public_on_release_and_gone_on_unpublish(
        draft):
    document = make_document()
    revision = attach_in_new_draft(draft, document)
    # Only in the revision: Wagtail's reference index (the page's row) does not know it.
    assert not CatalogueItemPage.objects.get(pk=draft.pk).attachments
    assert status(document) == 404

    release(revision, reason=ReleaseReason.TEST)
    response = download(document)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == ATTACHMENT

    CatalogueItemPage.objects.get(pk=draft.pk).unpublish()
    assert status(document) == 404


def test_a_page_made_live_around_the_release_service_does_not_publish_its_attachments(draft):
    document = make_document()
    revision = attach_in_new_draft(draft, document)
    Page.objects.filter(pk=draft.pk).update(live=True, live_revision=revision)  # raw write
    assert status(document) == 404


def test_an_attachment_in_the_pages_own_row_and_a_rich_text_link_count_too(catalogue, agency):
    in_row = make_document("创建时附上")
    linked = make_document("正文链接")
    page = CatalogueItemPage(
        title="新事项", agency=agency, attachments=attachments(in_row),
        body=f'<p>见<a linktype="document" id="{linked.pk}">附件</a></p>')
    add_draft(catalogue, page)
    assert status(in_row) == 404 and status(linked) == 404
    release(page.get_latest_revision(), reason=ReleaseReason.TEST)
    assert status(in_row) == 200 and status(linked) == 200


def test_a_live_pages_new_draft_attachment_waits_for_its_release(catalogue, agency):
    old = make_document("已公开附件")
    page = add_live(catalogue, CatalogueItemPage(title="在线事项", agency=agency,
                                                 attachments=attachments(old)))
    new = make_document("草稿附件")
    revision = attach_in_new_draft(page, old, new)
    assert status(old) == 200
    assert status(new) == 404
    release(revision, reason=ReleaseReason.TEST)
    assert status(new) == 200


def test_an_attachment_dropped_by_a_later_draft_or_a_deleted_draft_stays_private(draft):
    document = make_document()
    attach_in_new_draft(draft, document)
    attach_in_new_draft(draft)  # removed again before any release
    assert status(document) == 404
    release(draft.get_latest_revision(), reason=ReleaseReason.TEST)  # released without it
    assert status(document) == 404

    other = make_document()
    doomed = add_draft(draft.get_parent(), CatalogueItemPage(title="将删除", slug="doomed"))
    attach_in_new_draft(doomed, other)
    Page.objects.get(pk=doomed.pk).delete()
    assert status(other) == 404


def test_an_overwritten_revision_keeps_its_dropped_attachment_private(draft, django_user_model):
    user = django_user_model.objects.create_user("autosaver", password="pw")
    document = make_document()
    revision = attach_in_new_draft(draft, document, user=user)
    page = Page.objects.get(pk=draft.pk).specific
    page.attachments = attachments()
    again = page.save_revision(user=user, overwrite_revision=revision)  # autosave
    assert again.pk == revision.pk
    release(again, reason=ReleaseReason.TEST)
    assert status(document) == 404


@pytest.mark.parametrize("restriction_type", ["password", "login", "groups"])
def test_attachments_of_a_restricted_live_page_are_not_public(
        catalogue, agency, restriction_type, django_user_model):
    document = make_document()
    page = add_live(catalogue, CatalogueItemPage(title="内部事项", agency=agency,
                                                 attachments=attachments(document)))
    group = Group.objects.create(name="内部读者")
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=restriction_type, password="s3cret")
    if restriction_type == "groups":
        restriction.groups.add(group)
    assert status(document) == 404

    # Passing the page's restriction opens its attachments, as it opens the page.
    visitor = Client()
    if restriction_type == "password":
        visitor.post(f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/",
                     {"password": "s3cret", "return_url": page.url})
    else:
        user = django_user_model.objects.create_user("reader", password="pw")
        if restriction_type == "groups":
            assert status(document, _logged_in(visitor, user)) == 404  # not in the group
            user.groups.add(group)
        _logged_in(visitor, user)
    assert visitor.get(page.url).status_code == 200
    assert status(document, visitor) == 200


def _logged_in(client, user):
    client.force_login(user)
    return client


def test_people_who_may_edit_or_review_the_draft_get_its_attachment(draft, users):
    document = make_document()
    attach_in_new_draft(draft, document, user=users["editor"])
    client = Client()
    assert status(document, _logged_in(client, users["editor"])) == 200
    assert status(document, _logged_in(client, users["superuser"])) == 200
    # A reviewer of a later gate has nothing to do with the page yet; of the current one has.
    assert status(document, _logged_in(client, users["policy"])) == 404
    Workflow.objects.get(name="三审").start(Page.objects.get(pk=draft.pk).specific,
                                          users["editor"])
    assert status(document, _logged_in(client, users["political"])) == 200
    assert status(document, _logged_in(client, users["policy"])) == 404
    assert status(document) == 404


def test_host_documents_are_served_as_before(catalogue, draft, root_page):
    from tests.example_extension.models import PlainPage

    unused = make_document("主站文件")
    assert status(unused) == 200
    # A document that live content outside the released page types links to (here a host
    # page of the site's own, published as Wagtail publishes) stays public, even if a
    # disclosure draft attaches it too.
    shared = make_document("共用文件")
    attach_in_new_draft(draft, shared)
    assert status(shared) == 404
    host = PlainPage(title="办事指南", slug="banshi",
                     body=f'<p><a linktype="document" id="{shared.pk}">办事指南</a></p>')
    root_page.add_child(instance=host)
    host.save_revision().publish()
    assert status(shared) == 200


def test_a_document_linked_from_a_released_catalogue_is_public(catalogue, draft):
    """The catalogue is a released type: its introduction's documents are public while its
    released live revision links them."""
    shared = make_document("共用文件")
    attach_in_new_draft(draft, shared)
    assert status(shared) == 404
    catalogue.intro = f'<p><a linktype="document" id="{shared.pk}">办事指南</a></p>'
    catalogue.save_revision()
    assert status(shared) == 404  # a draft of the catalogue
    release(catalogue.get_latest_revision(), reason=ReleaseReason.TEST)
    assert status(shared) == 200


def test_the_collections_privacy_still_applies(catalogue, agency):
    private = Collection.get_first_root_node().add_child(name="内部文件")
    CollectionViewRestriction.objects.create(collection=private, restriction_type="password",
                                             password="s3cret")
    document = make_document(collection=private)
    add_live(catalogue, CatalogueItemPage(title="事项", agency=agency,
                                          attachments=attachments(document)))
    response = download(document)
    assert response.status_code == 200 and ATTACHMENT not in response.content  # password form
    assert b"password" in response.content


def test_the_record_is_rebuilt_for_an_upgraded_site(draft):
    document = make_document()
    attach_in_new_draft(draft, document)
    DisclosureDocumentUse.objects.all().delete()  # as before the record existed
    assert status(document) == 200
    call_command("govinfo_document_uses", stdout=open("/dev/null", "w"))
    assert status(document) == 404


def test_the_pdf_fetcher_cannot_read_a_drafts_document(draft):
    document = make_document(content=PNG, ext="png")
    revision = attach_in_new_draft(draft, document)
    url = f"http://localhost/media/{document.file.name}"
    fetcher = SiteOnlyURLFetcher("http://localhost/")
    assert not public_media_file(document.file.name)
    with pytest.raises(FetchRefused):
        fetcher.fetch(url)
    # An image has no text to check: released with the override the checks ask for.
    release(revision, reason=ReleaseReason.TEST, override_reason="图片，无文字")
    assert public_media_file(document.file.name)
    assert fetcher.fetch(url).read() == PNG


@pytest.mark.parametrize("method, warned", [
    ("direct", "govinfo_core.W101"), ("redirect", "govinfo_core.W101"),
    ("serve_view", None), (None, None),
])
def test_a_serve_method_that_bypasses_django_is_warned_about(method, warned):
    with override_settings(WAGTAILDOCS_SERVE_METHOD=method):
        ids = [m.id for m in check_document_serve_method()]
    assert ids == ([warned] if warned else [])


def test_a_remote_document_storage_without_serve_method_is_warned_about():
    field = Document._meta.get_field("file")
    original = field.storage

    class Remote:  # an object storage: files have URLs, not paths
        def path(self, name):
            raise NotImplementedError

    field.storage = Remote()
    try:
        ids = [m.id for m in check_document_serve_method()]
    finally:
        field.storage = original
    assert ids == ["govinfo_core.W102"]
