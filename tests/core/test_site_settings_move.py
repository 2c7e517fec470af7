"""PublicSiteSettings moved from the catalogue to the kernel: a site installed at the previous
migration state keeps its settings row, its content type and the permissions granted on it.

Each run migrates a database of its own in a subprocess (a fresh SQLite file, or a fresh
database on the PostgreSQL/MariaDB server DATABASE_URL names), so the shared test database
is never migrated backwards.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import dj_database_url
import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

SCRIPT = r"""
import json
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

quiet = {"verbosity": 0, "interactive": False}
call_command("migrate", "govinfo_catalogue", "0004_import_jobs", **quiet)
executor = MigrationExecutor(connection)
old = executor.loader.project_state(("govinfo_catalogue", "0004_import_jobs")).apps
ContentType = old.get_model("contenttypes", "ContentType")
Permission = old.get_model("auth", "Permission")
Group = old.get_model("auth", "Group")
# What the previous version left: its content type and permission (post_migrate of this
# run made the kernel's, which the previous version never had).
ContentType.objects.filter(model="publicsitesettings").delete()
ct = ContentType.objects.create(app_label="govinfo_catalogue", model="publicsitesettings")
perm = Permission.objects.create(content_type=ct, codename="change_publicsitesettings",
                                 name="Can change public site settings")
group = Group.objects.create(name="网站管理员")
group.permissions.add(perm)
Site = old.get_model("wagtailcore", "Site")
site = Site.objects.get(is_default_site=True)
Settings = old.get_model("govinfo_catalogue", "PublicSiteSettings")
row = Settings.objects.create(site=site, portal_name="海丰县人民政府",
                              guide_page_id=site.root_page_id)

call_command("migrate", **quiet)

from django.contrib.auth.models import Group as CurrentGroup
from django.contrib.contenttypes.models import ContentType as CurrentContentType
from govinfo_wagtail.core.site_settings import PublicSiteSettings

config = PublicSiteSettings.objects.get(site_id=site.pk)
cts = list(CurrentContentType.objects.filter(model="publicsitesettings")
           .values_list("app_label", "pk"))
group = CurrentGroup.objects.get(name="网站管理员")
print("RESULT" + json.dumps({
    "id": config.pk, "old_id": row.pk, "portal_name": config.portal_name,
    "guide_page_id": config.guide_page_id, "root_page_id": site.root_page_id,
    "content_types": cts, "old_ct": ct.pk,
    "group_perms": sorted(f"{p.content_type.app_label}.{p.codename}"
                          for p in group.permissions.all()),
    "tables": sorted(t for t in connection.introspection.table_names()
                     if t.endswith("publicsitesettings")),
}, ensure_ascii=False))
"""


def _server_database(url: str):
    """A fresh database on the server of ``url``: (its URL, a function that drops it)."""
    config = dj_database_url.parse(url)
    name = f"gv_move_{uuid.uuid4().hex[:8]}"
    if config["ENGINE"] == "django.db.backends.postgresql":
        import psycopg

        admin = dict(host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"],
                     password=config["PASSWORD"] or None, dbname="postgres", autocommit=True)
        with psycopg.connect(**admin) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

        def drop():
            with psycopg.connect(**admin) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    else:
        import MySQLdb

        admin = dict(host=config["HOST"], port=int(config["PORT"] or 3306),
                     user=config["USER"], passwd=config["PASSWORD"] or "")
        conn = MySQLdb.connect(**admin)
        conn.cursor().execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        conn.close()

        def drop():
            conn = MySQLdb.connect(**admin)
            conn.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")
            conn.close()
    return url.rsplit("/", 1)[0] + f"/{name}", drop


def test_installed_site_keeps_its_settings_row_and_permissions(tmp_path):
    outer = os.environ.get("DATABASE_URL", "")
    drop = None
    if outer.startswith(("postgres", "mysql")):
        url, drop = _server_database(outer)
    else:
        url = f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
    env = {k: v for k, v in os.environ.items() if k != "GOVINFO_TEST_DATABASE_NAME"}
    env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="tests.settings")
    try:
        result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, env=env,
                                capture_output=True, text=True, timeout=600)
    finally:
        if drop is not None:
            drop()
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(x for x in result.stdout.splitlines() if x.startswith("RESULT"))
    data = json.loads(line.removeprefix("RESULT"))
    assert data["id"] == data["old_id"]
    assert data["portal_name"] == "海丰县人民政府"
    assert data["guide_page_id"] == data["root_page_id"]
    # The content type was relabelled in place: same id, one row, the group keeps its right.
    assert data["content_types"] == [["govinfo_core", data["old_ct"]]]
    assert "govinfo_core.change_publicsitesettings" in data["group_perms"]
    assert data["tables"] == ["govinfo_core_publicsitesettings"]
