"""Text normalisation with offsets back into the original text.

The review checks match on a normalised copy (NFKC, case-folded, zero-width characters removed,
spaces between Chinese characters removed) so that full-width digits, ``国 务 院`` or a soft
hyphen cannot hide a word or a number, and report offsets in the text the editor wrote.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .chars import is_cjk

__all__ = ["NormalizedText", "fold", "normalise"]

# Runs that NFKC and casefold leave unchanged (CJK ideographs, CJK punctuation that has no
# compatibility mapping, ASCII other than capitals and spaces): copied wholesale, so the
# per-character loop only sees the rest. tests/review check every character in it.
_STABLE_RUN = re.compile(
    "[\u4e00-\u9fff\u3001-\u3003\u3008-\u3011\u3014-\u301f\u2018\u2019\u201c\u201d\n!-@\\[-~]+"
)
# Invisible characters that editors paste in by accident (or on purpose, to dodge a filter).
_IGNORABLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _is_hspace(ch: str) -> bool:
    return ch.isspace() and ch not in _LINE_BREAKS


def fold(text: str) -> str:
    """NFKC (full-width → half-width, compatibility forms) and case folding: the character
    fold under every normalisation of the package (checks and search analysis alike)."""
    return unicodedata.normalize("NFKC", text).casefold()


_fold_chunk = lru_cache(maxsize=8192)(fold)  # short chunks only: the loop below


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """``text`` is the normalised form of ``original``; ``span`` maps offsets back."""

    original: str
    text: str
    # Original [start, end) of each normalised character; None when the two are identical.
    _starts: list[int] | None = None
    _ends: list[int] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the normalised slice ``text[start:end]`` (end > start)."""
        if self._starts is None or self._ends is None:
            return start, end
        return self._starts[start], self._ends[end - 1]


def normalise(text: str) -> NormalizedText:
    """The normalised form of ``text`` that checks match on, with offsets back into it."""
    if _STABLE_RUN.fullmatch(text) or not text:
        return NormalizedText(text, text)
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in _STABLE_RUN.finditer(text):
        a, b = m.span()
        if a > pos:
            _normalise_slow(text, pos, a, parts, starts, ends)
        parts.append(m.group())
        starts.extend(range(a, b))
        ends.extend(range(a + 1, b + 1))
        pos = b
    if pos < len(text):
        _normalise_slow(text, pos, len(text), parts, starts, ends)
    return NormalizedText(text, "".join(parts), starts, ends)


def _normalise_slow(
    text: str, i: int, stop: int, parts: list[str], starts: list[int], ends: list[int]
) -> None:
    while i < stop:
        ch = text[i]
        if ch in _IGNORABLE:
            i += 1
            continue
        if _is_hspace(ch):
            j = i + 1
            while j < stop and _is_hspace(text[j]):
                j += 1
            prev = parts[-1][-1] if parts and parts[-1] else ""
            nxt = text[j] if j < len(text) else ""
            if prev and nxt and is_cjk(prev) and is_cjk(nxt):
                i = j  # "国 务 院" reads as one word
                continue
            for k in range(i, j):
                parts.append(" ")
                starts.append(k)
                ends.append(k + 1)
            i = j
            continue
        # Keep combining marks with their base so that NFKC can compose them.
        j = i + 1
        while j < stop and unicodedata.combining(text[j]):
            j += 1
        folded = _fold_chunk(text[i:j])
        if folded:
            parts.append(folded)
            starts.extend([i] * len(folded))
            ends.extend([j] * len(folded))
        i = j
