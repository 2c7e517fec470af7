"""Rebuild the public search index (SearchDocument) from the disclosure pages."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Rebuild the public search index: every live, public disclosure page, nothing else."

    def handle(self, *args, **options):
        from ....core.models import DisclosurePage
        from ...models import SearchDocument
        from ...services import sync_search_document

        ids = set(DisclosurePage.objects.values_list("pk", flat=True))
        # rows whose page is no longer a disclosure page (should not happen; cheap to check)
        SearchDocument.objects.exclude(page_id__in=ids).delete()
        indexed = sum(sync_search_document(pk) for pk in sorted(ids))
        self.stdout.write(_("%(indexed)d of %(total)d disclosure pages are in the public "
                            "search index.") % {"indexed": indexed, "total": len(ids)})
