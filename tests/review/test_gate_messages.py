"""After every gate action the reviewer is told what happened, in Chinese, where they acted;
a refused pass keeps the dialog open with the reason, or shows the reason on the editor."""

import json

import pytest
from django.contrib.messages import get_messages
from wagtail import hooks
from wagtail.models import Page, TaskState

from govinfo_wagtail.core.release import RELEASE_CHECK_HOOK, ReleaseRefused
from govinfo_wagtail.review.models import LexiconWord
from tests.review.conftest import current, is_live, pass_gate, submit

XHR = {"x-requested-with": "XMLHttpRequest"}


def act(client, page, task_state, action, data):
    """Post the gate action modal (the dashboard's and the page editor's dialog)."""
    data = {"govinfo_task_state": task_state.pk, **data}
    return client.post(
        f"/admin/pages/workflow/action/{page.pk}/{action}/{task_state.pk}/", data, headers=XHR)


def follow(client, response):
    """Go where the dialog sends the reviewer; the messages shown there, and the URL."""
    body = response.json()
    assert body["step"] == "success", body
    landing = client.get(body["redirect"])
    return [str(m).strip() for m in get_messages(landing.wsgi_request)], landing.url


def checklist(task_state):
    return task_state.task.specific.checklist_items


def test_a_pass_says_where_the_page_went_and_nothing_about_permissions(client, users, draft):
    state = submit(draft, users["editor"])
    task_state = current(state)
    client.force_login(users["political"])
    response = act(client, draft, task_state, "approve",
                   {"checklist": checklist(task_state), "opinion": "同意"})
    shown, url = follow(client, response)
    assert shown == ["已通过政治审核，已转政策审核。"]
    assert url == "/admin/"
    # The dashboard opens for the reviewer without a "no permission" message.
    home = client.get(url)
    assert home.status_code == 200 and "没有权限" not in home.content.decode()


def test_the_last_pass_says_the_page_is_released(client, users, draft):
    state = submit(draft, users["editor"])
    pass_gate(state, users["political"])
    pass_gate(state, users["policy"])
    task_state = current(state)
    client.force_login(users["wording"])
    shown, _url = follow(client, act(client, draft, task_state, "approve",
                                     {"checklist": checklist(task_state)}))
    assert shown == ["已通过文字审核：“待审事项”已发布。"]
    assert is_live(draft)


def test_a_return_quotes_the_opinion(client, users, draft):
    state = submit(draft, users["editor"])
    task_state = current(state)
    client.force_login(users["political"])
    shown, _url = follow(client, act(client, draft, task_state, "reject",
                                     {"opinion": "请补充依据。"}))
    assert shown == ["已退回编辑，意见：请补充依据。"]


def test_a_pass_with_an_unexplained_blocking_finding_keeps_the_dialog(client, users, draft):
    LexiconWord.objects.create(word="敏感词甲", severity="blocking")
    page = Page.objects.get(pk=draft.pk).specific
    page.body = "<p>含敏感词甲。</p>"
    page.save_revision(user=users["editor"])
    state = submit(page, users["editor"])
    task_state = current(state)
    client.force_login(users["political"])
    # The page editor's dialog (it collects the data, then the editor form posts it).
    response = client.post(
        f"/admin/pages/workflow/collect_action_data/{page.pk}/approve/{task_state.pk}/",
        {"govinfo_task_state": task_state.pk, "checklist": checklist(task_state),
         "opinion": "我的意见"}, headers=XHR)
    body = response.json()
    assert body["step"] == "action"  # the dialog again, not "success"
    html = body["html"]
    assert "1 项阻断性问题须修改，或填写理由后放行" in html and "敏感词甲（正文）" in html
    assert "我的意见" in html and 'checked' in html  # as entered
    assert current(state).status == TaskState.STATUS_IN_PROGRESS


def test_a_release_refused_at_the_last_gate_is_shown_on_the_editor(client, users, draft):
    state = submit(draft, users["editor"])
    pass_gate(state, users["political"])
    pass_gate(state, users["policy"])
    task_state = current(state)

    def refuse(*, page, **kwargs):
        raise ReleaseRefused(page, "索引号与已发布的信息重复，请联系管理员。")

    client.force_login(users["wording"])
    with hooks.register_temporarily(RELEASE_CHECK_HOOK, refuse):
        response = act(client, draft, task_state, "approve",
                       {"checklist": checklist(task_state)})
    shown, url = follow(client, response)
    assert shown == ["未作决定：索引号与已发布的信息重复，请联系管理员。"]
    assert url == f"/admin/pages/{draft.pk}/edit/"
    assert current(state).pk == task_state.pk
    assert current(state).status == TaskState.STATUS_IN_PROGRESS
    assert not is_live(draft)


def test_code_calling_the_gate_still_gets_the_exception(users, draft):
    from govinfo_wagtail.review.gates import GateRefused

    state = submit(draft, users["editor"])
    with pytest.raises(GateRefused):
        pass_gate(state, users["political"], checklist=[])


def test_a_forged_refusal_link_shows_nothing(client, users, draft):
    state = submit(draft, users["editor"])
    client.force_login(users["political"])
    landing = client.get(f"/admin/govinfo/review/gate/{current(state).pk}/outcome/"
                         f"?refused={json.dumps('伪造')}")
    assert [str(m) for m in get_messages(landing.wsgi_request)] == []


def test_the_reviewers_dashboard_lists_each_page_once(client, users, draft):
    submit(draft, users["editor"])
    client.force_login(users["political"])
    html = client.get("/admin/").content.decode()
    assert 'class="w-panel w-panel--dashboard govinfo-awaiting-review"' in html or (
        "govinfo-awaiting-review" in html)
    assert html.count(f'data-page="{draft.pk}"') == 1  # not in Wagtail's panel as well
    assert "等待你的审核" not in html
