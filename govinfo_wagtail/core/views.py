"""Public views of the package: the exit-prompt page and the no-JavaScript text-size switch."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from ..conf import govinfo_settings
from .language import public_language
from .public import portal_name, verified_target

LARGE = "large"
ONE_YEAR = 365 * 24 * 3600


@require_GET
@public_language
def leave(request: HttpRequest) -> HttpResponse:
    """Ask before leaving the portal. Only targets signed by this site are shown; anything
    else is refused, so the page cannot send visitors to an address someone else chose."""
    target = verified_target(request.GET.get("url", ""), request.GET.get("sig", ""))
    context = {"target": target, "portal_name": portal_name(request),
               "back_url": safe_back_url(request)}
    response = TemplateResponse(request, "govinfo_core/leave.html", context,
                                status=200 if target else 400)
    # Search engines should not index or follow the prompt; Referer would leak the page.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def safe_back_url(request: HttpRequest) -> str:
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return "/"


@require_GET
def text_size(request: HttpRequest) -> HttpResponse:
    """Switch the large-text mode (适老化) without JavaScript: set the cookie the templates
    read, then go back to the page (only a page of this site: no open redirect)."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    cookie = govinfo_settings.LARGE_TEXT_COOKIE
    if request.GET.get("size") == LARGE:
        response.set_cookie(cookie, LARGE, max_age=ONE_YEAR, samesite="Lax",
                            secure=request.is_secure())
    else:
        response.delete_cookie(cookie, samesite="Lax")
    return response
