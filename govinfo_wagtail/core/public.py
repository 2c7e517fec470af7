"""The public site's exit prompt and section settings, shared by views and template tags.

A link to a host outside the allow-list goes to the leave page (``govinfo:leave``) with its
target signed, so the leave page can never be used as an open redirect: it only shows targets
this site itself rendered into a page.
"""

import re
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Site

from ..conf import govinfo_settings
from .site_settings import PublicSiteSettings

EXIT_SALT = "govinfo.exit"
EXIT_DATA_ATTRIBUTE = "data-govinfo-exit"
MAX_URL_LENGTH = 2000
FIND_A_TAG = re.compile(r"<a\b[^>]*>", re.IGNORECASE)


def host_matches(host: str, allowed: str) -> bool:
    """Whole host names, or dot-boundary suffixes: ".gov.cn" matches gov.cn and
    www.gd.gov.cn, never evilgov.cn."""
    host, allowed = host.lower().rstrip("."), allowed.lower().strip()
    if allowed.startswith("."):
        return host == allowed[1:] or host.endswith(allowed)
    return host == allowed


def own_hosts() -> set[str]:
    """The host names of this installation's Wagtail sites (cached by Wagtail)."""
    hosts = set()
    for root_path in Site.get_site_root_paths():
        host = urlsplit(root_path.root_url).hostname
        if host:
            hosts.add(host.lower())
    return hosts


def external_host(url: str) -> str | None:
    """The host an http(s) or protocol-relative link leads to, or None for anything else
    (relative links, anchors, mailto:, tel:)."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https", "") or not host:
        return None
    return host.rstrip(".")


def needs_exit_prompt(url: str, hosts: set[str] | None = None) -> bool:
    host = external_host(url)
    if host is None:
        return False
    if host in (own_hosts() if hosts is None else hosts):
        return False
    return not any(host_matches(host, entry) for entry in allowed_hosts())


def allowed_hosts() -> list[str]:
    entries = govinfo_settings.EXIT_ALLOWED_HOSTS
    # A bare string would be read letter by letter and allow almost every host.
    if isinstance(entries, str) or not all(isinstance(e, str) and e.strip() for e in entries):
        raise ImproperlyConfigured(
            "GOVINFO_EXIT_ALLOWED_HOSTS must be a list of host names or '.suffix' entries, "
            'e.g. [".gov.cn", "www.example.org"].'
        )
    return list(entries)


def _signer() -> signing.Signer:
    return signing.Signer(salt=EXIT_SALT)


def sign_target(url: str) -> str:
    return _signer().signature(url)


def verified_target(url: str, signature: str) -> str | None:
    """The target if this site signed it and it is an http(s) URL; otherwise None."""
    if not url or not signature or len(url) > MAX_URL_LENGTH:
        return None
    try:
        value = _signer().unsign(f"{url}{_signer().sep}{signature}")
    except signing.BadSignature:
        return None
    # Signed targets are always http(s); re-check so that a leaked key cannot make the page
    # link to javascript: or data: URLs.
    if urlsplit(value).scheme.lower() not in ("http", "https"):
        return None
    return value


def leave_url(url: str) -> str | None:
    """The signed leave-page address for ``url``, or None when the host did not mount the
    package's URLs (links then stay direct)."""
    try:
        base = reverse("govinfo:leave")
    except NoReverseMatch:
        return None
    target = url.strip()
    if target.startswith("//"):
        target = "https:" + target
    return f"{base}?{urlencode({'url': target, 'sig': sign_target(target)})}"


def exit_href(url: str, hosts: set[str] | None = None) -> str:
    """The href to render for ``url``: the leave page for hosts outside the allow-list."""
    if url and len(url) <= MAX_URL_LENGTH and needs_exit_prompt(url, hosts):
        return leave_url(url) or url
    return url


class _StartTag(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.attrs: list[tuple[str, str | None]] | None = None

    def handle_starttag(self, tag, attrs):
        if self.attrs is None:
            self.attrs = attrs


def _parse_start_tag(tag: str) -> list[tuple[str, str | None]] | None:
    parser = _StartTag()
    parser.feed(tag)
    parser.close()
    return parser.attrs


def rewrite_exit_links(html: str) -> SafeString:
    """Point every external link in rendered HTML (rich text) outside the allow-list to the
    leave page. The original target is kept in ``data-govinfo-exit`` for the JavaScript
    dialog."""
    hosts = own_hosts()

    def rewrite(match: re.Match[str]) -> str:
        tag = match.group(0)
        attrs = _parse_start_tag(tag)
        if not attrs:
            return tag
        attr_map = dict(attrs)
        href = attr_map.get("href") or ""
        if EXIT_DATA_ATTRIBUTE in attr_map or not needs_exit_prompt(href, hosts):
            return tag
        new_href = leave_url(href)
        if new_href is None:
            return tag
        rendered = []
        for name, value in attrs:
            if name == "href":
                value = new_href
            rendered.append(name if value is None else f'{name}="{escape(value)}"')
        rendered.append(f'{EXIT_DATA_ATTRIBUTE}="{escape(href.strip())}"')
        return f"<a {' '.join(rendered)}>"

    return mark_safe(FIND_A_TAG.sub(rewrite, str(html)))


def site_settings(request) -> PublicSiteSettings | None:
    """The PublicSiteSettings of the request's site, or None (no request, no site, no row)."""
    if request is None:
        return None
    cached = getattr(request, "_govinfo_public_settings", False)
    if cached is not False:
        return cached
    site = Site.find_for_request(request)
    # Read only: for_site() would create the row on a GET, an INSERT on a public page view.
    config = PublicSiteSettings.objects.filter(site=site).first() if site else None
    request._govinfo_public_settings = config
    return config


def portal_name(request) -> str:
    from django.conf import settings
    from django.utils.translation import gettext

    config = site_settings(request)
    if config and config.portal_name:
        return config.portal_name
    site = Site.find_for_request(request) if request else None
    if site and site.site_name:
        return site.site_name
    return getattr(settings, "WAGTAIL_SITE_NAME", "") or gettext(
        "Government information disclosure"
    )
