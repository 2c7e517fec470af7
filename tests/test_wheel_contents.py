"""The built wheel carries every file the package needs at run time, not only the Python.

A site installs the package from a wheel, not from this checkout: a data file left out of
``[tool.setuptools.package-data]`` works in every test here and is missing on the site (the
zh_Hans catalogue once was: the admin fell back to English).
"""

import shutil
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
    # Built from a copy of the tracked files: setuptools writes build/ and the egg-info into
    # the source tree, and CI's database suites run this test at the same time (two builds
    # in one tree failed on each other).
    source = tmp_path / "source"
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout: cannot list the package's files")
    for name in listed.stdout.splitlines():
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(source)],
        capture_output=True, text=True,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "govinfo_wagtail/core/locale/zh_Hans/LC_MESSAGES/django.mo" in names
    missing = sorted(_tracked_data_files() - names)
    assert not missing, f"left out of the wheel: {missing}"
