"""Snippets: an escaped excerpt of a result's plain text with the query's words marked."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..text import analysis

SNIPPET_LENGTH = 160
SNIPPET_SCAN_LIMIT = 5_000  # characters searched for a match to show


def snippet(plain: str, terms: list[str], length: int = SNIPPET_LENGTH) -> SafeString:
    """An escaped excerpt of ``plain`` around the first match, matches wrapped in <mark>."""
    plain = (plain or "")[:SNIPPET_SCAN_LIMIT]
    words = sorted({t for t in terms if not t.startswith(("dn", "ix"))}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(w) for w in words)) if words else None
    if pattern is not None and pattern.search(plain):
        norm = text = plain  # the usual case: the words occur as typed; no need to normalise
    else:  # e.g. 繁体 or full-width text: match on the normalised form
        norm = analysis.search_form(plain)
        # search_form() maps character for character in practice; else show the normalised text
        text = plain if len(norm) == len(plain) else norm
    spans = []
    if pattern is not None:
        for m in pattern.finditer(norm):  # same length as text (or text is norm)
            if spans and m.start() <= spans[-1][1]:  # adjacent words: one highlight
                spans[-1] = (spans[-1][0], max(spans[-1][1], m.end()))
            else:
                spans.append(m.span())
    start = max(0, spans[0][0] - length // 4) if spans else 0
    end = min(len(text), start + length)
    out, pos = [], start
    for s, e in spans:
        if s < pos or e > end:
            continue
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + "".join(out) + suffix)
