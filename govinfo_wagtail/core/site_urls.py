"""Which site of this project, and which pages on it, an address names.

One reading for everything that is handed an address rather than a request: the link monitor
(is a link in content internal, and does it lead to a live page?) and the error-report form
(which agency's page did the visitor report?). An absolute address names a site by its host
name and port, as Wagtail matches a request; an address of a host that is none of the sites
is not on the project at all, whatever site it is read from. A path (``/xxgk/…``) is on the
site it is read from.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from wagtail.models import Page, Site

# A page's tree path is at most 255 characters of 4 per level (Wagtail's Page.path): deeper
# prefixes of an address cannot be pages, so no more are looked up, whatever was typed.
MAX_DEPTH = 255 // Page.steplen
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class SiteAddress:
    site: Site
    segments: tuple[str, ...]  # the path's segments, percent-decoded, as url_path stores them

    def prefixes(self) -> list[str]:
        """The ``url_path`` of every page the address could name or lie below, longest
        first (the site's root last)."""
        root = self.site.root_page.url_path
        segments = self.segments[:MAX_DEPTH]
        return [root + "".join(f"{s}/" for s in segments[:i])
                for i in range(len(segments), -1, -1)]

    def pages(self, queryset=None) -> list[tuple[int, Page]]:
        """The pages of ``queryset`` (default: every page) on the address's path, longest
        first, each with the number of the address's segments it covers."""
        prefixes = self.prefixes()
        found = {p.url_path: p for p in (queryset if queryset is not None else Page.objects)
                 .filter(url_path__in=prefixes).specific()}
        depth = min(len(self.segments), MAX_DEPTH)
        return [(depth - i, found[path]) for i, path in enumerate(prefixes) if path in found]


def site_for_host(hostname: str, port: int) -> Site | None:
    """The site of ``hostname`` and ``port``: the one with both, else the only site of that
    host name, else the default site if it has that host name. None for any other host
    (unlike a request, an address of an unknown host is not the default site's)."""
    sites = list(Site.objects.filter(hostname__iexact=hostname).select_related("root_page"))
    for site in sites:
        if site.port == port:
            return site
    if len(sites) == 1:
        return sites[0]
    return next((site for site in sites if site.is_default_site), None)


def site_address(url: str, *, site: Site | None = None) -> SiteAddress | None:
    """The site and path ``url`` names: an http(s) address of one of the project's sites, or
    a path (``/…``) on ``site`` (default: the default site). None for anything else: another
    host, another scheme, an address ``urlsplit`` cannot read, a relative reference."""
    try:  # typed or pasted: "http://[::1" and "http://host:port-not-a-number" raise here
        parts = urlsplit((url or "").strip())
        hostname = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return None
    if parts.netloc:
        if parts.scheme not in DEFAULT_PORTS or not hostname:
            return None
        site = site_for_host(hostname, port or DEFAULT_PORTS[parts.scheme])
    elif parts.scheme or not parts.path.startswith("/"):
        return None
    else:
        site = site or Site.objects.filter(is_default_site=True).select_related(
            "root_page").first()
    if site is None:
        return None
    segments = tuple(s for s in unquote(parts.path).split("/") if s)
    return SiteAddress(site=site, segments=segments)
