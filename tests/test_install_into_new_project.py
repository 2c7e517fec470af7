"""Install the package into a brand-new `wagtail start` project by following only the README.

The README's marked code blocks (<!-- install:… -->) are applied to the new project as they
stand, so the test fails when the README's steps stop working.
"""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def readme_block(name: str) -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- install:{name} -->\n```\w*\n(.*?)```", readme, re.S)
    assert match, f"README.md has no install:{name} block"
    return match.group(1)


CHECK = """
from django.test import Client
from wagtail.models import Site
from govinfo_wagtail.catalogue.models import CatalogueIndexPage, CatalogueItemPage
from govinfo_wagtail.core.models import Agency
from govinfo_wagtail.core.release import release

home = Site.objects.get(is_default_site=True).root_page.specific
assert type(home).__name__ == "HomePage", type(home)
client = Client()
assert client.get("/").status_code == 200, "host home page no longer serves"

catalogue = CatalogueIndexPage(title="政府信息公开目录", slug="xxgk", live=False)
home.add_child(instance=catalogue)
release(catalogue.save_revision(), reason="test")
agency = Agency.objects.create(name="某县人民政府", index_code="000014349")
item = CatalogueItemPage(title="机构职能", slug="jgzn", agency=agency, live=False)
catalogue.add_child(instance=item)
item = release(item.save_revision(), reason="test")[0]
html = client.get("/xxgk/jgzn/").content.decode()
assert "机构职能" in html and item.index_number in html, html[:500]
assert client.get("/").status_code == 200
print("HOST-OK", item.index_number)
"""


def run(cmd, cwd, env):
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{shlex.join(cmd)}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_readme_install_steps_work_in_a_new_wagtail_project(tmp_path):
    bin_dir = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "PYTHONPATH"}}
    run([str(bin_dir / "wagtail"), "start", "hostsite"], tmp_path, env)
    project = tmp_path / "hostsite"
    settings = project / "hostsite" / "settings" / "base.py"
    settings.write_text(settings.read_text() + "\n" + readme_block("settings"))
    urls = project / "hostsite" / "urls.py"
    urls.write_text(urls.read_text() + "\n" + readme_block("urls"))
    env["DJANGO_SETTINGS_MODULE"] = "hostsite.settings.dev"
    for line in readme_block("commands").splitlines():
        args = shlex.split(line)
        assert args[:2] == ["python", "manage.py"]
        out = run([sys.executable, *args[1:]], project, env)
    assert "govinfo_setup: done" in out
    # Running setup twice is safe.
    run([sys.executable, "manage.py", "govinfo_setup"], project, env)
    out = run([sys.executable, "manage.py", "shell", "-c", CHECK], project, env)
    assert "HOST-OK" in out
