"""Disclosure items for search tests, released through the release service."""

from datetime import date

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from tests.conftest import add_live


def item(catalogue, title: str, *, body: str = "", summary: str = "", document_number: str = "",
         agency=None, topic=None, published: date = date(2024, 5, 1), **fields):
    return add_live(catalogue, CatalogueItemPage(
        title=title, summary=summary, body=body, document_number=document_number,
        agency=agency, topic=topic, written_date=published, published_date=published, **fields,
    ))
