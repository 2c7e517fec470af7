"""Who must use a second factor in the admin, and their devices (django-otp)."""

from __future__ import annotations

from django.apps import apps
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


def otp_required_for(user) -> bool:
    """Administrators (superusers, holders of the administrators' rights) and reviewers
    (members of the groups of an active approval task, the review gates included, and those
    who may release in an emergency) when GOVINFO_ADMIN_OTP_REQUIRED is on;
    GOVINFO_ADMIN_OTP_REQUIRED = "all" asks it of every admin user."""
    required = govinfo_settings.ADMIN_OTP_REQUIRED
    if not required or not user.is_authenticated:
        return False
    if required == "all" or user.is_superuser:
        return True
    if explicitly_granted_any(user, GUARDED_PERMISSIONS):
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
