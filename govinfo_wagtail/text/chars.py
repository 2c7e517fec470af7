"""Character classes: the one definition of a Chinese (CJK ideograph) character.

CJK Unified Ideographs, Extension A, the compatibility ideographs and the supplementary
planes up to Extension H. The Yijing hexagram symbols (U+4DC0–4DFF) sit between Extension A
and the unified block and are not characters of any text, so they are not in it.
"""

from __future__ import annotations

import re

__all__ = ["CJK_IDEOGRAPHS", "has_cjk", "is_cjk"]

# The ranges as the body of a regular-expression character class ("[{CJK_IDEOGRAPHS}]").
CJK_IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK = re.compile(f"[{CJK_IDEOGRAPHS}]")


def is_cjk(ch: str) -> bool:
    """``ch`` (one character) is a Chinese character."""
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0xF900 <= cp <= 0xFAFF
        or 0x20000 <= cp <= 0x3134F
    )


def has_cjk(text: object) -> bool:
    """``text`` is a string with at least one Chinese character."""
    return isinstance(text, str) and _CJK.search(text) is not None
