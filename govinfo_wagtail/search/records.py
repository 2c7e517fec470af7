"""The public search index (one row per live, public disclosure page), the extracted text of
attachments, and index failures."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page


class SearchDocument(models.Model):
    """The analysed text and facet columns of one live, public disclosure page.

    The vendor full-text index over ``text`` is created in migration 0002 (SQLite FTS5 with
    triggers, PostgreSQL stored tsvector + GIN/RUM, MariaDB/MySQL FULLTEXT). A page that is
    unpublished, restricted or deleted loses its row, so it can never be returned.
    """

    page = models.OneToOneField(
        Page, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    # Space-separated analysed tokens (term frequencies kept for ranking); on MariaDB/MySQL
    # with short tokens encoded (analysis.mysql_index_text).
    text = models.TextField()
    # The strong fields, each with its own small full-text index (migration 0004) from which
    # strong matches are retrieved whatever the number of body matches (ranking.ranked_ids):
    # analysed tokens of the page's own 文号, 索引号 and title ...
    title_text = models.TextField(blank=True, default="")
    # ... and of its keywords and publishing agency.
    meta_text = models.TextField(blank=True, default="")
    # The normalised title, letters and digits only: "words adjacent as typed" is a substring.
    title_key = models.CharField(max_length=255, blank=True, default="")
    # Analysed tokens found only in the attachments' text (none of the page's own fields holds
    # them): a word found only there ranks below one in the body (ranking.ranked_ids).
    # NULL: indexed before this column existed, until ``govinfo_search_rebuild`` (a system
    # check says so); treated as "no such words" meanwhile.
    attach_only = models.TextField(null=True, blank=True)
    # Plain text for snippets (summary, body, attachments), cut at SNIPPET_SOURCE_LIMIT.
    plain = models.TextField(blank=True)
    agency = models.ForeignKey(
        "govinfo_core.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    topic = models.ForeignKey(
        "govinfo_core.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # An integer, not a truncated date: MariaDB returns NULL for date truncation without
    # the server's time-zone tables.
    year = models.PositiveIntegerField(null=True, blank=True)
    kind = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    validity = models.CharField(max_length=20)
    published_date = models.DateField(null=True, blank=True)
    # analysis.document_number_token of the page's own 文号: exact 文号 matches sort first.
    document_number_key = models.CharField(max_length=32, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        indexes = [
            models.Index(fields=["published_date"], name="govinfo_search_doc_date"),
            models.Index(fields=["agency", "year"], name="govinfo_search_doc_agency"),
            models.Index(fields=["topic"], name="govinfo_search_doc_topic"),
        ]

    def __str__(self) -> str:
        return str(self.page_id)


class AttachmentText(models.Model):
    """Text extracted from a document in the background, keyed by the file's hash."""

    document = models.OneToOneField(
        "wagtaildocs.Document", on_delete=models.CASCADE, related_name="+"
    )
    file_hash = models.CharField(max_length=40, blank=True)
    text = models.TextField(blank=True)
    error = models.CharField(max_length=50, blank=True)
    extracted_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.document_id)


class IndexFailure(models.Model):
    """An index update that failed (search server down, ...); re-run by govinfo_search_retry."""

    page_id = models.PositiveBigIntegerField(db_index=True)
    backend = models.CharField(max_length=100)
    operation = models.CharField(max_length=10, default="update")  # update | delete
    model_label = models.CharField(max_length=100, blank=True)  # for deletes: app.model
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=1)
    first_failed_at = models.DateTimeField(auto_now_add=True)
    last_failed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search index failure")
        verbose_name_plural = _("search index failures")
        constraints = [
            models.UniqueConstraint(fields=["page_id", "backend"], name="govinfo_search_failure"),
        ]

    def __str__(self) -> str:
        return f"{self.backend}: {self.page_id}"
