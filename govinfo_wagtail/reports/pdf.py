"""The PDF of an annual report: the public HTML's content in a GB/T 9704-inspired layout."""

from __future__ import annotations

import secrets

from django.template.loader import render_to_string
from django.utils.translation import override

from ..pdf.fetcher import SiteOnlyURLFetcher
from ..pdf.fonts import font_stack
from ..pdf.render import render_pdf
from .views import report_context

# A4; margins after GB/T 9704-2012 (top 37 mm, bottom 35 mm, inside 28 mm, outside 26 mm);
# the page number centred under the text block as "— 1 —".
PDF_CSS = """
@page {
  size: A4; margin: 37mm 26mm 35mm 28mm;
  @bottom-center { content: "— " counter(page) " —"; font-family: %(font)s; font-size: 12pt; }
}
html { font-family: %(font)s; font-size: 14pt; line-height: 1.6; color: #000; }
h1 { font-size: 20pt; text-align: center; font-weight: bold; margin: 0 0 6mm; }
h2 { font-size: 15pt; font-weight: bold; margin: 6mm 0 2mm; page-break-after: avoid; }
h3 { font-size: 13pt; margin: 4mm 0 2mm; page-break-after: avoid; }
p { text-indent: 2em; margin: 0 0 2mm; text-align: justify; }
.govinfo-meta, .govinfo-signature p, .govinfo-example p { text-indent: 0; }
.govinfo-example-inline { text-indent: 0; font-size: 10pt; margin: 0 0 1mm;
                          page-break-after: avoid; }
thead { display: table-header-group; }
.govinfo-meta { text-align: center; font-size: 12pt; }
.govinfo-example { border: 1pt solid #000; padding: 1mm 3mm; font-size: 11pt;
                   margin: 3mm 0; text-align: center; }
table.govinfo-report-table { width: 100%%; border-collapse: collapse; font-size: 9pt;
  line-height: 1.3; margin: 2mm 0 4mm; page-break-inside: auto; }
table.govinfo-report-table th, table.govinfo-report-table td {
  border: 0.5pt solid #000; padding: 1mm 1mm; text-align: center; vertical-align: middle; }
table.govinfo-report-table tbody th { text-align: left; font-weight: normal; }
table.govinfo-report-table tr { page-break-inside: avoid; }
.govinfo-absent { background: #ddd; }
.govinfo-signature { text-align: right; margin-top: 10mm; }
.govinfo-signature p { text-align: right; }
figure.govinfo-chart { margin: 3mm 0; page-break-inside: avoid; }
figure.govinfo-chart svg { width: 150mm; height: auto; }
figcaption { font-size: 10pt; text-align: center; }
img { max-width: 100%%; }
"""


def site_url(page) -> str:
    site = page.get_site()
    return (site.root_url if site else "http://localhost").rstrip("/") + "/"


def report_pdf_html(page) -> str:
    context = report_context(page, None, for_pdf=True)
    return render_to_string("govinfo_reports/annual_report_pdf.html", context)


def build_report_pdf(page, fetcher: SiteOnlyURLFetcher | None = None) -> bytes:
    """Render ``page`` (its current field values) to PDF bytes."""
    with override("zh-hans"):
        html = report_pdf_html(page)
    url = site_url(page)
    return render_pdf(html, site_url=url, css=PDF_CSS % {"font": font_stack()},
                      fetcher=fetcher or SiteOnlyURLFetcher(url))


def generated_name(page) -> str:
    # The public gets the PDF only through the page's pdf/ route, which Wagtail's view
    # restrictions guard; the file is in the private storage (storage.py), outside
    # MEDIA_ROOT. Unguessable all the same, in case a web server is pointed at it.
    return f"{page.year}-{secrets.token_urlsafe(16)}.pdf"
