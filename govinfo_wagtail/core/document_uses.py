"""The record of the documents disclosure pages use (the rule it serves: core.documents)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Revision


class DisclosureDocumentUse(models.Model):
    """A disclosure page's reference to a document: in ``revision``, or (``revision`` null)
    in the page's row, in a revision since edited or deleted, or in a deleted page.

    Plain ids for the page and the document: the marker must outlive a deleted page, and
    the document model may be a host's own (WAGTAILDOCS_DOCUMENT_MODEL); rows of a
    deleted document are removed by a signal.
    """

    # Indexed by the unique constraint, whose first column it is.
    document_id = models.PositiveBigIntegerField()
    page_id = models.PositiveBigIntegerField(db_index=True)
    revision = models.ForeignKey(
        Revision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("document of disclosure content")
        verbose_name_plural = _("documents of disclosure content")
        constraints = [
            models.UniqueConstraint(fields=["document_id", "revision"],
                                    name="govinfo_document_use_revision"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} ← {self.page_id}/{self.revision_id}"
