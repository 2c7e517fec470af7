"""HTML → PDF with WeasyPrint, always through the site-only fetcher."""

from __future__ import annotations

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from .fetcher import SiteOnlyURLFetcher
from .fonts import font_face_css


def render_pdf(html: str, *, site_url: str, css: str = "",
               fetcher: SiteOnlyURLFetcher | None = None) -> bytes:
    """``site_url`` is the base URL of relative links and the one host the fetcher reads."""
    fetcher = fetcher or SiteOnlyURLFetcher(site_url)
    font_config = FontConfiguration()
    stylesheet = CSS(string=font_face_css() + "\n" + css, base_url=site_url,
                     url_fetcher=fetcher, font_config=font_config)
    document = HTML(string=html, base_url=site_url, url_fetcher=fetcher)
    # No attachments beyond the document itself: rel=attachment never reaches here (the
    # sanitiser drops rel), and the fetcher refuses what it does not know. Tagged (headings,
    # paragraphs, tables and their reading order in the structure tree) for screen readers
    # and for reflow on small screens.
    return document.write_pdf(stylesheets=[stylesheet], font_config=font_config,
                              attachments=[], pdf_tags=True)
