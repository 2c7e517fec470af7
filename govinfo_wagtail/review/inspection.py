"""Run the automated checks on a revision: title, summary, body text and attached files."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max

from ..text.extraction import DEFAULT_LIMITS
from ..text.html import html_to_text
from .checks import Finding, LexiconMatcher, run_checks
from .checks.findings import BLOCKING
from .locations import location_label
from .records import CheckOverride, LexiconWord

_matcher_cache: dict[tuple, LexiconMatcher] = {}


def lexicon_matcher() -> LexiconMatcher:
    """The site lexicon, built once per version of the lexicon table (multi-pattern matcher)."""
    stamp = LexiconWord.objects.aggregate(n=Count("pk"), at=Max("updated_at"), top=Max("pk"))
    key = (stamp["n"], stamp["at"], stamp["top"])
    if key not in _matcher_cache:
        _matcher_cache.clear()
        _matcher_cache[key] = LexiconMatcher(
            LexiconWord.objects.values("word", "correction", "severity")
        )
    return _matcher_cache[key]


def _attachments(obj: Any) -> list[tuple[str, Any]]:
    files = []
    for block in getattr(obj, "attachments", None) or []:
        document = block.value.get("document") if hasattr(block.value, "get") else None
        if document is None:
            continue
        name = os.path.basename(document.file.name) or document.title
        try:
            with document.file.open("rb") as fh:
                # One byte over the limit is enough for the extractor to say "too large".
                files.append((name, fh.read(DEFAULT_LIMITS.file_bytes + 1)))
        except OSError:
            # Unreadable: handed on as empty bytes, which the extractor reports "not checked".
            files.append((name, b""))
    return files


@dataclass
class CheckReport:
    findings: list[Finding]
    overrides: dict[str, Any] = field(default_factory=dict)  # fingerprint → CheckOverride
    model: Any = None  # the page class, for the names of the fields a finding is in

    def location_label(self, location: str) -> str:
        return location_label(self.model, location)

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == BLOCKING]

    @property
    def unresolved(self) -> list[Finding]:
        return [f for f in self.blocking if f.fingerprint not in self.overrides]

    def rows(self) -> list[dict[str, Any]]:
        rows = []
        for finding in self.findings:
            row = finding.as_dict()
            row["override"] = self.overrides.get(finding.fingerprint)
            row["location_label"] = self.location_label(finding.location)
            rows.append(row)
        return rows


def check_revision(revision, content=None, *, matcher: LexiconMatcher | None = None,
                   overrides: list | None = None) -> CheckReport:
    """Findings for exactly this revision's content, with the overrides already recorded for
    its page (an override is kept per finding fingerprint).

    ``content`` is the revision's content as a page object when the caller has it (the
    release service's batch path), else it is built from the revision. ``matcher`` and
    ``overrides`` (the page's ``CheckOverride`` rows, oldest first) are for callers that
    looked them up once for many revisions."""
    obj = content if content is not None else revision.as_object()
    if hasattr(obj, "checked_texts"):  # every released page type (core.ReleasedPageMixin)
        texts = obj.checked_texts()
    else:
        texts = {}
        for name in ("summary", "document_number", "keywords"):
            if getattr(obj, name, ""):
                texts[name] = str(getattr(obj, name))
        if getattr(obj, "body", ""):
            texts["body"] = html_to_text(str(obj.body))
    findings = run_checks(obj.title, texts, _attachments(obj),
                          matcher if matcher is not None else lexicon_matcher())
    if overrides is None:
        overrides = CheckOverride.objects.filter(page_id=revision.object_id).order_by(
            "created_at")
    return CheckReport(findings, {o.fingerprint: o for o in overrides}, model=type(obj))
