"""The layers of docs/architecture.md are a contract that `make lint` enforces (import-linter).

The contract holds on the package as it is, and breaks when a wrong-way import is planted in
a copy of it: the kernel importing a feature app, or one feature app importing another;
and a cycle planted among the modules of one app breaks the acyclic contract.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--config", str(root / "pyproject.toml")],
                          cwd=root, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def copy_of_the_package(tmp_path_factory):
    root = tmp_path_factory.mktemp("layers")
    shutil.copytree(REPO / "govinfo_wagtail", root / "govinfo_wagtail",
                    ignore=shutil.ignore_patterns("__pycache__", "locale", "static",
                                                  "templates", "fixtures"))
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_package_keeps_its_layers(copy_of_the_package):
    result = lint_imports(copy_of_the_package)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("module", "planted"), [
    ("core/content.py", "from govinfo_wagtail.catalogue import models as _catalogue"),
    ("reports/exports.py", "from govinfo_wagtail.review import models as _review"),
])
def test_a_wrong_way_import_breaks_the_contract(copy_of_the_package, tmp_path, module, planted):
    root = tmp_path / "planted"
    shutil.copytree(copy_of_the_package, root)
    path = root / "govinfo_wagtail" / module
    path.write_text(path.read_text() + f"\n{planted}  # planted\n")
    result = lint_imports(root)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and "is not allowed to import" in result.stdout


@pytest.mark.parametrize(("module", "planted"), [
    ("search/snippets.py", "from . import services as _services"),  # services -> snippets
    ("core/agencies.py", "from . import models as _models"),  # models -> agencies
    ("policies/panels.py", "from . import services as _services"),  # services -> models -> panels
    ("review/records.py", "from . import gates as _gates"),  # gates -> records
])
def test_a_cycle_inside_an_app_breaks_the_contract(copy_of_the_package, tmp_path, module,
                                                   planted):
    root = tmp_path / "planted"
    shutil.copytree(copy_of_the_package, root)
    path = root / "govinfo_wagtail" / module
    path.write_text(path.read_text() + f"\n{planted}  # planted\n")
    result = lint_imports(root)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and "No cycles are allowed" in result.stdout
