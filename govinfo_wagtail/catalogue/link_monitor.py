"""The broken-link monitor (链接不可用): the links of the live pages of a site, checked in
the background (``govinfo_check_links`` from cron, or the ``check_links`` task).

What is checked, in every rich-text and URL field of each live page and its attachments:

- links to pages (``linktype="page"``): the page must exist and be live;
- documents (rich-text links and attachments): the document must exist and its file be in
  storage;
- addresses on one of the site's own hosts, or relative ones: a live page (or a route of a
  routable page) or another URL of the project must answer them, resolved without a request;
- other ``http``/``https`` addresses, unless external checks are off
  (``GOVINFO_LINK_CHECK_EXTERNAL``, for intranets): fetched through ``link_fetch`` (public
  addresses only, timeouts, no body), each address once per run, one host at a time per
  worker with a pause between its requests, at most ``GOVINFO_LINK_CHECK_CONCURRENCY`` hosts
  at once.

The result replaces the broken links recorded for the site: ``BrokenLink`` rows, each with
its page, the page's agency and the editor who last changed the page.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup
from django.conf import settings
from django.db import models, transaction
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from wagtail.documents import get_document_model
from wagtail.fields import RichTextField
from wagtail.models import Page, Site

from ..conf import govinfo_settings
from ..core.agencies import Agency
from ..core.site_urls import site_address
from .link_fetch import CheckResult, LinkChecker

logger = logging.getLogger(__name__)

ERRORS = {
    "page_missing": _("The linked page does not exist."),
    "page_not_live": _("The linked page is not live."),
    "document_missing": _("The document does not exist."),
    "file_missing": _("The document's file is missing."),
    "not_found": _("Nothing on this site answers this address."),
    "timeout": _("No answer in time."),
    "connection": _("The connection failed."),
    "dns": _("The host name does not resolve."),
    "tls": _("The secure connection (HTTPS certificate) failed."),
    "address_refused": _("Refused: the address is in a private or local network."),
    "redirect_refused": _("Refused: it redirects to a private or local network."),
    "too_many_redirects": _("Too many redirects."),
    "unsupported_scheme": _("Not an http or https address."),
}


class LinkKind(models.TextChoices):
    PAGE = "page", _("Page")
    DOCUMENT = "document", _("Document")
    INTERNAL = "internal", _("Address on this site")
    EXTERNAL = "external", _("External address")


class BrokenLink(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey(Page, verbose_name=_("page"), on_delete=models.CASCADE,
                             related_name="+")
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("last edited by"),
                               null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    field = models.CharField(_("field"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=LinkKind.choices)
    url = models.CharField(_("link"), max_length=2000)
    status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(_("problem"), max_length=30, blank=True)
    first_seen = models.DateTimeField(_("broken since"))
    checked_at = models.DateTimeField(_("checked"))

    class Meta:
        verbose_name = _("broken link")
        verbose_name_plural = _("broken links")
        ordering = ["page_id", "url"]
        permissions = [("view_link_report", _("Can view the broken-link report"))]

    def __str__(self) -> str:
        return f"{self.url[:80]} ({self.page_id})"

    @property
    def problem(self) -> str:
        if self.error:
            return str(ERRORS.get(self.error, self.error))
        return str(_("The server answered %(status)s.") % {"status": self.status})


class LinkCheckRun(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    pages = models.PositiveIntegerField(default=0)
    links = models.PositiveIntegerField(default=0)
    broken = models.PositiveIntegerField(default=0)
    external_checked = models.BooleanField(default=True)

    class Meta:
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.site_id} {self.finished_at:%Y-%m-%d %H:%M}"


# --- the links of a page ------------------------------------------------------------------


def page_links(page) -> list[tuple[str, str, str]]:
    """(field, kind, target) of every link of a page's live content; for pages and
    documents the target is the id."""
    links = []
    for field in page._meta.get_fields():
        if not getattr(field, "concrete", False):
            continue
        value = getattr(page, field.attname, None)
        if not value:
            continue
        if isinstance(field, RichTextField):
            links += [(field.name, kind, target) for kind, target in rich_text_links(value)]
        elif isinstance(field, models.URLField):
            links.append((field.name, LinkKind.EXTERNAL, value))
        elif field.name == "attachments" and hasattr(value, "raw_data"):
            for block in value.raw_data:
                document = (block.get("value") or {}).get("document")
                if document:
                    links.append((field.name, LinkKind.DOCUMENT, str(document)))
    return links


def rich_text_links(html: str) -> list[tuple[str, str]]:
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for a in soup.find_all("a"):
        linktype = a.get("linktype")
        if linktype == "page" and a.get("id"):
            found.append((LinkKind.PAGE, a["id"]))
        elif linktype == "document" and a.get("id"):
            found.append((LinkKind.DOCUMENT, a["id"]))
        elif a.get("href"):
            found.append((LinkKind.EXTERNAL, a["href"].strip()))
    return found


# --- checking ---------------------------------------------------------------------------------


class SiteResolver:
    """Internal targets resolved from the database and the URL configuration."""

    def __init__(self, site: Site):
        self.site = site
        self._addresses: dict[str, object] = {}

    def address(self, url: str):
        """``core.site_urls.site_address`` of ``url`` read from this site, once per address
        (a site's pages repeat the same links)."""
        if url not in self._addresses:
            self._addresses[url] = site_address(url, site=self.site)
        return self._addresses[url]

    def page(self, pk: str) -> str:
        page = Page.objects.filter(pk=pk).only("live").first() if str(pk).isdigit() else None
        if page is None:
            return "page_missing"
        return "" if page.live else "page_not_live"

    def document(self, pk: str) -> str:
        document = get_document_model().objects.filter(pk=pk).first() \
            if str(pk).isdigit() else None
        if document is None:
            return "document_missing"
        try:
            present = document.file.storage.exists(document.file.name)
        except Exception:  # noqa: BLE001 — a storage that cannot say counts as missing
            present = False
        return "" if present else "file_missing"

    def is_internal(self, url: str) -> bool:
        return self.address(url) is not None

    def path(self, url: str) -> str:
        """"" if the address leads to a live page (or a route of one) or a view of the
        project, on whichever of the project's sites it names; else why not."""
        address = self.address(url)
        for covered, page in address.pages():
            if not page.live:
                return "page_not_live"
            if covered == len(address.segments):
                return ""
            rest = "/".join(address.segments[covered:]) + "/"
            if hasattr(page, "resolve_subpage"):
                try:
                    page.resolve_subpage("/" + rest)
                    return ""
                except Exception:  # noqa: BLE001 — Http404 or Resolver404: no such route
                    return "not_found"
            return "not_found"
        path = unquote(urlsplit(url).path or "/")
        try:
            match = resolve(path)
        except Resolver404:
            return "not_found"
        return "not_found" if match.url_name == "wagtail_serve" else ""


def check_site(site: Site, *, external: bool | None = None, checker: LinkChecker | None = None,
               now=None) -> LinkCheckRun:
    """Check the links of every live page of ``site`` and record the broken ones."""
    started = now or timezone.now()
    if external is None:
        external = govinfo_settings.LINK_CHECK_EXTERNAL
    checker = checker or LinkChecker(
        allowed_networks=govinfo_settings.LINK_CHECK_ALLOWED_NETWORKS,
        timeout=govinfo_settings.LINK_CHECK_TIMEOUT,
        max_redirects=govinfo_settings.LINK_CHECK_MAX_REDIRECTS,
    )
    resolver = SiteResolver(site)
    pages = Page.objects.live().descendant_of(site.root_page, inclusive=True).specific()
    found = []  # (page, field, kind, target); page: (id, agency id, owner id), not the page
    count = 0
    for page in pages.iterator(chunk_size=200):
        count += 1
        ref = (page.pk, getattr(page, "agency_id", None), page.owner_id)
        found += [(ref, f, k, t) for f, k, t in page_links(page)]

    problems: dict[tuple[str, str], tuple[int | None, str]] = {}
    external_urls = set()
    for _page, _field, kind, target in found:
        key = (kind, target)
        if key in problems:
            continue
        if kind == LinkKind.PAGE:
            problems[key] = (None, resolver.page(target))
        elif kind == LinkKind.DOCUMENT:
            problems[key] = (None, resolver.document(target))
        elif resolver.is_internal(target):
            problems[key] = (None, resolver.path(target))
        elif urlsplit(target).scheme in ("http", "https"):
            external_urls.add(target)
        # mailto:, tel:, #anchors and other schemes are not links to check
    if external:
        for url, result in check_external(checker, external_urls).items():
            problems[(LinkKind.EXTERNAL, url)] = (result.status, result.error) \
                if result.broken else (None, "")

    finished = timezone.now() if now is None else now
    broken = []
    for page, field, kind, target in found:
        if resolver.is_internal(target) and kind == LinkKind.EXTERNAL:
            kind = LinkKind.INTERNAL
            status, error = problems.get((LinkKind.EXTERNAL, target), (None, ""))
        else:
            status, error = problems.get((kind, target), (None, ""))
        if status is None and not error:
            continue
        broken.append((page, field, kind, target, status, error))
    return _record(site, broken, started, finished, count, len(found), external)


def check_external(checker: LinkChecker, urls) -> dict[str, CheckResult]:
    """Each address once; the addresses of one host one after another with a pause between
    them, several hosts at once."""
    by_host = defaultdict(list)
    for url in sorted(urls):
        by_host[(urlsplit(url).hostname or "").lower()].append(url)
    pause = float(govinfo_settings.LINK_CHECK_HOST_INTERVAL)

    def host_run(host_urls):
        results = {}
        for i, url in enumerate(host_urls):
            if i:
                time.sleep(pause)
            try:
                results[url] = checker.check(url)
            except Exception:  # noqa: BLE001 — one odd address never stops the run
                logger.warning("Link check of %s failed", url[:200], exc_info=True)
                results[url] = CheckResult(url, error="connection")
        return results

    results: dict[str, CheckResult] = {}
    workers = max(1, int(govinfo_settings.LINK_CHECK_CONCURRENCY))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for part in pool.map(host_run, by_host.values()):
            results.update(part)
    return results


def _record(site, broken, started, finished, pages, links, external) -> LinkCheckRun:
    earlier = {(b.page_id, b.field, b.url): b.first_seen
               for b in BrokenLink.objects.filter(site=site)}
    editors = _last_editors({page_id for (page_id, _a, _o), *_rest in broken})
    rows = [BrokenLink(
        site=site, page_id=page_id, agency_id=agency_id,
        editor_id=editors.get(page_id) or owner_id, field=field,
        kind=kind, url=target[:2000], status=status, error=error,
        first_seen=earlier.get((page_id, field, target[:2000]), started), checked_at=finished,
    ) for (page_id, agency_id, owner_id), field, kind, target, status, error in broken]
    with transaction.atomic():
        BrokenLink.objects.filter(site=site).delete()
        BrokenLink.objects.bulk_create(rows)
        run = LinkCheckRun.objects.create(site=site, started_at=started, finished_at=finished,
                                          pages=pages, links=links, broken=len(rows),
                                          external_checked=external)
    logger.info("Link check of site %s: %d pages, %d links, %d broken", site.pk, pages, links,
                len(rows))
    return run


def _last_editors(page_ids) -> dict[int, int]:
    from wagtail.models import Revision

    editors = {}
    revisions = Revision.page_revisions.filter(object_id__in=[str(p) for p in page_ids]) \
        .exclude(user=None).order_by("object_id", "-created_at")
    for object_id, user_id in revisions.values_list("object_id", "user_id"):
        editors.setdefault(int(object_id), user_id)
    return editors


@task()
def check_links(site_id: int, external: bool | None = None) -> int:
    """The background job: check one site's links; the number of broken links."""
    site = Site.objects.filter(pk=site_id).first()
    if site is None:
        return 0
    return check_site(site, external=external).broken
