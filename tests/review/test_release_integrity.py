"""The release service decides what "passed review" means, every save of a disclosure page is
guarded whatever its Python class, and the public only ever sees released revisions."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core import checks
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import (
    GroupApprovalTask,
    Page,
    PageLogEntry,
    Revision,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.core.models import Agency, DisclosurePage, IndexNumber, ReleaseRecord
from govinfo_wagtail.core.release import (
    RELEASE_LOG_ACTION,
    ReleaseBlocked,
    ReleaseReason,
    ReleaseRefused,
    release,
)
from govinfo_wagtail.review.models import CheckOverride, GateKind, ReviewGateTask
from govinfo_wagtail.search.documents import sync_search_document
from govinfo_wagtail.search.models import SearchDocument
from tests.conftest import add_draft, add_live
from tests.review.conftest import current, is_live, pass_gate, submit

# A valid 身份证号 (check digit X) and a secrecy marking in a heading: both blocking.
LEAKY_BODY = "<h2>绝密★一年</h2><p>申请人身份证号 11010519491231002X。</p>"


def _use_workflow(page, workflow):
    """Put ``page``'s catalogue under ``workflow``, as a careless administrator might (the
    admin refuses it; the database does not)."""
    root = page.get_parent()
    WorkflowPage.objects.filter(page=root).delete()
    WorkflowPage.objects.bulk_create([WorkflowPage(page=root, workflow=workflow)])
    assert Page.objects.get(pk=page.pk).get_workflow() == workflow


def _gate(name, kind, group_name):
    task = ReviewGateTask.objects.create(name=name, gate=kind)
    task.groups.set([Group.objects.get(name=group_name)])
    return task


def _workflow(name, *tasks):
    workflow = Workflow.objects.create(name=name)
    for order, task in enumerate(tasks):
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=order)
    return workflow


# --- what "passed review" means ------------------------------------------------------------


def test_wagtails_one_step_moderators_approval_does_not_release(users, draft):
    # Wagtail's own default workflow, which a catalogue root made without setup inherits.
    moderators = Workflow.objects.get(name="Moderators approval")
    task = moderators.tasks.first().specific
    assert isinstance(task, GroupApprovalTask)
    users["siteadmin"].groups.add(*task.groups.all())
    _use_workflow(draft, moderators)
    state = moderators.start(Page.objects.get(pk=draft.pk).specific, users["editor"])
    task_state = state.current_task_state
    with pytest.raises(ReleaseRefused, match="政治"):
        task.on_action(task_state, users["siteadmin"], "approve")
    assert not is_live(draft)
    assert not ReleaseRecord.objects.filter(page_id=draft.pk).exists()
    # The approval was rolled back with the release: the page still waits at the step.
    assert TaskState.objects.get(pk=task_state.pk).status == TaskState.STATUS_IN_PROGRESS


def test_a_workflow_without_the_wording_gate_does_not_release(users, draft):
    two = _workflow("两审", _gate("政治", GateKind.POLITICAL, "政治审核员"),
                    _gate("政策", GateKind.POLICY, "政策审核员"))
    _use_workflow(draft, two)
    state = two.start(Page.objects.get(pk=draft.pk).specific, users["editor"])
    pass_gate(state, users["political"])
    with pytest.raises(ReleaseRefused, match="文字"):
        pass_gate(state, users["policy"])
    assert not is_live(draft)


def test_gates_in_the_wrong_order_do_not_release(users, draft):
    reordered = _workflow(
        "倒序", _gate("文字", GateKind.WORDING, "文字审核员"),
        _gate("政治", GateKind.POLITICAL, "政治审核员"),
        _gate("政策", GateKind.POLICY, "政策审核员"))
    _use_workflow(draft, reordered)
    state = reordered.start(Page.objects.get(pk=draft.pk).specific, users["editor"])
    pass_gate(state, users["wording"])
    pass_gate(state, users["political"])
    with pytest.raises(ReleaseRefused, match="order|顺序"):
        pass_gate(state, users["policy"])
    assert not is_live(draft)


def test_gates_of_other_kinds_do_not_stand_in_for_the_three(users, draft):
    others = _workflow("三个其他", *(_gate(f"其他{i}", GateKind.OTHER, group) for i, group in
                                    enumerate(("政治审核员", "政策审核员", "文字审核员"))))
    _use_workflow(draft, others)
    state = others.start(Page.objects.get(pk=draft.pk).specific, users["editor"])
    pass_gate(state, users["political"])
    pass_gate(state, users["policy"])
    with pytest.raises(ReleaseRefused):
        pass_gate(state, users["wording"])
    assert not is_live(draft)


def test_one_person_passing_every_gate_does_not_release(users, draft, settings):
    # Separation of duties switched off at the gates: the release still insists on it.
    settings.GOVINFO_REVIEW_ONE_GATE_PER_PERSON = False
    state = submit(draft, users["editor"])
    pass_gate(state, users["allrounder"])
    pass_gate(state, users["allrounder"])
    with pytest.raises(ReleaseRefused, match="one person|一人|一个人"):
        pass_gate(state, users["allrounder"])
    assert not is_live(draft)


def test_an_extra_gate_of_the_site_is_allowed(users, draft):
    extra = _workflow(
        "四审", _gate("政治", GateKind.POLITICAL, "政治审核员"),
        _gate("法制", GateKind.OTHER, "信息公开管理员"),
        _gate("政策", GateKind.POLICY, "政策审核员"), _gate("文字", GateKind.WORDING, "文字审核员"))
    _use_workflow(draft, extra)
    state = extra.start(Page.objects.get(pk=draft.pk).specific, users["editor"])
    for who in ("political", "siteadmin", "policy", "wording"):
        assert not is_live(draft)
        pass_gate(state, users[who])
    assert is_live(draft)
    record = ReleaseRecord.objects.get(page_id=draft.pk)
    assert record.reason == "review" and record.released_at
    assert [d["gate_kind"] for d in record.gate_decisions] == [
        "political", "other", "policy", "wording"]


def test_the_review_reason_without_any_decisions_is_refused(draft):
    with pytest.raises(ReleaseRefused):
        release(draft.get_latest_revision(), reason=ReleaseReason.REVIEW)
    assert not is_live(draft)


# --- the automated checks run for every release ---------------------------------------------


@pytest.mark.parametrize("reason", [ReleaseReason.LEGACY_IMPORT, ReleaseReason.EMERGENCY,
                                    ReleaseReason.TEST])
def test_every_release_runs_the_automated_checks(catalogue, agency, reason):
    page = add_draft(catalogue, CatalogueItemPage(title="泄密", agency=agency, body=LEAKY_BODY))
    with pytest.raises(ReleaseBlocked) as refused:
        release(page.get_latest_revision(), reason=reason)
    assert {f.kind for f in refused.value.findings} >= {"personal_data", "secrecy"}
    assert "11010519491231002X" not in str(refused.value)  # never echoed in full
    assert not is_live(page)
    assert not IndexNumber.objects.filter(page_id=page.pk).exists()


def test_an_override_with_a_reason_releases_and_is_recorded(catalogue, agency, users):
    page = add_draft(catalogue, CatalogueItemPage(title="已核", agency=agency, body=LEAKY_BODY))
    release(page.get_latest_revision(), reason=ReleaseReason.LEGACY_IMPORT,
            user=users["siteadmin"], override_reason="原系统已脱密处理")
    assert is_live(page)
    overrides = CheckOverride.objects.filter(page_id=page.pk)
    assert overrides.count() >= 2 and {o.reason for o in overrides} == {"原系统已脱密处理"}
    assert ReleaseRecord.objects.get(page_id=page.pk).overrides


# --- every save of a disclosure page, whatever its class -----------------------------------


def test_a_generic_page_instance_cannot_go_live(draft):
    page = Page.objects.get(pk=draft.pk)
    assert type(page) is Page
    page.live = True
    with pytest.raises(ReleaseRefused):
        page.save()
    assert not is_live(draft)


def test_a_live_page_content_change_in_code_is_refused(catalogue, agency):
    live = add_live(catalogue, CatalogueItemPage(title="原标题", agency=agency, body="<p>原文</p>"))
    live.body = "<p>改过的正文</p>"
    with pytest.raises(ReleaseRefused, match="body"):
        live.save()
    generic = Page.objects.get(pk=live.pk)
    generic.title = "改过的标题"
    with pytest.raises(ReleaseRefused, match="title"):
        generic.save()
    stored = CatalogueItemPage.objects.get(pk=live.pk)
    assert (stored.title, stored.body) == ("原标题", "<p>原文</p>")


def test_bookkeeping_of_a_live_page_is_not_refused(client, catalogue, agency, users, root_page):
    live = add_live(catalogue, CatalogueItemPage(title="可移动", agency=agency))
    other = add_live(root_page, type(catalogue)(title="另一目录", slug="other"))
    # A new draft, a lock, a move, a take-down: none changes what the public reads now.
    live.save_revision(user=users["editor"])
    Page.objects.get(pk=live.pk).specific.move(other, pos="last-child", user=users["superuser"])
    page = Page.objects.get(pk=live.pk)
    page.locked = True
    page.save()
    assert Page.objects.get(pk=live.pk).url_path.startswith(other.url_path)
    page.locked = False
    page.save()
    Page.objects.get(pk=live.pk).specific.unpublish(user=users["superuser"])
    assert not is_live(live)


def test_a_fixture_with_live_true_is_refused(tmp_path, draft):
    row = Page.objects.filter(pk=draft.pk).values()[0]
    fields = {k: v for k, v in row.items() if k != "id"}
    fields.update(live=True, live_revision=draft.latest_revision_id)
    fields = {k.removesuffix("_id") if k.endswith("_id") else k: v for k, v in fields.items()}
    fixture = tmp_path / "pages.json"
    fixture.write_text(json.dumps(
        [{"model": "wagtailcore.page", "pk": draft.pk, "fields": fields}], default=str))
    with pytest.raises(Exception) as refused:  # loaddata wraps the refusal
        call_command("loaddata", str(fixture), verbosity=0)
    assert "release" in str(refused.value) or "发布" in str(refused.value)
    assert not is_live(draft)


# --- defence in depth: writes around Django ------------------------------------------------


def test_a_page_made_live_around_django_is_not_shown(client, draft, users):
    # bulk_update sends no signal: it reaches the database, and the public still sees nothing.
    page = Page.objects.get(pk=draft.pk)
    page.live, page.live_revision_id = True, draft.latest_revision_id
    Page.objects.bulk_update([page], ["live", "live_revision"])
    assert is_live(draft)
    assert client.get(draft.url).status_code == 404
    assert draft.pk not in DisclosurePage.objects.released().values_list("pk", flat=True)
    assert client.get(draft.get_parent().url).content.decode().count(draft.title) == 0
    assert not sync_search_document(draft.pk)
    assert not SearchDocument.objects.filter(page_id=draft.pk).exists()
    # The administrators are told on the dashboard.
    client.force_login(users["superuser"])
    dashboard = client.get("/admin/").content.decode()
    assert 'data-live-without-record="1"' in dashboard and draft.title in dashboard


def test_released_pages_are_resolved_in_the_listing_query(django_assert_max_num_queries,
                                                          catalogue, agency):
    for i in range(5):
        add_live(catalogue, CatalogueItemPage(title=f"第{i}件", agency=agency))
    with django_assert_max_num_queries(1):
        assert len(list(DisclosurePage.objects.released())) == 5


def test_release_records_are_derived_from_release_log_entries(catalogue, agency):
    from importlib import import_module

    from django.apps import apps

    live = add_live(catalogue, CatalogueItemPage(title="老数据", agency=agency))
    ReleaseRecord.objects.all().delete()
    assert not DisclosurePage.objects.released().exists()
    migration = import_module("govinfo_wagtail.core.migrations.0002_release_records")
    migration.records_from_release_log(apps, None)
    assert list(DisclosurePage.objects.released().values_list("pk", flat=True)) == [live.pk]


# --- scheduled go-live ---------------------------------------------------------------------


def _schedule(page, when):
    page = Page.objects.get(pk=page.pk).specific
    page.go_live_at = when
    return page.save_revision()


def _make_due(page):
    """Let the clock reach the go-live time: the schedule and the revision's own time."""
    past = timezone.now() - timedelta(minutes=1)
    for revision in Revision.objects.filter(object_id=str(page.pk),
                                            approved_go_live_at__isnull=False):
        content = dict(revision.content, go_live_at=past.isoformat())
        Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=past, content=content)


def test_a_reviewed_revision_goes_live_at_its_time_with_its_own_number(users, draft):
    when = timezone.now() + timedelta(hours=2)
    revision = _schedule(draft, when)
    state = submit(draft, users["editor"])
    for who in ("political", "policy", "wording"):
        pass_gate(state, users[who])
    assert not is_live(draft)
    record = ReleaseRecord.objects.get(page_id=draft.pk)
    assert record.released_at is None
    assert abs(record.go_live_at - when) < timedelta(seconds=1)
    assert revision.pk == current(state).revision_id
    assert PageLogEntry.objects.filter(page_id=draft.pk,
                                       action="govinfo_core.release_scheduled").exists()

    other = add_draft(draft.get_parent(), CatalogueItemPage(title="无人审", agency=draft.agency))
    Revision.objects.filter(pk=other.latest_revision_id).update(
        approved_go_live_at=timezone.now() - timedelta(minutes=5))  # around Django
    _make_due(draft)
    call_command("publish_scheduled")  # one run: the unreviewed one does not stop the other
    assert not is_live(other)
    assert not Revision.objects.filter(object_id=str(other.pk),
                                       approved_go_live_at__isnull=False).exists()

    live = CatalogueItemPage.objects.get(pk=draft.pk)
    assert live.live and live.index_number
    assert IndexNumber.objects.get(page_id=draft.pk).value == live.index_number
    record.refresh_from_db()
    assert record.released_at is not None
    assert PageLogEntry.objects.filter(page_id=draft.pk, action=RELEASE_LOG_ACTION).exists()
    assert DisclosurePage.objects.released().filter(pk=draft.pk).exists()


def test_a_schedule_set_outside_review_is_cleared(draft):
    revision = _schedule(draft, timezone.now() + timedelta(hours=1))
    revision.approved_go_live_at = timezone.now() - timedelta(minutes=1)
    revision.save()
    assert Revision.objects.get(pk=revision.pk).approved_go_live_at is None
    call_command("publish_scheduled")
    assert not is_live(draft)


# --- agency index codes --------------------------------------------------------------------


def test_two_agencies_may_not_share_an_index_code(agency):
    twin = Agency(name="另一个局", index_code=agency.index_code.lower())
    with pytest.raises(ValidationError) as refused:
        twin.full_clean()
    assert "index_code" in refused.value.message_dict


def test_a_shared_code_is_a_clear_refusal_at_release_and_a_system_check(catalogue, agency):
    twin = Agency.objects.create(name="重码局", index_code=agency.index_code)  # around clean()
    errors = checks.run_checks(tags=[checks.Tags.database], databases=["default"])
    assert any(e.id == "govinfo_core.E001" and "重码局" in e.msg for e in errors)
    add_live(catalogue, CatalogueItemPage(title="第一件", agency=agency))
    second = add_draft(catalogue, CatalogueItemPage(title="第二件", agency=twin))
    with pytest.raises(ReleaseRefused, match=agency.index_code) as refused:
        release(second.get_latest_revision(), reason=ReleaseReason.TEST)
    assert isinstance(refused.value, PermissionDenied)  # a refusal, not an IntegrityError
    assert not is_live(second)


# --- aliases -------------------------------------------------------------------------------


def test_an_alias_of_a_disclosure_page_is_refused_in_code(catalogue, agency):
    live = add_live(catalogue, CatalogueItemPage(title="源页面", agency=agency))
    with pytest.raises(ReleaseRefused):
        live.create_alias(update_slug="alias")
    assert not Page.objects.filter(alias_of=live).exists()


def test_a_refused_scheduled_release_does_not_stop_the_pages_due_after_it(users, draft):
    """A release refused at its time (here: its index number was taken meanwhile by an agency
    that shares the code) is logged and skipped; the page due after it still goes live."""
    catalogue = draft.get_parent()
    twin = Agency.objects.create(name="重码局", index_code=draft.agency.index_code)  # no clean()
    first = add_draft(catalogue, CatalogueItemPage(title="先到期", agency=twin))
    for page in (first, draft):
        _schedule(page, timezone.now() + timedelta(hours=1))
        state = submit(page, users["editor"])
        for who in ("political", "policy", "wording"):
            pass_gate(state, users[who])
    add_live(catalogue, CatalogueItemPage(title="抢号", agency=draft.agency))  # takes 1st serial
    _make_due(first)
    _make_due(draft)
    Revision.objects.filter(object_id=str(first.pk), approved_go_live_at__isnull=False).update(
        approved_go_live_at=timezone.now() - timedelta(hours=1))  # due before the other
    call_command("publish_scheduled")
    assert not is_live(first)
    assert is_live(draft)
    # The refused approval is void: a schedule put back by a raw update is not approved by it.
    assert not ReleaseRecord.objects.filter(page=first, released_at__isnull=True).exists()
    Revision.objects.filter(pk=first.latest_revision_id).update(
        approved_go_live_at=timezone.now() - timedelta(minutes=1))
    call_command("publish_scheduled", stderr=StringIO())
    assert not is_live(first)
    assert not Revision.objects.filter(object_id=str(first.pk),
                                       approved_go_live_at__isnull=False).exists()
