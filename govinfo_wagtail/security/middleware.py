"""Admin requests: the idle timeout, then the second-factor step (after django-otp's
OTPMiddleware, which tells whether this session passed a device)."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from ..conf import govinfo_settings
from .otp import has_device, otp_required_for

LAST_SEEN = "govinfo_admin_last_seen"
EXEMPT = ("wagtailadmin_logout", "govinfo_security:otp_verify", "govinfo_security:otp_setup",
          "wagtailadmin_sprite", "wagtailadmin_javascript_catalog")


def _admin_prefix() -> str | None:
    try:
        return reverse("wagtailadmin_home")
    except NoReverseMatch:
        return None


class AdminAccountMiddleware:
    """Put after ``django_otp.middleware.OTPMiddleware`` (and the messages middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        prefix = _admin_prefix()
        user = getattr(request, "user", None)
        if prefix and request.path.startswith(prefix) and user and user.is_authenticated:
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
                logout(request)
                messages.info(request, _("You were signed out after %(minutes)d minutes "
                                         "without activity.") % {"minutes": timeout // 60})
                return redirect(f"{reverse('wagtailadmin_login')}?"
                                f"{urlencode({'next': request.get_full_path()})}")
            request.session[LAST_SEEN] = now
        if not otp_required_for(user):
            return None
        if getattr(user, "is_verified", lambda: False)():
            return None
        # The step itself, sign-out, and what the step's own page loads from the admin (the
        # icon sprite and the JavaScript catalogue, fetched by script: redirecting them would
        # put the step's page where the icons go).
        exempt = {reverse(name) for name in EXEMPT}
        if request.path in exempt or request.path.startswith(reverse("wagtailadmin_login")):
            return None
        step = "govinfo_security:otp_verify" if has_device(user) else \
            "govinfo_security:otp_setup"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
