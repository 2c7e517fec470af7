"""Secrecy markings (密级标志): 绝密, 机密, 秘密, 内部资料, 内部使用 …, read in context.

A marking is a label on the document itself — ``秘密★一年`` or ``内部资料 注意保存`` in the
header (GB/T 9704 puts 密级和保密期限 at the top left of the first page), a heading, or a
line of its own. The same words in running text are about secrecy, not marks of it:
``不得涉及国家秘密``, the annual-report row ``属于国家秘密`` and the boilerplate
``涉及国家秘密、商业秘密、个人隐私的`` must not block a release.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from ...text.normalise import NormalizedText
from .findings import BLOCKING, WARNING, Finding, format_lazy_named, make_finding

__all__ = ["HEADER_LINES", "find_secrecy_markers", "secrecy_findings"]

# Lines at the top of a text (or of a PDF page) that count as its header.
HEADER_LINES = 5

MSG_MARKING = _(
    'Secrecy marking "%(marker)s": classified or internal material must not be published.'
)
MSG_INTERNAL = _('"%(marker)s" may mean the material is internal; check before publishing.')

_LEVEL = "绝密|机密|秘密"
_INTERNAL = "内部资料|内部使用|内部文件|内部材料|内部参考|内部刊物|内部传阅"
_OPEN = r"[\s(\[<【〔《〈「『]*"
# Markings in their formal shapes, which nobody writes in running text (normalised text:
# full-width punctuation is ASCII by now).
_ALWAYS = re.compile(
    rf"(?:{_LEVEL})\s*[★☆*]\s*(?:长期|[0-9一二三四五六七八九十]+\s*(?:年|个月))?"
    rf"|密级\s*[:]?\s*(?:{_LEVEL})级?"
    r"|内部资料[\s,、.]*(?:注意保存|注意保密|请勿外传|严禁外传)"
    r"|仅供内部(?:使用|参考|参阅|传阅)"
)
# A marking word opening a line and not the start of a longer word (机密文件管理办法). The
# boundary is also checked in the original text: normalising joins "内部使用 仅限本单位".
_LINE_START = re.compile(rf"{_OPEN}(?:(?:{_LEVEL})级?|{_INTERNAL}|涉密(?:文件|材料|资料)?)")
_BOUNDARY = re.compile(r"$|[\s)\]>】〕》〉」』,.;:!?、。★☆*0-9]")
_TRAILER = re.compile(r"[\s)\]>】〕》〉」』,.;:!?、。★☆*]*")
_RUNNING = re.compile(_INTERNAL)


def find_secrecy_markers(
    norm: NormalizedText, *, header: bool = False
) -> list[tuple[int, int, str]]:
    """``(start, end, severity)`` in original offsets; ``header=True`` treats every line as
    header (a title, a document's page header, a metadata field)."""
    text = norm.text
    spans: list[tuple[int, int, str]] = [(*m.span(), BLOCKING) for m in _ALWAYS.finditer(text)]

    def taken(s: int, e: int) -> bool:
        return any(a < e and s < b for a, b, _sev in spans)

    non_empty = 0
    pos = 0
    for line in text.split("\n"):
        line_start, pos = pos, pos + len(line) + 1
        if not line.strip():
            continue
        non_empty += 1
        m = _LINE_START.match(line)
        if not m:
            continue
        # Skip the opening brackets so the marker itself is what is shown.
        lead = len(m.group()) - len(m.group().lstrip(" \t([<【〔《〈「『"))
        s, e = line_start + lead, line_start + m.end()
        orig_end = norm.span(s, e)[1]
        if not (
            _BOUNDARY.match(line, m.end())
            or (orig_end < len(norm.original) and norm.original[orig_end].isspace())
        ):
            continue
        alone = _TRAILER.fullmatch(line, m.end()) is not None
        if (header or non_empty <= HEADER_LINES or alone) and not taken(s, e):
            spans.append((s, e, BLOCKING))
    for m in _RUNNING.finditer(text):
        if not taken(*m.span()):
            spans.append((*m.span(), WARNING))
    spans.sort()
    return [(*norm.span(s, e), sev) for s, e, sev in spans]


def secrecy_findings(
    norm: NormalizedText, location: str, display_text: str, *, header: bool = False
) -> list[Finding]:
    findings = []
    for start, end, severity in find_secrecy_markers(norm, header=header):
        marker = display_text[start:end].strip()
        message = MSG_MARKING if severity == BLOCKING else MSG_INTERNAL
        findings.append(
            make_finding(
                kind="secrecy",
                code="marking" if severity == BLOCKING else "internal",
                severity=severity,  # type: ignore[arg-type]
                message=format_lazy_named(message, marker=marker),
                location=location,
                display_text=display_text,
                start=start,
                end=end,
            )
        )
    return findings
