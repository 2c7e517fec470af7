"""Screenshots and accessibility checks for the browser tests."""

from pathlib import Path

import pytest
from django.conf import settings

SERIOUS = {"serious", "critical"}


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG as SCREENSHOT_DIR/<name>.png (test-artifacts/, ignored by git)."""
    directory = Path(settings.SCREENSHOT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_no_serious_axe_violations(page) -> None:
    """Run axe-core on the page; fail listing every serious or critical violation."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        pytest.fail(
            "axe-playwright-python is not installed (it bundles axe-core); install the test "
            "extra: pip install -e '.[test]'",
            pytrace=False,
        )
    results = Axe().run(page).response
    found = [v for v in results["violations"] if v.get("impact") in SERIOUS]
    if found:
        lines = [
            f"- {v['id']} ({v['impact']}): {v['help']} [{len(v['nodes'])} node(s); first: "
            f"{' '.join(map(str, v['nodes'][0]['target'])) if v['nodes'] else '-'}]"
            for v in found
        ]
        pytest.fail(
            f"axe found {len(found)} serious/critical violation(s) on {page.url}:\n"
            + "\n".join(lines),
            pytrace=False,
        )
