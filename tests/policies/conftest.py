from wagtail.models import Page, Workflow

from govinfo_wagtail.policies.models import (
    InterpretationPage,
    InterpretedPolicy,
    PolicyDocumentPage,
)
from tests.conftest import add_draft


def new_policy(catalogue, agency, title="关于加强农村公路养护管理的通知", **kwargs):
    kwargs.setdefault("document_number", "海交规〔2026〕1号")
    return add_draft(catalogue, PolicyDocumentPage(title=title, agency=agency, **kwargs))


def new_interpretation(catalogue, agency, *policies, title="《通知》政策解读", **kwargs):
    page = InterpretationPage(
        title=title, agency=agency,
        policy_links=[InterpretedPolicy(policy=p) for p in policies], **kwargs,
    )
    return add_draft(catalogue, page)


def pass_review(page, users) -> None:
    """Submit the latest revision and approve it at the three gates (三审)."""
    state = Workflow.objects.get(name="三审").start(page, users["editor"])
    for reviewer in ("political", "policy", "wording"):
        state.refresh_from_db()
        task_state = state.current_task_state.specific
        items = getattr(task_state.task.specific, "checklist_items", None)
        if items is not None:  # the review gates ask for their checklist to be ticked
            task_state.checklist = list(items)
            task_state.save(update_fields=["checklist"])
        task_state.approve(user=users[reviewer])


def is_live(page) -> bool:
    return Page.objects.get(pk=page.pk).live
