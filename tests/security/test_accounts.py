"""Account protection (等级保护) through Wagtail's real login view: lockout (django-axes), the
second factor (django-otp: TOTP and recovery codes), password character classes, the admin
idle timeout, and the login and action logs (retention, CSV export)."""

import io
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone
from django_otp.oath import TOTP

LOGIN = "/admin/login/"
AXES = dict(
    AXES_ENABLED=True, AXES_FAILURE_LIMIT=5, AXES_ENABLE_ACCESS_FAILURE_LOG=True,
    AXES_LOCKOUT_PARAMETERS=[["username", "ip_address"]],
    AUTHENTICATION_BACKENDS=["axes.backends.AxesStandaloneBackend",
                             "django.contrib.auth.backends.ModelBackend"],
)


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "Secret-pw-1")


def login(client, username="root", password="Secret-pw-1"):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})


@override_settings(**AXES)
def test_five_failed_logins_lock_the_account_even_with_the_right_password(client, admin, db):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for _ in range(4):
        response = login(client, password="wrong")
        assert response.status_code == 200 and "data-lockout" not in response.content.decode()
    response = login(client, password="wrong")  # the fifth
    assert response.status_code == 429
    response = login(client)
    assert response.status_code == 429
    html = response.content.decode()
    assert "data-lockout" in html and "登录已锁定" in html or "Sign-in locked" in html
    assert not client.get("/admin/").wsgi_request.user.is_authenticated
    assert AccessFailureLog.objects.filter(username="root").count() >= 5
    assert not AccessLog.objects.exists()

    # Unlocked by an administrator (axes_reset), the right password signs in and is logged.
    call_command("axes_reset_username", "root", stdout=io.StringIO())
    assert not AccessAttempt.objects.exists()
    assert login(client).status_code == 302
    assert AccessLog.objects.filter(username="root").count() == 1


@override_settings(**AXES)
def test_another_address_is_not_locked_out_by_someone_elses_failures(client, admin, db):
    for _ in range(5):
        login(client, password="wrong")
    other = client.__class__(REMOTE_ADDR="10.1.2.3")
    assert other.post(LOGIN, {"username": "root", "password": "Secret-pw-1"}).status_code == 302


@override_settings(**AXES, GOVINFO_TRUSTED_PROXIES=["127.0.0.1"],
                   AXES_CLIENT_IP_CALLABLE="govinfo_wagtail.core.client_ip.axes_client_ip")
def test_behind_the_proxy_each_visitor_is_locked_alone_and_cannot_spoof_out(admin, db):
    """Every request comes from 127.0.0.1 (nginx → Varnish → gunicorn): without the trusted
    proxies, five failures of one visitor lock the account for everyone."""
    from axes.models import AccessFailureLog
    from django.test import Client

    def visitor(forwarded):
        return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    attacker = visitor("198.51.100.9")
    for _ in range(5):
        login(attacker, password="wrong")
    assert login(attacker).status_code == 429
    assert set(AccessFailureLog.objects.values_list("ip_address", flat=True)) == {
        "198.51.100.9"}
    # The official, from another address behind the same proxies, signs in.
    assert login(visitor("203.0.113.20")).status_code == 302
    # Writing another address into X-Forwarded-For does not lift the attacker's lockout:
    # nginx appends the address it saw, and that one is read.
    assert login(visitor("203.0.113.20, 198.51.100.9")).status_code == 429
    # A client that is not a trusted proxy cannot pose as one.
    direct = Client(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="203.0.113.20")
    assert login(direct).status_code == 429


# --- second factor ---------------------------------------------------------------------------

def _token(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


@pytest.fixture
def reviewer(django_user_model, setup_done):
    from govinfo_wagtail.conf import govinfo_settings

    user = django_user_model.objects.create_user("shen", "shen@example.org", "Secret-pw-1")
    user.groups.add(Group.objects.get(name=govinfo_settings.REVIEWER_GROUPS[0]))
    return user


@override_settings(GOVINFO_ADMIN_OTP_REQUIRED=True)
def test_admin_without_a_device_is_sent_to_set_one_up_then_verifies_with_totp(client, admin):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    response = login(client)
    assert response.status_code == 302
    response = client.get("/admin/pages/")
    assert response.status_code == 302 and "/govinfo-security/setup/" in response["Location"]
    setup = client.get(response["Location"])
    html = setup.content.decode()
    assert "<svg" in html and "data-otp-secret" in html  # the QR code and the key
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    # A wrong code: a clear message, no device confirmed.
    wrong = client.post(response["Location"], {"token": "000000"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.filter(confirmed=True).exists()
    time.sleep(1.1)  # django-otp throttles: 1 s after one failure, doubling after each
    done = client.post(response["Location"], {"token": _token(device)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    assert client.get("/admin/pages/").status_code == 200  # verified for this session

    # Next sign-in: password, then the code step; the dashboard only after a valid code.
    client.logout()
    login(client)
    step = client.get("/admin/")
    assert "/govinfo-security/verify/" in step["Location"]
    assert client.post(step["Location"], {"token": "123456"}).status_code == 200
    assert client.get("/admin/").status_code == 302
    device.refresh_from_db()
    device.last_t = -1  # the code of the enrolment may not be replayed; a new step's may
    device.save()
    time.sleep(2.1)  # the second failure in a row: 2 s
    ok = client.post(step["Location"], {"token": _token(device), "next": "/admin/pages/"})
    assert ok.status_code == 302 and ok["Location"] == "/admin/pages/"
    assert client.get("/admin/").status_code == 200


@override_settings(GOVINFO_ADMIN_OTP_REQUIRED=True)
def test_a_recovery_code_signs_in_once(client, admin):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from govinfo_wagtail.security.otp import new_recovery_codes

    TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    code = new_recovery_codes(admin)[0]
    login(client)
    verify = client.get("/admin/")["Location"]
    assert client.post(verify, {"token": code}).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.logout()
    login(client)
    assert client.post(verify, {"token": code}).status_code == 200  # used up
    assert client.get("/admin/").status_code == 302


@override_settings(GOVINFO_ADMIN_OTP_REQUIRED=True)
def test_reviewers_need_it_editors_do_not_unless_all(client, reviewer, django_user_model):
    from govinfo_wagtail.conf import govinfo_settings

    editor = django_user_model.objects.create_user("bian", "bian@example.org", "Secret-pw-1")
    editor.groups.add(Group.objects.get(name=govinfo_settings.EDITOR_GROUP))
    login(client, "shen")
    assert "/govinfo-security/setup/" in client.get("/admin/")["Location"]
    client.logout()
    login(client, "bian")
    assert client.get("/admin/").status_code == 200
    with override_settings(GOVINFO_ADMIN_OTP_REQUIRED="all"):
        assert "/govinfo-security/setup/" in client.get("/admin/")["Location"]


def test_off_by_default_nothing_changes(client, admin):
    login(client)
    assert client.get("/admin/").status_code == 200


@override_settings(GOVINFO_ADMIN_OTP_REQUIRED=True)
def test_the_next_parameter_cannot_send_the_user_off_site(client, admin):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    login(client)
    url = "/admin/govinfo-security/verify/"
    response = client.post(url, {"token": _token(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"


# --- idle timeout ----------------------------------------------------------------------------

@override_settings(GOVINFO_ADMIN_SESSION_IDLE_TIMEOUT=1800)
def test_an_idle_admin_session_is_signed_out(client, admin):
    from govinfo_wagtail.security.middleware import LAST_SEEN

    login(client)
    assert client.get("/admin/").status_code == 200
    session = client.session
    session[LAST_SEEN] = time.time() - 1801
    session.save()
    response = client.get("/admin/pages/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "next=%2Fadmin%2Fpages%2F" in response["Location"]
    assert client.get("/admin/").status_code == 302  # signed out, not just redirected


# --- passwords -------------------------------------------------------------------------------

VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "govinfo_wagtail.security.validators.CharacterClassesValidator",
     "OPTIONS": {"min_classes": 3}},
]


@override_settings(AUTH_PASSWORD_VALIDATORS=VALIDATORS, LANGUAGE_CODE="zh-hans")
@pytest.mark.parametrize("password, ok", [
    ("short-A1", False), ("alllowercaseletters", False), ("lowercase123456", False),
    ("Lowercase123456", True), ("lower-case-words!9", True), ("汉字密码汉字密码汉字密码", False),
])
def test_password_length_and_character_classes(password, ok):
    from django.contrib.auth.password_validation import validate_password

    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


@override_settings(AUTH_PASSWORD_VALIDATORS=VALIDATORS)
def test_the_admin_password_change_form_applies_them(client, admin):
    client.force_login(admin)
    form = {"password-old_password": "Secret-pw-1", "name_email-first_name": "",
            "name_email-last_name": "", "name_email-email": "root@example.org",
            "locale-preferred_language": "zh-hans", "locale-current_time_zone": "",
            "theme-theme": "system", "theme-density": "default", "theme-contrast": "system",
            "theme-keyboard_shortcuts": "on"}
    response = client.post("/admin/account/", {
        **form, "password-new_password1": "simplepassword",
        "password-new_password2": "simplepassword"})
    admin.refresh_from_db()
    assert response.status_code == 200 and admin.check_password("Secret-pw-1")
    assert "至少" in response.content.decode() or "at least" in response.content.decode()



# --- logs ------------------------------------------------------------------------------------

@override_settings(**AXES)
def test_login_log_exported_as_csv_without_formula_injection(client, admin, db):
    login(client, username="=cmd|' /C calc'!A0", password="x")
    login(client)
    out = io.StringIO()
    call_command("govinfo_logs", "export", "failures", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "'=cmd" in text and "\n=cmd" not in text and ",=cmd" not in text
    out = io.StringIO()
    call_command("govinfo_logs", "export", "logins", stdout=out, stderr=io.StringIO())
    assert "root" in out.getvalue() and "127.0.0.1" in out.getvalue()


def test_action_log_export_and_retention(admin, root_page):
    from wagtail.models import PageLogEntry

    from govinfo_wagtail.security.logs import purge

    old = PageLogEntry.objects.log_action(root_page, "wagtail.edit", user=admin)
    PageLogEntry.objects.filter(pk=old.pk).update(timestamp=timezone.now() - timedelta(days=400))
    recent = PageLogEntry.objects.log_action(root_page, "wagtail.edit", user=admin)
    out = io.StringIO()
    call_command("govinfo_logs", "export", "actions", stdout=out, stderr=io.StringIO())
    assert out.getvalue().count("wagtail.edit") == 2

    # Younger than the retention period (183 days by default): refused, nothing deleted.
    with pytest.raises(CommandError, match="183"):
        call_command("govinfo_logs", "purge", "actions",
                     "--before", timezone.localdate().isoformat())
    with pytest.raises(ValidationError):
        purge("actions", timezone.now() - timedelta(days=100))
    assert PageLogEntry.objects.filter(pk__in=[old.pk, recent.pk]).count() == 2
    before = (timezone.localdate() - timedelta(days=200)).isoformat()
    call_command("govinfo_logs", "purge", "actions", "--before", before, stdout=io.StringIO())
    assert list(PageLogEntry.objects.filter(pk__in=[old.pk, recent.pk])
                .values_list("pk", flat=True)) == [recent.pk]


def test_bad_dates_are_a_clear_error(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("govinfo_logs", "export", "logins", "--since", "2024/01/01")
