from django.conf import settings
from django.core import checks

from ..conf import govinfo_settings


@checks.register(checks.Tags.security)
def check_account_security(app_configs, **kwargs):
    errors = []
    middleware = list(settings.MIDDLEWARE)
    ours = "govinfo_wagtail.security.middleware.AdminAccountMiddleware"
    otp = "django_otp.middleware.OTPMiddleware"
    if govinfo_settings.ADMIN_OTP_REQUIRED:
        missing = [app for app in ("django_otp", "django_otp.plugins.otp_totp",
                                   "django_otp.plugins.otp_static")
                   if app not in settings.INSTALLED_APPS]
        if missing or otp not in middleware or ours not in middleware:
            errors.append(checks.Error(
                "GOVINFO_ADMIN_OTP_REQUIRED is on, but the second factor is not wired in.",
                hint=f"Add {', '.join(missing) or 'the django_otp apps'} to INSTALLED_APPS and "
                     f"{otp} then {ours} to MIDDLEWARE (after AuthenticationMiddleware).",
                id="govinfo_security.E001"))
        elif middleware.index(otp) > middleware.index(ours):
            errors.append(checks.Error(
                f"{otp} must come before {ours} in MIDDLEWARE.", id="govinfo_security.E002"))
    if govinfo_settings.ADMIN_SESSION_IDLE_TIMEOUT and ours not in middleware:
        errors.append(checks.Error(
            "GOVINFO_ADMIN_SESSION_IDLE_TIMEOUT is set, but the middleware that applies it "
            "is not in MIDDLEWARE.", hint=f"Add {ours}.", id="govinfo_security.E003"))
    if govinfo_settings.LOG_RETENTION_DAYS < 183:
        errors.append(checks.Warning(
            "GOVINFO_LOG_RETENTION_DAYS is below 183: 等级保护 asks for logs to be kept at "
            "least six months.", id="govinfo_security.W001"))
    ours_ip = "govinfo_wagtail.core.client_ip.axes_client_ip"
    if ("axes" in settings.INSTALLED_APPS and govinfo_settings.TRUSTED_PROXIES
            and getattr(settings, "AXES_CLIENT_IP_CALLABLE", None) in (None, "")):
        errors.append(checks.Warning(
            "GOVINFO_TRUSTED_PROXIES is set, but django-axes does not use it: behind the "
            "proxies every failed login counts against the proxies' address.",
            hint=f'Set AXES_CLIENT_IP_CALLABLE = "{ours_ip}".', id="govinfo_security.W002"))
    return errors
