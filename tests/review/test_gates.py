"""The three review gates: checklists, opinions, separation of duties, edits during review."""

import pytest
from django.test import override_settings
from wagtail.models import Page, Task, TaskState, WorkflowState

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.review.gates import GateRefused
from govinfo_wagtail.review.models import ReviewGateTask, ReviewGateTaskState
from govinfo_wagtail.review.setup import setup_review_workflow
from tests.review.conftest import current, is_live, pass_gate, return_gate, submit


def refused(code, fn, *args, **kwargs):
    with pytest.raises(GateRefused) as exc:
        fn(*args, **kwargs)
    assert exc.value.code == code
    return exc.value


def gate_names(state):
    return current(state).task.name


def test_setup_creates_three_review_gates_with_default_checklists(setup_done):
    gates = list(Task.objects.filter(workflow_tasks__workflow__name="三审")
                 .order_by("workflow_tasks__sort_order").specific())
    assert [type(g) for g in gates] == [ReviewGateTask] * 3
    assert [g.gate for g in gates] == ["political", "policy", "wording"]
    assert gates[0].checklist_items == [
        "无涉密内容", "无内部资料", "无个人隐私信息", "政治表述准确"]
    assert "解读材料齐全" in gates[1].checklist_items
    assert "机构名称和领导职务准确" in gates[2].checklist_items
    assert [g.groups.get().name for g in gates] == ["政治审核员", "政策审核员", "文字审核员"]
    # Idempotent.
    setup_review_workflow(log=lambda *_: None)
    assert ReviewGateTask.objects.count() == 3


def test_setup_leaves_an_old_stock_workflow_and_says_so(catalogue):
    from django.contrib.auth.models import Group
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowTask

    # The 三审 the catalogue got when it was created, as an older version of the package
    # built it: with a stock task.
    workflow = Workflow.objects.get(name="三审")
    workflow.workflow_tasks.all().delete()
    task = GroupApprovalTask.objects.create(name="政治审核")
    task.groups.set([Group.objects.create(name="x")])
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    lines = []
    setup_review_workflow(log=lines.append)
    assert any(line.startswith("NOTE") and "政治审核" in line for line in lines)
    assert list(workflow.tasks.specific()) == [task]


def test_three_reviewers_pass_and_the_approved_revision_goes_live(users, draft):
    state = submit(draft, users["editor"])
    assert gate_names(state) == "政治审核"
    pass_gate(state, users["political"], opinion="同意")
    assert gate_names(state) == "政策审核"
    pass_gate(state, users["policy"])
    assert not is_live(draft)
    pass_gate(state, users["wording"])
    live = CatalogueItemPage.objects.get(pk=draft.pk)
    assert live.live
    decisions = ReviewGateTaskState.objects.filter(workflow_state=state, status="approved")
    assert {d.finished_by.username for d in decisions} == {"political", "policy", "wording"}
    # A notice needs no interpretation: 解读材料齐全 is not asked (nor recorded as ticked).
    assert [d.checklist for d in decisions.order_by("finished_at")] == [
        ["无涉密内容", "无内部资料", "无个人隐私信息", "政治表述准确"],
        ["与现行政策法规一致", "有效性标注正确"],
        ["无错别字", "无错敏词", "机构名称和领导职务准确", "格式规范"]]
    assert live.live_revision_id == decisions.get(task__name="文字审核").revision_id


def test_checklist_must_be_complete(users, draft):
    state = submit(draft, users["editor"])
    refused("checklist_incomplete", pass_gate, state, users["political"],
            checklist=["无涉密内容", "无内部资料"])
    assert current(state).status == TaskState.STATUS_IN_PROGRESS
    assert gate_names(state) == "政治审核"


def test_posted_action_data_is_validated_on_the_server(users, draft):
    state = submit(draft, users["editor"])
    refused("invalid_data", pass_gate, state, users["political"], checklist="无涉密内容")
    refused("invalid_data", pass_gate, state, users["political"], checklist=["捏造的条目"])
    refused("invalid_data", pass_gate, state, users["political"], update=False)
    refused("invalid_data", pass_gate, state, users["political"], overrides={"x": "y"})
    refused("invalid_data", pass_gate, state, users["political"], opinion=["x"])
    task_state = current(state)
    refused("unknown_action", task_state.task.specific.on_action, task_state,
            users["political"], "publish")
    assert gate_names(state) == "政治审核"


def test_calling_approve_in_code_gets_no_silent_pass(users, draft):
    state = submit(draft, users["editor"])
    refused("checklist_incomplete", current(state).approve, user=users["political"])
    refused("not_a_reviewer", current(state).approve, user=users["superuser"])


def test_return_requires_an_opinion_and_reaches_the_submitter(
    users, draft, mailoutbox, django_capture_on_commit_callbacks
):
    state = submit(draft, users["editor"])
    pass_gate(state, users["political"])
    refused("opinion_required", return_gate, state, users["policy"], "  ")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # our notices go after the commit
        return_gate(state, users["policy"], "第二段引用的文件已废止，请更新。")
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    to_editor = [m for m in mailoutbox if m.to == ["editor@example.org"]]
    assert to_editor and "第二段引用的文件已废止" in to_editor[0].body
    # The reviewer who passed gate 1 hears of the return too (Wagtail #10196).
    to_political = [m for m in mailoutbox if m.to == ["political@example.org"]]
    assert to_political and "第二段引用的文件已废止" in to_political[0].body


@pytest.mark.parametrize("who", ["editor", "policy", "siteadmin", "superuser"])
def test_only_the_gates_group_may_pass_it(users, draft, who):
    state = submit(draft, users["editor"])
    refused("not_a_reviewer", pass_gate, state, users[who])
    task_state = current(state)
    assert task_state.task.specific.get_actions(Page.objects.get(pk=draft.pk), users[who]) == []


def test_nobody_passes_their_own_submission(users, draft):
    state = submit(draft, users["allrounder"])
    refused("own_submission", pass_gate, state, users["allrounder"])
    actions = current(state).task.specific.get_actions(
        Page.objects.get(pk=draft.pk), users["allrounder"])
    assert [a[0] for a in actions] == ["reject"]


def test_nobody_passes_a_gate_of_a_version_they_wrote(users, draft):
    page = Page.objects.get(pk=draft.pk).specific
    page.summary = "审核员改过"
    page.save_revision(user=users["allrounder"])
    state = submit(draft, users["editor"])
    refused("own_submission", pass_gate, state, users["allrounder"])


def test_one_person_cannot_pass_two_gates_of_the_same_revision(users, draft):
    state = submit(draft, users["editor"])
    pass_gate(state, users["allrounder"])
    refused("second_gate", pass_gate, state, users["allrounder"])
    with override_settings(GOVINFO_REVIEW_ONE_GATE_PER_PERSON=False):
        pass_gate(state, users["allrounder"])
    assert gate_names(state) == "文字审核"


def test_an_edit_after_gate_2_goes_back_to_gate_1(users, draft):
    state = submit(draft, users["editor"])
    pass_gate(state, users["political"])
    pass_gate(state, users["policy"])
    assert gate_names(state) == "文字审核"
    page = Page.objects.get(pk=draft.pk).specific
    page.summary = "审核期间改动了内容"
    edited = page.save_revision(user=users["superuser"])
    assert gate_names(state) == "政治审核"
    assert current(state).revision_id == edited.pk
    # The earlier passes do not count for the new content: all three gates again.
    pass_gate(state, users["political"])
    assert gate_names(state) == "政策审核"
    pass_gate(state, users["policy"])
    pass_gate(state, users["wording"])
    live = CatalogueItemPage.objects.get(pk=draft.pk)
    assert live.live and live.summary == "审核期间改动了内容"
    assert live.live_revision_id == edited.pk


def test_a_save_without_content_change_does_not_reset_the_review(users, draft, settings):
    # Wagtail #13563: with reapproval on edit, any new revision used to reset the review.
    assert settings.WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT
    state = submit(draft, users["editor"])
    pass_gate(state, users["political"])
    pass_gate(state, users["policy"])
    page = Page.objects.get(pk=draft.pk).specific
    same = page.save_revision(user=users["wording"])  # e.g. a reviewer's comment
    task_state = current(state)
    assert task_state.task.name == "文字审核" and task_state.revision_id == same.pk
    pass_gate(state, users["wording"])
    assert is_live(draft)


@override_settings(WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT=False)
def test_an_edit_goes_back_to_gate_1_even_without_reapproval_setting(users, draft):
    state = submit(draft, users["editor"])
    pass_gate(state, users["political"])
    pass_gate(state, users["policy"])
    page = Page.objects.get(pk=draft.pk).specific
    page.summary = "改了"
    page.save_revision(user=users["superuser"])
    assert gate_names(state) == "政治审核"


def test_next_gates_reviewers_are_notified(users, draft, mailoutbox):
    # Wagtail connects its gate-started email for its own TaskState class only.
    state = submit(draft, users["editor"])
    assert "political@example.org" in {a for m in mailoutbox for a in m.to}
    mailoutbox.clear()
    pass_gate(state, users["political"])
    recipients = {address for m in mailoutbox for address in m.to}
    assert "policy@example.org" in recipients
    assert "wording@example.org" not in recipients
    assert any(draft.title in m.body for m in mailoutbox if m.to == ["policy@example.org"])
