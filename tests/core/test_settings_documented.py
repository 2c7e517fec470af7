from pathlib import Path

from govinfo_wagtail.conf import DEFAULTS

DOC = Path(__file__).resolve().parents[2] / "docs" / "reference" / "settings.md"


def test_every_setting_is_documented_with_its_name():
    text = DOC.read_text(encoding="utf-8")
    missing = [name for name in DEFAULTS if f"`GOVINFO_{name}`" not in text]
    assert not missing, f"document these in docs/reference/settings.md: {missing}"
