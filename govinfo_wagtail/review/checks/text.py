"""Text normalisation shared by the detectors, with offsets back into the original text.

Detectors match on a normalised copy (NFKC, case-folded, zero-width characters removed,
spaces between Chinese characters removed) so that full-width digits, ``国 务 院`` or a soft
hyphen cannot hide a word or a number, and report offsets in the text the editor wrote.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

__all__ = ["NormalizedText", "html_to_text", "is_cjk", "normalize"]

# Runs that NFKC and casefold leave unchanged (CJK ideographs, CJK punctuation that has no
# compatibility mapping, ASCII other than capitals and spaces): copied wholesale, so the
# per-character loop only sees the rest. tests/review check every character in it.
_STABLE_RUN = re.compile(
    "[\u4e00-\u9fff\u3001-\u3003\u3008-\u3011\u3014-\u301f\u2018\u2019\u201c\u201d\n!-@\\[-~]+"
)
# Invisible characters that editors paste in by accident (or on purpose, to dodge a filter).
_IGNORABLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0xF900 <= cp <= 0xFAFF
        or 0x20000 <= cp <= 0x3134F
    )


def _is_hspace(ch: str) -> bool:
    return ch.isspace() and ch not in _LINE_BREAKS


@lru_cache(maxsize=8192)
def _fold(chunk: str) -> str:
    return unicodedata.normalize("NFKC", chunk).casefold()


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


def normalize(text: str) -> NormalizedText:
    if _STABLE_RUN.fullmatch(text) or not text:
        return NormalizedText(text, text)
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in _STABLE_RUN.finditer(text):
        a, b = m.span()
        if a > pos:
            _normalize_slow(text, pos, a, parts, starts, ends)
        parts.append(m.group())
        starts.extend(range(a, b))
        ends.extend(range(a + 1, b + 1))
        pos = b
    if pos < len(text):
        _normalize_slow(text, pos, len(text), parts, starts, ends)
    return NormalizedText(text, "".join(parts), starts, ends)


def _normalize_slow(
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
        folded = _fold(text[i:j])
        if folded:
            parts.append(folded)
            starts.extend([i] * len(folded))
            ends.extend([j] * len(folded))
        i = j


_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 "
    "h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul".split()
)


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of rich text, one block element per line (secrecy markers are line-based)."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    return re.sub(r"\n\s*\n+", "\n", text).strip("\n")
