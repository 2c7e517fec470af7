"""Review fixtures: the package's groups and workflow (govinfo_setup), one user per role."""

import pytest
from wagtail.models import Page, Workflow

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from tests.conftest import add_draft


@pytest.fixture
def draft(catalogue, agency):
    return add_draft(catalogue, CatalogueItemPage(title="待审事项", agency=agency,
                                                  summary="关于道路养护的通知"))


def is_live(page) -> bool:
    return Page.objects.get(pk=page.pk).live


def submit(page, user):
    page = Page.objects.get(pk=page.pk).specific
    return Workflow.objects.get(name="三审").start(page, user)


def current(state):
    state.refresh_from_db()
    return state.current_task_state.specific


def pass_gate(state, user, **data):
    """Pass the current gate as ``user`` with its whole checklist ticked (unless given)."""
    task_state = current(state)
    task = task_state.task.specific
    data.setdefault("checklist", task.checklist_items)
    return task.on_action(task_state, user, "approve", **data)


def return_gate(state, user, opinion):
    task_state = current(state)
    return task_state.task.specific.on_action(task_state, user, "reject", opinion=opinion)
