from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "govinfo_wagtail.review"
    label = "govinfo_review"
    verbose_name = _("Review")
    # Pinned so that a host's DEFAULT_AUTO_FIELD never creates migrations here.
    default_auto_field = "django.db.models.BigAutoField"

    def govinfo_setup(self, log) -> None:
        from .setup import setup_review

        setup_review(log)

    def ready(self) -> None:
        from django.core import checks
        from django.core.signals import request_finished
        from django.db.models.signals import post_save
        from wagtail.signals import post_page_move, task_rejected, task_submitted

        from . import system_checks
        from .gates import on_page_saved
        from .models import ReviewGateTaskState
        from .notifications import notify_earlier_reviewers_of_return, replace_wagtail_notifiers
        from .outcomes import end as end_gate_action
        from .workflow_admin import check_workflow_admin_guard
        from .workflow_rules import check_disclosure_workflows, on_page_created, on_page_moved

        # Every page save: save_revision() is how each new revision reaches the page.
        post_save.connect(on_page_saved, dispatch_uid="govinfo_review_follow_revision")
        # A gate action's request is remembered only while it runs (see outcomes.py).
        request_finished.connect(end_gate_action, dispatch_uid="govinfo_review_gate_action_end")
        task_rejected.connect(notify_earlier_reviewers_of_return,
                              dispatch_uid="govinfo_review_return_notice")
        # Wagtail's workflow mails, their failures recorded like our notices'.
        notifiers = replace_wagtail_notifiers()
        # Wagtail connects its "a page awaits your review" email for sender=TaskState only,
        # so a Task type with its own TaskState class would notify nobody.
        task_submitted.connect(
            notifiers["group_approval_task_submitted_email_notification"],
            sender=ReviewGateTaskState, dispatch_uid="govinfo_review_gate_submitted_email",
            weak=False)
        # Disclosure pages are under a complete three-gate workflow wherever they are
        # created: a new catalogue root or section, in the admin or in code, gets 三审.
        post_save.connect(on_page_created, dispatch_uid="govinfo_review_workflow_on_create")
        post_page_move.connect(on_page_moved, dispatch_uid="govinfo_review_workflow_on_move")
        checks.register(check_disclosure_workflows, checks.Tags.database)
        checks.register(check_workflow_admin_guard, checks.Tags.urls)
        system_checks.register()
