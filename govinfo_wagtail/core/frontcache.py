"""The front cache (Varnish, nginx, a CDN): which responses a shared cache may keep, and which
URLs a change of content makes stale.

Headers
    Public pages of the package (every page type whose class sets ``govinfo_public_cache``),
    their routes (catalogue feeds, report tables and PDF) and the public search send
    ``Cache-Control: public, max-age=<GOVINFO_CACHE_BROWSER_MAX_AGE>,
    s-maxage=<GOVINFO_CACHE_MAX_AGE>`` (the search: ``GOVINFO_CACHE_SEARCH_MAX_AGE``). A
    response is never marked public when the request carries a session cookie (an editor's
    page may show Wagtail's user bar), when rendering it used a CSRF token (a form), when it
    sets a cookie, when it is not a 200, or when something already set its Cache-Control
    (Wagtail marks pages with view restrictions and previews private). The shipped VCL caches
    only responses marked public, so drafts, previews, private pages and the admin pass.

Purge
    :func:`affected_urls` is the one place that says which URLs a change of a page affects:
    the page and its cached paths (``get_cached_paths``: feeds, report files), the listings
    above it (ancestors whose class sets ``govinfo_lists_descendants``: the catalogue, with
    every filter and page of it), the listings elsewhere on the site whose criteria match the
    page before or after the change (classes with ``govinfo_listing_matches``: collections),
    its partners (``get_cache_partners``: a policy's interpretations, an interpretation's
    policies, documents it amended, the agency's other reports), and the public search page
    and API. Releases, scheduled releases, take-downs, validity changes and edits of live
    pages reach it through Wagtail's ``page_published``/``page_unpublished`` signals and the
    kernel's ``disclosure_pages_changed``; the URLs are purged once the transaction commits,
    through Wagtail's frontend-cache backends (``WAGTAILFRONTENDCACHE``). A URL is purged
    with every query string (the shipped VCL bans ``path`` and ``path?…``). A cache that is
    down never breaks the release: the failure is logged.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from wagtail.contrib.frontend_cache.backends.http import HTTPBackend as WagtailHTTPBackend
from wagtail.contrib.frontend_cache.backends.http import PurgeRequest

from ..conf import govinfo_settings

logger = logging.getLogger("govinfo_wagtail.frontcache")

PUBLIC_CACHE_ATTR = "govinfo_public_cache"
# Purges of more pages than this at once (an import batch) are queued as a task instead of
# being sent before the response, and skip the per-page partner look-ups.
INLINE_PAGES = 50


# --- headers ---------------------------------------------------------------------------------


def _cacheable(request, response) -> bool:
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return False
    if response.has_header("Cache-Control") or response.cookies:
        return False
    if getattr(request, "is_preview", False):
        return False
    if request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        return False
    # get_token() ran: the page carries a CSRF form, bound to this visitor's cookie.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    user = getattr(request, "_cached_user", None)
    return not (user is not None and user.is_authenticated)


def mark_public(request, response, *, max_age: int | None = None):
    """Let shared caches keep ``response`` for ``max_age`` seconds (default
    ``GOVINFO_CACHE_MAX_AGE``) when nothing about the request or the response makes it
    personal; otherwise make sure no cache keeps it. Template responses are decided once
    rendered (a CSRF token is only known then). Returns the response."""
    shared = govinfo_settings.CACHE_MAX_AGE if max_age is None else max_age

    def decide(rendered):
        if not shared or not _cacheable(request, rendered):
            if not rendered.has_header("Cache-Control"):
                add_never_cache_headers(rendered)
            return rendered
        browser = min(govinfo_settings.CACHE_BROWSER_MAX_AGE, shared)
        patch_cache_control(rendered, public=True, max_age=browser, s_maxage=shared)
        return rendered

    if hasattr(response, "add_post_render_callback") and not response.is_rendered:
        response.add_post_render_callback(decide)
        return response
    return decide(response)


def serve_page_hook(next_serve):
    """Wagtail ``on_serve_page`` hook: public cache headers for the package's page types."""

    def serve(page, request, args, kwargs):
        response = next_serve(page, request, args, kwargs)
        kind = getattr(page, PUBLIC_CACHE_ATTR, False)
        if kind == "search":
            return mark_public(request, response, max_age=govinfo_settings.CACHE_SEARCH_MAX_AGE)
        if kind:
            return mark_public(request, response)
        return response

    return serve


# --- URLs a change affects -------------------------------------------------------------------


def previous_live_version(page, revision=None):
    """The page as it was live before ``revision`` went live (from its previous release
    record), or None for a first release."""
    from .models import ReleaseRecord

    record = (ReleaseRecord.objects.filter(page_id=page.pk, released_at__isnull=False)
              .exclude(revision_id=getattr(revision, "pk", None))
              .select_related("revision").order_by("-released_at", "-pk").first())
    if record is None:
        return None
    try:
        return record.revision.as_object()
    except Exception:  # an old revision that no longer loads: the live state is enough
        logger.warning("Revision %s of page %s did not load", record.revision_id, page.pk)
        return None


def _page_urls(page, cache_object) -> list[str]:
    url = page.get_full_url(cache_object)
    if url is None:
        return []
    return [url + path.lstrip("/") for path in page.get_cached_paths()]


def search_urls(cache_object=None) -> list[str]:
    """The public search page and API on every site (each purged with all its queries)."""
    from wagtail.models import Site

    paths = []
    for name in ("govinfo:search:search", "govinfo:api:search"):
        try:
            paths.append(reverse(name))
        except NoReverseMatch:
            continue
    roots = {root.root_url for root in Site.get_site_root_paths()}
    return [root.rstrip("/") + path for root in sorted(roots) for path in paths]


def _listing_models():
    from wagtail.models import get_page_models

    return [m for m in get_page_models() if hasattr(m, "govinfo_listing_matches")]


def affected_urls(page, *, before=None, cache_object=None, partners: bool = True,
                  listings_cache: dict | None = None) -> set[str]:
    """Every URL whose response shows ``page`` as it is now, or as it was (``before``: the
    version that was live before the change, if any). ``page`` is the specific page."""
    from wagtail.models import Page

    cache_object = cache_object if cache_object is not None else _Cache()
    states = [state for state in (page, before) if state is not None]
    urls: set[str] = set(_page_urls(page, cache_object))

    ancestors = Page.objects.ancestor_of(page).filter(depth__gt=1).specific()
    site = None
    for ancestor in ancestors:
        if getattr(ancestor, "govinfo_lists_descendants", False) and ancestor.live:
            urls.update(_page_urls(ancestor, cache_object))
    site = page.get_site()

    listings_cache = listings_cache if listings_cache is not None else {}
    key = site.pk if site else None
    if key not in listings_cache:
        found = []
        for model in _listing_models():
            qs = model.objects.live()
            if site is not None:
                qs = qs.in_site(site)
            found += list(qs)
        listings_cache[key] = found
    for listing in listings_cache[key]:
        if any(listing.govinfo_listing_matches(state) for state in states):
            urls.update(_page_urls(listing, cache_object))

    if partners:
        seen = {page.pk}
        for state in states:
            for partner in getattr(state, "get_cache_partners", lambda: [])():
                if partner is None or partner.pk in seen:
                    continue
                seen.add(partner.pk)
                if partner.live:
                    urls.update(_page_urls(partner.specific_deferred, cache_object))

    urls.update(search_urls(cache_object))
    return urls


class _Cache:
    """Somewhere for Wagtail's URL methods to keep the site root paths of one batch."""


# --- purging ---------------------------------------------------------------------------------


def enabled() -> bool:
    from wagtail.contrib.frontend_cache.utils import get_backends

    return bool(get_backends())


_local = threading.local()


def _pending() -> dict:
    pending = getattr(_local, "pending", None)
    if pending is None:
        pending = _local.pending = {}
    return pending


def schedule(page, *, before=None) -> None:
    """Purge what ``page``'s change affects once the current transaction commits (at once
    outside one). Nothing is computed when no front cache is configured."""
    if not enabled():
        return
    _pending()[page.pk] = (page, before)
    transaction.on_commit(flush)


def flush() -> None:
    """Purge everything scheduled so far (the first of a transaction's callbacks does it)."""
    pending = _pending()
    if not pending:
        return
    items = list(pending.values())
    pending.clear()
    purge(items)


def purge(items: Iterable[tuple]) -> set[str]:
    """Purge the URLs affected by each ``(page, before)``; returns them. Never raises."""
    from wagtail.contrib.frontend_cache.tasks import purge_urls_from_cache_task
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    items = list(items)
    try:
        batch = PurgeBatch()
        listings: dict = {}
        inline = len(items) <= INLINE_PAGES
        for page, before in items:
            batch.add_urls(affected_urls(page, before=before, cache_object=batch,
                                         partners=inline, listings_cache=listings))
        if inline:
            # Before the response, so the next visitor already sees the new state.
            purge_urls_from_cache_task.call(sorted(batch.urls))
        else:
            batch.purge()
        return batch.urls
    except Exception:
        logger.exception("Front cache purge failed for pages %s",
                         [page.pk for page, _ in items][:20])
        return set()


def pages_changed(sender, page_ids, **kwargs) -> None:
    """``disclosure_pages_changed`` (bulk releases, completed imports): purge those pages."""
    from wagtail.models import Page

    if not enabled():
        return
    # Also for pages whose page_published purge already ran: held releases (an import) are
    # seen by the public only now, and a second PURGE of a URL costs nothing.
    ids = list(page_ids)
    if ids:
        purge((page, None) for page in Page.objects.filter(pk__in=ids).specific())


def page_published(sender, instance, revision=None, **kwargs) -> None:
    if getattr(instance, PUBLIC_CACHE_ATTR, False) and enabled():
        schedule(instance, before=previous_live_version(instance, revision))


def page_unpublished(sender, instance, **kwargs) -> None:
    if getattr(instance, PUBLIC_CACHE_ATTR, False):
        schedule(instance)


def connect_signals() -> None:
    from wagtail.signals import page_published as published
    from wagtail.signals import page_unpublished as unpublished

    from .signals import disclosure_pages_changed

    published.connect(page_published, dispatch_uid="govinfo_frontcache_published")
    unpublished.connect(page_unpublished, dispatch_uid="govinfo_frontcache_unpublished")
    disclosure_pages_changed.connect(pages_changed, dispatch_uid="govinfo_frontcache_changed")


# --- a purge backend that cannot hang a release ----------------------------------------------


class HTTPBackend(WagtailHTTPBackend):
    """Wagtail's HTTP purger (``PURGE`` to ``LOCATION`` with the page's Host) with a timeout
    (``TIMEOUT``, seconds, default 2): a cache that hangs cannot hold up a release."""

    def __init__(self, params):
        params = dict(params)
        self.timeout = float(params.pop("TIMEOUT", 2))
        super().__init__(params)

    def purge(self, url):
        parts = urlsplit(url)
        host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
        request = PurgeRequest(
            url=urlunsplit([self.cache_scheme, self.cache_netloc, parts.path, parts.query,
                            parts.fragment]),
            headers={"Host": host, "User-Agent": "govinfo-wagtail-frontcache"})
        try:
            urlopen(request, timeout=self.timeout).close()  # noqa: S310 (configured LOCATION)
        except HTTPError as exc:
            hint = (" (is LOCATION Varnish's purge listener, varnishd -a purge=…? "
                    "docs/deployment.md)" if exc.code == 405 else "")
            logger.error("Could not purge %s from the front cache: %s%s", url, exc, hint)
        except (URLError, OSError) as exc:
            logger.error("Could not purge %s from the front cache: %s", url, exc)
