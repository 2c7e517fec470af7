"""Template tags of the public site: ``{% load govinfo_tags %}``.

- ``{{ html|exit_links }}``: after ``|richtext``, sends external links outside the allow-list
  through the exit prompt.
- ``{{ url|exit_url }}``: the same for one href in a template.
- ``{% govinfo_portal_name %}``, ``{% govinfo_large_text as large %}``,
  ``{% govinfo_text_size_url "large" %}``, ``{% govinfo_leave_base %}``,
  ``{% govinfo_search_url %}`` and
  ``{% govinfo_section_nav %}`` and ``{% govinfo_footer %}`` for base templates.
"""

import functools
from urllib.parse import urlencode

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString

from ...conf import govinfo_settings
from .. import public
from ..prepared import PreparedQuery

register = template.Library()


def _visible_pages():
    """The pages the public may see: released pages of released types, live public others."""
    from wagtail.models import Page

    from ..released import shown_to_public

    return shown_to_public(Page.objects.all())


@register.filter
def exit_links(html) -> SafeString:
    return public.rewrite_exit_links(html or "")


@register.filter
def exit_url(url) -> str:
    return public.exit_href(str(url or ""))


@register.simple_tag(takes_context=True)
def govinfo_portal_name(context) -> str:
    return public.portal_name(context.get("request"))


@register.simple_tag(takes_context=True)
def govinfo_large_text(context) -> bool:
    request = context.get("request")
    if request is None:
        return False
    return request.COOKIES.get(govinfo_settings.LARGE_TEXT_COOKIE) == "large"


@register.simple_tag(takes_context=True)
def govinfo_text_size_url(context, size: str) -> str:
    """The no-JavaScript switch: sets the cookie and returns to this page."""
    request = context.get("request")
    try:
        base = reverse("govinfo:text_size")
    except NoReverseMatch:
        return ""
    next_url = request.get_full_path() if request else "/"
    return f"{base}?{urlencode({'size': size, 'next': next_url})}"


@register.simple_tag
def govinfo_search_url() -> str:
    """The public search's address for the header's search box ("" when the host did not
    mount the package's URLs: then there is no box)."""
    try:
        return reverse("govinfo:search:search")
    except NoReverseMatch:
        return ""


@register.simple_tag
def govinfo_leave_base() -> str:
    """The leave page's path, for the dialog script to recognise exit links."""
    try:
        return reverse("govinfo:leave")
    except NoReverseMatch:
        return ""


@register.inclusion_tag("govinfo_core/includes/section_nav.html", takes_context=True)
def govinfo_section_nav(context) -> dict:
    """指南, 制度, 目录, 年报 (and 依申请公开) as configured in the public site settings; the link
    whose page is the current page or one of its ancestors is marked current."""
    request = context.get("request")
    config = public.site_settings(request)
    links = config.navigation_links(_visible_pages()) if config else []
    current = context.get("page")
    items = []
    for key, label, target in links:
        is_current = bool(
            current is not None and getattr(current, "path", None)
            and current.path.startswith(target.path)
        )
        items.append({"key": key, "label": label, "url": target.get_url(request),
                      "current": is_current, "depth": target.depth})
    # Only the deepest matching link is current (目录 below 指南 would otherwise mark both).
    marked = [i for i in items if i["current"]]
    deepest = max(marked, key=lambda i: i["depth"]) if marked else None
    for item in marked:
        item["current"] = item is deepest
    return {"links": items, "request": request}


@register.inclusion_tag("govinfo_core/includes/footer.html", takes_context=True)
def govinfo_footer(context) -> dict:
    """The footer's identifiers, contacts and help pages from the public site settings; each
    shown only when set; on an agency's pages, its sponsor, organiser and contacts where
    set."""
    from ..agencies import Agency

    request = context.get("request")
    config = public.site_settings(request)
    agency = getattr(context.get("page"), "agency", None)
    agency = agency if isinstance(agency, Agency) else None
    return {
        "request": request,
        "portal_name": public.portal_name(request),
        "config": config,
        "identifiers": config.footer_identifiers(agency) if config else [],
        "contacts": config.footer_contacts(agency) if config else [],
        "links": [(key, label, target.get_url(request))
                  for key, label, target in config.footer_links(_visible_pages())]
        if config else [],
        "report_error_url": report_error_url(request),
    }


# What a column of newest releases shows of each page (its link, title, date, agency), and
# what the page's URL and a template's ``specific`` need; other fields load on access.
LATEST_FIELDS = ("id", "title", "url_path", "path", "depth", "content_type", "locale",
                 "translation_key", "live", "published_date", "index_number", "document_number",
                 "agency", "topic_id")


@register.simple_tag(takes_context=True)
def govinfo_latest(context, count: int = 8, kind: str = "") -> list:
    """The newest live, public, released disclosure pages (a portal home page's 最新公开),
    optionally of one type by its stable name (``item``, ``policy``, ``interpretation``,
    ``report``), newest first."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    from ..models import DisclosurePage

    kinds = None
    if kind:
        kinds = tuple(sorted(
            ContentType.objects.get_for_model(m).pk for m in apps.get_models()
            if issubclass(m, DisclosurePage) and m is not DisclosurePage
            and (getattr(m, "search_kind", None) or m._meta.model_name) == kind))
    count = max(1, min(int(count), 50))
    return _latest(kinds, count).rows()


@functools.lru_cache(maxsize=64)
def _latest(kinds: tuple[int, ...] | None, count: int) -> PreparedQuery:
    """The query of :func:`govinfo_latest` for its page types (content type ids; None for
    every disclosure type) and count, compiled once: the same on every request."""
    from ..models import DisclosurePage

    def build():
        pages = (DisclosurePage.objects.released().public().select_related("agency")
                 .only(*LATEST_FIELDS).order_by("-published_date", "-pk"))
        if kinds is not None:
            pages = pages.filter(content_type__in=kinds)
        return pages[:count]

    return PreparedQuery(build)


@register.simple_tag(takes_context=True)
def govinfo_entry_links(context) -> list[dict]:
    """The section navigation's links (指南, 制度, 目录, 年报, 依申请公开) for a home page's
    entry tiles."""
    request = context.get("request")
    config = public.site_settings(request)
    links = config.navigation_links(_visible_pages()) if config else []
    from django.utils.translation import pgettext

    marks = {  # one character on each tile
        "guide": pgettext("home page tile of the disclosure guide", "G"),
        "rules": pgettext("home page tile of the disclosure rules", "R"),
        "catalogue": pgettext("home page tile of the disclosure catalogue", "C"),
        "annual_reports": pgettext("home page tile of the annual reports", "A"),
        "on_request": pgettext("home page tile of disclosure on request", "D"),
    }
    return [{"key": key, "label": label, "url": target.get_url(request), "page": target,
             "mark": marks.get(key) or str(label)[:1]}
            for key, label, target in links]


def report_error_url(request) -> str:
    """The 找错 form, told which page the visitor was on."""
    try:
        base = reverse("govinfo:report_error")
    except NoReverseMatch:
        return ""
    if request is None or request.path.startswith(base):
        return base if request is None else ""
    return f"{base}?{urlencode({'url': request.get_full_path()})}"
