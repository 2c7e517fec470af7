"""Where a finding of the automated checks is, in words the editor knows (model-free)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext, pgettext

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
