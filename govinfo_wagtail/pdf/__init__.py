"""PDF rendering with WeasyPrint: a locked-down resource fetcher, packaged fonts, and an
allow-list sanitiser for rich text that goes into a PDF."""
