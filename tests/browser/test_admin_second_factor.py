"""The admin's second factor in Chromium: password, enrolment of an authenticator app (QR code
and key), recovery codes, and on the next sign-in the code step before the dashboard."""

import re
import time

from django.test import override_settings
from django_otp.oath import TOTP
from playwright.sync_api import expect


def _code(secret: str) -> str:
    from base64 import b32decode

    totp = TOTP(b32decode(secret))
    totp.time = time.time()
    return f"{totp.token():06d}"


def _sign_in(page, live_server):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", "Secret-pw-1")
    page.locator("form button[type=submit]").click()


@override_settings(GOVINFO_ADMIN_OTP_REQUIRED=True)
def test_enrol_then_sign_in_with_a_code(page, live_server, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.org", "Secret-pw-1")
    _sign_in(page, live_server)
    expect(page).to_have_url(re.compile(r"/admin/govinfo-security/setup/"))
    expect(page.locator(".govinfo-otp-qr svg")).to_be_visible()
    secret = page.locator("[data-otp-secret]").inner_text()
    # An admin page opened directly comes back to the step.
    page.goto(f"{live_server.url}/admin/pages/")
    expect(page).to_have_url(re.compile(r"/admin/govinfo-security/setup/"))
    page.locator("input[name=token]").fill(_code(secret))
    page.locator("form[data-otp-setup] button[type=submit]").click()
    codes = page.locator("[data-recovery-codes] code")
    expect(codes).to_have_count(10)
    assert len(set(codes.all_inner_texts())) == 10
    # The admin's icons load on the step's pages (the sprite is not sent to the step).
    expect(page.locator("svg symbol").first).to_be_attached()
    page.get_by_role("link", name=re.compile("继续|Continue")).click()
    expect(page).to_have_url(re.compile(r"/admin/pages/$"))

    page.context.clear_cookies()
    _sign_in(page, live_server)
    expect(page).to_have_url(re.compile(r"/admin/govinfo-security/verify/"))
    page.locator("input[name=token]").fill("000000")
    page.locator("form[data-otp-verify] button[type=submit]").click()
    expect(page.locator("form[data-otp-verify]")).to_contain_text(re.compile("not valid|无效"))
    expect(page).to_have_url(re.compile(r"/admin/govinfo-security/verify/"))
    time.sleep(1.1)  # django-otp's throttle after a failure
    page.locator("input[name=token]").fill(_next_step_code(secret))
    page.locator("form[data-otp-verify] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#main")).to_be_visible()


def _next_step_code(secret: str) -> str:
    """The enrolment used this 30-second step's code, which may not be replayed: wait for
    the next step."""
    time.sleep(30 - time.time() % 30 + 0.5)
    return _code(secret)


@override_settings(GOVINFO_ADMIN_OTP_REQUIRED=True,
                   ROOT_URLCONF="tests.security.urls_django_admin")
def test_django_admin_mounted_by_a_site_asks_for_the_code(page, live_server, django_user_model):
    """A site that mounts Django's admin: its own login form takes the password, then the
    code step comes before any of its pages (django-otp's admin could add a recovery code)."""
    from base64 import b32encode

    from django_otp.plugins.otp_totp.models import TOTPDevice

    root = django_user_model.objects.create_superuser("root", "root@example.org", "Secret-pw-1")
    device = TOTPDevice.objects.create(user=root, name="phone", confirmed=True)
    page.goto(f"{live_server.url}/django-admin/login/?next=/django-admin/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", "Secret-pw-1")
    page.locator("input[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/govinfo-security/verify/\?next=%2Fdjango-admin"))
    page.goto(f"{live_server.url}/django-admin/otp_static/staticdevice/add/")
    expect(page).to_have_url(re.compile(r"/admin/govinfo-security/verify/"))
    expect(page.locator("form[data-otp-verify]")).to_be_visible()
    page.locator("input[name=token]").fill(_code(b32encode(device.bin_key).decode()))
    page.locator("form[data-otp-verify] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/django-admin/otp_static/staticdevice/add/$"))
    expect(page.locator("input[name=name]")).to_be_visible()
