"""The admin's second-factor step (after the password) and its enrolment."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters

from .otp import has_device, new_recovery_codes


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Verification code"), max_length=16, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True,
                                      "inputmode": "numeric"}),
        help_text=gettext_lazy("The 6-digit code of your authenticator app, or one of your "
                               "recovery codes."))


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return reverse("wagtailadmin_home")


@sensitive_post_parameters("token")
def otp_verify(request):
    from django_otp import login as otp_login
    from django_otp import match_token

    if request.user.is_verified():
        return redirect(_next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            if device.__class__.__name__ == "StaticDevice":
                left = device.token_set.count()
                messages.warning(request, _("You signed in with a recovery code; %(left)d "
                                            "left. Make new ones in your account settings "
                                            "if you are running out.") % {"left": left})
            return redirect(_next(request))
        form.add_error("token", _("This code is not valid or has already been used."))
    return TemplateResponse(request, "govinfo_security/otp_verify.html",
                            {"form": form, "next": _next(request)})


@sensitive_post_parameters("token")
def otp_setup(request):
    """Enrol an authenticator app: a TOTP device, confirmed by its first code; then the
    recovery codes, shown once."""
    import segno
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if request.user.is_verified():
        return redirect(_next(request))
    if has_device(request.user):
        # Enrolled: verify, never enrol another device on the password alone (an unconfirmed
        # device left beside the confirmed one, by an enrolment begun and never finished or
        # planted, would otherwise be claimed with its code, and the recovery codes replaced).
        return redirect(f"{reverse('govinfo_security:otp_verify')}?"
                        f"{urlencode({'next': _next(request)})}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator",
                                           confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].replace(" ", "")):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            codes = new_recovery_codes(request.user)
            return TemplateResponse(request, "govinfo_security/recovery_codes.html",
                                    {"codes": codes, "next": _next(request)})
        form.add_error("token", _("This code is not valid. Check the time on your phone and "
                                  "enter the code now shown."))
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4, title=_(
        "QR code for the authenticator app"))
    return TemplateResponse(request, "govinfo_security/otp_setup.html", {
        "form": form, "next": _next(request), "secret": secret, "qr": qr})
