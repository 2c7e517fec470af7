"""A workflow that lacks the three gates cannot govern disclosure pages: new catalogue roots and
sections get 三审, Settings → Workflows refuses to make a disclosure tree incomplete, and the
system check and the dashboard report trees that are."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage, WorkflowTask
from wagtail.test.utils.form_data import nested_form_data, rich_text

from govinfo_wagtail.catalogue.models import CatalogueIndexPage
from govinfo_wagtail.conf import govinfo_settings
from govinfo_wagtail.review.models import GateKind, ReviewGateTask
from govinfo_wagtail.review.workflow_admin import check_workflow_admin_guard
from govinfo_wagtail.review.workflow_rules import (
    GateStep,
    check_disclosure_workflows,
    gate_problems,
    incomplete_disclosure_trees,
    workflow_completeness,
)
from tests.conftest import add_live

P, PO, W, OT = GateKind.POLITICAL, GateKind.POLICY, GateKind.WORDING, GateKind.OTHER


def codes(steps):
    return [p.code for p in gate_problems([GateStep(name, kind, *rest)
                                           for name, kind, *rest in steps])]


def test_the_three_gates_in_order_with_extra_gates_anywhere():
    assert codes([("政治", P), ("政策", PO), ("文字", W)]) == []
    assert codes([("初审", OT), ("政治", P), ("法制", None), ("政策", PO), ("文字", W),
                  ("签发", OT)]) == []
    assert codes([("政治一", P), ("政治二", P), ("政策", PO), ("文字", W)]) == []


def test_missing_reordered_disabled_or_groupless_gates_are_incomplete():
    assert codes([("Moderators approval", None)]) == ["gate_missing"]
    assert codes([("政治", P), ("文字", W)]) == ["gate_missing"]
    assert codes([("政策", PO), ("政治", P), ("文字", W)]) == ["gate_order"]
    # The release service counts the latest pass of each kind: a political gate after the
    # wording gate would put the political pass last.
    assert codes([("政治", P), ("政策", PO), ("文字", W), ("再政治", P)]) == ["gate_order"]
    assert codes([("政治", P, False), ("政策", PO), ("文字", W)]) == ["gate_disabled"]
    assert codes([("政治", P, True, False), ("政策", PO), ("文字", W)]) == [
        "gate_without_group"]
    # Two gates at one position run in an order the database picks.
    assert codes([("政治", P, True, True, 1), ("政策", PO, True, True, 1),
                  ("文字", W, True, True, 2)]) == ["gate_order"]


@pytest.fixture
def moderators(db):
    """Wagtail's default one-step workflow on the tree's root page (its migrations create
    it; made here if a flush removed it)."""
    root = Page.get_first_root_node()
    workflow = Workflow.objects.filter(name="Moderators approval").first()
    if workflow is None:
        workflow = Workflow.objects.create(name="Moderators approval")
        task = GroupApprovalTask.objects.create(name="Moderators approval")
        task.groups.set([Group.objects.get_or_create(name="Moderators")[0]])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    return workflow


@pytest.fixture
def managers(users):
    """The site administrator of a site that lets its administrators manage workflows, and
    a superuser."""
    perms = Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=[
        "add_workflow", "change_workflow", "delete_workflow",
        "add_task", "change_task", "delete_task"])
    Group.objects.get(name=govinfo_settings.ADMIN_GROUP).permissions.add(*perms)
    return users


def shown_messages(response) -> str:
    """The text of the admin's messages on a page (where a refusal is shown)."""
    html = response.content.decode()
    start = html.index('class="messages"')
    return html[start:html.index('data-w-messages-target="template"', start)]


def refused_for(response, *names) -> bool:
    text = shown_messages(response)
    return 'class="error"' in text and all(name in text for name in names)


def sanshen():
    return Workflow.objects.get(name="三审")


def new_root(parent, title="第二目录", slug="xxgk2"):
    page = add_live(parent, CatalogueIndexPage(title=title, slug=slug))
    return Page.objects.get(pk=page.pk)


# --- New catalogue roots and sections ------------------------------------------------------


def test_a_catalogue_root_added_in_code_after_setup_gets_the_three_gates(
        setup_done, moderators, root_page):
    page = new_root(root_page)
    assert page.get_workflow() == sanshen()
    assert workflow_completeness(page.get_workflow()) == []
    assert incomplete_disclosure_trees() == []


def test_a_catalogue_root_on_a_site_without_setup_creates_the_workflow(moderators, root_page):
    assert not Workflow.objects.filter(name="三审").exists()
    page = new_root(root_page)
    assert page.get_workflow().name == "三审"
    assert workflow_completeness(page.get_workflow()) == []
    gates = [t.specific for t in page.get_workflow().tasks]
    assert [g.gate for g in gates] == [P, PO, W]
    assert [g.groups.get().name for g in gates] == list(govinfo_settings.REVIEWER_GROUPS)


def test_a_section_inherits_the_catalogues_workflow(setup_done, catalogue):
    section = new_root(catalogue, "交通运输局", "jtj")
    assert not WorkflowPage.objects.filter(page=section).exists()
    assert section.get_workflow() == sanshen()


def admin_add_catalogue(client, parent, title, slug):
    return client.post(
        f"/admin/pages/add/govinfo_catalogue/catalogueindexpage/{parent.pk}/",
        nested_form_data({"title": title, "slug": slug, "intro": rich_text("")}))


def test_a_catalogue_root_added_in_the_admin_gets_the_three_gates(
        client, users, moderators, root_page):
    client.force_login(users["superuser"])
    response = admin_add_catalogue(client, root_page, "第二目录", "xxgk2")
    assert response.status_code == 302
    page = Page.objects.get(slug="xxgk2")
    assert page.get_workflow() == sanshen()


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_a_section_added_in_the_admin_is_under_the_three_gates(
        client, users, catalogue, moderators, who):
    client.force_login(users[who])
    response = admin_add_catalogue(client, catalogue, "交通运输局", "jtj")
    assert response.status_code == 302
    assert Page.objects.get(slug="jtj").get_workflow() == sanshen()


def test_a_section_moved_out_of_its_catalogue_keeps_the_three_gates(
        setup_done, catalogue, moderators, root_page):
    section = new_root(catalogue, "交通运输局", "jtj")
    section.move(root_page, pos="last-child")
    section = Page.objects.get(pk=section.pk)
    assert section.get_workflow() == sanshen()


# --- Settings → Workflows ---------------------------------------------------------------


def workflow_form(workflow, name=None, tasks=None, pages=None):
    """The edit form of ``workflow`` as posted: ``tasks`` as (task, ORDER, DELETE) over the
    workflow's own rows first; ``pages`` as (page, DELETE), existing assignments first."""
    rows = list(workflow.workflow_tasks.order_by("sort_order")) if workflow.pk else []
    if tasks is None:
        tasks = [(row.task, i, False) for i, row in enumerate(rows)]
    data = {"name": name or workflow.name}
    data.update({
        "workflow_tasks-TOTAL_FORMS": str(len(tasks)),
        "workflow_tasks-INITIAL_FORMS": str(len(rows)),
        "workflow_tasks-MIN_NUM_FORMS": "0", "workflow_tasks-MAX_NUM_FORMS": "1000",
    })
    by_task = {row.task_id: row.pk for row in rows}
    for i, (task, order, delete) in enumerate(tasks):
        data[f"workflow_tasks-{i}-task"] = str(task.pk)
        data[f"workflow_tasks-{i}-id"] = str(by_task.get(task.pk, "")) if i < len(rows) else ""
        data[f"workflow_tasks-{i}-ORDER"] = str(order + 1)  # the admin counts from 1
        data[f"workflow_tasks-{i}-DELETE"] = "1" if delete else ""
    existing = list(WorkflowPage.objects.filter(workflow=workflow)) if workflow.pk else []
    if pages is None:
        pages = [(wp.page, False) for wp in existing]
    data.update({
        "pages-TOTAL_FORMS": str(len(pages)), "pages-INITIAL_FORMS": str(len(existing)),
        "pages-MIN_NUM_FORMS": "0", "pages-MAX_NUM_FORMS": "1000",
    })
    for i, (page, delete) in enumerate(pages):
        data[f"pages-{i}-page"] = str(page.pk)
        data[f"pages-{i}-DELETE"] = "1" if delete else ""
    return data


def gate_rows():
    return [(row.task.name, row.task.active) for row in
            sanshen().workflow_tasks.select_related("task").order_by("sort_order")]


GATES = [("政治审核", True), ("政策审核", True), ("文字审核", True)]


@pytest.fixture
def section(setup_done, catalogue):
    return new_root(catalogue, "交通运输局", "jtj")


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_assigning_moderators_approval_to_a_section_is_refused(
        client, managers, section, moderators, who):
    client.force_login(managers[who])
    existing = [(wp.page, False) for wp in WorkflowPage.objects.filter(workflow=moderators)]
    response = client.post(f"/admin/workflows/edit/{moderators.pk}/", workflow_form(
        moderators, pages=[*existing, (section, False)]))
    assert response.status_code == 200
    assert refused_for(response, "交通运输局", "Moderators approval")
    assert not WorkflowPage.objects.filter(page=section).exists()
    assert Page.objects.get(pk=section.pk).get_workflow() == sanshen()


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_a_new_one_step_workflow_for_a_section_is_refused(client, managers, section, who):
    client.force_login(managers[who])
    task = GroupApprovalTask.objects.create(name="一步审批")
    task.groups.set([Group.objects.get(name=govinfo_settings.ADMIN_GROUP)])
    response = client.post("/admin/workflows/add/", workflow_form(
        Workflow(name="快速发布"), tasks=[(task, 0, False)], pages=[(section, False)]))
    assert response.status_code == 200
    assert refused_for(response, "交通运输局", "快速发布")
    assert not Workflow.objects.filter(name="快速发布").exists()
    assert Page.objects.get(pk=section.pk).get_workflow() == sanshen()


def test_a_new_workflow_with_the_three_gates_and_more_may_govern_a_section(
        client, managers, section):
    client.force_login(managers["siteadmin"])
    gates = [t.specific for t in sanshen().tasks]
    legal = ReviewGateTask.objects.create(name="法制审核", gate=OT)
    legal.groups.set([Group.objects.get(name=govinfo_settings.ADMIN_GROUP)])
    response = client.post("/admin/workflows/add/", workflow_form(
        Workflow(name="四审"), tasks=[(gates[0], 0, False), (legal, 1, False),
                                     (gates[1], 2, False), (gates[2], 3, False)],
        pages=[(section, False)]))
    assert response.status_code == 302
    assert Page.objects.get(pk=section.pk).get_workflow().name == "四审"


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_removing_a_gate_from_sanshen_is_refused(client, managers, section, who):
    client.force_login(managers[who])
    workflow = sanshen()
    tasks = [(row.task, i, i == 1) for i, row in
             enumerate(workflow.workflow_tasks.order_by("sort_order"))]
    response = client.post(f"/admin/workflows/edit/{workflow.pk}/",
                           workflow_form(workflow, tasks=tasks))
    assert response.status_code == 200
    assert refused_for(response, "政府信息公开目录", "交通运输局", "三审", "政策审核")
    assert gate_rows() == GATES


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_reordering_the_gates_of_sanshen_is_refused(client, managers, section, who):
    client.force_login(managers[who])
    workflow = sanshen()
    rows = list(workflow.workflow_tasks.order_by("sort_order"))
    tasks = [(rows[0].task, 1, False), (rows[1].task, 0, False), (rows[2].task, 2, False)]
    response = client.post(f"/admin/workflows/edit/{workflow.pk}/",
                           workflow_form(workflow, tasks=tasks))
    assert response.status_code == 200
    assert refused_for(response, "政府信息公开目录", "政策审核", "政治审核")
    assert gate_rows() == GATES


def test_adding_a_gate_to_sanshen_is_saved(client, managers, section):
    client.force_login(managers["siteadmin"])
    workflow = sanshen()
    legal = ReviewGateTask.objects.create(name="法制审核", gate=OT)
    legal.groups.set([Group.objects.get(name=govinfo_settings.ADMIN_GROUP)])
    rows = list(workflow.workflow_tasks.order_by("sort_order"))
    tasks = [(rows[0].task, 0, False), (rows[1].task, 1, False), (rows[2].task, 3, False),
             (legal, 2, False)]
    response = client.post(f"/admin/workflows/edit/{workflow.pk}/",
                           workflow_form(workflow, tasks=tasks))
    assert response.status_code == 302
    assert gate_rows() == [GATES[0], GATES[1], ("法制审核", True), GATES[2]]


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_disabling_sanshen_or_one_of_its_gates_is_refused(client, managers, section, who):
    client.force_login(managers[who])
    workflow = sanshen()
    warning = client.get(f"/admin/workflows/disable/{workflow.pk}/").content.decode()
    assert "Moderators approval" in warning  # what it would fall back to, said beforehand
    response = client.post(f"/admin/workflows/disable/{workflow.pk}/", follow=True)
    assert refused_for(response, "政府信息公开目录", "Moderators approval")
    assert Workflow.objects.get(pk=workflow.pk).active
    gate = workflow.workflow_tasks.order_by("sort_order").first().task
    response = client.post(f"/admin/workflows/tasks/disable/{gate.pk}/", follow=True)
    assert refused_for(response, "政府信息公开目录", "政治审核")
    assert gate_rows() == GATES


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_removing_sanshen_from_the_catalogue_is_refused(
        client, managers, catalogue, moderators, section, who):
    client.force_login(managers[who])
    workflow = sanshen()
    response = client.post(f"/admin/workflows/remove/{catalogue.pk}/{workflow.pk}/",
                           {"next": f"/admin/workflows/edit/{workflow.pk}/"}, follow=True)
    assert refused_for(response, "政府信息公开目录", "Moderators approval")
    assert WorkflowPage.objects.get(page=catalogue).workflow == workflow


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_changing_a_gates_kind_or_groups_is_refused(client, managers, section, who):
    client.force_login(managers[who])
    gate = ReviewGateTask.objects.get(name="政策审核")
    group = gate.groups.get()
    base = {"name": gate.name, "checklist": gate.checklist}
    response = client.post(f"/admin/workflows/tasks/edit/{gate.pk}/",
                           {**base, "gate": OT, "groups": [group.pk]})
    assert response.status_code == 200
    assert refused_for(response, "政府信息公开目录", "政策审核")
    # A gate without groups: Wagtail's own form already requires a group.
    response = client.post(f"/admin/workflows/tasks/edit/{gate.pk}/", {**base, "gate": PO})
    assert response.status_code == 200
    assert 'class="error"' in shown_messages(response)
    gate.refresh_from_db()
    assert gate.gate == PO and list(gate.groups.all()) == [group]
    # Changing the checklist stays possible.
    response = client.post(f"/admin/workflows/tasks/edit/{gate.pk}/",
                           {**base, "checklist": "与现行政策法规一致", "gate": PO,
                            "groups": [group.pk]})
    assert response.status_code == 302
    gate.refresh_from_db()
    assert gate.checklist == "与现行政策法规一致"


# --- The system check and the dashboard --------------------------------------------------


@pytest.fixture
def bad_state(setup_done, catalogue, moderators):
    """The catalogue under Wagtail's one-step workflow, written straight to the database
    (as an older version, or a script, could leave it)."""
    WorkflowPage.objects.filter(page=catalogue).update(workflow=moderators)
    return catalogue


def test_the_system_check_reports_a_disclosure_tree_under_one_step_approval(bad_state):
    messages = check_disclosure_workflows(databases=["default"])
    assert [m.id for m in messages] == ["govinfo_review.W001"]
    assert "政府信息公开目录" in messages[0].msg and "Moderators approval" in messages[0].msg
    assert check_disclosure_workflows(databases=None) == []  # touches the database only
    err = StringIO()
    call_command("check", "--database", "default", stdout=StringIO(), stderr=err)
    assert "govinfo_review.W001" in err.getvalue()


def test_the_system_check_reports_a_disclosure_tree_without_any_workflow(
        setup_done, catalogue):
    WorkflowPage.objects.all().delete()
    trees = incomplete_disclosure_trees()
    assert [(t.page_id, t.workflow_id, [p.code for p in t.problems]) for t in trees] == [
        (catalogue.pk, None, ["no_workflow"])]


def test_the_system_check_is_quiet_when_every_tree_is_complete(section):
    assert check_disclosure_workflows(databases=["default"]) == []
    assert check_workflow_admin_guard() == []


@pytest.mark.parametrize("who", ["siteadmin", "superuser"])
def test_the_dashboard_shows_administrators_the_incomplete_tree(client, users, bad_state, who):
    client.force_login(users[who])
    html = client.get("/admin/").content.decode()
    assert 'data-workflow-problems="1"' in html and "政府信息公开目录" in html


def test_the_dashboard_says_nothing_to_editors_or_when_all_is_well(client, users, bad_state):
    client.force_login(users["editor"])
    assert "data-workflow-problems" not in client.get("/admin/").content.decode()
    WorkflowPage.objects.filter(page=bad_state).update(workflow=sanshen())
    client.force_login(users["superuser"])
    assert "data-workflow-problems" not in client.get("/admin/").content.decode()


def test_the_workflow_edit_view_warns_about_the_tree_it_cannot_release(
        client, managers, bad_state, moderators):
    client.force_login(managers["siteadmin"])
    response = client.get(f"/admin/workflows/edit/{moderators.pk}/")
    text = shown_messages(response)
    assert 'class="warning"' in text and "政府信息公开目录" in text
