"""HTML of a report's tables, generated from the format description (decision 3).

One renderer serves the public page, the PDF and the admin table editor, so the three always
show the official layout (header spans, group rows) in the same way. Every data cell names
its header cells in ``headers`` (WCAG H43), since the spanned headers defeat ``scope`` alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from .formats import CellRef, ReportFormat
from .formats.base import Block, Table
from .formats.registry import derived
from .formats.validation import Issue, format_number, raw_value, to_decimal

CellRenderer = Callable[[CellRef, Any, str], SafeString]


def display_value(raw: Any) -> str:
    """A stored value as printed: canonical numbers, 0 for an empty cell (as in the
    official tables, where an empty cell means none)."""
    try:
        value = to_decimal(raw)
    except (ValueError, ArithmeticError):
        return str(raw)
    return "0" if value is None else format_number(value)


def _parent_header_ids(block: Block, prefix: str) -> tuple[dict[int, list[str]], list[list[str]]]:
    """Ids of the spanning column headers: per column index the ids above it, and per header
    line the ids in the order ``Block.header_rows`` emits its spanning cells."""
    above: dict[int, list[str]] = {i: [] for i in range(len(block.columns))}
    per_line: list[list[str]] = [[] for _ in range(block.header_depth)]
    for level in range(block.header_depth):
        index = 0
        while index < len(block.columns):
            path = block.columns[index].path
            if len(path) <= level + 1:
                index += 1
                continue
            span = 1
            while (
                index + span < len(block.columns)
                and block.columns[index + span].path[: level + 1] == path[: level + 1]
                and len(block.columns[index + span].path) > level + 1
            ):
                span += 1
            header_id = f"{prefix}-g{level}-{index}"
            per_line[level].append(header_id)
            for covered in range(index, index + span):
                above[covered].append(header_id)
            index += span
    return above, per_line


def render_block(
    fmt: ReportFormat,
    table: Table,
    block: Block,
    render_cell: CellRenderer,
    prefix: str,
) -> SafeString:
    prefix = f"{prefix}-{block.key}"
    width = block.stub_depth + len(block.columns)
    above, parent_ids = _parent_header_ids(block, prefix)
    head_lines: list[SafeString] = []
    caption_id = f"{prefix}-cap"
    if block.caption:
        head_lines.append(format_html(
            '<tr><th id="{}" colspan="{}" scope="colgroup" class="govinfo-caption">{}</th></tr>',
            caption_id, width, block.caption,
        ))
    for level, line in enumerate(block.header_rows()):
        cells = []
        pending_parents = iter(parent_ids[level])
        for position, cell in enumerate(line):
            if level == 0 and position == 0 and block.stub_label is not None:
                cells.append(format_html(
                    '<th id="{}-stub" colspan="{}" rowspan="{}" scope="col">{}</th>',
                    prefix, cell.colspan, cell.rowspan, cell.label,
                ))
            elif cell.column is not None:
                cells.append(format_html(
                    '<th id="{}-c-{}" colspan="{}" rowspan="{}" scope="col">{}</th>',
                    prefix, cell.column, cell.colspan, cell.rowspan, cell.label,
                ))
            else:
                cells.append(format_html(
                    '<th id="{}" colspan="{}" rowspan="{}" scope="colgroup">{}</th>',
                    next(pending_parents), cell.colspan, cell.rowspan, cell.label,
                ))
        head_lines.append(format_html("<tr>{}</tr>", mark_safe("".join(cells))))
    body_lines = []
    for line in block.body_rows(table.key):
        cells = []
        for header in line.headers:
            # The last header of a line is the row's own label; the others are groups.
            own = header is line.headers[-1]
            key = line.row.key if own else _group_key(block, line.row.key, header.label)
            cells.append(format_html(
                '<th id="{}-r-{}" colspan="{}" rowspan="{}" scope="{}" class="govinfo-l{}">{}</th>',
                prefix, key, header.colspan, header.rowspan, "row" if own else "rowgroup",
                block.row(key).level, header.label,
            ))
        row_ids = [f"{prefix}-r-{a.key}" for a in reversed(block.ancestors(line.row.key))]
        if block.stub_label is not None:
            row_ids.append(f"{prefix}-r-{line.row.key}")
        for index, ref in enumerate(line.cells):
            if ref is None:
                cells.append(mark_safe('<td class="govinfo-absent"></td>'))
                continue
            ids = ([caption_id] if block.caption else []) + above[index]
            ids += [f"{prefix}-c-{block.columns[index].key}", *row_ids]
            cells.append(render_cell(ref, None, " ".join(ids)))
        body_lines.append(format_html("<tr>{}</tr>", mark_safe("".join(cells))))
    return format_html(
        '<table class="govinfo-report-table" id="{}"><thead>{}</thead><tbody>{}</tbody></table>',
        prefix, mark_safe("".join(head_lines)), mark_safe("".join(body_lines)),
    )


def _group_key(block: Block, row_key: str, label: str) -> str:
    for ancestor in block.ancestors(row_key):
        if ancestor.display_label == label:
            return ancestor.key
    raise KeyError(label)


def render_table(
    fmt: ReportFormat, table: Table, render_cell: CellRenderer, prefix: str = "t"
) -> SafeString:
    return mark_safe("".join(
        render_block(fmt, table, block, render_cell, f"{prefix}-{table.key}")
        for block in table.blocks
    ))


def display_cell_renderer(data: Mapping | None) -> CellRenderer:
    def render(ref: CellRef, _unused: Any, headers: str) -> SafeString:
        return format_html('<td headers="{}">{}</td>', headers,
                           display_value(raw_value(data, ref)))

    return render


# The markup of a table around its values depends only on the format: it is built once per
# process and table (a few hundred format_html calls), then each page fills in its values.
_SLOT = "\x00"  # a place for a value: the official labels contain no NUL (checked below)
def _display_skeleton(fmt: ReportFormat, table: Table) -> tuple[list[str], list[CellRef]]:
    def build():
        refs: list[CellRef] = []

        def slot(ref: CellRef, _unused: Any, headers: str) -> SafeString:
            refs.append(ref)
            return format_html('<td headers="{}">{}</td>', headers, mark_safe(_SLOT))

        parts = str(render_table(fmt, table, slot)).split(_SLOT)
        if len(parts) != len(refs) + 1:
            raise ValueError(f"a label of table {table.key} contains a NUL character")
        return parts, refs

    return derived(fmt, f"display-table:{table.key}", build)


def render_display_table(fmt: ReportFormat, table: Table, data: Mapping | None) -> SafeString:
    """The table as :func:`render_table` with :func:`display_cell_renderer` renders it (the
    same markup), from the table's cached markup and this report's values."""
    parts, refs = _display_skeleton(fmt, table)
    out = [parts[0]]
    for ref, after in zip(refs, parts[1:], strict=True):
        out.append(conditional_escape(display_value(raw_value(data, ref))))
        out.append(after)
    return mark_safe("".join(out))


def issue_list(issues: list[Issue]) -> SafeString:
    if not issues:
        return mark_safe("")
    return format_html(
        '<ul class="govinfo-issues">{}</ul>',
        format_html_join(
            "", '<li class="govinfo-issue-{}" data-code="{}" data-cell="{}">{}</li>',
            ((i.level.value, "figure_note" if i.rule == "figure_note" else i.code.value,
              ".".join(i.cell) if i.cell else "", i.message)
             for i in issues),
        ),
    )


def example_label() -> str:
    return gettext("Illustrative figures (示例数据)")
