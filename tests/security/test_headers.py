"""Response headers (docs/deployment.md, "Response headers"): the package's policy is strict
on public pages and adds only ADMIN_ALLOWANCES in the admin. tests/browser/test_csp.py shows
the pages work under it."""

import pytest
from django.conf import settings
from django.test import override_settings

from govinfo_wagtail.security.csp import CONTENT_SECURITY_POLICY

HEADERS = dict(
    MIDDLEWARE=["django.middleware.security.SecurityMiddleware", *settings.MIDDLEWARE],
    CONTENT_SECURITY_POLICY=CONTENT_SECURITY_POLICY,
    SECURE_REFERRER_POLICY="strict-origin-when-cross-origin",
    X_FRAME_OPTIONS="SAMEORIGIN",
)


def _directives(header: str) -> dict:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@override_settings(**HEADERS)
def test_public_pages_strict_admin_with_its_allowances(client, catalogue, django_user_model):
    public = client.get(catalogue.url)
    assert public.status_code == 200
    policy = _directives(public["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'self'"]
    assert public["X-Content-Type-Options"] == "nosniff"
    assert public["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert public["X-Frame-Options"] == "SAMEORIGIN"

    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    response = client.get("/admin/")
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'self'"]


@pytest.mark.django_db
def test_no_policy_without_the_setting(client, catalogue):
    assert "Content-Security-Policy" not in client.get(catalogue.url)
