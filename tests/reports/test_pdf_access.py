"""The report PDF is reached through the page, so Wagtail's view restrictions guard it; the
stored file's name gives nothing away."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client, override_settings
from django.urls import re_path
from django.views.static import serve as serve_media
from wagtail.models import PageViewRestriction

from govinfo_wagtail.reports.models import AnnualReportPDF
from govinfo_wagtail.reports.storage import check_private_media_root
from tests.urls import urlpatterns as site_urlpatterns


def test_pdf_file_name_is_unguessable_and_the_page_route_serves_it(demo_reports, client):
    report = demo_reports[2019]
    name = report.pdf.file.name
    assert report.slug not in name and "海丰" not in name and len(name.split("-", 1)[1]) > 20
    response = client.get(f"{report.url}pdf/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"


def test_view_restricted_report_pdf_needs_the_password(demo_reports, client):
    report = demo_reports[2019]
    PageViewRestriction.objects.create(page=report, restriction_type="password",
                                       password="s3cret")
    response = client.get(f"{report.url}pdf/")
    assert response["Content-Type"] != "application/pdf"
    assert b"%PDF-" not in response.content


# -- the PDF lives outside MEDIA_ROOT, and only the page's routes serve it ----------------

# A site whose web server serves MEDIA_ROOT at MEDIA_URL (nginx's `location /media/`, or
# Django's static() in development).
urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve_media, {"document_root": settings.MEDIA_ROOT}),
    *site_urlpatterns,
]


def pdf_url(report) -> str:
    return report.url + report.reverse_subpage("pdf")


def csv_url(report) -> str:
    return report.url + report.reverse_subpage("tables", args=("csv",))


def is_pdf(response) -> bool:
    if response.status_code != 200 or response["Content-Type"] != "application/pdf":
        return False
    return b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.urls(__name__)
def test_the_pdf_is_not_reachable_at_any_media_url(demo_reports):
    record = demo_reports[2019].pdf
    path = Path(record.file.path).resolve()
    assert Path(settings.MEDIA_ROOT).resolve() not in path.parents
    with pytest.raises(ValueError):
        record.file.url  # noqa: B018 - the storage gives the file no URL
    control = default_storage.save("govinfo-control.txt", ContentFile(b"public"))
    try:
        assert Client().get(f"/media/{control}").status_code == 200  # media is served here
    finally:
        default_storage.delete(control)
    name = record.file.name
    for url in (f"/media/{name}", f"/media/govinfo_reports/pdf/{Path(name).name}",
                f"/media/../govinfo_private/{name}", f"/media/%2e%2e/govinfo_private/{name}"):
        response = Client().get(url)
        # 404, or 400 for a path that leaves MEDIA_ROOT: never the file.
        assert response.status_code in (400, 404), url


@pytest.mark.parametrize("restriction_type", ["password", "login"])
def test_a_restricted_reports_pdf_and_tables_need_the_restriction_passed(
        demo_reports, restriction_type, django_user_model):
    report = demo_reports[2019]
    restriction = PageViewRestriction.objects.create(
        page=report, restriction_type=restriction_type, password="s3cret")
    visitor = Client()
    for url in (pdf_url(report), csv_url(report)):
        response = visitor.get(url)
        assert response.status_code in (200, 302) and not is_pdf(response)
        assert "attachment" not in response.get("Content-Disposition", "")
    if restriction_type == "password":
        visitor.post(f"/_util/authenticate_with_password/{restriction.pk}/{report.pk}/",
                     {"password": "wrong", "return_url": report.url})
        assert not is_pdf(visitor.get(pdf_url(report)))
        visitor.post(f"/_util/authenticate_with_password/{restriction.pk}/{report.pk}/",
                     {"password": "s3cret", "return_url": report.url})
    else:
        assert visitor.get(pdf_url(report)).status_code == 302  # to the login page
        visitor.force_login(django_user_model.objects.create_user("reader", password="pw"))
    assert is_pdf(visitor.get(pdf_url(report)))
    response = visitor.get(csv_url(report))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]


def test_an_unpublished_reports_pdf_route_answers_404(demo_reports):
    report = demo_reports[2019]
    report.unpublish()
    assert Client().get(pdf_url(report)).status_code == 404


def test_pdfs_made_before_the_upgrade_are_moved_out_of_media(demo_reports):
    record = demo_reports[2019].pdf
    name = record.file.name
    content = record.file.read()
    record.file.storage.delete(name)
    default_storage.save(name, ContentFile(content))  # where older versions put it
    assert default_storage.exists(name)
    migration = importlib.import_module(
        "govinfo_wagtail.reports.migrations.0002_private_pdf_storage")
    migration.move_pdfs_out_of_media(django_apps, None)
    assert not default_storage.exists(name)
    record = AnnualReportPDF.objects.get(pk=record.pk)
    assert record.file.storage.exists(record.file.name)
    assert record.file.read() == content
    assert is_pdf(Client().get(pdf_url(demo_reports[2019])))


def test_a_private_root_under_media_root_is_an_error():
    inside = Path(settings.MEDIA_ROOT) / "private"
    with override_settings(GOVINFO_PRIVATE_MEDIA_ROOT=str(inside)):
        assert [m.id for m in check_private_media_root()] == ["govinfo_reports.E002"]
    assert check_private_media_root() == []
