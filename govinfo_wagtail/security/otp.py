"""Who must use a second factor in the admin, and their devices (django-otp)."""

from __future__ import annotations

from django.contrib.auth.models import Group

from ..conf import govinfo_settings


def otp_required_for(user) -> bool:
    """Administrators (superusers, the administrators' group) and reviewers (the review
    gates' groups, the emergency-release group) when GOVINFO_ADMIN_OTP_REQUIRED is on;
    GOVINFO_ADMIN_OTP_REQUIRED = "all" asks it of every admin user."""
    required = govinfo_settings.ADMIN_OTP_REQUIRED
    if not required or not user.is_authenticated:
        return False
    if required == "all" or user.is_superuser:
        return True
    names = [govinfo_settings.ADMIN_GROUP, *govinfo_settings.REVIEWER_GROUPS]
    if govinfo_settings.EMERGENCY_RELEASE_GROUP:
        names.append(govinfo_settings.EMERGENCY_RELEASE_GROUP)
    return Group.objects.filter(name__in=names, user=user).exists()


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
