"""The building blocks of a declarative annual-report format.

A format is data: its tables (blocks of rows × columns with the official labels), the
arithmetic rules between cells (勾稽关系) and the cross-year rules. The admin table editor,
validation, HTML, PDF, charts and open-data exports all read these objects; a new official
format is a new description built from them, not new code.

Keys (``table_key``, ``row_key``, ``column_key``) are stable ASCII identifiers used in JSON
storage and open-data exports; labels are the official Chinese wording, used for display.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any, NamedTuple


class CellRef(NamedTuple):
    """The address of one cell: ``(table_key, row_key, column_key)``."""

    table: str
    row: str
    column: str


class Kind(StrEnum):
    """What a cell may hold."""

    INT = "int"  # a non-negative whole number (a count)
    SIGNED_INT = "signed_int"  # a whole number that may be negative (本年增/减)
    DECIMAL = "decimal"  # a non-negative amount that may have decimals (万元)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    # Labels of the header cells above this one, outermost first (申请人情况 → 法人或其他组织).
    parents: tuple[str, ...] = ()
    kind: Kind = Kind.INT
    # Only for Kind.DECIMAL. Four places in 万元 is one yuan.
    decimal_places: int = 0
    unit: str = ""

    @property
    def parent_label(self) -> str | None:
        return self.parents[-1] if self.parents else None

    @property
    def path(self) -> tuple[str, ...]:
        return (*self.parents, self.label)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    # The ordinal printed before the label where the official table numbers sub-items ("1.").
    # Ordinals that are part of the official wording ("一、", "（一）") stay in the label.
    number: str = ""
    parent: str | None = None  # key of the group row this row belongs to
    level: int = 0
    # A group row is a heading spanning its sub-rows (（三）不予公开); it has no cells.
    group: bool = False

    @property
    def display_label(self) -> str:
        return f"{self.number}{self.label}"


@dataclass(frozen=True)
class RowSpec:
    """A row as written in a format description; ``build_rows`` adds parent and level."""

    key: str
    label: str
    number: str = ""
    children: tuple[RowSpec, ...] = ()


def row(key: str, label: str, number: str = "") -> RowSpec:
    return RowSpec(key, label, number)


def group(key: str, label: str, *children: RowSpec, number: str = "") -> RowSpec:
    return RowSpec(key, label, number, children)


def numbered(prefix: str, *labels: tuple[str, str]) -> tuple[RowSpec, ...]:
    """Sub-items numbered 1., 2., … with keys ``prefix_<suffix>``."""
    return tuple(
        RowSpec(f"{prefix}_{suffix}", label, f"{n}.")
        for n, (suffix, label) in enumerate(labels, start=1)
    )


def build_rows(
    specs: Iterable[RowSpec], parent: str | None = None, level: int = 0
) -> tuple[Row, ...]:
    rows: list[Row] = []
    for spec in specs:
        rows.append(Row(spec.key, spec.label, spec.number, parent, level, bool(spec.children)))
        rows.extend(build_rows(spec.children, spec.key, level + 1))
    return tuple(rows)


@dataclass(frozen=True)
class HeaderCell:
    label: str
    colspan: int = 1
    rowspan: int = 1
    column: str | None = None  # the column key when this is a leaf header


@dataclass(frozen=True)
class BodyRow:
    row: Row
    headers: tuple[HeaderCell, ...]  # row-label cells that start on this line
    cells: tuple[CellRef | None, ...]  # one per column; None where the cell does not exist


@dataclass(frozen=True)
class Block:
    """One rectangular grid of a table (table 二 has one block per article item)."""

    key: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    caption: str = ""  # e.g. 第二十条第（一）项, printed as a full-width row above the header
    # Label of the top-left header cell above the row labels (信息内容); "" for a blank cell,
    # None when the block has no row-label column at all (table 四).
    stub_label: str | None = ""
    # (row_key, column_key) pairs that do not exist in the official layout (greyed cells).
    absent: frozenset[tuple[str, str]] = frozenset()

    @property
    def data_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if not r.group)

    def has_cell(self, row_key: str, column_key: str) -> bool:
        return (
            row_key in self._rows
            and not self._rows[row_key].group
            and column_key in self._columns
            and (row_key, column_key) not in self.absent
        )

    def row(self, key: str) -> Row:
        return self._rows[key]

    def column(self, key: str) -> Column:
        return self._columns[key]

    @cached_property
    def _rows(self) -> dict[str, Row]:
        return {r.key: r for r in self.rows}

    @cached_property
    def _columns(self) -> dict[str, Column]:
        return {c.key: c for c in self.columns}

    @property
    def header_depth(self) -> int:
        return max(len(c.path) for c in self.columns)

    @property
    def stub_depth(self) -> int:
        """Number of row-label columns (1 + the deepest nesting of rows)."""
        if self.stub_label is None:
            return 0
        return max(r.level for r in self.rows) + 1

    def header_rows(self) -> list[list[HeaderCell]]:
        """The column header as rows of cells with spans, as in the official layout.

        Adjacent columns sharing a parent are merged under it; a leaf whose path is shorter
        than the deepest one stretches down (自然人 and 总计 beside 法人或其他组织 → …).
        """
        depth = self.header_depth
        lines: list[list[HeaderCell]] = [[] for _ in range(depth)]
        if self.stub_label is not None:
            lines[0].append(HeaderCell(self.stub_label, self.stub_depth, depth))
        for level in range(depth):
            index = 0
            while index < len(self.columns):
                column = self.columns[index]
                path = column.path
                if level >= len(path):
                    index += 1
                    continue
                if level == len(path) - 1:
                    lines[level].append(HeaderCell(path[level], 1, depth - level, column.key))
                    index += 1
                    continue
                prefix = path[: level + 1]
                span = 1
                while (
                    index + span < len(self.columns)
                    and self.columns[index + span].path[: level + 1] == prefix
                    and len(self.columns[index + span].path) > level + 1
                ):
                    span += 1
                lines[level].append(HeaderCell(path[level], span, 1))
                index += span
        return lines

    def body_rows(self, table_key: str) -> list[BodyRow]:
        """One line per data row, with the row-label cells (group labels span their rows)."""
        leaves_under: dict[str, int] = {}
        for r in self.data_rows:
            parent = r.parent
            while parent is not None:
                leaves_under[parent] = leaves_under.get(parent, 0) + 1
                parent = self._rows[parent].parent
        started: set[str] = set()
        lines = []
        for r in self.data_rows:
            headers: list[HeaderCell] = []
            if self.stub_label is not None:
                for ancestor in reversed(self.ancestors(r.key)):
                    if ancestor.key not in started:
                        started.add(ancestor.key)
                        headers.append(
                            HeaderCell(ancestor.display_label, 1, leaves_under[ancestor.key])
                        )
                headers.append(HeaderCell(r.display_label, self.stub_depth - r.level, 1))
            cells = tuple(
                CellRef(table_key, r.key, c.key) if self.has_cell(r.key, c.key) else None
                for c in self.columns
            )
            lines.append(BodyRow(r, tuple(headers), cells))
        return lines

    def ancestors(self, row_key: str) -> list[Row]:
        """Group rows above ``row_key``, nearest first."""
        found = []
        parent = self._rows[row_key].parent
        while parent is not None:
            found.append(self._rows[parent])
            parent = self._rows[parent].parent
        return found

    def row_name(self, row_key: str) -> str:
        """The row's label with its groups, for messages, e.g.
        三、本年度办理结果 （三）不予公开 1.属于国家秘密."""
        parts = [a.display_label for a in reversed(self.ancestors(row_key))]
        parts.append(self._rows[row_key].display_label)
        if self.caption:
            parts.insert(0, self.caption)
        return " ".join(p for p in parts if p)

    def column_name(self, column_key: str) -> str:
        """The column's header labels, leaving out headers that span the whole block
        (申请人情况), which say nothing about which column is meant."""
        path = self._columns[column_key].path
        shared = 0
        while shared < len(path) - 1 and all(
            len(c.path) > shared + 1 and c.path[shared] == path[shared] for c in self.columns
        ):
            shared += 1
        return " ".join(path[shared:])


@dataclass(frozen=True)
class Table:
    key: str
    section: str  # 二, 三 or 四: the report section the table belongs to
    title: str  # the section heading, e.g. 三、收到和处理政府信息公开申请情况
    blocks: tuple[Block, ...]

    def cells(self) -> Iterator[CellRef]:
        for block in self.blocks:
            for r in block.data_rows:
                for c in block.columns:
                    if block.has_cell(r.key, c.key):
                        yield CellRef(self.key, r.key, c.key)

    def block_of(self, row_key: str) -> Block:
        return self._block_of_row[row_key]

    def has_cell(self, row_key: str, column_key: str) -> bool:
        block = self._block_of_row.get(row_key)
        return block is not None and block.has_cell(row_key, column_key)

    @cached_property
    def _block_of_row(self) -> dict[str, Block]:
        return {r.key: b for b in self.blocks for r in b.rows}


class Relation(StrEnum):
    EQUAL = "="
    AT_LEAST = ">="


@dataclass(frozen=True)
class Term:
    cell: CellRef
    sign: int = 1  # +1 or -1
    previous: bool = False  # read from last year's report (cross-year rules)


@dataclass(frozen=True)
class Rule:
    """``target`` (relation) Σ sign × term.

    In ``ReportFormat.rules`` a failed rule is an error; in ``cross_year_rules`` a warning.
    """

    key: str
    target: CellRef
    terms: tuple[Term, ...]
    relation: Relation = Relation.EQUAL
    # The right-hand side in the official notation, e.g. "一 + 二 − 三（七）". When blank,
    # validation spells it out from the labels of the terms.
    formula: str = ""

    @property
    def cells(self) -> tuple[CellRef, ...]:
        return (self.target, *(t.cell for t in self.terms if not t.previous))


def row_total_rules(
    key: str,
    table: str,
    block: Block,
    target_column: str,
    term_columns: Iterable[str],
    formula: str = "",
) -> tuple[Rule, ...]:
    """For every data row of ``block``: target column = Σ term columns."""
    term_columns = tuple(term_columns)
    return tuple(
        Rule(
            f"{key}:{r.key}",
            CellRef(table, r.key, target_column),
            tuple(Term(CellRef(table, r.key, c)) for c in term_columns),
            formula=formula,
        )
        for r in block.data_rows
    )


def column_rules(
    key: str,
    table: str,
    block: Block,
    target_row: str,
    terms: Iterable[tuple[str, int]],
    formula: str = "",
    relation: Relation = Relation.EQUAL,
    previous: bool = False,
) -> tuple[Rule, ...]:
    """For every column of ``block``: target row (relation) Σ sign × term rows.

    With ``previous`` the term rows are read from last year's report.
    """
    terms = tuple(terms)
    return tuple(
        Rule(
            f"{key}:{c.key}",
            CellRef(table, target_row, c.key),
            tuple(Term(CellRef(table, r, c.key), sign, previous) for r, sign in terms),
            relation,
            formula,
        )
        for c in block.columns
    )


ExampleFigures = Mapping[str, Mapping[str, Mapping[str, Any]]]


@dataclass(frozen=True)
class ReportFormat:
    key: str
    name: Any  # a lazily translated string
    document: str  # the official notice that set the format
    years: tuple[int, int | None]  # first and last report year it applies to (None: open)
    tables: tuple[Table, ...]
    rules: tuple[Rule, ...]
    cross_year_rules: tuple[Rule, ...] = ()
    # Illustrative figures for the cells that no rule computes; example_data() derives the rest.
    example: ExampleFigures = field(default_factory=dict, compare=False)

    def covers(self, year: int) -> bool:
        first, last = self.years
        return year >= first and (last is None or year <= last)

    def table(self, key: str) -> Table:
        return self._tables[key]

    def cells(self) -> Iterator[CellRef]:
        for table in self.tables:
            yield from table.cells()

    def has_cell(self, cell: CellRef) -> bool:
        table = self._tables.get(cell.table)
        return table is not None and table.has_cell(cell.row, cell.column)

    def column(self, cell: CellRef) -> Column:
        return self._tables[cell.table].block_of(cell.row).column(cell.column)

    def row(self, cell: CellRef) -> Row:
        return self._tables[cell.table].block_of(cell.row).row(cell.row)

    def row_name(self, cell: CellRef) -> str:
        return self._tables[cell.table].block_of(cell.row).row_name(cell.row)

    def column_name(self, cell: CellRef) -> str:
        return self._tables[cell.table].block_of(cell.row).column_name(cell.column)

    def cell_name(self, cell: CellRef) -> str:
        """Row and column labels of a cell, e.g. 四、结转下年度继续办理 / 自然人."""
        return " / ".join(n for n in (self.row_name(cell), self.column_name(cell)) if n)

    @cached_property
    def _tables(self) -> dict[str, Table]:
        return {t.key: t for t in self.tables}

    def check(self) -> list[str]:
        """Problems in the description itself (for tests and for authors of new formats)."""
        problems = []
        if len(self._tables) != len(self.tables):
            problems.append("duplicate table keys")
        for table in self.tables:
            row_keys = [r.key for b in table.blocks for r in b.rows]
            if len(set(row_keys)) != len(row_keys):
                problems.append(f"{table.key}: duplicate row keys")
            for block in table.blocks:
                column_keys = [c.key for c in block.columns]
                if len(set(column_keys)) != len(column_keys):
                    problems.append(f"{table.key}.{block.key}: duplicate column keys")
                for r in block.rows:
                    if r.parent is not None and not block.row(r.parent).group:
                        problems.append(f"{table.key}.{r.key}: parent is not a group")
                for c in block.columns:
                    if c.kind != Kind.DECIMAL and c.decimal_places:
                        problems.append(f"{table.key}.{c.key}: decimal places on a count")
                for pair in block.absent:
                    if pair[0] not in block._rows or pair[1] not in block._columns:
                        problems.append(f"{table.key}.{block.key}: unknown absent cell {pair}")
        all_rules = (*self.rules, *self.cross_year_rules)
        for rule in all_rules:
            for cell in (rule.target, *(t.cell for t in rule.terms)):
                if not self.has_cell(cell):
                    problems.append(f"rule {rule.key}: no cell {cell}")
        if len({r.key for r in all_rules}) != len(all_rules):
            problems.append("duplicate rule keys")
        for rule in self.rules:
            if any(t.previous for t in rule.terms):
                problems.append(f"rule {rule.key}: reads last year's report but is not cross-year")
        return problems
