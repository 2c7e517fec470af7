"""Import of policies and interpretations: their kinds in the kernel's import-kind registry.

``类型`` 政策文件 / 政策解读; ``解读对象`` names the interpreted policies by 文号 or 标题 (several
separated by ``;``), either already on the site or in an earlier row of the same file, so that
a policy is created (and, with ``--publish``, released) before its interpretations.
A policy moved over with ``--publish`` goes live without an interpretation; the import's
reason is recorded on it, and it appears on the list of policies awaiting interpretation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..core.import_kinds import PageKind, Problem, register_page_kind
from .models import InterpretedPolicy, PolicyDocumentPage

_SEPARATORS = re.compile(r"[;；\n]+")


def _targets(text: str) -> list[str]:
    return [t.strip() for t in _SEPARATORS.split(text or "") if t.strip()]


def _find_existing(target: str, parent) -> list[int]:
    site_root = parent.get_site().root_page if parent.get_site() else parent
    qs = PolicyDocumentPage.objects.descendant_of(site_root, inclusive=True)
    by_number = list(qs.filter(document_number=target).values_list("pk", flat=True))
    return by_number or list(qs.filter(title=target).values_list("pk", flat=True))


def check_interpretations(rows: list, context) -> Iterable[Problem]:
    # rows and context: the catalogue import's ImportRow and ImportContext (duck-typed)
    column = context.column_name("interprets")
    earlier: dict[str, int] = {}  # 文号/标题 of policy rows seen so far -> row number
    for row in context.rows:
        if row.kind.code == "policy":
            for key in ("document_number", "title"):
                if row.values.get(key):
                    earlier.setdefault(row.values[key], row.row)
            continue
        if row.kind.code != "interpretation":
            continue
        targets = _targets(row.values.get("interprets", ""))
        if not targets:
            yield Problem("interprets_required", _(
                "%(column)s is empty: an interpretation names the policy it interprets "
                "(文号 or 标题).") % {"column": column}, row.row, "interprets")
        for target in targets:
            if target in earlier:
                continue
            found = _find_existing(target, context.parent)
            if not found:
                yield Problem("interprets_unknown", _(
                    "%(column)s “%(value)s”: no policy document with this document number or "
                    "title on the site or in an earlier row.") % {
                    "column": column, "value": target}, row.row, "interprets", target)
            elif len(found) > 1:
                yield Problem("interprets_ambiguous", _(
                    "%(column)s “%(value)s” matches %(count)d policy documents; give the "
                    "document number.") % {"column": column, "value": target,
                                             "count": len(found)},
                    row.row, "interprets", target)


def prepare_policy(page, row, context) -> None:
    if context.publish:
        page.interpretation_exemption = _(
            "Moved over from a legacy system: %(reason)s") % {"reason": context.reason}


def prepare_interpretation(page, row, context) -> None:
    links, seen = [], set()
    for target in _targets(row.values.get("interprets", "")):
        # Earlier rows were saved in this transaction, so they are found like existing pages.
        found = _find_existing(target, context.parent)
        if not found:
            # Checked before the import: the policy was in an earlier row, which was not
            # imported (its release was blocked). Without it, the interpretation would go
            # live with no link, before its policy.
            raise ValidationError(_(
                "%(column)s “%(value)s”: the policy document of an earlier row was not "
                "imported, so this interpretation was not imported either. Import the policy "
                "first.") % {"column": context.column_name("interprets"), "value": target},
                code="interprets_not_imported")
        for pk in found[:1]:
            if pk not in seen:
                seen.add(pk)
                links.append(InterpretedPolicy(policy_id=pk))
    page.policy_links = links


def export_interpretation(page) -> dict[str, str]:
    return {"interprets": "；".join(
        p.document_number or p.title for p in page.get_policies())}


def register_kinds() -> None:
    # Created one at a time, in the file's order (bulk=False): an interpretation's links
    # need the ORM's save, and its policy in an earlier row is released before it.
    register_page_kind(PageKind(
        code="policy", model="govinfo_policies.PolicyDocumentPage",
        labels=("政策", "政策文件"), prepare=prepare_policy, bulk=False,
    ))
    register_page_kind(PageKind(
        code="interpretation", model="govinfo_policies.InterpretationPage",
        labels=("解读", "政策解读"), columns=frozenset({"interprets"}),
        check=check_interpretations, prepare=prepare_interpretation,
        export=export_interpretation, bulk=False,
    ))
