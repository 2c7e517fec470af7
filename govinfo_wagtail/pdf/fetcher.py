"""A WeasyPrint URL fetcher that reads only what the site means to put in a PDF.

Allowed: ``data:`` URIs; the packaged fonts (``govinfo-font:<name>``); and, on the site's
own host, static files and media files of public content (Wagtail images and renditions,
documents that an anonymous visitor may download: not in a private collection, and, for
disclosure content, used by a live, released, public page) — read from storage, never over
the network. Everything else is refused: ``file://`` (WeasyPrint's default fetcher would embed
``/etc/passwd`` for ``<a rel="attachment">``), other hosts, other paths, private documents.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import default_storage
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .fonts import FONT_SCHEME, packaged_fonts


class FetchRefused(ValueError):
    """WeasyPrint logs it and leaves the resource out."""


def public_media_file(name: str) -> bool:
    """Whether a media file belongs to public content: an image or rendition (Wagtail serves
    those publicly anyway), or a document that Wagtail's document view would serve to an
    anonymous visitor — every ``before_serve_document`` hook is asked, so the collection's
    privacy and the disclosure rule (a draft's or a restricted page's attachment is not
    public) decide here exactly as they do for a download."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    image_model = get_image_model()
    if image_model.objects.filter(file=name).exists():
        return True
    if image_model.get_rendition_model().objects.filter(file=name).exists():
        return True
    document = get_document_model().objects.filter(file=name).select_related("collection").first()
    return document is not None and anonymous_may_download(document)


def anonymous_may_download(document) -> bool:
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.http import Http404, HttpRequest, HttpResponse
    from wagtail import hooks

    request = HttpRequest()
    request.method, request.path = "GET", document.url
    request.user = AnonymousUser()
    request.session = {}  # no password of any view restriction entered
    for hook in hooks.get_hooks("before_serve_document"):
        try:
            if isinstance(hook(document, request), HttpResponse):
                return False
        except (Http404, PermissionDenied):
            return False
    return True


class SiteOnlyURLFetcher(URLFetcher):
    """``site_url``: the site's root URL, also the PDF's base URL (``https://example.gov.cn/``).

    ``requested`` lists every URL WeasyPrint asked for; ``served`` those that were read.
    """

    def __init__(self, site_url: str, *,
                 media_allowed: Callable[[str], bool] = public_media_file, **kwargs):
        super().__init__(allowed_protocols=("data",), allow_redirects=False, **kwargs)
        parts = urlsplit(site_url)
        self.site = (parts.scheme.lower(), parts.netloc.lower())
        self.media_allowed = media_allowed
        self.requested: list[str] = []
        self.served: list[str] = []

    def fetch(self, url, headers=None):
        self.requested.append(url)
        response = self._fetch(url)
        self.served.append(url)
        return response

    def _fetch(self, url: str) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            # The base class with allowed_protocols=("data",) opens nothing else.
            return super().fetch(url)
        if scheme == FONT_SCHEME:
            path = packaged_fonts().get(url.split(":", 1)[1])
            if path is None:
                raise FetchRefused(f"Unknown font: {url}")
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": "font/otf"})
        if scheme not in ("http", "https"):
            raise FetchRefused(f"Refused: {url}")
        parts = urlsplit(url)
        if (parts.scheme.lower(), parts.netloc.lower()) != self.site:
            raise FetchRefused(f"Refused (another host): {url}")
        path = unquote(parts.path)
        if "\x00" in path or ".." in path.split("/"):
            raise FetchRefused(f"Refused: {url}")
        static, media = settings.STATIC_URL, settings.MEDIA_URL
        if static and path.startswith(_path_of(static)):
            return self._static(url, path[len(_path_of(static)):])
        if media and path.startswith(_path_of(media)):
            return self._media(url, path[len(_path_of(media)):])
        raise FetchRefused(f"Refused (not a static or media file): {url}")

    def _static(self, url: str, name: str) -> URLFetcherResponse:
        name = posixpath.normpath(name).lstrip("/")
        found = finders.find(name)
        if found:
            with open(found, "rb") as handle:
                return URLFetcherResponse(url, handle.read())
        if staticfiles_storage.exists(name):
            with staticfiles_storage.open(name) as handle:
                return URLFetcherResponse(url, handle.read())
        raise FetchRefused(f"No such static file: {url}")

    def _media(self, url: str, name: str) -> URLFetcherResponse:
        name = posixpath.normpath(name).lstrip("/")
        if not self.media_allowed(name) or not default_storage.exists(name):
            raise FetchRefused(f"Refused (not public media): {url}")
        with default_storage.open(name) as handle:
            return URLFetcherResponse(url, handle.read())


def _path_of(prefix: str) -> str:
    """The path part of STATIC_URL / MEDIA_URL (which may be absolute URLs)."""
    path = urlsplit(prefix).path
    return path if path.startswith("/") else f"/{path}"
