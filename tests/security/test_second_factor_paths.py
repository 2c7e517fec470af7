"""The second factor holds on every path a site mounts, not only under Wagtail's admin:
Django's admin (where django-otp's own admin could add a recovery code), a site's own staff
page; the setup step never enrols a second device on a password alone; managing users, groups
and devices is a right that requires the step."""

import time

import pytest
from django.contrib.auth.models import Group
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import override_settings
from django_otp.oath import TOTP

OTP_ON = dict(GOVINFO_ADMIN_OTP_REQUIRED=True)
DJANGO_ADMIN_SITE = dict(ROOT_URLCONF="tests.security.urls_django_admin", **OTP_ON)
VERIFY = "/admin/govinfo-security/verify/"
SETUP = "/admin/govinfo-security/setup/"


def _token(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "Secret-pw-1")


@pytest.fixture
def enrolled(admin):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)


def wagtail_login(client, username="root"):
    response = client.post("/admin/login/", {"username": username, "password": "Secret-pw-1"})
    assert response.status_code == 302, "the password was refused"


def _backdoor_form(user):
    """Django admin's form for a static device with one recovery code of the caller's choice."""
    return {"user": user.pk, "name": "backdoor", "confirmed": "on",
            "token_set-TOTAL_FORMS": "1", "token_set-INITIAL_FORMS": "0",
            "token_set-MIN_NUM_FORMS": "0", "token_set-MAX_NUM_FORMS": "1000",
            "token_set-0-token": "letmein1"}


@override_settings(**DJANGO_ADMIN_SITE)
@pytest.mark.parametrize("sign_in", ["wagtail", "django"])
def test_django_admin_asks_for_the_second_factor(client, admin, enrolled, sign_in):
    from django_otp.plugins.otp_static.models import StaticToken

    if sign_in == "wagtail":
        wagtail_login(client)
    else:  # Django admin's own login form: a password, nothing more
        response = client.post("/django-admin/login/?next=/django-admin/",
                               {"username": "root", "password": "Secret-pw-1",
                                "next": "/django-admin/"})
        assert response.status_code == 302
    for url in ("/django-admin/", "/django-admin/otp_static/staticdevice/add/",
                "/django-admin/auth/user/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{VERIFY}?next=")
    add = "/django-admin/otp_static/staticdevice/add/"
    refused = client.post(add, _backdoor_form(admin))
    assert refused.status_code == 302 and refused["Location"].startswith(VERIFY)
    assert not StaticToken.objects.filter(token="letmein1").exists()

    # After a valid code, the same session reaches Django's admin and the same form works:
    # what stopped it was the missing second factor.
    response = client.post(VERIFY, {"token": _token(enrolled), "next": "/django-admin/"})
    assert response.status_code == 302 and response["Location"] == "/django-admin/"
    assert client.get("/django-admin/").status_code == 200
    assert client.post(add, _backdoor_form(admin)).status_code == 302
    assert StaticToken.objects.filter(token="letmein1").exists()


@override_settings(**DJANGO_ADMIN_SITE)
def test_a_sites_own_staff_page_asks_for_it_too(client, admin):
    wagtail_login(client)  # no device yet: sent to set one up, from any path
    response = client.get("/staff-report/")
    assert response.status_code == 302 and response["Location"].startswith(f"{SETUP}?next=")
    assert "no-store" in response.get("Cache-Control", "")  # a front cache keeps no copy
    assert "staff report" not in client.get("/staff-report/", follow=True).content.decode()
    home = client.get("/")  # the public pages too: a restricted page would open otherwise
    assert home.status_code == 302 and home["Location"].startswith(f"{SETUP}?next=")


@override_settings(**DJANGO_ADMIN_SITE)
def test_what_the_step_needs_is_not_sent_to_the_step(client, admin, enrolled):
    wagtail_login(client)
    assert client.get(VERIFY).status_code == 200
    static = client.get("/static/wagtailadmin/js/core.js")
    assert static.status_code == 200
    # Closing a streamed answer sends request_finished, whose close_old_connections would
    # close the test's database connection inside its transaction (PostgreSQL, MariaDB).
    request_finished.disconnect(close_old_connections)
    try:
        static.close()
    finally:
        request_finished.connect(close_old_connections)
    assert client.post("/admin/logout/").status_code == 302
    assert not client.get("/admin/").wsgi_request.user.is_authenticated
    wagtail_login(client)
    assert client.post("/django-admin/logout/").status_code == 200  # Django admin's sign-out
    assert not client.get("/admin/").wsgi_request.user.is_authenticated


@override_settings(ROOT_URLCONF="tests.security.urls_django_admin")
def test_off_django_admin_and_site_pages_are_unchanged(client, admin):
    wagtail_login(client)
    assert client.get("/django-admin/").status_code == 200
    assert client.get("/staff-report/").content.decode() == "staff report for root"


@override_settings(**DJANGO_ADMIN_SITE)
def test_users_who_need_no_second_factor_are_not_stopped(client, django_user_model,
                                                         setup_done):
    from govinfo_wagtail.conf import govinfo_settings

    editor = django_user_model.objects.create_user("bian", "bian@example.org", "Secret-pw-1",
                                                   is_staff=True)
    editor.groups.add(Group.objects.get(name=govinfo_settings.EDITOR_GROUP))
    wagtail_login(client, "bian")
    assert client.get("/staff-report/").status_code == 200
    assert client.get("/admin/").status_code == 200


# --- setup never enrols beside a confirmed device (finding 6) --------------------------------

@override_settings(**OTP_ON)
def test_setup_beside_a_confirmed_device_goes_to_verify(client, admin, enrolled):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from govinfo_wagtail.security.otp import new_recovery_codes

    codes = new_recovery_codes(admin)
    # An unconfirmed device left over (an enrolment begun and never finished, or planted).
    stray = TOTPDevice.objects.create(user=admin, name="authenticator", confirmed=False)
    wagtail_login(client)
    response = client.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    claimed = client.post(SETUP, {"token": _token(stray)})
    assert claimed.status_code == 302 and claimed["Location"].startswith(VERIFY)
    stray.refresh_from_db()
    assert not stray.confirmed
    assert client.get("/admin/").status_code == 302  # still not past the step
    # The recovery codes were not replaced by a new enrolment.
    assert client.post(VERIFY, {"token": codes[0]}).status_code == 302
    assert client.get("/admin/").status_code == 200


# --- managing users, groups and devices requires it (finding 7) ------------------------------

@override_settings(**OTP_ON)
@pytest.mark.parametrize("permission", [
    "auth.add_user", "auth.change_user", "auth.delete_user",
    "auth.add_group", "auth.change_group", "auth.delete_group",
    "otp_static.add_staticdevice", "otp_totp.change_totpdevice",
])
def test_user_and_group_managers_need_the_second_factor(client, django_user_model, db,
                                                        permission):
    from tests.conftest import grant_permission

    group = Group.objects.create(name="用户管理员")
    grant_permission(group, "wagtailadmin.access_admin")
    grant_permission(group, permission)
    user = django_user_model.objects.create_user("guan", "guan@example.org", "Secret-pw-1")
    user.groups.add(group)
    wagtail_login(client, "guan")
    for url in ("/admin/", "/admin/users/", "/admin/groups/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(SETUP), url


@override_settings(**OTP_ON)
def test_access_to_the_admin_alone_does_not_require_it(client, django_user_model, db):
    from tests.conftest import grant_permission

    user = django_user_model.objects.create_user("guan", "guan@example.org", "Secret-pw-1")
    grant_permission(user, "wagtailadmin.access_admin")
    wagtail_login(client, "guan")
    assert client.get("/admin/").status_code == 200


# --- the idle timeout, on every path as well --------------------------------------------------

@override_settings(ROOT_URLCONF="tests.security.urls_django_admin",
                   GOVINFO_ADMIN_SESSION_IDLE_TIMEOUT=1800)
def test_an_idle_session_ends_on_django_admin_too(client, admin):
    from govinfo_wagtail.security.middleware import LAST_SEEN

    wagtail_login(client)
    assert client.get("/django-admin/").status_code == 200
    session = client.session
    session[LAST_SEEN] = time.time() - 1801
    session.save()
    response = client.get("/django-admin/")
    assert response.status_code == 302 and response["Location"].startswith(
        "/django-admin/login/")
    assert not client.get("/admin/").wsgi_request.user.is_authenticated
