"""What a site keeps across an upgrade, read by model names only, so that the same script runs
against the previous version's code and the current one (tests/upgrade/test_upgrade.py)."""

import json
import sys


def _settings_row(model_name):
    from django.apps import apps

    model = next((m for m in apps.get_models() if m.__name__ == model_name), None)
    if model is None:
        return None
    rows = []
    for obj in model.objects.order_by("pk"):
        rows.append({f.attname: _plain(getattr(obj, f.attname)) for f in model._meta.concrete_fields
                     if f.attname != "id"})
    return rows


def _plain(value):
    return value if value is None or isinstance(value, int | str | bool | float) else str(value)


def snapshot() -> dict:
    from django.apps import apps
    from django.contrib.auth.models import Group
    from wagtail.models import Page, Revision

    Agency = apps.get_model("govinfo_core", "Agency")
    ReleaseRecord = apps.get_model("govinfo_core", "ReleaseRecord")
    return {
        "public_site_settings": _settings_row("PublicSiteSettings"),
        "disclosure_settings": _settings_row("DisclosureSettings"),
        "agencies": sorted(Agency.objects.values_list("name", "index_code")),
        "pages": sorted([p.pk, p.content_type.model, p.title, p.live, p.live_revision_id,
                         p.url_path] for p in Page.objects.all()),
        "index_numbers": sorted([p.pk, p.index_number] for p in
                                apps.get_model("govinfo_core", "DisclosurePage").objects.all()),
        "release_records": sorted([r.page_id, r.revision_id, r.reason, r.content_digest,
                                   r.released_at is not None]
                                  for r in ReleaseRecord.objects.all()),
        "revisions": Revision.objects.count(),
        "reports": apps.get_model("govinfo_reports", "AnnualReportPage").objects.count(),
        "group_permissions": sorted([g.name, p.content_type.app_label, p.codename]
                                    for g in Group.objects.all() for p in g.permissions.all()),
        "group_members": sorted([g.name, u.username] for g in Group.objects.all()
                                for u in g.user_set.all()),
    }


if __name__ == "__main__":
    import django

    django.setup()
    json.dump(snapshot(), sys.stdout, ensure_ascii=False)
