"""我为政府网站找错: reports of errors from the public, and their register.

The inspection counts a report left unhandled, or handled after more than a month, against
the site; the register keeps each report's state and deadline. A reporter's contact details
are used only to send the answer: the admin never lists them.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

HANDLING_DAYS = 30  # the inspection's month
DUE_SOON_DAYS = 5


class ErrorReport(models.Model):
    class Kind(models.TextChoices):
        TYPO = "typo", _("Wrong or sensitive wording")
        LINK = "link", _("Broken link")
        CONTENT = "content", _("Wrong or outdated content")
        ACCESS = "access", _("Page does not open or is slow")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        NEW = "new", _("Received")
        IN_PROGRESS = "in_progress", _("Being handled")
        HANDLED = "handled", _("Handled")
        REJECTED = "rejected", _("Not an error")

    kind = models.CharField(_("kind of error"), max_length=10, choices=Kind.choices)
    page_url = models.CharField(_("where"), max_length=500)
    description = models.TextField(_("what is wrong"), max_length=2000)
    contact_name = models.CharField(_("your name"), max_length=50, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)
    deadline = models.DateTimeField(_("deadline"), editable=False)
    state = models.CharField(_("state"), max_length=12, choices=State.choices,
                             default=State.NEW)
    answer = models.TextField(_("answer"), blank=True,
                              help_text=_("Sent to the reporter when the report is handled "
                                          "and they gave an email address."))
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True, editable=False)
    answer_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    answer_error = models.CharField(max_length=255, blank=True, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The agency of the page reported on (a portal hosts many agencies), found at receipt.
    agency = models.ForeignKey("govinfo_core.Agency", verbose_name=_("agency"), null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="+",
                               editable=False)

    class Meta:
        verbose_name = _("error report")
        verbose_name_plural = _("error reports")
        ordering = ["deadline"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.page_url[:60]}"

    def save(self, *args, **kwargs):
        if self.deadline is None:
            self.deadline = self.received_at + timedelta(days=HANDLING_DAYS)
        if self.pk is None and self.agency_id is None:
            self.agency_id = agency_for_url(self.page_url)
        if not self.is_open and self.handled_at is None:
            self.handled_at = timezone.now()
        send = (not self.is_open and self.contact_email and self.answer.strip()
                and self.answer_sent_at is None)
        super().save(*args, **kwargs)
        if send:
            pk = self.pk
            transaction.on_commit(lambda: send_answer(pk))

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.NEW, self.State.IN_PROGRESS)

    @property
    def handled_late(self) -> bool:
        return self.handled_at is not None and self.handled_at > self.deadline


def agency_for_url(url: str) -> int | None:
    """The agency of the live page at ``url`` (an address on one of this project's sites,
    or a path on the default site), or of its nearest ancestor page that has one; None
    otherwise."""
    from wagtail.models import Page

    from .site_urls import site_address

    address = site_address(url)
    if address is None:
        return None
    for _covered, page in address.pages(Page.objects.live()):
        agency = getattr(page, "agency_id", None)
        if agency:
            return agency
    return None


def send_answer(pk: int) -> None:
    """Mail the answer to the reporter; a failure is recorded on the report, never raised
    (the handler's save stands)."""
    report = ErrorReport.objects.filter(pk=pk, answer_sent_at__isnull=True).first()
    if report is None or not report.contact_email:
        return
    subject = gettext("Your error report on %(url)s") % {"url": report.page_url[:80]}
    try:
        send_mail(subject, report.answer, settings.DEFAULT_FROM_EMAIL, [report.contact_email])
    except Exception as error:  # noqa: BLE001 — any mail failure is recorded
        logger.warning("Error report %s: answer not sent (%s)", pk, type(error).__name__)
        ErrorReport.objects.filter(pk=pk).update(answer_error=type(error).__name__[:255])
        return
    ErrorReport.objects.filter(pk=pk).update(answer_sent_at=timezone.now(), answer_error="")


def open_reports(now=None):
    """Open reports, the overdue ones and those due within DUE_SOON_DAYS."""
    now = now or timezone.now()
    reports = ErrorReport.objects.filter(state__in=[ErrorReport.State.NEW,
                                                    ErrorReport.State.IN_PROGRESS])
    overdue = reports.filter(deadline__lt=now)
    due_soon = reports.filter(deadline__gte=now,
                              deadline__lt=now + timedelta(days=DUE_SOON_DAYS))
    return reports, overdue, due_soon
