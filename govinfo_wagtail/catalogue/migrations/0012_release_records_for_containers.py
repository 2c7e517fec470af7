"""Catalogue roots and sections (``CatalogueIndexPage``) and collections
(``CatalogueCollectionPage``) now go live only through the release service, and the public
sees them only while their live revision has a release record.

A site that upgrades has such pages live already, published the way Wagtail publishes (the
only way there was for them). They stay live: each gets a record of its live revision with
the reason "upgrade" (live before the upgrade, not reviewed by the gates) and a line in its
history, so the site team can find them and send them through review. Pages released by the
release service before (the demo's) have their record already and are left alone. As
govinfo_catalogue 0010 did for the guide and the statutory content page.
"""

from django.db import migrations
from django.utils import timezone

MODELS = ["catalogueindexpage", "cataloguecollectionpage"]
NOTE = "govinfo_catalogue 0012"


def records_for_live_pages(apps, schema_editor):
    from govinfo_wagtail.core.content import content_digest
    from govinfo_wagtail.core.documents import document_ids_in_content

    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    PageLogEntry = apps.get_model("wagtailcore", "PageLogEntry")
    Revision = apps.get_model("wagtailcore", "Revision")
    ReleaseRecord = apps.get_model("govinfo_core", "ReleaseRecord")
    DisclosureDocumentUse = apps.get_model("govinfo_core", "DisclosureDocumentUse")
    types = ContentType.objects.filter(app_label="govinfo_catalogue", model__in=MODELS)
    released = ReleaseRecord.objects.filter(released_at__isnull=False).values("revision_id")
    pages = (Page.objects.filter(content_type__in=types, live=True,
                                 live_revision__isnull=False)
             .exclude(live_revision_id__in=released).order_by("pk"))
    now = timezone.now()
    # The documents a live page's introduction links to: they were public (a host page's),
    # and from now on they are disclosure content, public while a released page refers to
    # them in its live revision; recorded so that they stay public with the page.
    for page in (Page.objects.filter(content_type__in=types, live=True,
                                     live_revision__isnull=False).order_by("pk")):
        revision = Revision.objects.get(pk=page.live_revision_id)
        kind = ContentType.objects.get(pk=page.content_type_id)
        model = apps.get_model(kind.app_label, kind.model)
        DisclosureDocumentUse.objects.bulk_create(
            [DisclosureDocumentUse(document_id=d, page_id=page.pk, revision_id=revision.pk)
             for d in sorted(document_ids_in_content(model, revision.content or {}))],
            ignore_conflicts=True)
    for page in pages:
        revision = Revision.objects.get(pk=page.live_revision_id)
        ReleaseRecord.objects.create(
            page_id=page.pk, revision_id=revision.pk, reason="upgrade", note=NOTE,
            user_id=None, content_digest=content_digest(revision.content),
            released_at=page.last_published_at or now,
        )
        PageLogEntry.objects.create(
            page_id=page.pk, content_type_id=page.content_type_id, label=page.title[:255],
            action="govinfo_core.release", revision_id=revision.pk, user_id=None,
            timestamp=now, content_changed=False,
            data={"reason": "upgrade", "note": NOTE, "revision_id": revision.pk},
        )


class Migration(migrations.Migration):

    dependencies = [
        ("govinfo_catalogue", "0011_import_job_rolling_back"),
        ("govinfo_core", "0006_error_reports"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(records_for_live_pages, migrations.RunPython.noop),
    ]
