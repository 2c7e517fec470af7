"""What a check reports: one ``Finding`` per problem, safe to show and to log."""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from typing import Any, Literal

from django.db.models import TextChoices
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

__all__ = ["CONTEXT_CHARS", "Finding", "FindingKind", "Kind", "Severity", "format_lazy_named",
           "make_finding"]

Kind = Literal["lexicon", "personal_data", "secrecy", "not_checked"]


class FindingKind(TextChoices):
    """The labels of ``Kind``, for recorded findings (overrides) shown in the admin."""

    LEXICON = "lexicon", _("Wrong or sensitive word")
    PERSONAL_DATA = "personal_data", _("Personal data")
    SECRECY = "secrecy", _("Secrecy marking")
    NOT_CHECKED = "not_checked", _("Not checked")
Severity = Literal["blocking", "warning"]

BLOCKING: Severity = "blocking"
WARNING: Severity = "warning"

CONTEXT_CHARS = 20


def _format(message: Any, params: dict[str, Any]) -> str:
    return str(message) % params


# Translated when shown, not when the check runs (checks may run in a background task).
_format_lazy = lazy(_format, str)


def format_lazy_named(message: Promise | str, **params: Any) -> Promise:
    """``gettext_lazy("… %(name)s …")`` with named placeholders, still lazy."""
    return _format_lazy(message, params)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found by an automated check.

    ``matched`` and the context are masked for personal data: a finding never carries a
    full ID, phone or card number into the UI, the logs or the audit trail.
    """

    kind: Kind
    code: str
    severity: Severity
    message: Promise | str
    # "title", "body", "attachment:<name>", "attachment:<name>:page:2",
    # "attachment:<name>:metadata:author" …
    location: str
    start: int = 0  # offsets in the text of ``location``; 0, 0 for a whole-file finding
    end: int = 0
    matched: str = ""
    context_before: str = ""
    context_after: str = ""
    suggestion: str = ""  # the correction, for a lexicon entry

    @property
    def blocking(self) -> bool:
        return self.severity == BLOCKING

    @property
    def context(self) -> str:
        return f"{self.context_before}{self.matched}{self.context_after}"

    @property
    def fingerprint(self) -> str:
        """Stable across edits elsewhere in the text (no offsets), so a recorded override
        still applies to the same finding when the checks run again."""
        raw = "\x1f".join((self.kind, self.code, self.location, self.matched))
        return hashlib.sha256(raw.encode()).hexdigest()[:16]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, message translated in the active language."""
        data = asdict(self)
        data["message"] = str(self.message)
        data["context"] = self.context
        data["fingerprint"] = self.fingerprint
        return data


_WS = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _WS.sub(" ", text)


def make_finding(
    *,
    kind: Kind,
    code: str,
    severity: Severity,
    message: Promise | str,
    location: str,
    display_text: str,
    start: int,
    end: int,
    suggestion: str = "",
) -> Finding:
    """A finding at ``[start, end)``; the matched text and context come from
    ``display_text``, the location's text with personal data already masked."""
    before = display_text[max(0, start - CONTEXT_CHARS) : start]
    after = display_text[end : end + CONTEXT_CHARS]
    return Finding(
        kind=kind,
        code=code,
        severity=severity,
        message=message,
        location=location,
        start=start,
        end=end,
        matched=display_text[start:end],
        context_before=("…" if start > CONTEXT_CHARS else "") + _squash(before).lstrip(),
        context_after=_squash(after).rstrip()
        + ("…" if end + CONTEXT_CHARS < len(display_text) else ""),
        suggestion=suggestion,
    )
