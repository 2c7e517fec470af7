"""Who must use a second factor, and their devices (django-otp)."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from wagtail.models import AbstractGroupApprovalTask

from ..conf import govinfo_settings
from ..core.permissions import explicitly_granted_any

# The rights of administrators that a second factor protects, by permission (a group renamed
# in the admin keeps them, and so keeps the second factor).
GUARDED_PERMISSIONS = (
    "govinfo_core.change_disclosuresettings",
    "govinfo_catalogue.import_released",
    "govinfo_review.review_emergency_release",
    "govinfo_review.release_in_emergency",
)
# Who manages accounts can make themselves (or anyone) an administrator, and who manages the
# second factor's devices can give an account a recovery code of their choosing: both rights
# require the step as well (Wagtail's Settings → Users and Groups, Django's admin if mounted).
DEVICE_PERMISSIONS = (
    "otp_totp.add_totpdevice", "otp_totp.change_totpdevice", "otp_totp.delete_totpdevice",
    "otp_static.add_staticdevice", "otp_static.change_staticdevice",
    "otp_static.delete_staticdevice", "otp_static.add_statictoken",
    "otp_static.change_statictoken", "otp_static.delete_statictoken",
)


def guarded_permissions() -> tuple[str, ...]:
    """Every right whose holder must pass the second factor (the user model's own rights
    under its app label, so a custom user model is covered)."""
    user = get_user_model()._meta
    accounts = tuple(f"{user.app_label}.{action}_{user.model_name}"
                     for action in ("add", "change", "delete"))
    groups = ("auth.add_group", "auth.change_group", "auth.delete_group",
              "auth.add_permission", "auth.change_permission", "auth.delete_permission")
    return GUARDED_PERMISSIONS + accounts + groups + DEVICE_PERMISSIONS


def otp_required_for(user) -> bool:
    """Administrators (superusers; holders of the administrators' rights or of the rights to
    manage users, groups and second-factor devices) and reviewers (members of the groups of
    an active approval task, the review gates included, and those who may release in an
    emergency) when GOVINFO_ADMIN_OTP_REQUIRED is on; GOVINFO_ADMIN_OTP_REQUIRED = "all" asks
    it of every signed-in user."""
    required = govinfo_settings.ADMIN_OTP_REQUIRED
    if not required or not user.is_authenticated:
        return False
    if required == "all" or user.is_superuser:
        return True
    if explicitly_granted_any(user, guarded_permissions()):
        return True
    return any(
        model.objects.filter(active=True, groups__user=user).exists()
        for model in apps.get_models()
        if issubclass(model, AbstractGroupApprovalTask) and not model._meta.proxy
    )


def has_device(user) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


RECOVERY_CODES = 10


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes (a static device; each code works once)."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _ = StaticDevice.objects.get_or_create(user=user, name="recovery",
                                                   defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    device.token_set.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes
