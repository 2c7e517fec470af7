"""Checking a file row by row before anything is written.

:class:`RowParser` turns the cells of one row into typed values and the page they describe,
and applies the page model's own rules to it (``full_clean``: required fields, lengths,
choices, the model's ``clean()`` such as the date order and the date a validity changed), so
those rules are not written twice. :func:`validate` adds what only the whole file and the
database can tell: a value repeated in the file, an index number already issued, a legacy key
seen twice, the checks of page kinds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from wagtail.models import Page

from ...core.models import DisclosurePage, IndexNumber, Validity
from .columns import (
    COLUMNS_BY_KEY,
    DATE_COLUMNS,
    Column,
    DateProblem,
    _key,
    _Lookups,
    map_headers,
    parse_date,
    plain_or_rich_text,
    split_list,
    topic_path,
    validity_lookup,
)
from .kinds import PageKind, page_kinds
from .problems import BadCell, BlockedRow, Problem, cell_text, excerpt
from .reading import Table, _is_blank

TEXT_COLUMNS = ("title", "document_number", "keywords", "summary", "body", "interprets",
                "index_number", "legacy_id", "legacy_url", "attachments")


@dataclass
class ImportRow:
    """One valid row: typed values by column key (agency and category resolved to objects)."""

    row: int
    kind: PageKind
    values: dict[str, Any]
    # The page the model's own validation built and cleaned, taken (once) by the writer
    # instead of building it again.
    page: Any = field(default=None, repr=False, compare=False)

    @property
    def legacy_key(self) -> str | None:
        return self.values.get("legacy_key") or None


@dataclass
class ImportContext:
    parent: Page
    publish: bool = False
    rows: list[ImportRow] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # column key -> header in the file
    user: Any = None
    reason: str = ""
    override_reason: str = ""  # with publish: overrides every blocking finding, logged per page
    blocked: list[BlockedRow] = field(default_factory=list)  # rows not released, not created
    attachments: Any = None  # an AttachmentSource (a folder or a .zip), or None
    unmapped_urls: list[Problem] = field(default_factory=list)  # old URLs without a redirect

    def column_name(self, key: str) -> str:
        return self.headers.get(key) or COLUMNS_BY_KEY[key].label


@dataclass
class Validation:
    rows: list[ImportRow]
    problems: list[Problem]
    total: int
    context: ImportContext
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems if p.row is not None})


def legacy_url_path(url: str) -> str | None:
    """The path (and query) of an old URL as Wagtail's redirects store it, or None when it is
    not an http(s) URL or a path."""
    from wagtail.contrib.redirects.models import Redirect

    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if not parts.scheme and not text.startswith("/"):
        return None
    if parts.scheme and not parts.netloc:
        return None
    path = Redirect.normalise_path(text)
    return path if path and path != "/" else None


# Errors of the model's own rules, as problem codes of the report.
_FIELD_CODES = {"max_length": "too_long", "blank": "required", "null": "required",
                "required": "required", "invalid_choice": "invalid"}
_CLEAN_CODES = {"validity_changed_on": "validity_date_required", "published_date": "date_order"}
# Fields the parser resolves itself (foreign keys were looked up; tree fields are set when
# the page is written): not validated again by full_clean, which would query for each.
_TREE_FIELDS = {"path", "depth", "numchild", "url_path", "slug", "draft_title"}


def _clean_exclude(model) -> list[str]:
    return [f.name for f in model._meta.get_fields()
            if isinstance(f, models.ForeignKey | models.OneToOneField) or f.name in _TREE_FIELDS]


class RowParser:
    """Typed values of one row, and the model's verdict on the page they make."""

    def __init__(self, mapping: dict[int, Column], context: ImportContext):
        self.mapping = mapping
        self.context = context
        self.lookups = _Lookups(context.parent)
        self.known_kinds, self.planned_kinds = page_kinds.lookup()
        self.validity = validity_lookup()
        self.kind_columns = page_kinds.extra_columns()
        self.redirects = apps.is_installed("wagtail.contrib.redirects")
        self._exclude: dict[type, list[str]] = {}
        self._field_columns: dict[str, dict[str, str]] = {}

    def parse(self, number: int, cells: list[Any]) -> tuple[ImportRow | None, list[Problem]]:
        context = self.context
        row_problems: list[Problem] = []

        def problem(code, message, key=None, value=""):
            row_problems.append(Problem(code, message, row=number, column=key,
                                        value=excerpt(value)))

        extra = [c for i, c in enumerate(cells) if i not in self.mapping and not _is_blank([c])]
        if extra:
            problem("extra_values", _(
                "The row has values in columns without a header (%(values)s)."
            ) % {"values": "、".join(f"“{excerpt(c)}”" for c in extra[:3])})

        raw: dict[str, Any] = {}
        for index, column in self.mapping.items():
            cell = cells[index] if index < len(cells) else None
            if isinstance(cell, BadCell):
                name = context.column_name(column.key)
                if cell.code == "formula_no_value":
                    problem(cell.code, _(
                        "%(column)s: the formula %(formula)s has no saved value; open the file in "
                        "Excel, let it calculate and save it, or paste values only."
                    ) % {"column": name, "formula": excerpt(cell.detail)}, column.key, cell.detail)
                else:
                    problem(cell.code, _("%(column)s: the formula gives the error %(value)s.")
                            % {"column": name, "value": excerpt(cell.detail)},
                            column.key, cell.detail)
                cell = None
            raw[column.key] = cell

        values: dict[str, Any] = {key: cell_text(raw.get(key)) for key in TEXT_COLUMNS}

        # Page type
        kind_text = cell_text(raw.get("kind"))
        kind = self.known_kinds.get(kind_text.casefold()) if kind_text else page_kinds.default
        if kind is None:
            if kind_text.casefold() in self.planned_kinds:
                problem("kind_unsupported", _("Type “%(value)s” is not supported yet.")
                        % {"value": excerpt(kind_text)}, "kind", kind_text)
            else:
                problem("kind_unknown", _("Unknown type “%(value)s” (use %(choices)s).") % {
                    "value": excerpt(kind_text), "choices": "、".join(sorted(page_kinds.codes())),
                }, "kind", kind_text)
        else:
            for key in self.kind_columns - kind.columns:
                if values.get(key):
                    problem("not_applicable", _(
                        "%(column)s does not apply to items of type “%(kind)s”."
                    ) % {"column": context.column_name(key), "kind": kind.code}, key, values[key])
            if not kind.get_model().can_exist_under(context.parent):
                problem("not_allowed_here", _(
                    "Items of type “%(kind)s” cannot be created under “%(parent)s”."
                ) % {"kind": kind.code, "parent": context.parent.title}, "kind", kind.code)

        values["agency"] = self._agency(cell_text(raw.get("agency")), problem)
        values["category"] = self._topic(cell_text(raw.get("category")), problem)

        for key in DATE_COLUMNS:
            value = raw.get(key)
            try:
                values[key] = parse_date(value)
            except DateProblem as exc:
                values[key] = None
                text = cell_text(value)
                if exc.code == "date_impossible":
                    message = _("%(column)s: “%(value)s” is not a real date.")
                else:
                    message = _("%(column)s: “%(value)s” is not a date (write 2021-02-03, "
                                "2021/2/3 or 2021年2月3日).")
                problem(exc.code, message % {"column": context.column_name(key),
                                             "value": excerpt(text)}, key, text)
        if context.publish and not values["published_date"] and not any(
                p.column == "published_date" for p in row_problems):
            problem("published_date_required", _(
                "%(column)s is empty: items moved over from a legacy system keep their original "
                "publication date.") % {"column": context.column_name("published_date")},
                "published_date")

        validity_text = cell_text(raw.get("validity"))
        validity = Validity.VALID
        if validity_text:
            validity = self.validity.get(_key(validity_text))
            if validity is None:
                problem("validity_unknown", _(
                    "Unknown validity “%(value)s” (use 有效, 修改, 废止 or 失效).")
                    % {"value": excerpt(validity_text)}, "validity", validity_text)
                validity = Validity.VALID
        values["validity"] = validity.value

        index_number = values["index_number"]
        if index_number and not context.publish:
            problem("index_number_not_allowed", _(
                "%(column)s “%(value)s”: legacy index numbers are kept only when moving "
                "published items over (--publish). Drafts get their number when first "
                "released; leave the column empty."
            ) % {"column": context.column_name("index_number"), "value": excerpt(index_number)},
                "index_number", index_number)

        values["legacy_path"] = None
        if values["legacy_url"]:
            if not self.redirects:
                problem("redirects_not_installed", _(
                    "%(column)s: old URLs become redirects, which needs Wagtail's redirects app "
                    "(wagtail.contrib.redirects) in INSTALLED_APPS.") % {
                    "column": context.column_name("legacy_url")}, "legacy_url")
            else:
                values["legacy_path"] = legacy_url_path(values["legacy_url"])
                if values["legacy_path"] is None:
                    problem("legacy_url_invalid", _(
                        "%(column)s “%(value)s” is not a web address (http://…, https://… or a "
                        "path beginning with /).") % {
                        "column": context.column_name("legacy_url"),
                        "value": excerpt(values["legacy_url"])},
                        "legacy_url", values["legacy_url"])
        values["legacy_key"] = (values["legacy_id"] or (index_number if context.publish else "")
                                or values["legacy_path"] or None)

        values["attachment_files"] = split_list(values["attachments"])
        if values["attachment_files"]:
            source = context.attachments
            if source is None:
                problem("attachments_no_source", _(
                    "%(column)s lists files, but no folder or .zip file of attachments was "
                    "given (--attachments).") % {"column": context.column_name("attachments")},
                    "attachments", values["attachments"])
            else:
                for name in values["attachment_files"]:
                    reason = source.problem(name)
                    if reason:
                        problem(reason[0], _("%(column)s “%(value)s”: %(reason)s") % {
                            "column": context.column_name("attachments"),
                            "value": excerpt(name), "reason": reason[1]}, "attachments", name)

        values["body"] = plain_or_rich_text(values["body"]) if not row_problems else ""
        page = None
        if kind is not None and not row_problems:
            page = self._model_rules(number, kind, values, problem)
        if kind is None or row_problems:
            return None, row_problems
        return ImportRow(row=number, kind=kind, values=values, page=page), row_problems

    def _agency(self, text, problem):
        if text:
            found = self.lookups.agency(text)
            if len(found) == 1:
                return found[0]
            if not found:
                problem("agency_unknown", _("Unknown agency “%(value)s”.")
                        % {"value": excerpt(text)}, "agency", text)
            else:
                problem("agency_ambiguous", _(
                    "The agency “%(value)s” is ambiguous: it could be %(matches)s. Give the full "
                    "name.") % {"value": excerpt(text),
                                "matches": "、".join(a.name for a in found)}, "agency", text)
            return None
        if self.lookups.default_agency is not None:
            return self.lookups.default_agency
        problem("agency_required", _(
            "%(column)s is empty and the site has no default agency."
        ) % {"column": self.context.column_name("agency")}, "agency")
        return None

    def _topic(self, text, problem):
        if not text:
            return None
        found = self.lookups.topic(text)
        if len(found) == 1:
            return found[0]
        if not found:
            problem("category_unknown", _("Unknown category “%(value)s”.")
                    % {"value": excerpt(text)}, "category", text)
        else:
            problem("category_ambiguous", _(
                "The category “%(value)s” is ambiguous: it could be %(matches)s. Give its "
                "path, e.g. “%(example)s”."
            ) % {"value": excerpt(text), "matches": "、".join(topic_path(t) for t in found),
                 "example": topic_path(found[0])}, "category", text)
        return None

    def _model_rules(self, number, kind: PageKind, values, problem):
        """The page model's own validation (``full_clean``), reported per column; returns
        the page it checked."""
        page = build_page(ImportRow(number, kind, values))
        model = type(page)
        if model not in self._exclude:
            self._exclude[model] = _clean_exclude(model)
            self._field_columns[model] = {name: key for key, name in kind.fields.items()}
        columns = self._field_columns[model]
        page.locale_id = self.context.parent.locale_id
        page.slug = "x"
        try:
            page.full_clean(exclude=self._exclude[model], validate_unique=False,
                            validate_constraints=False)
        except ValidationError as exc:
            for name, errors in exc.error_dict.items():
                key = columns.get(name, name if name in COLUMNS_BY_KEY else None)
                column = self.context.column_name(key) if key else name
                for error in errors:
                    code = (_CLEAN_CODES.get(name, "invalid") if error.code is None
                            else _FIELD_CODES.get(error.code, error.code or "invalid"))
                    if code == "required":
                        code = f"{key or name}_required"
                    message = " ".join(ValidationError(error).messages)
                    problem(code, _("%(column)s: %(message)s") % {
                        "column": column, "message": message}, key,
                        values.get(key, "") if isinstance(values.get(key), str) else "")
        return page


def build_page(row: ImportRow) -> DisclosurePage:
    model = row.kind.get_model()
    values = row.values
    page = model(**{name: values[key] for key, name in row.kind.fields.items() if key in values})
    if values.get("index_number"):
        page.index_number = values["index_number"]  # a legacy number, kept as it is
    return page


def validate(table: Table, *, parent: Page, publish: bool = False, attachments=None,
             keep_rows: bool = True, written_before: int = 0, spool=None) -> Validation:
    """Check every row; return the typed rows and every problem found (with row numbers).

    With ``keep_rows=False`` only the rows of kinds with hooks are kept (their checks need
    them), so that memory does not grow with the file: the writer reads the rows again, from
    ``spool`` or from the file.
    ``written_before``: rows before this row number were written by the job being resumed,
    so the index numbers they hold are theirs. ``spool`` (a :class:`.spool.RowSpool`) is given
    each row from ``written_before`` on that :func:`parsed_rows` would give the writer.
    """
    mapping = map_headers(table.headers)
    context = ImportContext(
        parent=parent, publish=publish, attachments=attachments,
        headers={c.key: cell_text(table.headers[i]) for i, c in mapping.items()},
    )
    parser = RowParser(mapping, context)
    problems: list[Problem] = []
    rows: list[ImportRow] = []
    good: dict[int, tuple[PageKind, str | None]] = {}  # row -> kind, legacy key
    numbers_seen: dict[str, int] = {}
    numbers_by_row: dict[int, str] = {}
    keys_seen: dict[str, int] = {}
    total = 0
    for number, cells in table.rows:
        total += 1
        row, row_problems = parser.parse(number, cells)
        if spool is not None and row is not None and not row_problems \
                and number >= written_before:
            spool.add(row)
        if row is not None:
            index_number = row.values["index_number"]
            if index_number and number >= written_before:
                folded = index_number.casefold()
                if folded in numbers_seen:
                    row_problems.append(Problem("index_number_duplicate", _(
                        "The index number %(value)s appears more than once in the file (also "
                        "in row %(other)d).") % {"value": excerpt(index_number),
                                                 "other": numbers_seen[folded]},
                        row=number, column="index_number", value=excerpt(index_number)))
                else:
                    numbers_seen[folded] = number
                    numbers_by_row[number] = index_number
            key = row.legacy_key
            if key and not row_problems:
                if key in keys_seen:
                    row_problems.append(Problem("legacy_key_duplicate", _(
                        "The legacy key %(value)s appears more than once in the file (also in "
                        "row %(other)d).") % {"value": excerpt(key), "other": keys_seen[key]},
                        row=number, column="legacy_id", value=excerpt(key)))
                else:
                    keys_seen[key] = number
        if row is not None and not row_problems:
            good[number] = (row.kind, row.legacy_key)
            if keep_rows or row.kind.has_hooks:
                rows.append(row)
        problems.extend(row_problems)

    # Index numbers already issued or kept: fine only for the page this row updates.
    if numbers_by_row:
        from ..models import ImportedItem

        keyed = {k: n for k, n in keys_seen.items() if n in numbers_by_row}
        owner_of_key: dict[str, int] = {}
        key_list = list(keyed)
        for start in range(0, len(key_list), 500):
            owner_of_key.update(ImportedItem.objects.filter(
                catalogue=parent, legacy_key__in=key_list[start:start + 500]
            ).values_list("legacy_key", "page_id"))
        updates = {keyed[k]: page_id for k, page_id in owner_of_key.items()}
        issued: dict[str, set[int | None]] = {}
        values_list = list(numbers_by_row.values())
        for start in range(0, len(values_list), 500):
            chunk = values_list[start:start + 500]
            for value, page_id in IndexNumber.objects.filter(value__in=chunk).values_list(
                    "value", "page_id"):
                issued.setdefault(value.casefold(), set()).add(page_id)
            for value, page_id in DisclosurePage.objects.filter(index_number__in=chunk) \
                    .values_list("index_number", "pk"):
                issued.setdefault(value.casefold(), set()).add(page_id)
        for number, value in numbers_by_row.items():
            owners = issued.get(value.casefold())
            if owners and (updates.get(number) is None or owners != {updates[number]}):
                good.pop(number, None)
                problems.append(Problem("index_number_exists", _(
                    "The index number %(value)s is already in use.") % {"value": excerpt(value)},
                    row=number, column="index_number", value=value))

    bad_rows = {p.row for p in problems}
    rows = [r for r in rows if r.row not in bad_rows]
    context.rows = [r for r in rows if r.kind.has_hooks]
    for kind in page_kinds:
        if kind.check is not None:
            kind_rows = [r for r in context.rows if r.kind is kind]
            if kind_rows:
                problems.extend(kind.check(kind_rows, context))
    bad_rows = {p.row for p in problems}
    rows = [r for r in rows if r.row not in bad_rows]
    context.rows = rows if keep_rows else [r for r in rows if r.kind.has_hooks]
    problems.sort(key=lambda p: (p.row or 0))
    return Validation(rows=rows, problems=problems, total=total, context=context)


def parsed_rows(table: Table, context: ImportContext):
    """The typed rows of a file that :func:`validate` passed, read again (for the writer of a
    large file, which does not keep them all): rows with problems are left out."""
    parser = RowParser(map_headers(table.headers), context)
    for number, cells in table.rows:
        row, problems = parser.parse(number, cells)
        if row is not None and not problems:
            yield row
