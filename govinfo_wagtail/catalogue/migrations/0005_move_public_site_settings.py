"""PublicSiteSettings moves to the kernel (govinfo_core), keeping an installed site's row.

The table is renamed, not copied, and its content type is relabelled in place, so the row's
id, the permissions granted on it (Wagtail's settings permission) and every log entry or
reference that points at the content type follow the model. ``run_before`` puts this step
ahead of the kernel's migration that takes the model over in its state, so the kernel itself
never depends on the catalogue.
"""

from django.db import migrations

OLD_TABLE = "govinfo_catalogue_publicsitesettings"
NEW_TABLE = "govinfo_core_publicsitesettings"


def rename_table(apps, schema_editor):
    tables = schema_editor.connection.introspection.table_names()
    if OLD_TABLE in tables and NEW_TABLE not in tables:
        schema_editor.alter_db_table(None, OLD_TABLE, NEW_TABLE)


def rename_table_back(apps, schema_editor):
    tables = schema_editor.connection.introspection.table_names()
    if NEW_TABLE in tables and OLD_TABLE not in tables:
        schema_editor.alter_db_table(None, NEW_TABLE, OLD_TABLE)


def relabel_content_type(old_label: str, new_label: str):
    def relabel(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        Permission = apps.get_model("auth", "Permission")
        old = ContentType.objects.filter(app_label=old_label, model="publicsitesettings").first()
        if old is None:
            return
        new = ContentType.objects.filter(app_label=new_label, model="publicsitesettings").first()
        if new is not None:
            # Both exist (post_migrate ran in between): keep the old one, with its ids, and
            # move any permission the new one already has onto it.
            for permission in Permission.objects.filter(content_type=new):
                if not Permission.objects.filter(content_type=old,
                                                 codename=permission.codename).exists():
                    permission.content_type = old
                    permission.save(update_fields=["content_type"])
            new.delete()
        old.app_label = new_label
        old.save(update_fields=["app_label"])

    return relabel


class Migration(migrations.Migration):

    dependencies = [
        ("govinfo_catalogue", "0004_import_jobs"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    run_before = [("govinfo_core", "0004_public_site_settings")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PublicSiteSettings")],
            database_operations=[migrations.RunPython(rename_table, rename_table_back)],
        ),
        migrations.RunPython(relabel_content_type("govinfo_catalogue", "govinfo_core"),
                             relabel_content_type("govinfo_core", "govinfo_catalogue")),
    ]
