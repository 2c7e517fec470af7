"""Bearer tokens of Wagtail's API v3 for accounts that must pass the second factor."""

import pytest
from wagtail.models import APIToken

OTP_ON = dict(GOVINFO_ADMIN_OTP_REQUIRED=True)


def bearer(client, user):
    _, plaintext = APIToken.create_token(user=user, name="tests")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {plaintext}"
    return client


def test_token_of_an_otp_required_user_is_refused(client, users, settings):
    settings.GOVINFO_ADMIN_OTP_REQUIRED = True
    response = bearer(client, users["superuser"]).get("/api/v3/pages/")
    assert response.status_code == 403
    # In the site's language (zh-hans in the tests): the refusal says why.
    assert "第二重验证" in response.json()["detail"]


def test_token_of_an_otp_required_user_cannot_write(client, users, settings, catalogue):
    settings.GOVINFO_ADMIN_OTP_REQUIRED = True
    response = bearer(client, users["superuser"]).post(
        f"/api/v3/pages/{catalogue.pk}/actions/publish/", content_type="application/json")
    assert response.status_code == 403


def test_token_of_a_user_without_the_requirement_still_works(client, users, settings):
    settings.GOVINFO_ADMIN_OTP_REQUIRED = True
    response = bearer(client, users["editor"]).get("/api/v3/pages/")
    assert response.status_code == 200


def test_tokens_unchanged_when_the_requirement_is_off(client, users):
    response = bearer(client, users["superuser"]).get("/api/v3/pages/")
    assert response.status_code == 200


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer ", "Bearer wagtail_x"])
def test_unknown_tokens_are_left_to_the_api(client, settings, header, db):
    settings.GOVINFO_ADMIN_OTP_REQUIRED = True
    response = client.get("/api/v3/pages/", HTTP_AUTHORIZATION=header)
    assert response.status_code != 500
