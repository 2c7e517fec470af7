"""The Chinese serif font of generated PDFs, in its regular and bold weights.

Both come with the Python install, so a host that only ran pip prints real glyphs and real
bold headings; fonts installed on the system are a fallback in the CSS font stack, not the
plan:

- regular: the OFL Noto Serif SC of the ``pylopdf-fonts-zh-cn`` package (a dependency);
- bold: Noto Serif CJK SC Bold, shipped in this package under the same SIL Open Font Licence
  (``font_files/OFL.txt``), cut down to the characters of the regular weight
  (``scripts/subset_bold_font.py`` rebuilds it). No package on PyPI carries the bold weight of
  Noto Serif SC (simplified forms). Every character of the regular weight has its bold glyph:
  WeasyPrint does not fall back from a bold face that lacks a glyph, it drops the character.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

FONT_SCHEME = "govinfo-font"
FAMILY = "GovInfo Serif SC"
FONT_FILES = Path(__file__).resolve().parent / "font_files"
BOLD_FILE = FONT_FILES / "NotoSerifSC-Bold.otf"
# Tried in order when the packaged font is missing (Debian/Fedora/Windows/macOS names).
SYSTEM_FALLBACK = ("Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "Songti SC",
                   "Noto Sans CJK SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "serif")


@cache
def packaged_fonts() -> dict[str, Path]:
    """Font name → file, for the fonts the fetcher may serve (``govinfo-font:<name>``)."""
    found = {"serif-bold": BOLD_FILE}
    try:
        import pylopdf_fonts_zh_cn as fonts
    except ImportError:
        pass
    else:
        found.update(serif=Path(fonts.serif_path()), sans=Path(fonts.sans_path()))
    return {name: path for name, path in found.items() if path.is_file()}


def font_face_css() -> str:
    fonts = packaged_fonts()
    faces = []
    for name, weight in (("serif", "normal"), ("serif-bold", "bold")):
        if name in fonts:
            faces.append(f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; '
                         f'src: url("{FONT_SCHEME}:{name}") format("opentype"); }}')
    return "\n".join(faces)


def font_stack() -> str:
    return ", ".join(f'"{name}"' if name != "serif" else name
                     for name in (FAMILY, *SYSTEM_FALLBACK))
