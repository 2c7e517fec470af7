"""A site that installed the previous version upgrades without losing anything.

The previous version is the code at PREVIOUS (the last commit of the previous release), taken
from this git clone with ``git archive``. Its own code migrates a fresh database, runs
govinfo_setup and the demo (agencies, released pages with their release records and index
numbers, policies, an annual report) and sets the site settings; then the current code
migrates the same database, and what the site had is compared field by field.
"""

import json
import os
import shutil
import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PREVIOUS = "f47b26c"
REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def previous_code(into: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed: cannot take the previous version's code")
    archive = subprocess.run(["git", "archive", PREVIOUS, "govinfo_wagtail", "tests"],
                             cwd=REPO, capture_output=True)
    if archive.returncode:
        pytest.skip(f"commit {PREVIOUS} is not in this clone (a shallow clone?): "
                    f"{archive.stderr.decode().strip()}")
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into


def run(code_dir: Path, script: Path, database_url: str, extra_path: Path) -> str:
    env = {**os.environ, "DATABASE_URL": database_url,
           "DJANGO_SETTINGS_MODULE": "settings_upgrade",
           # The code under test first (before the installed package), then the settings.
           "PYTHONPATH": os.pathsep.join([str(code_dir), str(extra_path)])}
    env.pop("GOVINFO_TEST_DATABASE_NAME", None)
    done = subprocess.run([sys.executable, str(script)], cwd=code_dir, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


def migrate_current(database_url: str, extra_path: Path) -> str:
    script = extra_path / "migrate_current.py"
    script.write_text("import io, django\ndjango.setup()\n"
                      "from django.core.management import call_command\n"
                      "out = io.StringIO()\ncall_command('migrate', stdout=out)\n"
                      "print(out.getvalue())\n")
    return run(REPO, script, database_url, extra_path)


def test_a_database_built_by_the_previous_version_migrates_without_loss(tmp_path):
    old = previous_code(tmp_path / "previous")
    extra = tmp_path / "path"
    extra.mkdir()
    shutil.copy(HERE / "settings_upgrade.py", extra / "settings_upgrade.py")
    shutil.copy(HERE / "snapshot.py", extra / "snapshot.py")
    database_url = f"sqlite:///{tmp_path / 'site.sqlite3'}"

    built = run(old, HERE / "build_previous.py", database_url, extra)
    assert f"package: {old}" in built and "built" in built  # the old code ran, not ours
    before = json.loads(run(old, extra / "snapshot.py", database_url, extra))
    assert before["public_site_settings"] and before["release_records"]
    assert before["reports"] >= 1 and any(live for _, _, _, live, _, _ in before["pages"])

    migrate_current(database_url, extra)
    after = json.loads(run(REPO, extra / "snapshot.py", database_url, extra))

    # Settings keep every value they had (fields added since start empty or at defaults).
    for key in ("public_site_settings", "disclosure_settings"):
        assert [{field: row[field] for field in old} for row, old in
                zip(after[key], before[key], strict=True)] == before[key], key
    # Agencies, pages (live or not, their live revision), index numbers, release records,
    # revisions, reports and group members: all as they were.
    for key in ("agencies", "pages", "index_numbers", "revisions", "reports", "group_members"):
        assert after[key] == before[key], key
    # Release records: all kept, and one more of each page of a type that now goes live only
    # through the release service and was live without a record (catalogue sections,
    # collections, the search page published the way Wagtail published them then):
    # reason "upgrade", so the public still sees them.
    assert [r for r in after["release_records"] if r not in before["release_records"]] == \
        [r for r in after["release_records"] if r[2] == "upgrade"]
    assert all(r in after["release_records"] for r in before["release_records"])
    released_types = {"catalogueindexpage", "cataloguecollectionpage", "disclosuresearchpage",
                      "disclosureguidepage", "statutorycontentpage"}
    live = {(pk, revision) for pk, model, _t, is_live, revision, _u in before["pages"]
            if is_live and model in released_types}
    recorded = {(page, revision) for page, revision, _r, _d, released in
                after["release_records"] if released}
    assert live and live <= recorded, live - recorded
    upgraded = {page for page, _rev, reason, _d, _rel in after["release_records"]
                if reason == "upgrade"}
    titles = {pk: title for pk, _m, title, *_rest in before["pages"]}
    assert {titles[pk] for pk in upgraded} == {"升级前的栏目", "升级前的集合", "升级前的搜索页"}
    assert after["public_site_settings"][0]["portal_name"] == "海丰县人民政府信息公开（升级测试）"
    # Every right a group had it still has; the rights once given by group names in
    # settings are now permissions of those groups.
    had = {tuple(p) for p in before["group_permissions"]}
    has = {tuple(p) for p in after["group_permissions"]}
    assert had <= has
    assert ("应急发布", "govinfo_review", "release_in_emergency") in has
    assert ("信息公开管理员", "govinfo_review", "review_emergency_release") in has
    assert ("信息公开管理员", "govinfo_catalogue", "import_released") in has
