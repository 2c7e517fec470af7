"""Notices Wagtail does not send by itself.

Wagtail already emails the next gate's group when a gate starts (its GroupApprovalTask
notifier covers our gates) and the submitter when a page is returned, with the opinion (our
task state's ``get_comment``). It does not tell reviewers who passed earlier gates that the
page came back (Wagtail #10196): this module does.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import override
from wagtail.models import TaskState


def notify_earlier_reviewers_of_return(sender, instance, user=None, **kwargs) -> None:
    from wagtail.admin.mail import send_mail

    from .models import ReviewGateTaskState

    if not isinstance(instance, ReviewGateTaskState):
        return
    reviewers = {
        state.finished_by
        for state in TaskState.objects.filter(
            workflow_state_id=instance.workflow_state_id, status=TaskState.STATUS_APPROVED
        ).select_related("finished_by")
        if state.finished_by and state.finished_by != user and state.finished_by.email
    }
    if not reviewers:
        return
    page = instance.revision.content_object
    for reviewer in reviewers:
        with override(getattr(getattr(reviewer, "wagtail_userprofile", None),
                              "get_preferred_language", lambda: None)()):
            subject = _("Returned at %(gate)s: %(title)s") % {
                "gate": instance.task.name, "title": page.title}
            body = _("“%(title)s”, which you passed earlier, was returned at %(gate)s by "
                     "%(user)s with this opinion:\n\n%(opinion)s") % {
                "title": page.title, "gate": instance.task.name,
                "user": user.get_full_name() or user.get_username() if user else "-",
                "opinion": instance.opinion or instance.comment}
        send_mail(subject, body, [reviewer.email])
