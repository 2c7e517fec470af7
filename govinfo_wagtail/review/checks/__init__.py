"""Automated pre-release checks of the review gates: 错敏词, personal data, secrecy markings.

``run_checks`` is what a gate (and the editor's "check before submitting" button) calls; the
parts are pure functions with no database access, so they run the same in a view, a
background task or a management command.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import IO, Any

from django.utils.translation import gettext_lazy as _

from ...text.extraction import DEFAULT_LIMITS, Extracted, Limits, extract
from ...text.html import html_to_text
from ...text.normalise import normalise
from .findings import BLOCKING, WARNING, Finding, format_lazy_named, make_finding
from .lexicon import LexiconEntry, LexiconMatcher, lexicon_findings
from .personal_data import (
    find_personal_data,
    mask_text,
    numbers_to_mask,
    personal_data_findings,
)
from .secrecy import secrecy_findings

__all__ = [
    "Extracted",
    "Finding",
    "LexiconEntry",
    "LexiconMatcher",
    "check_attachment",
    "check_text",
    "extract",
    "html_to_text",
    "run_checks",
]

NOT_CHECKED_MESSAGES = {
    "unsupported_type": _(
        "%(name)s was not checked: files of this type cannot be read (%(detail)s). "
        "Check it by hand, or attach it as PDF, DOCX or XLSX."
    ),
    "encrypted": _("%(name)s was not checked: it is encrypted or password-protected."),
    "corrupt": _("%(name)s was not checked: the file could not be read (%(detail)s)."),
    "too_large": _("%(name)s was not checked completely: it is too large (%(detail)s)."),
    "no_text_layer": _(
        "%(name)s was not checked completely: pages %(detail)s have no text (scanned images?)."
    ),
    "embedded_files": _(
        "%(name)s was not checked completely: it contains embedded files (%(detail)s)."
    ),
}
MSG_HIDDEN = _(
    "%(name)s still contains comments, annotations or tracked changes, which readers can open; "
    "remove them before publishing."
)

LexiconLike = LexiconMatcher | Iterable[Any] | None


def _matcher(lexicon: LexiconLike) -> LexiconMatcher:
    if isinstance(lexicon, LexiconMatcher):
        return lexicon
    return LexiconMatcher(lexicon or ())


def check_text(
    text: str, location: str, lexicon: LexiconLike = None, *, header: bool = False
) -> list[Finding]:
    """All findings in one text. ``header=True``: every line counts as a header line
    (titles, page headers, metadata fields)."""
    if not text or not text.strip():
        return []
    norm = normalise(text)
    hits = find_personal_data(norm)
    # Every finding's context comes from the masked text, so no snippet shows a number; the
    # mask also covers numbers shaped like personal data that are not findings (an ID
    # number with a wrong check digit is still somebody's).
    masked = numbers_to_mask(norm, hits)
    display = mask_text(text, masked) if masked else text
    findings = personal_data_findings(hits, location, display)
    findings += secrecy_findings(norm, location, display, header=header)
    findings += lexicon_findings(_matcher(lexicon), norm, location, display)
    findings.sort(key=lambda f: (f.start, f.end, f.kind))
    return findings


def check_attachment(
    name: str,
    file_obj: IO[bytes] | bytes,
    lexicon: LexiconLike = None,
    limits: Limits = DEFAULT_LIMITS,
) -> list[Finding]:
    matcher = _matcher(lexicon)
    extracted = extract(file_obj, name, limits)
    base = f"attachment:{name}"
    findings: list[Finding] = []
    for part, text in extracted.text_parts:
        findings += check_text(
            text, f"{base}:{part}" if part else base, matcher, header=part.endswith("header")
        )
    for key, value in extracted.metadata.items():
        findings += check_text(value, f"{base}:metadata:{key}", matcher, header=True)
    if extracted.hidden_content:
        findings.append(_whole_file("secrecy", "hidden_content", WARNING, MSG_HIDDEN, name, ""))
    if extracted.error:
        message = NOT_CHECKED_MESSAGES.get(extracted.error, NOT_CHECKED_MESSAGES["corrupt"])
        findings.append(
            _whole_file("not_checked", extracted.error, BLOCKING, message, name, extracted.detail)
        )
    return findings


def _whole_file(
    kind: Any, code: str, severity: Any, message: Any, name: str, detail: str
) -> Finding:
    return make_finding(
        kind=kind,
        code=code,
        severity=severity,
        message=format_lazy_named(message, name=name, detail=detail),
        location=f"attachment:{name}",
        display_text="",
        start=0,
        end=0,
    )


def run_checks(
    title: str,
    texts: Mapping[str, str],
    attachments: Iterable[tuple[str, IO[bytes] | bytes]],
    lexicon: LexiconLike = None,
) -> list[Finding]:
    """Findings for a page: its title, its other texts (location → plain text; convert rich
    text with ``html_to_text``) and its attachments ((file name, file object) pairs).

    ``lexicon`` is a built ``LexiconMatcher`` (build it once per lexicon version) or an
    iterable of entries. An attachment that cannot be read yields a blocking "not_checked"
    finding rather than silence.
    """
    matcher = _matcher(lexicon)
    findings = check_text(title, "title", matcher, header=True)
    for location, text in texts.items():
        findings += check_text(text, location, matcher)
    for name, file_obj in attachments:
        findings += check_attachment(name, file_obj, matcher)
    return findings
