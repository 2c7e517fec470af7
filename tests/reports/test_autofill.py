"""Auto-fill of table 二's 规章/规范性文件 figures from catalogue data, and 上年结转."""

from datetime import date

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry, PageLogEntry

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.core.models import Agency, Topic, Validity
from govinfo_wagtail.reports.formats import example_data, get_format
from govinfo_wagtail.reports.models import AnnualReportPage
from govinfo_wagtail.reports.services import apply_figures, compute_figures
from tests.conftest import add_draft, add_live
from tests.reports.test_admin_editor import form_data


def item(catalogue, slug, topic, agency, written, published, validity=Validity.VALID,
         changed=None, live=True):
    page = CatalogueItemPage(title=slug, slug=slug, topic=topic, agency=agency,
                             written_date=written, published_date=published,
                             validity=validity, validity_changed_on=changed)
    return (add_live if live else add_draft)(catalogue, page)


@pytest.fixture
def policy_catalogue(catalogue, agency):
    normative = Topic.objects.create(name="规范性文件")
    rules = Topic.objects.create(name="规章")
    other = Topic.objects.create(name="行政许可")
    elsewhere = Agency.objects.create(name="海丰县财政局", index_code="007040638")
    item(catalogue, "n1", normative, agency, date(2021, 3, 1), date(2021, 3, 5))
    item(catalogue, "n2", normative, agency, date(2020, 6, 1), date(2020, 6, 2),
         Validity.REPEALED, date(2021, 8, 1))
    item(catalogue, "n3", normative, agency, date(2019, 1, 1), date(2019, 1, 3))
    item(catalogue, "n4", normative, agency, date(2022, 1, 5), date(2022, 1, 6))
    item(catalogue, "n5", normative, elsewhere, date(2021, 4, 1), date(2021, 4, 2))
    item(catalogue, "n6", normative, agency, date(2021, 12, 30), date(2022, 1, 3))
    item(catalogue, "n7", normative, agency, date(2018, 5, 1), date(2018, 5, 2),
         Validity.EXPIRED, date(2022, 2, 1))
    item(catalogue, "draft", normative, agency, date(2021, 5, 1), None, live=False)
    item(catalogue, "r1", rules, agency, date(2021, 5, 5), date(2021, 5, 6))
    item(catalogue, "licence", other, agency, date(2021, 5, 5), date(2021, 5, 6))
    return catalogue


def report(catalogue, agency, year, fmt="", live=False, tables=None):
    page = AnnualReportPage(title=f"{year}年报", slug=f"ndbg-{year}-{fmt or 'auto'}",
                            year=year, agency=agency, format_key=fmt, tables=tables or {})
    return (add_live if live else add_draft)(catalogue, page)


@pytest.mark.django_db
def test_2021_format_figures_from_the_catalogue(policy_catalogue, agency):
    page = report(policy_catalogue, agency, 2021)
    computed = {k: v["value"] for k, v in compute_figures(page).items()}
    assert computed == {
        "active_disclosure.rules.issued": 1,
        "active_disclosure.rules.repealed": 0,
        "active_disclosure.rules.in_force": 1,
        # n1, n6 written in 2021; n2 repealed in 2021; n1, n3, n6 and n7 (expired only in
        # 2022) in force at the end of 2021.
        "active_disclosure.normative_documents.issued": 2,
        "active_disclosure.normative_documents.repealed": 1,
        "active_disclosure.normative_documents.in_force": 4,
    }


@pytest.mark.django_db
def test_2019_format_figures_from_the_catalogue(policy_catalogue, agency):
    page = report(policy_catalogue, agency, 2021, fmt="2019")
    computed = {k: v["value"] for k, v in compute_figures(page).items()}
    assert computed["active_disclosure.normative_documents.made"] == 2  # n1, n6
    assert computed["active_disclosure.normative_documents.published"] == 1  # n1
    # Public and in force at year end: n1, n3, n7 (n6 was published only in 2022).
    assert computed["active_disclosure.normative_documents.total_public"] == 3
    assert computed["active_disclosure.rules.made"] == 1


@pytest.mark.django_db
def test_policy_documents_count_by_their_category(catalogue, agency):
    from govinfo_wagtail.policies.models import PolicyDocumentPage

    # Filed under an unrelated topic: its category decides.
    other = Topic.objects.create(name="其他")
    doc = PolicyDocumentPage(title="海丰县某某管理办法", slug="banfa", agency=agency, topic=other,
                             category="regulation", requires_interpretation=False,
                             written_date=date(2021, 2, 1), published_date=date(2021, 2, 3))
    add_live(catalogue, doc)
    page = report(catalogue, agency, 2021)
    computed = {k: v["value"] for k, v in compute_figures(page).items()}
    assert computed["active_disclosure.rules.issued"] == 1
    assert computed["active_disclosure.normative_documents.issued"] == 0


@pytest.mark.django_db
def test_carried_over_from_last_years_report(catalogue, agency):
    last = example_data(get_format("2021"))
    last["applications"]["carried_over_out"] = {
        "natural_person": 5, "commercial": 1, "research": 0, "public_interest": 0,
        "legal_services": 0, "other_organisation": 0, "total": 6}
    report(catalogue, agency, 2021, live=True, tables=last)
    page = report(catalogue, agency, 2022)
    computed = compute_figures(page)
    assert computed["applications.carried_over_in.natural_person"]["value"] == 5
    assert computed["applications.carried_over_in.total"]["value"] == 6
    apply_figures(page, computed)
    assert page.tables["applications"]["carried_over_in"]["commercial"] == 1


@pytest.mark.django_db
def test_overwriting_a_computed_figure_needs_a_note(policy_catalogue, agency):
    page = report(policy_catalogue, agency, 2021)
    apply_figures(page, compute_figures(page))
    assert page.unexplained_changes() == []
    page.tables["active_disclosure"]["normative_documents"]["issued"] = 3
    [issue] = page.unexplained_changes()
    assert issue.cell == ("active_disclosure", "normative_documents", "issued")
    page.figure_notes = {"active_disclosure.normative_documents.issued": "含一件未入目录的文件"}
    assert page.unexplained_changes() == []
    # Auto-fill again keeps the explained figure.
    apply_figures(page, compute_figures(page))
    assert page.tables["active_disclosure"]["normative_documents"]["issued"] == 3


@pytest.mark.django_db
def test_autofill_action_in_the_editor_and_notes_recorded(policy_catalogue, agency, client,
                                                          admin_user):
    from govinfo_wagtail.core.setup import run_setup

    run_setup(log=lambda *a: None)
    client.force_login(admin_user)
    page = report(policy_catalogue, agency, 2021, tables=example_data(get_format("2021")))
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = form_data(page, client)
    data["action-govinfo-autofill"] = "1"
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    draft = AnnualReportPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert draft.tables["active_disclosure"]["normative_documents"]["in_force"] == 4
    assert PageLogEntry.objects.filter(page=page, action="govinfo_reports.autofill").exists()
    assert not ModelLogEntry.objects.filter(action="govinfo_reports.autofill").exists()

    # The editor now sees the computed figure and a note field beside it.
    html = client.get(url).content.decode()
    assert 'name="tables-note.active_disclosure.normative_documents.in_force"' in html

    data = form_data(AnnualReportPage.objects.get(pk=page.pk), client)
    data["tables-cell.active_disclosure.normative_documents.in_force"] = "5"
    data["action-submit"] = "1"
    response = client.post(url, data)
    assert response.status_code == 200  # refused: the changed figure has no note
    assert ('data-code="figure_note" data-cell="active_disclosure.normative_documents.in_force"'
            in response.content.decode())
    assert AnnualReportPage.objects.get(pk=page.pk).get_latest_revision_as_object().tables[
        "active_disclosure"]["normative_documents"]["in_force"] == 4

    data["tables-note.active_disclosure.normative_documents.in_force"] = "含市里转来的一件"
    response = client.post(url, data)
    assert response.status_code == 302
    draft = AnnualReportPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert draft.figure_notes == {
        "active_disclosure.normative_documents.in_force": "含市里转来的一件"}
    assert draft.tables["active_disclosure"]["normative_documents"]["in_force"] == 5
