"""The table editor in Wagtail's page editor: the official layout, validation, auto-fill."""

import re

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from govinfo_wagtail.reports.formats import example_data, get_format
from govinfo_wagtail.reports.models import AnnualReportPage
from tests.conftest import add_draft


@pytest.fixture
def report(catalogue, agency):
    return add_draft(catalogue, AnnualReportPage(
        title="海丰县交通运输局2021年政府信息公开工作年度报告", slug="ndbg-2021", year=2021,
        agency=agency, tables=example_data(get_format("2021")), overview="<p>总体情况</p>"))


@pytest.fixture
def editor(client, admin_user):
    client.force_login(admin_user)
    return client


def form_data(page: AnnualReportPage, client) -> dict:
    """The edit form as the browser would post it, read from the rendered page."""
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    data = {}
    for name, value in re.findall(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', html):
        data[name] = value
    for name in ("title", "slug", "year"):
        data[name] = str(getattr(page, name))
    data["agency"] = str(page.agency_id)
    data["format_key"] = ""
    data["disclosure_method"] = "proactive"
    data["validity"] = "valid"
    for field in ("overview", "active_disclosure", "applications", "review_litigation",
                  "problems", "other_matters", "body"):
        data[field] = rich_text(getattr(page, field) or "")
    data.update(nested_form_data({"attachments": streamfield([])}))
    data.pop("csrfmiddlewaretoken", None)
    return data


@pytest.mark.django_db
def test_editor_shows_every_cell_of_the_format_in_the_official_layout(report, editor):
    html = editor.get(reverse("wagtailadmin_pages:edit", args=[report.pk])).content.decode()
    fmt = get_format("2021")
    for cell in fmt.cells():
        assert f'name="tables-cell.{cell.table}.{cell.row}.{cell.column}"' in html
    # Spanning headers as printed: 申请人情况 over 7 columns, 法人或其他组织 over 5.
    assert re.search(r'colspan="7"[^>]*>申请人情况<', html)
    assert re.search(r'colspan="5"[^>]*>法人或其他组织<', html)
    assert "第二十条第（八）项" in html and "本年收费金额（单位：万元）" in html


@pytest.mark.django_db
def test_rule_errors_block_submission_and_are_shown_in_the_form(report, editor):
    data = form_data(report, editor)
    data["tables-cell.applications.new_requests.natural_person"] = "999"
    data["action-submit"] = "1"
    response = editor.post(reverse("wagtailadmin_pages:edit", args=[report.pk]), data)
    assert response.status_code == 200  # the form again, not a redirect
    html = response.content.decode()
    # The value typed is kept; the cells whose rule fails are flagged, and the messages
    # name them by row and column labels with expected against actual.
    assert 'name="tables-cell.applications.new_requests.natural_person" value="999"' in html
    assert re.search(r'name="tables-cell\.applications\.new_requests\.total" '
                     r'value="66"[^>]*aria-invalid="true"', html)
    assert 'data-cell="applications.new_requests.total"' in html
    assert "一、本年新收政府信息公开申请数量 / 总计" in html and "1013" in html
    assert "w-field__errors" in html  # the form's own error on the tables field
    assert not WorkflowState.objects.filter(object_id=str(report.pk)).exists()
    report.refresh_from_db()
    assert report.get_latest_revision_as_object().tables["applications"]["new_requests"][
        "natural_person"] != 999


@pytest.mark.django_db
def test_a_draft_with_errors_is_saved_and_the_errors_shown(report, editor):
    data = form_data(report, editor)
    data["tables-cell.applications.new_requests.natural_person"] = "999"
    data["tables-cell.active_disclosure.fees.fee_amount"] = "1.23456"
    response = editor.post(reverse("wagtailadmin_pages:edit", args=[report.pk]), data)
    assert response.status_code == 302
    draft = AnnualReportPage.objects.get(pk=report.pk).get_latest_revision_as_object()
    assert draft.tables["applications"]["new_requests"]["natural_person"] == 999
    html = editor.get(reverse("wagtailadmin_pages:edit", args=[report.pk])).content.decode()
    assert 'data-code="rule"' in html and 'data-code="too_many_decimals"' in html


@pytest.mark.django_db
def test_valid_tables_go_to_review(report, editor):
    from govinfo_wagtail.core.setup import run_setup

    run_setup(log=lambda *a: None)
    data = form_data(report, editor)
    data["action-submit"] = "1"
    response = editor.post(reverse("wagtailadmin_pages:edit", args=[report.pk]), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert WorkflowState.objects.filter(object_id=str(report.pk)).exists()


@pytest.mark.django_db
def test_deadline_is_shown_and_flagged_when_missed(report, editor, government):
    from datetime import date

    assert report.deadline == date(2022, 1, 31)
    report.published_date = date(2022, 2, 1)
    assert report.deadline_missed()
    report.published_date = date(2022, 1, 31)
    assert not report.deadline_missed()
    report.agency = government
    assert report.deadline == date(2022, 3, 31)
    # Not published, and the deadline is past.
    html = editor.get(reverse("wagtailadmin_pages:edit", args=[report.pk])).content.decode()
    assert 'data-deadline="2022-01-31" data-deadline-missed="true"' in html
    draft = AnnualReportPage.objects.get(pk=report.pk)
    draft.published_date = date(2022, 1, 20)
    draft.save_revision()
    html = editor.get(reverse("wagtailadmin_pages:edit", args=[report.pk])).content.decode()
    assert 'data-deadline="2022-01-31"' in html and "data-deadline-missed" not in html
