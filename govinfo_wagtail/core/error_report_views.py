"""The public 找错 form: on every page (the footer links to it with the page's address),
guarded without third-party services: a honeypot field, a signed timestamp (too fast or
too old is refused) and a rate limit on the reports accepted from one address (the visitor's
address behind trusted proxies: core/client_ip.py)."""

import time

from django import forms
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from .client_ip import client_ip
from .error_reports import ErrorReport
from .language import public_language

SALT = "govinfo.error_report"
MIN_SECONDS = 3
MAX_SECONDS = 2 * 3600
RATE_LIMIT = 5  # accepted reports per address and hour
RATE_WINDOW = 3600


class ErrorReportForm(forms.ModelForm):
    # Hidden from people (CSS and aria-hidden); bots fill every field.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    token = forms.CharField(widget=forms.HiddenInput)

    class Meta:
        model = ErrorReport
        fields = ["kind", "page_url", "description", "contact_name", "contact_email"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5, "maxlength": 2000})}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(_("The report could not be accepted."))
        try:
            issued = signing.loads(cleaned.get("token", ""), salt=SALT, max_age=MAX_SECONDS)
        except signing.SignatureExpired:
            issued = 0
        except signing.BadSignature:
            raise forms.ValidationError(
                _("The form is not valid: please reload the page.")) from None
        age = time.time() - issued if isinstance(issued, int) else MAX_SECONDS + 1
        if age > MAX_SECONDS:
            raise forms.ValidationError(_("The form has expired: please send it again."))
        if age < MIN_SECONDS:
            raise forms.ValidationError(_("The form was sent too quickly: please check it and "
                                          "send it again."))
        return cleaned


def new_token() -> str:
    return signing.dumps(int(time.time()), salt=SALT)


def _rate_key(request: HttpRequest) -> str:
    return f"govinfo:error_report:{client_ip(request) or 'unknown'}"


def rate_exhausted(request: HttpRequest) -> bool:
    """This address has had its RATE_LIMIT reports accepted this hour (nothing counted)."""
    return (cache.get(_rate_key(request)) or 0) >= RATE_LIMIT


def count_accepted(request: HttpRequest) -> bool:
    """Count an accepted report against the address; False when it is one too many (two
    posts that passed rate_exhausted at once: the counter is atomic, the check is not)."""
    key = _rate_key(request)
    cache.add(key, 0, RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW)
        count = 1
    return count <= RATE_LIMIT


@never_cache
@public_language
def report_error(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = ErrorReportForm(request.POST)
        # Only accepted reports count: a refused post (a typo, the honeypot) registers
        # nothing, and must not close the form for the visitor's address.
        if rate_exhausted(request) or (form.is_valid() and not count_accepted(request)):
            form.add_error(None, _("Too many reports from your address: please try again "
                                   "in an hour."))
            status = 429
        elif form.is_valid():
            report = form.save()
            return TemplateResponse(request, "govinfo_core/error_report_thanks.html",
                                    {"report": report})
        else:
            status = 400
        form.data = form.data.copy()
        form.data["token"] = new_token()
    else:
        where = request.GET.get("url", "")
        if not url_has_allowed_host_and_scheme(where, allowed_hosts={request.get_host()}):
            where = ""
        form = ErrorReportForm(initial={"page_url": where, "token": new_token()})
    return TemplateResponse(request, "govinfo_core/error_report.html", {"form": form},
                            status=status)
