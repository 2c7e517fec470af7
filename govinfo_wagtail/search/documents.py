"""Building the public index rows (``SearchDocument``) from disclosure pages."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from wagtail.models import Page

from ..core.models import DisclosurePage
from ..core.search_text import encoded
from ..text import analysis
from ..text.extraction import extract
from .records import AttachmentText, SearchDocument

SNIPPET_SOURCE_LIMIT = 50_000  # characters of plain text kept for snippets


def _attachment_texts(page) -> list[str]:
    texts = []
    for block in page.attachments or []:
        document = block.value.get("document") if hasattr(block.value, "get") else None
        if document is None:
            continue
        texts.append(attachment_text(document))
    return texts


def attachment_text(document) -> str:
    """The document's extracted text, extracted once per file content (background task)."""
    cached = AttachmentText.objects.filter(document=document).first()
    if cached is not None and cached.file_hash == document.file_hash:
        return cached.text
    try:
        with document.file.open("rb") as f:
            result = extract(f, document.file.name)
        text, error = "\n".join(t for _, t in result.text_parts), result.error or ""
    except OSError as exc:  # file missing from storage
        text, error = "", f"missing: {type(exc).__name__}"[:50]
    AttachmentText.objects.update_or_create(
        document=document,
        defaults={"file_hash": document.file_hash, "text": text, "error": error[:50]},
    )
    return text


def attachment_texts_cached(page) -> list[str]:
    """Extracted attachment texts already stored (never extracts: safe in a request)."""
    ids = [
        block.value["document"].pk for block in page.attachments or []
        if hasattr(block.value, "get") and block.value.get("document") is not None
    ]
    if not ids:
        return []
    return list(AttachmentText.objects.filter(document_id__in=ids).values_list("text", flat=True))


def backend_text(analysed: str) -> str:
    """``search_text`` for Wagtail's backends: encoded on MariaDB/MySQL like the query."""
    if connection.vendor == "mysql":
        return analysis.mysql_index_text(analysed, innodb_min_token_size())
    return analysed


def innodb_min_token_size() -> int:
    cached = getattr(connection, "_govinfo_ft_min", None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT @@innodb_ft_min_token_size")
            cached = int(cursor.fetchone()[0])
        connection._govinfo_ft_min = cached
    return cached


def strong_texts(page, memo: dict | None = None) -> tuple[str, str]:
    """The analysed strong fields: (own 文号 + 索引号 + title, keywords + summary + agency).

    The same parts are in ``text`` (``search_parts``) and go through the same analysis, so a
    document with every query term in its strong fields also matches in ``text``.
    """
    title_parts, meta_parts = page.strong_search_parts()
    return (analysis.index_text(*title_parts, memo=memo),
            analysis.index_text(*meta_parts, memo=memo))


def attachment_only_text(parts: list[str], attachments: list[str],
                         memo: dict | None = None) -> str:
    """The analysed tokens of ``attachments`` that none of the page's own ``parts`` holds."""
    if not any(attachments):
        return ""
    own = set(analysis.index_text(*parts, memo=memo).split())
    return " ".join(t for t in dict.fromkeys(analysis.index_text(*attachments,
                                                                 memo=memo).split())
                    if t not in own)


def build_document(page) -> SearchDocument:
    attachments = _attachment_texts(page)
    parts = page.search_parts()
    memo: dict = {}  # each text analysed once, whichever fields hold it
    analysed = analysis.index_text(*parts, *attachments, unique=False, memo=memo)
    # Wagtail's backends index the same analysis (``search_text``, its tokens once each):
    # kept on the page, so that indexing it there (update_pages_index) does not analyse the
    # page a second time. search_text() recomputes it if the parts differ.
    page.__dict__["_govinfo_search_text"] = (
        (*parts, *attachments), encoded(" ".join(dict.fromkeys(analysed.split()))))
    plain = "\n".join(
        p for p in [page.summary, page._body_text(), *attachments] if p
    )[:SNIPPET_SOURCE_LIMIT]
    published = page.published_date
    title_text, meta_text = strong_texts(page, memo)
    # Wagtail's backends index the strong fields too (search_title_text, search_meta_text).
    for key, strong_parts, text in zip(
            ("_govinfo_search_title_text", "_govinfo_search_meta_text"),
            page.strong_search_parts(), (title_text, meta_text), strict=True):
        page.__dict__[key] = (strong_parts, encoded(text))
    return SearchDocument(
        page_id=page.pk,
        text=backend_text(analysed),
        title_text=backend_text(title_text),
        meta_text=backend_text(meta_text),
        title_key=analysis.title_key(page.title),
        attach_only=backend_text(attachment_only_text(parts, attachments, memo)),
        plain=plain,
        agency_id=page.agency_id,
        topic_id=page.topic_id,
        year=published.year if published else None,
        kind=ContentType.objects.get_for_model(page),
        validity=page.validity,
        published_date=published,
        document_number_key=analysis.document_number_token(page.document_number) or "",
    )


def sync_search_document(page_id: int) -> bool:
    """Insert/update the page's row if it is live and public, delete it otherwise."""
    # Released (its live revision has a release record), not merely live.
    base = DisclosurePage.objects.released().filter(pk=page_id).first()
    public = base is not None and Page.objects.filter(pk=page_id).public().exists()
    if not public:
        SearchDocument.objects.filter(page_id=page_id).delete()
        return False
    doc = build_document(base.specific)
    fields = [f.attname for f in SearchDocument._meta.concrete_fields if not f.primary_key]
    # Delete + insert rather than update: FTS5 triggers and InnoDB FULLTEXT handle both alike.
    SearchDocument.objects.update_or_create(
        page_id=page_id, defaults={f: getattr(doc, f) for f in fields}
    )
    return True


def rebuild_search_documents() -> tuple[int, int]:
    """Rebuild every row: (pages in the index, disclosure pages)."""
    ids = set(DisclosurePage.objects.values_list("pk", flat=True))
    # rows whose page is no longer a disclosure page (should not happen; cheap to check)
    SearchDocument.objects.exclude(page_id__in=ids).delete()
    return sum(sync_search_document(pk) for pk in sorted(ids)), len(ids)
