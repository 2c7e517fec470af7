"""Run the automated checks on a revision: title, summary, body text and attached files."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Max
from django.utils.translation import gettext, pgettext

from ..text.extraction import DEFAULT_LIMITS
from ..text.html import html_to_text
from .checks import Finding, LexiconMatcher, run_checks
from .checks.findings import BLOCKING

_matcher_cache: dict[tuple, LexiconMatcher] = {}


def lexicon_matcher() -> LexiconMatcher:
    """The site lexicon, built once per version of the lexicon table (multi-pattern matcher)."""
    from .models import LexiconWord

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


# "attachment:<name>", optionally followed by the part of the file (see text.extraction).
_ATTACHMENT = re.compile(
    r"^attachment:(?P<name>.+?)(?::(?P<part>page:\d+|sheet:.+|header|footer|footnotes|endnotes"
    r"|metadata:.+))?$"
)


def _attachment_part(part: str) -> str:
    if part.startswith("page:"):
        return gettext("page %(number)s") % {"number": part[len("page:"):]}
    if part.startswith("metadata:"):
        key = part[len("metadata:"):]
        if key.startswith(("comment:", "annotation:")):
            return gettext("comments and annotations")
        if key.startswith("tracked_deletion:") or key == "revision_authors":
            return gettext("tracked changes")
        if key.startswith("form:"):
            return gettext("form fields")
        return gettext("file properties")
    if part.startswith("sheet:"):
        sheet = part[len("sheet:"):]
        if sheet.endswith(":header"):
            return gettext("header and footer of sheet %(sheet)s") % {"sheet": sheet[:-7]}
        return gettext("sheet %(sheet)s") % {"sheet": sheet}
    return {
        "header": pgettext("part of a document", "header"),
        "footer": pgettext("part of a document", "footer"),
        "footnotes": gettext("footnotes"),
        "endnotes": gettext("endnotes"),
    }.get(part, part)


def location_label(model: Any, location: str) -> str:
    """Where a finding is, as the editor knows it: the field's verbose name (标题, 正文…), or
    the attachment and its part (附件 a.pdf，第 2 页), never the code ("body")."""
    match = _ATTACHMENT.match(location)
    if match:
        if match["part"]:
            return gettext("Attachment %(name)s, %(part)s") % {
                "name": match["name"], "part": _attachment_part(match["part"])}
        return gettext("Attachment: %(name)s") % {"name": match["name"]}
    try:
        return str(model._meta.get_field(location).verbose_name)
    except (AttributeError, FieldDoesNotExist):
        return location


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
    from .models import CheckOverride

    obj = content if content is not None else revision.as_object()
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
