"""The late-interpretation report, the admin conveniences, unpublishing, and the public pages."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from wagtail.models import Page, PageLogEntry

from govinfo_wagtail.core.models import Validity
from govinfo_wagtail.core.release import ReleaseReason, release
from govinfo_wagtail.policies.models import CalendarCorrection, PolicyDocumentPage
from govinfo_wagtail.policies.services import policies_without_interpretation

from .conftest import new_interpretation, new_policy

SHANGHAI = ZoneInfo("Asia/Shanghai")


def release_together(*pages):
    return release([p.get_latest_revision() for p in pages], reason=ReleaseReason.TEST)


@pytest.fixture
def pair(catalogue, agency):
    policy = new_policy(catalogue, agency)
    interpretation = new_interpretation(catalogue, agency, policy)
    policy, interpretation = release_together(policy, interpretation)
    return policy.specific, interpretation.specific


def _released_on(page, day: date) -> None:
    # The first release happened on ``day`` (09:00 in Beijing).
    Page.objects.filter(pk=page.pk).update(
        first_published_at=datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI))


@pytest.fixture
def lone_policy(catalogue, agency):
    policy = new_policy(catalogue, agency, title="单独发布的文件")
    with override_settings(GOVINFO_POLICY_SEPARATE_RELEASE=True):
        release(policy.get_latest_revision(), reason=ReleaseReason.TEST)
    return PolicyDocumentPage.objects.get(pk=policy.pk)


# --- Working days elapsed -----------------------------------------------------------------------


@pytest.mark.parametrize("released, today, elapsed, due", [
    # 国庆 2025: 10-01..10-08 off, Saturday 10-11 a make-up working day (调休).
    (date(2025, 9, 30), date(2025, 10, 10), 2, date(2025, 10, 11)),
    (date(2025, 9, 30), date(2025, 10, 13), 4, date(2025, 10, 11)),
    # 春节 2026: 02-15..02-23 off; Saturdays 02-14 and 02-28 are make-up working days.
    (date(2026, 2, 13), date(2026, 2, 24), 2, date(2026, 2, 25)),
    (date(2026, 2, 13), date(2026, 2, 28), 6, date(2026, 2, 25)),
])
def test_working_days_elapsed_across_holidays(lone_policy, released, today, elapsed, due):
    _released_on(lone_policy, released)
    [entry] = policies_without_interpretation(today=today)
    assert (entry.released_on, entry.workdays_elapsed, entry.due_on) == (released, elapsed, due)
    assert entry.is_late is (elapsed > 3)


def test_admin_calendar_corrections_count(lone_policy):
    _released_on(lone_policy, date(2027, 1, 4))  # a Monday beyond the package's data
    [entry] = policies_without_interpretation(today=date(2027, 1, 8))
    assert entry.workdays_elapsed == 4
    CalendarCorrection.objects.create(date=date(2027, 1, 5), kind="holiday", note="测试")
    [entry] = policies_without_interpretation(today=date(2027, 1, 8))
    assert entry.workdays_elapsed == 3


def test_a_live_interpretation_takes_the_policy_off_the_list(pair, lone_policy):
    assert [e.policy.pk for e in policies_without_interpretation()] == [lone_policy.pk]


def test_report_lists_the_policy_with_days_elapsed(admin_client, lone_policy):
    _released_on(lone_policy, date(2025, 9, 30))
    response = admin_client.get("/admin/govinfo-policies/late/")
    assert response.status_code == 200
    html = response.content.decode()
    assert lone_policy.title in html
    rows = response.context["object_list"]
    assert [r.policy.pk for r in rows] == [lone_policy.pk]
    assert rows[0].workdays_elapsed > 3
    # The spreadsheet export has the same rows.
    csv = admin_client.get("/admin/govinfo-policies/late/?export=csv")
    assert lone_policy.title in b"".join(csv.streaming_content).decode("utf-8")


def test_dashboard_panel_lists_late_policies(admin_client, lone_policy):
    _released_on(lone_policy, date(2025, 9, 30))
    html = admin_client.get("/admin/").content.decode()
    assert "data-govinfo-late" in html and lone_policy.title in html


def test_report_warns_beyond_the_calendar_data(admin_client, lone_policy, monkeypatch):
    _released_on(lone_policy, date(2025, 12, 30))
    monkeypatch.setattr("govinfo_wagtail.policies.services.site_today",
                        lambda: date(2027, 1, 6))
    response = admin_client.get("/admin/govinfo-policies/late/")
    assert "data-coverage-warning" in response.content.decode()


# --- Admin conveniences ---------------------------------------------------------------------


def test_create_an_interpretation_of_this_policy(admin_client, catalogue, agency, topic):
    policy = new_policy(catalogue, agency, topic=topic)
    edit = admin_client.get(f"/admin/pages/{policy.pk}/edit/").content.decode()
    url = (f"/admin/pages/add/govinfo_policies/interpretationpage/{catalogue.pk}/"
           f"?interprets={policy.pk}")
    assert url.replace("&", "&amp;") in edit or url in edit
    response = admin_client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    links = form.formsets["policy_links"]
    assert [f.initial.get("policy") or f.instance.policy_id for f in links.forms] == [policy.pk]
    assert form.initial["agency"] == agency.pk and form.initial["topic"] == topic.pk


def test_prefill_needs_edit_permission_on_the_policy(client, django_user_model, catalogue,
                                                      agency):
    from django.contrib.auth.models import Permission

    policy = new_policy(catalogue, agency)
    user = django_user_model.objects.create_user("outsider", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get(f"/admin/pages/add/govinfo_policies/interpretationpage/"
                          f"{catalogue.pk}/?interprets={policy.pk}")
    assert response.status_code in (302, 403)  # no permission to add here at all


def test_status_listing_shows_awaiting_and_counts(admin_client, pair, catalogue, agency):
    draft = new_policy(catalogue, agency, title="待审文件", document_number="海交规〔2026〕5号")
    response = admin_client.get("/admin/govinfo-policies/status/")
    rows = {r.policy.pk: r for r in response.context["object_list"]}
    assert set(rows) == {pair[0].pk, draft.pk}
    assert len(rows[pair[0].pk].interpretations) == 1


def test_editor_panel_shows_the_release_group(admin_client, catalogue, agency):
    policy = new_policy(catalogue, agency)
    interpretation = new_interpretation(catalogue, agency, policy)
    html = admin_client.get(f"/admin/pages/{policy.pk}/edit/").content.decode()
    assert f'data-page="{interpretation.pk}" data-status="draft"' in html


# --- Unpublishing a policy --------------------------------------------------------------------


def test_unpublish_asks_then_takes_interpretations_down(admin_client, pair):
    policy, interpretation = pair
    response = admin_client.post(f"/admin/pages/{policy.pk}/unpublish/")
    assert response.status_code == 200 and b"govinfo_interpretations" in response.content
    assert Page.objects.get(pk=policy.pk).live  # nothing happened yet
    admin_client.post(f"/admin/pages/{policy.pk}/unpublish/",
                      {"govinfo_interpretations": "take_down"})
    assert not Page.objects.get(pk=policy.pk).live
    assert not Page.objects.get(pk=interpretation.pk).live


def test_unpublish_keeping_interpretations_shows_a_notice(admin_client, client, pair):
    policy, interpretation = pair
    admin_client.post(f"/admin/pages/{policy.pk}/unpublish/",
                      {"govinfo_interpretations": "keep"})
    assert not Page.objects.get(pk=policy.pk).live
    assert Page.objects.get(pk=interpretation.pk).live
    assert PageLogEntry.objects.filter(page=policy.pk,
                                       action="govinfo_policies.interpretations_kept").exists()
    html = client.get(interpretation.url).content.decode()
    assert 'data-policy-status="withdrawn"' in html
    assert f'href="{policy.url}"' not in html


# --- Public pages -------------------------------------------------------------------------------


def test_policy_and_interpretation_link_each_other(client, pair):
    policy, interpretation = pair
    policy_html = client.get(policy.url).content.decode()
    assert 'data-related="interpretations"' in policy_html
    assert f'href="{interpretation.url}"' in policy_html
    interpretation_html = client.get(interpretation.url).content.decode()
    assert 'data-related="policies"' in interpretation_html
    assert f'href="{policy.url}"' in interpretation_html


def test_repealed_policy_shows_on_its_interpretations(client, pair):
    policy, interpretation = pair
    PolicyDocumentPage.objects.filter(pk=policy.pk).update(
        validity=Validity.REPEALED, validity_changed_on=date(2026, 6, 1))
    html = client.get(interpretation.url).content.decode()
    assert 'data-policy-status="repealed"' in html and "2026-06-01" in html


def test_both_kinds_appear_in_the_catalogue_listing(client, catalogue, pair):
    html = client.get(catalogue.url).content.decode()
    assert pair[0].title in html and pair[1].title in html


def test_normative_document_always_requires_interpretation(catalogue, agency):
    from django.core.exceptions import ValidationError

    page = PolicyDocumentPage(title="规范性文件", agency=agency, requires_interpretation=False)
    with pytest.raises(ValidationError) as exc:
        page.clean()
    assert exc.value.error_dict["requires_interpretation"][0].code == (
        "normative_requires_interpretation")
