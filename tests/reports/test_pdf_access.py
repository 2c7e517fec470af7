"""The report PDF is reached through the page, so Wagtail's view restrictions guard it; the
stored file's name gives nothing away."""

from wagtail.models import PageViewRestriction


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
