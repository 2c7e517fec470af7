"""Checklists per page: 解读材料齐全 is asked only where interpretations apply."""

import json

import pytest
from django.test import override_settings
from django.urls import reverse

from govinfo_wagtail.review.gates import GateRefused
from govinfo_wagtail.review.models import ReviewGateTaskState
from tests.policies.conftest import new_policy
from tests.review.conftest import current, pass_gate, submit

ITEM = "解读材料齐全"


def at_policy_gate(page, users):
    state = submit(page, users["editor"])
    pass_gate(state, users["political"])
    task_state = current(state)
    assert task_state.task.name == "政策审核"
    return state, task_state


def modal_html(client, user, page, task_state):
    client.force_login(user)
    response = client.get(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]),
        headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 200
    return json.loads(response.content)["html"]


def test_a_plain_notice_is_not_asked_for_interpretations(client, users, draft):
    state, task_state = at_policy_gate(draft, users)
    html = modal_html(client, users["policy"], draft, task_state)
    assert "与现行政策法规一致" in html and ITEM not in html
    # Passing without it stands, and the record says which items were asked.
    pass_gate(state, users["policy"], checklist=["与现行政策法规一致", "有效性标注正确"])
    decided = ReviewGateTaskState.objects.get(pk=task_state.pk)
    assert decided.status == "approved" and decided.checklist == [
        "与现行政策法规一致", "有效性标注正确"]


def test_a_policy_requiring_interpretation_is_asked_and_must_tick_it(
    client, users, catalogue, agency
):
    policy = new_policy(catalogue, agency, requires_interpretation=True)
    state, task_state = at_policy_gate(policy, users)
    assert ITEM in modal_html(client, users["policy"], policy, task_state)
    with pytest.raises(GateRefused) as exc:
        pass_gate(state, users["policy"], checklist=["与现行政策法规一致", "有效性标注正确"])
    assert exc.value.code == "checklist_incomplete" and ITEM in str(exc.value.message)
    # The modal's form says so too, and keeps the dialog open.
    client.force_login(users["policy"])
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[policy.pk, "approve", task_state.pk]),
        {"govinfo_task_state": task_state.pk,
         "checklist": ["与现行政策法规一致", "有效性标注正确"]},
        headers={"x-requested-with": "XMLHttpRequest"})
    body = json.loads(response.content)
    assert body["step"] == "action" and ITEM in body["html"]
    assert current(state).pk == task_state.pk
    pass_gate(state, users["policy"])
    assert ReviewGateTaskState.objects.get(pk=task_state.pk).status == "approved"


def test_a_policy_not_requiring_interpretation_is_not_asked(client, users, catalogue, agency):
    policy = new_policy(catalogue, agency, category="other", requires_interpretation=False)
    state, task_state = at_policy_gate(policy, users)
    assert ITEM not in modal_html(client, users["policy"], policy, task_state)


def test_the_conditions_are_a_setting(client, users, draft):
    # A site that asks for interpretations everywhere: no condition on the item.
    with override_settings(GOVINFO_REVIEW_CHECKLIST_CONDITIONS={}):
        state, task_state = at_policy_gate(draft, users)
        assert ITEM in modal_html(client, users["policy"], draft, task_state)
        with pytest.raises(GateRefused):
            pass_gate(state, users["policy"], checklist=["与现行政策法规一致", "有效性标注正确"])


def test_a_page_type_may_say_interpretations_apply(draft):
    from govinfo_wagtail.review.checklists import interpretations_apply

    assert not interpretations_apply(draft)
    draft.interpretations_apply = True
    assert interpretations_apply(draft)
