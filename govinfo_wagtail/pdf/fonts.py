"""The Chinese serif font of generated PDFs.

It comes with the Python install (the OFL Noto Serif SC of ``pylopdf-fonts-zh-cn``), so a
host that only ran pip prints real glyphs; fonts installed on the system are a fallback in
the CSS font stack, not the plan.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

FONT_SCHEME = "govinfo-font"
FAMILY = "GovInfo Serif SC"
# Tried in order when the packaged font is missing (Debian/Fedora/Windows/macOS names).
SYSTEM_FALLBACK = ("Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "Songti SC",
                   "Noto Sans CJK SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "serif")


@cache
def packaged_fonts() -> dict[str, Path]:
    """Font name → file, for the fonts the fetcher may serve (``govinfo-font:<name>``)."""
    try:
        import pylopdf_fonts_zh_cn as fonts
    except ImportError:
        return {}
    found = {"serif": Path(fonts.serif_path()), "sans": Path(fonts.sans_path())}
    return {name: path for name, path in found.items() if path.is_file()}


def font_face_css() -> str:
    faces = []
    if "serif" in packaged_fonts():
        faces.append(f'@font-face {{ font-family: "{FAMILY}"; '
                     f'src: url("{FONT_SCHEME}:serif") format("opentype"); }}')
    return "\n".join(faces)


def font_stack() -> str:
    return ", ".join(f'"{name}"' if name != "serif" else name
                     for name in (FAMILY, *SYSTEM_FALLBACK))
