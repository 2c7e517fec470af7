"""The built wheel carries every file the package needs at run time, not only the Python.

A site installs the package from a wheel, not from this checkout: a data file left out of
``[tool.setuptools.package-data]`` works in every test here and is missing on the site (the
zh_Hans catalogue once was: the admin fell back to English).
"""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tracked_data_files() -> set[str]:
    out = subprocess.run(
        ["git", "ls-files", "govinfo_wagtail"], cwd=ROOT, capture_output=True, text=True
    )
    if out.returncode != 0:
        pytest.skip("not a git checkout: cannot list the package's files")
    return {
        name
        for name in out.stdout.splitlines()
        if not name.endswith(".py") and "/__pycache__/" not in name
    }


@pytest.mark.slow
def test_the_wheel_holds_every_data_file_of_the_package(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "govinfo_wagtail/core/locale/zh_Hans/LC_MESSAGES/django.mo" in names
    missing = sorted(_tracked_data_files() - names)
    assert not missing, f"left out of the wheel: {missing}"
