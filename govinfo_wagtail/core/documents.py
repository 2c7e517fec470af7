"""Documents of disclosure content: who may download them, and the record that decides it.

A document is *disclosure content* once any disclosure page has referred to it — in a
revision (a draft that attached it, the live one, an old one) or in the page's own row.
Such a document is served to the public only while a live, released, public disclosure
page refers to it in its live revision; a visitor who passes a page's view restriction
(its password, a login, a group) gets the documents of that page; people who may edit or
review a page that uses it get it in the admin. Everyone else gets a 404, as if the
document did not exist. Documents that no disclosure page ever referred to (the host
site's own) are served exactly as before. The document's collection privacy applies on
top (Wagtail's own ``before_serve_document`` hook).

Why a table of its own rather than Wagtail's reference index: the index records a page's
row only, which for a live page is its live content — a draft's attachments are never in
it — and it is updated by a background task, so a newly attached document would be
public until a worker ran. ``DisclosureDocumentUse`` is written in the same transaction
as the revision or row that refers to the document, and its rows are never deleted while
the document exists: a document stays disclosure content after the draft that attached it
is edited, purged or deleted.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRel
from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel, get_all_child_relations
from wagtail.documents import get_document_model
from wagtail.documents.models import AbstractDocument
from wagtail.models import Page, ReferenceIndex, Revision

from .document_uses import DisclosureDocumentUse
from .models import ReleasedPageMixin, released_revision_exists
from .released import released_page_models

# Bounds on the work of one request (a document attached to very many pages is unusual).
_MAX_PAGES_CHECKED = 50


# -- which documents a page's content refers to ------------------------------------------


def document_ids_in_content(model: type[models.Model], content: dict) -> set[int]:
    """The documents that serialised content of ``model`` (a revision's ``content``, or
    ``instance.serializable_data()``) refers to: foreign keys, rich text links, chooser
    blocks in stream fields, and the same in inline children. Uses the model's field
    definitions only, never its table, so it also reads revisions of an older schema."""
    found: set[int] = set()
    for field in model._meta.get_fields():
        if field.name not in content and getattr(field, "attname", None) not in content:
            continue
        if field.is_relation and field.many_to_one and not isinstance(
                field, (ParentalKey, GenericRel)):
            related = field.related_model
            if isinstance(related, type) and issubclass(related, AbstractDocument):
                value = content.get(field.name, content.get(field.attname))
                if value not in (None, ""):
                    found.add(int(value))
            continue
        if hasattr(field, "extract_references"):
            raw = content.get(field.name)
            if raw in (None, ""):
                continue
            for to_model, object_id, *_rest in field.extract_references(field.to_python(raw)):
                if isinstance(to_model, type) and issubclass(to_model, AbstractDocument):
                    try:
                        found.add(int(object_id))
                    except (TypeError, ValueError):
                        continue
    if issubclass(model, ClusterableModel):
        for relation in get_all_child_relations(model):
            for child in content.get(relation.get_accessor_name()) or []:
                if isinstance(child, dict):
                    found |= document_ids_in_content(relation.related_model, child)
    return found


def record_uses(page_id: int, revision_id: int | None, document_ids: Iterable[int]) -> None:
    """Record that the page's revision (or row, with ``revision_id`` None) refers to these
    documents. A revision rewritten in place (Wagtail's overwrite of the latest revision)
    keeps its dropped documents as markers, so they stay disclosure content."""
    ids = set(document_ids)
    uses = DisclosureDocumentUse.objects
    with transaction.atomic():
        if revision_id is not None:
            existing = set(uses.filter(revision_id=revision_id)
                           .values_list("document_id", flat=True))
            dropped = existing - ids
            if dropped:
                uses.filter(revision_id=revision_id, document_id__in=dropped).update(revision=None)
        else:
            existing = set(uses.filter(page_id=page_id, document_id__in=ids)
                           .values_list("document_id", flat=True))
        new = ids - existing
        if new:
            uses.bulk_create(
                [DisclosureDocumentUse(document_id=d, page_id=page_id, revision_id=revision_id)
                 for d in sorted(new)],
                ignore_conflicts=True,
            )


def _disclosure_model(model) -> type | None:
    """The page type, if it goes live only through the release service (disclosure pages,
    the disclosure guide, the statutory content page): its documents follow this rule."""
    if isinstance(model, type) and issubclass(model, ReleasedPageMixin):
        return model
    return None


def record_revision(revision: Revision) -> None:
    model = ContentType.objects.get_for_id(revision.content_type_id).model_class()
    if _disclosure_model(model) is None:
        return
    ids = document_ids_in_content(model, revision.content or {})
    record_uses(int(revision.object_id), revision.pk, ids)


def record_page_row(page) -> None:
    ids = document_ids_in_content(type(page), page.serializable_data())
    if ids:
        record_uses(page.pk, None, ids)


# Fixtures (raw saves) too: a loaded draft's attachments are disclosure content as well.
@receiver(post_save, sender=Revision, dispatch_uid="govinfo_document_uses_revision")
def _revision_saved(sender, instance, **kwargs):
    record_revision(instance)


@receiver(post_save, dispatch_uid="govinfo_document_uses_page_row")
def _page_row_saved(sender, instance, update_fields=None, **kwargs):
    if _disclosure_model(sender) is None:
        return
    if update_fields is not None and _BOOKKEEPING_FIELDS.issuperset(update_fields):
        return  # Wagtail's bookkeeping saves (latest_revision, locks, ...)
    record_page_row(instance)


_BOOKKEEPING_FIELDS = frozenset({
    "latest_revision", "latest_revision_created_at", "draft_title", "has_unpublished_changes",
    "live", "live_revision", "last_published_at", "first_published_at", "locked",
    "locked_at", "locked_by", "url_path", "path", "depth", "numchild", "comments",
    "expired", "go_live_at", "expire_at", "index_number", "wagtail_admin_comments",
})


@receiver(post_delete, dispatch_uid="govinfo_document_uses_document_deleted")
def _document_deleted(sender, instance, **kwargs):
    if isinstance(instance, AbstractDocument):
        DisclosureDocumentUse.objects.filter(document_id=instance.pk).delete()


def rebuild_document_uses(log=None) -> int:
    """Record the documents of every revision and row of every disclosure page (after an
    upgrade from a version without the record; idempotent). Returns the revisions read."""
    models_by_ct = {
        ct.pk: ct.model_class()
        for ct in ContentType.objects.get_for_models(
            *released_page_models(), for_concrete_models=False).values()
    }
    count = 0
    revisions = (Revision.objects.filter(content_type_id__in=list(models_by_ct))
                 .only("pk", "object_id", "content_type_id", "content").order_by("pk"))
    for revision in revisions.iterator(chunk_size=500):
        model = models_by_ct.get(revision.content_type_id)
        if model is None:
            continue
        record_uses(int(revision.object_id), revision.pk,
                    document_ids_in_content(model, revision.content or {}))
        count += 1
        if log and count % 1000 == 0:
            log(count)
    for page in (Page.objects.filter(content_type_id__in=list(models_by_ct)).specific()
                 .iterator(chunk_size=200)):
        record_page_row(page)
    return count


# -- who may download ---------------------------------------------------------------------


def is_disclosure_document(document) -> bool:
    return DisclosureDocumentUse.objects.filter(document_id=document.pk).exists()


def _live_pages_using(document):
    """Live pages of a released type, with a release record of their live revision, whose
    live revision refers to the document."""
    revisions = DisclosureDocumentUse.objects.filter(
        document_id=document.pk, revision__isnull=False).values("revision_id")
    return Page.objects.live().filter(live_revision_id__in=revisions).filter(
        released_revision_exists())


def _used_by_live_host_content(document) -> bool:
    """Whether something other than a disclosure page — a live host page, a snippet —
    refers to the document (Wagtail's reference index): it was public before, and stays."""
    references = ReferenceIndex.get_references_to(document)
    page_type = ContentType.objects.get_for_model(Page)
    if references.exclude(base_content_type=page_type).exists():
        return True
    page_ids = [int(pk) for pk in references.filter(base_content_type=page_type)
                .values_list("object_id", flat=True)[:_MAX_PAGES_CHECKED]]
    released_types = ContentType.objects.get_for_models(
        *released_page_models(), for_concrete_models=False).values()
    return (Page.objects.live().filter(pk__in=page_ids)
            .exclude(content_type__in=list(released_types)).exists())


def _request_passes_a_restriction(pages, request) -> bool:
    """A visitor who passed a page's view restrictions (password, login, groups) may
    download that page's documents."""
    for page in pages.not_public()[:_MAX_PAGES_CHECKED]:
        restrictions = page.get_view_restrictions()
        if restrictions and all(r.accept_request(request) for r in restrictions):
            return True
    return False


def _user_may_see_drafts(document, user) -> bool:
    """Superusers, and people who may edit a page that refers to the document or review
    it at its current gate (Wagtail's edit permission covers both)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    page_ids = (DisclosureDocumentUse.objects.filter(document_id=document.pk)
                .values_list("page_id", flat=True).distinct()[:_MAX_PAGES_CHECKED])
    for page in Page.objects.filter(pk__in=list(page_ids)).specific():
        if page.permissions_for_user(user).can_edit():
            return True
    return False


def may_serve(document, request) -> bool:
    """Whether ``request`` may download ``document`` under the rule of this module (the
    collection's own privacy is Wagtail's hook, checked as well)."""
    if not is_disclosure_document(document):
        return True
    live = _live_pages_using(document)
    if live.public().exists():
        return True
    if _request_passes_a_restriction(live, request):
        return True
    if _used_by_live_host_content(document):
        return True
    return _user_may_see_drafts(document, request.user)


def refuse_unreleased_document(document, request) -> None:
    """The ``before_serve_document`` hook: a 404 (not a 403) so that the ids of drafts'
    documents, which are sequential, reveal nothing."""
    if not may_serve(document, request):
        raise Http404


# -- configuration ------------------------------------------------------------------------


@checks.register(checks.Tags.security)
def check_document_serve_method(app_configs=None, **kwargs):
    """With "direct" or "redirect" the browser fetches the file from storage, and neither
    this rule nor Wagtail's collection privacy is ever asked."""
    method = getattr(settings, "WAGTAILDOCS_SERVE_METHOD", None)
    hint = _("Set WAGTAILDOCS_SERVE_METHOD = \"serve_view\" and make sure the web server does "
             "not serve the documents folder of MEDIA_ROOT (docs/deployment.md).")
    if method in ("direct", "redirect"):
        return [checks.Warning(
            _("WAGTAILDOCS_SERVE_METHOD is “%(method)s”: documents bypass Django, so "
              "attachments of unreleased or restricted disclosure pages can be downloaded "
              "by anyone who has the link.") % {"method": method},
            hint=hint, id="govinfo_core.W101")]
    if method is None and not _documents_have_local_paths():
        return [checks.Warning(
            _("Documents are kept in a remote storage and WAGTAILDOCS_SERVE_METHOD is not "
              "set, so Wagtail redirects downloads to the storage: attachments of "
              "unreleased or restricted disclosure pages can be downloaded by anyone who "
              "has the link."),
            hint=hint, id="govinfo_core.W102")]
    return []


def _documents_have_local_paths() -> bool:
    storage = get_document_model()._meta.get_field("file").storage
    try:
        storage.path("govinfo-probe")
    except NotImplementedError:
        return False
    return True
