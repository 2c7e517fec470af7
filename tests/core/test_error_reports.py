"""我为政府网站找错: the public form on every page, its guards (honeypot, signed timestamp,
rate limit), the register's deadlines, the answer by email and who sees what."""

import time
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core import mail, signing
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from govinfo_wagtail.core.error_report_views import SALT
from govinfo_wagtail.core.error_reports import HANDLING_DAYS, ErrorReport, open_reports

pytestmark = pytest.mark.django_db
URL = "/govinfo/report-error/"


@pytest.fixture(autouse=True)
def clear_rate_limit():
    cache.clear()
    yield
    cache.clear()


def token(age: int = 10) -> str:
    return signing.dumps(int(time.time()) - age, salt=SALT)


def post(client, **extra):
    data = {"kind": "link", "page_url": "/xxgk/jgzn/", "description": "附件链接打不开。",
            "contact_email": "citizen@example.org", "token": token(), "website": ""}
    data.update(extra)
    return client.post(URL, data)


def test_footer_of_every_page_links_to_the_form_with_the_page(client, catalogue):
    html = BeautifulSoup(client.get(catalogue.url).content.decode(), "html.parser")
    href = html.select_one(".govinfo-footer__report_error a")["href"]
    assert href == f"{URL}?url=%2Fxxgk%2F"
    form = BeautifulSoup(client.get(href).content.decode(), "html.parser")
    assert form.select_one("#id_page_url")["value"] == "/xxgk/"


def test_outside_address_is_not_prefilled(client):
    html = BeautifulSoup(client.get(f"{URL}?url=https://evil.example/").content.decode(),
                         "html.parser")
    assert not html.select_one("#id_page_url").get("value")


def test_report_is_registered_with_a_deadline_a_month_away(client):
    response = post(client)
    assert response.status_code == 200
    report = ErrorReport.objects.get()
    assert report.state == ErrorReport.State.NEW
    assert report.deadline - report.received_at == timedelta(days=HANDLING_DAYS)
    assert str(report.pk) in response.content.decode()


@pytest.mark.parametrize("extra", [
    {"website": "http://spam.example/"},      # the honeypot
    {"token": 0},                             # sent within seconds of loading the form
    {"token": 3 * 3600},                      # a form older than two hours
    {"token": "forged"},
    {"description": ""},
])
def test_guards_refuse_without_a_500(client, extra):
    if isinstance(extra.get("token"), int):
        extra = {"token": token(age=extra["token"])}
    response = post(client, **extra)
    assert response.status_code == 400
    assert not ErrorReport.objects.exists()
    # The page offers a fresh, valid token to send again.
    html = BeautifulSoup(response.content.decode(), "html.parser")
    fresh = html.select_one('input[name="token"]')["value"]
    assert isinstance(signing.loads(fresh, salt=SALT), int)


def test_rate_limit_per_address(client):
    for _n in range(5):
        assert post(client).status_code == 200
    assert post(client).status_code == 429
    assert ErrorReport.objects.count() == 5


def test_refused_posts_do_not_use_up_the_limit(client):
    for _n in range(10):  # a typo'd form, a bot tripping the honeypot: nothing registered
        assert post(client, description="").status_code == 400
        assert post(client, website="http://spam.example/").status_code == 400
    for _n in range(5):
        assert post(client).status_code == 200
    response = post(client)
    assert response.status_code == 429
    assert ErrorReport.objects.count() == 5


@override_settings(GOVINFO_TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_the_proxy_each_visitor_has_its_own_limit_and_cannot_spoof_out():
    """nginx → Varnish → gunicorn: every request comes from 127.0.0.1. Without the trusted
    proxies, six reports of one visitor would close the form for everyone."""
    from django.test import Client

    def visitor(forwarded, remote="127.0.0.1"):
        return Client(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    for _n in range(5):
        assert post(visitor("198.51.100.9")).status_code == 200
    assert post(visitor("198.51.100.9")).status_code == 429
    assert post(visitor("203.0.113.20")).status_code == 200  # another visitor
    # An address of the visitor's own choosing on the left of the one nginx appended.
    assert post(visitor("203.0.113.77, 198.51.100.9")).status_code == 429
    # A client that is not a trusted proxy: its header is not read at all.
    assert post(visitor("203.0.113.78", remote="198.51.100.50")).status_code == 200
    for _n in range(4):
        post(visitor("203.0.113.79", remote="198.51.100.50"))
    assert post(visitor("203.0.113.80", remote="198.51.100.50")).status_code == 429
    assert ErrorReport.objects.count() == 11


def test_answer_is_mailed_when_handled(django_capture_on_commit_callbacks):
    report = ErrorReport.objects.create(kind="typo", page_url="/a/", description="错别字",
                                        contact_email="citizen@example.org")
    report.state, report.answer = ErrorReport.State.HANDLED, "已更正，感谢您的反馈。"
    with django_capture_on_commit_callbacks(execute=True):
        report.save()
    assert [m.to for m in mail.outbox] == [["citizen@example.org"]]
    assert "已更正" in mail.outbox[0].body
    report.refresh_from_db()
    assert report.answer_sent_at is not None and report.handled_at is not None
    assert not report.handled_late
    with django_capture_on_commit_callbacks(execute=True):
        report.save()  # saved again: not sent twice
    assert len(mail.outbox) == 1


@override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                   EMAIL_HOST="127.0.0.1", EMAIL_PORT=9, EMAIL_TIMEOUT=2)
def test_a_mail_failure_is_recorded_and_the_handling_stands(django_capture_on_commit_callbacks):
    report = ErrorReport.objects.create(kind="typo", page_url="/a/", description="错别字",
                                        contact_email="citizen@example.org")
    report.state, report.answer = ErrorReport.State.HANDLED, "已更正。"
    with django_capture_on_commit_callbacks(execute=True):
        report.save()
    report.refresh_from_db()
    assert report.state == ErrorReport.State.HANDLED
    assert report.answer_sent_at is None and report.answer_error


def test_deadlines_overdue_due_soon_and_late_handling():
    now = timezone.now()
    old = ErrorReport.objects.create(kind="link", page_url="/a/", description="x",
                                     received_at=now - timedelta(days=31))
    soon = ErrorReport.objects.create(kind="link", page_url="/b/", description="x",
                                      received_at=now - timedelta(days=27))
    ErrorReport.objects.create(kind="link", page_url="/c/", description="x")
    _open, overdue, due_soon = open_reports(now)
    assert list(overdue) == [old] and list(due_soon) == [soon]
    old.state = ErrorReport.State.HANDLED
    old.save()
    assert old.handled_late  # handled after the month: the inspection deducts more


def test_register_never_shows_the_reporters_contact(client, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", "a@example.org", "pw")
    report = ErrorReport.objects.create(kind="link", page_url="/a/", description="链接失效",
                                        contact_name="张三", contact_email="zhang@example.org",
                                        received_at=timezone.now() - timedelta(days=40))
    client.force_login(admin)
    index = client.get(reverse("govinfo_error_reports:index")).content.decode()
    edit = client.get(reverse("govinfo_error_reports:edit", args=[report.pk])).content.decode()
    for html in (index, edit):
        assert "zhang@example.org" not in html and "张三" not in html
    assert "链接失效" in edit or "/a/" in edit
    dashboard = client.get("/admin/").content.decode()
    assert 'data-error-reports="overdue"' in dashboard


def test_report_is_filed_under_the_agency_of_its_page(client, catalogue, agency, django_user_model):
    """A county portal hosts many agencies: a report on an agency's page is that agency's,
    and the register filters by agency."""
    from govinfo_wagtail.catalogue.models import CatalogueItemPage
    from govinfo_wagtail.core.agencies import Agency
    from tests.conftest import add_live

    other = Agency.objects.create(name="海丰县财政局", index_code="007000002")
    page = add_live(catalogue, CatalogueItemPage(title="机构职能", slug="jgzn", agency=agency))
    add_live(catalogue, CatalogueItemPage(title="预算", slug="ys", agency=other))
    assert post(client, page_url="/xxgk/jgzn/").status_code == 200
    assert post(client, page_url="http://localhost/xxgk/ys/?from=footer").status_code == 200
    assert post(client, page_url="/xxgk/").status_code == 200  # the catalogue: no agency
    assert post(client, page_url="https://evil.example/xxgk/jgzn/").status_code == 200
    agencies = dict(ErrorReport.objects.values_list("page_url", "agency__name"))
    assert agencies == {"/xxgk/jgzn/": agency.name,
                        "http://localhost/xxgk/ys/?from=footer": other.name,
                        "/xxgk/": None, "https://evil.example/xxgk/jgzn/": None}
    assert page.agency_id == agency.pk
    admin = django_user_model.objects.create_superuser("admin", "a@example.org", "pw")
    client.force_login(admin)
    index = reverse("govinfo_error_reports:index")
    only = client.get(index, {"agency": other.pk}).content.decode()
    assert "/xxgk/ys/" in only and "/xxgk/jgzn/" not in only
    assert other.name in client.get(index).content.decode()  # the agency column


def test_a_malformed_or_encoded_address_is_kept_and_filed_without_a_500(
        client, catalogue, agency):
    """What a visitor pastes is kept as typed: an address urlsplit cannot read is a report
    without an agency, and a percent-encoded Chinese path finds its page's agency."""
    from govinfo_wagtail.catalogue.models import CatalogueItemPage
    from tests.conftest import add_live

    add_live(catalogue, CatalogueItemPage(title="机构职能", slug="机构职能", agency=agency))
    for url in ("http://[::1", "http://[zz]/xxgk/"):
        assert post(client, page_url=url).status_code == 200
    assert post(client, page_url="/xxgk/%E6%9C%BA%E6%9E%84%E8%81%8C%E8%83%BD/").status_code == 200
    agencies = dict(ErrorReport.objects.values_list("page_url", "agency_id"))
    assert agencies == {"http://[::1": None, "http://[zz]/xxgk/": None,
                        "/xxgk/%E6%9C%BA%E6%9E%84%E8%81%8C%E8%83%BD/": agency.pk}
