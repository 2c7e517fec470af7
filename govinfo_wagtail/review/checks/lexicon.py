"""错敏词: a site-editable lexicon of sensitive and commonly mistaken words.

Aho–Corasick (pyahocorasick, C) finds every entry in one pass over the text, however many
entries there are; see benchmarks/bench_checks.py for the numbers. Build a
``LexiconMatcher`` once per lexicon version and reuse it for every page.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import ahocorasick
from django.utils.translation import gettext_lazy as _

from ...text.normalise import NormalizedText, normalise
from .findings import BLOCKING, WARNING, Finding, format_lazy_named, make_finding

__all__ = ["ALLOW", "LexiconEntry", "LexiconMatch", "LexiconMatcher", "lexicon_findings"]

EntrySeverity = Literal["blocking", "warning", "allow"]
# An "allow" entry is an exception: matches of other entries lying inside it are dropped
# (e.g. allow 截止日期 so that the entry 截止 → 截至 stays quiet there).
ALLOW: EntrySeverity = "allow"
_RANK = {ALLOW: 3, BLOCKING: 2, WARNING: 1}

MSG_CORRECTION = _('"%(word)s" is commonly mistaken; did you mean "%(correction)s"?')
MSG_SENSITIVE = _('"%(word)s" is on the list of sensitive words.')


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    word: str
    correction: str = ""
    # Empty: a word with a correction is a warning, a word without one (sensitive) blocks.
    severity: EntrySeverity | Literal[""] = ""

    @property
    def effective_severity(self) -> EntrySeverity:
        if self.severity:
            return self.severity
        return WARNING if self.correction else BLOCKING

    @classmethod
    def coerce(cls, raw: Any) -> LexiconEntry:
        """Accept an entry, a (word, correction[, severity]) tuple, a mapping, or any object
        with ``word``/``correction``/``severity`` attributes (e.g. a model instance)."""
        if isinstance(raw, LexiconEntry):
            return raw
        if isinstance(raw, str):
            return cls(raw)
        if isinstance(raw, tuple | list):
            return cls(*(str(v or "") for v in raw))
        if isinstance(raw, Mapping):
            get = raw.get
        else:

            def get(name: str, default: Any = "") -> Any:
                return getattr(raw, name, default)

        severity = get("severity", "") or ""
        if severity not in ("", ALLOW, BLOCKING, WARNING):
            raise ValueError(f"unknown lexicon severity {severity!r}")
        return cls(str(get("word", "")), str(get("correction", "") or ""), severity)


@dataclass(frozen=True, slots=True)
class LexiconMatch:
    start: int  # offsets in the original text
    end: int
    entry: LexiconEntry


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class LexiconMatcher:
    """Every occurrence of every entry, overlapping ones included, in one pass.

    Both sides are normalised (NFKC, case-folded), so ``ＧＤＰ`` matches an entry ``gdp``
    and full-width digits match half-width ones. Chinese entries match inside longer text
    (Chinese has no spaces between words); an entry that starts or ends with an ASCII
    letter or digit must not continue a Latin word there (``ass`` does not match ``class``).
    """

    def __init__(self, entries: Iterable[Any]) -> None:
        self._entries: list[LexiconEntry] = []
        self._keys: list[str] = []
        index: dict[str, int] = {}
        for raw in entries:
            entry = LexiconEntry.coerce(raw)
            key = normalise(entry.word.strip()).text.strip()
            if not key:
                continue
            if key in index:
                self._entries[index[key]] = _merge(self._entries[index[key]], entry)
                continue
            index[key] = len(self._entries)
            self._entries.append(entry)
            self._keys.append(key)
        self._automaton: Any = None
        if self._keys:
            self._automaton = ahocorasick.Automaton()
            for i, key in enumerate(self._keys):
                self._automaton.add_word(key, i)
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self._entries)

    def match(self, text: str | NormalizedText) -> list[LexiconMatch]:
        norm = text if isinstance(text, NormalizedText) else normalise(text)
        if self._automaton is None or not norm.text:
            return []
        haystack = norm.text
        hits: list[tuple[int, int, int]] = []
        allowed: list[tuple[int, int]] = []
        for last, idx in self._automaton.iter(haystack):
            key = self._keys[idx]
            start, end = last - len(key) + 1, last + 1
            if _is_word_char(key[0]) and start > 0 and _is_word_char(haystack[start - 1]):
                continue
            if _is_word_char(key[-1]) and end < len(haystack) and _is_word_char(haystack[end]):
                continue
            if self._entries[idx].effective_severity == ALLOW:
                allowed.append((start, end))
            else:
                hits.append((start, end, idx))
        if allowed:
            hits = _drop_allowed(hits, allowed)
        hits.sort()
        return [
            LexiconMatch(*norm.span(start, end), self._entries[idx]) for start, end, idx in hits
        ]


def _merge(old: LexiconEntry, new: LexiconEntry) -> LexiconEntry:
    # Two spellings that normalise alike: an exception wins, then the stricter severity;
    # any correction is kept.
    keep = new if _RANK[new.effective_severity] > _RANK[old.effective_severity] else old
    correction = keep.correction or old.correction or new.correction
    return LexiconEntry(keep.word, correction, keep.effective_severity)


def _drop_allowed(
    hits: list[tuple[int, int, int]], allowed: list[tuple[int, int]]
) -> list[tuple[int, int, int]]:
    allowed.sort()
    starts = [s for s, _e in allowed]
    reach: list[int] = []  # the furthest end among allow spans starting at or before i
    furthest = -1
    for _s, e in allowed:
        furthest = max(furthest, e)
        reach.append(furthest)
    kept = []
    for hit in hits:
        i = bisect.bisect_right(starts, hit[0]) - 1
        if i < 0 or reach[i] < hit[1]:
            kept.append(hit)
    return kept


def lexicon_findings(
    matcher: LexiconMatcher, norm: NormalizedText, location: str, display_text: str
) -> list[Finding]:
    findings = []
    for m in matcher.match(norm):
        entry = m.entry
        word = display_text[m.start : m.end]
        if entry.correction:
            message = format_lazy_named(MSG_CORRECTION, word=word, correction=entry.correction)
        else:
            message = format_lazy_named(MSG_SENSITIVE, word=word)
        findings.append(
            make_finding(
                kind="lexicon",
                code="mistaken" if entry.correction else "sensitive",
                severity=entry.effective_severity,  # type: ignore[arg-type]  # never ALLOW here
                message=message,
                location=location,
                display_text=display_text,
                start=m.start,
                end=m.end,
                suggestion=entry.correction,
            )
        )
    return findings
