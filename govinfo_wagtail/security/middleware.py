"""Signed-in requests: the idle timeout, then the second-factor step (after django-otp's
OTPMiddleware, which tells whether this session passed a device).

Both apply to every path a site mounts, not only Wagtail's admin: Django's admin, a site's
own staff pages or anything else a password-only session could reach would otherwise
bypass them (django-otp's own admin can add a recovery code)."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from ..conf import govinfo_settings
from .otp import has_device, otp_required_for

LAST_SEEN = "govinfo_admin_last_seen"
# The step itself, sign-out, and what the step's own page loads from the admin (the icon
# sprite and the JavaScript catalogue, fetched by script: redirecting them would put the
# step's page where the icons go). Names a site does not mount are skipped.
EXEMPT = ("wagtailadmin_logout", "govinfo_security:otp_verify", "govinfo_security:otp_setup",
          "wagtailadmin_sprite", "wagtailadmin_javascript_catalog", "admin:logout")


def _reverse(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _exempt(path: str) -> bool:
    if path in {url for url in map(_reverse, EXEMPT) if url}:
        return True
    login = _reverse("wagtailadmin_login")
    if login and path.startswith(login):
        return True
    # Static files when Django serves them (runserver): the step's page needs the admin's CSS
    # and scripts. Never when STATIC_URL is the site's root, which would exempt every path.
    static = settings.STATIC_URL or ""
    return static.startswith("/") and static != "/" and path.startswith(static)


def _refuse_bearer_token(request):
    """A bearer token of Wagtail's API v3 cannot show a second factor: the token of an
    account that must pass one is refused (403 JSON), so a password alone never acts
    through the API. Unknown tokens are left to the API (its own 401)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Bearer ") or not govinfo_settings.ADMIN_OTP_REQUIRED:
        return None
    from wagtail.models import APIToken

    token = (APIToken.objects.select_related("user")
             .filter(key_hash__in=APIToken.candidate_key_hashes(header[7:].strip()),
                     revoked_at__isnull=True).first())
    if token is None or not otp_required_for(token.user):
        return None
    return JsonResponse({"detail": _("This account must pass the second factor; its API "
                                     "tokens are refused.")}, status=403)


class AdminAccountMiddleware:
    """Put after ``django_otp.middleware.OTPMiddleware`` (and the messages middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = _refuse_bearer_token(request)
        if refused is not None:
            return refused
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self._check(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request, user):
        timeout = govinfo_settings.ADMIN_SESSION_IDLE_TIMEOUT
        now = time.time()
        if timeout:
            last = request.session.get(LAST_SEEN)
            if last is not None and now - last > timeout:
                return self._signed_out(request, timeout)
            request.session[LAST_SEEN] = now
        if not otp_required_for(user):
            return None
        if getattr(user, "is_verified", lambda: False)() or _exempt(request.path):
            return None
        step = "govinfo_security:otp_verify" if has_device(user) else \
            "govinfo_security:otp_setup"
        url = _reverse(step)
        if url is None:  # the step is served by Wagtail's admin; without it, fail closed
            return HttpResponseForbidden(_("This account must pass the second factor, which "
                                           "this site does not offer."))
        response = redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
        add_never_cache_headers(response)  # outside the admin too: no front cache keeps it
        return response

    def _signed_out(self, request, timeout):
        """An idle session ends on any path. In Wagtail's admin: back to its login page with a
        message; elsewhere the request goes on as an anonymous visitor's (a public page is
        shown, Django's admin asks for its own login)."""
        logout(request)
        admin = _reverse("wagtailadmin_home")
        if not admin or not request.path.startswith(admin):
            return None
        messages.info(request, _("You were signed out after %(minutes)d minutes "
                                 "without activity.") % {"minutes": timeout // 60})
        response = redirect(f"{reverse('wagtailadmin_login')}?"
                            f"{urlencode({'next': request.get_full_path()})}")
        add_never_cache_headers(response)
        return response
