"""Rebuild govinfo_wagtail/pdf/font_files/NotoSerifSC-Bold.otf (the PDFs' bold weight).

    apt-get install fonts-noto-cjk
    python scripts/subset_bold_font.py /usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc \
        govinfo_wagtail/pdf/font_files/NotoSerifSC-Bold.otf \
        "$(python -c 'import pylopdf_fonts_zh_cn as f; print(f.serif_path())')"

Keeps the Simplified Chinese face of the collection, for every character of the regular
weight (the third argument), GB 2312, ASCII, Latin-1, punctuation, full-width forms, number
forms and enclosed numerals (see font_files/OFL.txt).
"""

import sys

from fontTools import subset
from fontTools.ttLib import TTCollection


def gb2312():
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars

chars = gb2312()
if len(sys.argv) > 3:  # every character of the regular weight: no character loses its glyph
    from fontTools.ttLib import TTFont
    chars |= set(TTFont(sys.argv[3], lazy=True).getBestCmap())
chars |= set(range(0x20, 0x7F)) | set(range(0xA0, 0x100)) | set(range(0x2000, 0x2070)) \
    | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0)) | set(range(0x2150, 0x2190)) \
    | set(range(0x2460, 0x2500)) | set(range(0x3200, 0x3300))
font = TTCollection(sys.argv[1]).fonts[2]  # index 2: Noto Serif CJK SC Bold
options = subset.Options()
options.layout_features = ["kern", "liga", "palt", "halt", "vert", "vrt2", "ccmp"]
options.name_IDs = ["*"]
options.name_languages = ["*"]
options.notdef_outline = True
options.glyph_names = False
options.hinting = False
s = subset.Subsetter(options)
s.populate(unicodes=chars)
s.subset(font)
font.save(sys.argv[2])
print(len(chars), font["maxp"].numGlyphs)
