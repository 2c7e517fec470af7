"""The kernel takes PublicSiteSettings over from the catalogue (see the catalogue's
0005_move_public_site_settings, which runs first and renames the table): only the state
changes here. A database where no catalogue ever created the table gets it now."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE = "govinfo_core_publicsitesettings"


def create_table_if_missing(apps, schema_editor):
    if TABLE not in schema_editor.connection.introspection.table_names():
        schema_editor.create_model(apps.get_model("govinfo_core", "PublicSiteSettings"))


def drop_table_if_unmoved(apps, schema_editor):
    # Going back: the catalogue's reverse step renames the table again when the catalogue
    # is installed; otherwise the table is this migration's own.
    from django.apps import apps as current_apps

    if not current_apps.is_installed("govinfo_wagtail.catalogue"):
        schema_editor.delete_model(apps.get_model("govinfo_core", "PublicSiteSettings"))


class Migration(migrations.Migration):

    dependencies = [
        ("govinfo_core", "0003_document_uses"),
        ("wagtailcore", "0098_apitoken"),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PublicSiteSettings",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("portal_name", models.CharField(blank=True, help_text="Shown in the header and in the prompt before visitors leave for another site, e.g. 海丰县人民政府. Defaults to the site name.", max_length=100, verbose_name="portal name")),
                        ("annual_reports_page", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.WAGTAIL_PAGE_MODEL, verbose_name="annual reports (年报)")),
                        ("catalogue_page", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.WAGTAIL_PAGE_MODEL, verbose_name="disclosure catalogue (目录)")),
                        ("guide_page", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.WAGTAIL_PAGE_MODEL, verbose_name="disclosure guide (指南)")),
                        ("on_request_page", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.WAGTAIL_PAGE_MODEL, verbose_name="disclosure on request (依申请公开)")),
                        ("rules_page", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.WAGTAIL_PAGE_MODEL, verbose_name="disclosure rules (制度)")),
                        ("site", models.OneToOneField(editable=False, on_delete=django.db.models.deletion.CASCADE, to="wagtailcore.site")),
                    ],
                    options={"verbose_name": "public site settings"},
                ),
            ],
            database_operations=[
                migrations.RunPython(create_table_if_missing, drop_table_if_unmoved),
            ],
        ),
    ]
