"""The Content-Security-Policy that the public pages, the exit prompt and Wagtail's admin work
under (django-csp 4), measured by tests/browser/test_csp.py: no violation in Chromium.

    from govinfo_wagtail.security.csp import CONTENT_SECURITY_POLICY

Everything is served from the site itself: no script, style, font or frame from elsewhere,
no inline script, no eval. The allowances, each needed by Wagtail's admin:

* ``style-src-attr 'unsafe-inline'``: style attributes that the admin's templates and
  scripts write (widths of progress bars, the page explorer, Draftail's toolbar). Style
  attributes cannot run code; ``<style>`` elements and style sheets stay ``'self'`` only.
* ``img-src data: blob:``: inline SVG icons in style sheets, the preview of an image being
  uploaded.
* ``frame-src 'self'``: the admin's live preview panel (an iframe of the site itself).

Report PDFs are rendered by WeasyPrint on the server and are not affected.
"""

SELF = "'self'"

DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": [SELF, "data:", "blob:"],
    "font-src": [SELF, "data:"],
    "connect-src": [SELF],
    "frame-src": [SELF],
    "frame-ancestors": [SELF],
    "object-src": ["'none'"],
    "base-uri": [SELF],
    "form-action": [SELF],
}

CONTENT_SECURITY_POLICY = {"DIRECTIVES": DIRECTIVES}

# Wagtail's admin writes inline <script> elements (widget set-up: choosers, date pickers),
# whose text changes with each form, so neither hashes nor nonces can allow them: the admin
# (only) allows inline scripts and styles. Its pages are reached only by signed-in staff; the public
# pages keep script-src 'self'.
ADMIN_ALLOWANCES = {  # added to the directives above
    "script-src": ["'unsafe-inline'"],
    # <style> elements that the admin's bundled libraries add at run time (vendor.js).
    "style-src": ["'unsafe-inline'"],
}


def _admin_prefix():
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("wagtailadmin_home")
    except NoReverseMatch:
        return None


try:
    from csp.middleware import CSPMiddleware as _CSPMiddleware
except ImportError:  # django-csp not installed: the middleware is not used either
    _CSPMiddleware = object


class CSPMiddleware(_CSPMiddleware):
    """django-csp's middleware, with ADMIN_ALLOWANCES on Wagtail's admin pages.

    MIDDLEWARE += ["govinfo_wagtail.security.csp.CSPMiddleware"] (instead of django-csp's).
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        prefix = _admin_prefix()
        if prefix and request.path_info.startswith(prefix):
            parts.update = {**ADMIN_ALLOWANCES, **(parts.update or {})}
        return parts
