"""The end of the review workflow: disclosure pages (and the other released page types, such
as the disclosure guide) go live through the release service.

Set ``WAGTAIL_FINISH_WORKFLOW_ACTION = "govinfo_wagtail.review.workflow.finish_workflow"``
in the project's settings (Wagtail reads it once, at start-up; govinfo_setup checks it).
This module is imported while Wagtail's models load, so it imports models lazily.
"""

FINISH_WORKFLOW_ACTION = "govinfo_wagtail.review.workflow.finish_workflow"


def finish_workflow(workflow_state, user=None):
    from wagtail.workflows import publish_workflow_state

    from ..core.models import ReleasedPageMixin
    from ..core.release import release_after_review

    obj = workflow_state.content_object
    obj = getattr(obj, "specific", obj)
    if not isinstance(obj, ReleasedPageMixin):
        return publish_workflow_state(workflow_state, user=user)
    # Exactly the revision the last gate approved, not whatever the latest draft is now.
    approved = workflow_state.current_task_state.revision
    release_after_review(approved, user=user)
