"""Server-rendered SVG charts of requests over the years (the same markup in HTML and PDF).

The series come from the format descriptions: 一、本年新收 (总计) for requests received, and the
direct items of 三、本年度办理结果 (（一）…（六）, each summed over its sub-rows) for outcomes,
so reports in the 2019 and 2021 formats line up.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from ..pdf.fonts import font_stack
from .formats import CellRef
from .formats.registry import derived
from .formats.validation import raw_value, to_decimal

APPLICATIONS = "applications"
# Colour-blind-safe palette (Okabe–Ito), one per outcome.
PALETTE = ("#0072B2", "#56B4E9", "#D55E00", "#E69F00", "#CC79A7", "#999999")


@dataclass(frozen=True)
class YearFigures:
    year: int
    received: int
    outcomes: tuple[tuple[str, int], ...]  # (label, count) in the format's order


def _value(data, cell: CellRef) -> int:
    try:
        value = to_decimal(raw_value(data, cell))
    except (ValueError, ArithmeticError):
        return 0
    return int(value or Decimal(0))


def _outcome_plan(fmt) -> tuple[tuple[str, tuple[CellRef, ...]], ...]:
    """The outcome series as (label, the cells summed), read from the format once."""
    def build():
        block = fmt.table(APPLICATIONS).blocks[0]
        plan = []
        for row in block.rows:
            if row.parent != "results" or row.key == "results_total":
                continue
            if row.group:
                leaves = [r for r in block.data_rows if row in block.ancestors(r.key)]
            else:
                leaves = [row]
            # Labels without the （一） ordinal, shared by both formats.
            plan.append((row.label.split("）", 1)[-1].split("（", 1)[0],
                         tuple(CellRef(APPLICATIONS, r.key, "total") for r in leaves)))
        return tuple(plan)

    return derived(fmt, "chart-outcomes", build)


def year_figures(report) -> YearFigures:
    data = report.tables
    outcomes = tuple((label, sum(_value(data, cell) for cell in cells))
                     for label, cells in _outcome_plan(report.report_format))
    received = _value(data, CellRef(APPLICATIONS, "new_requests", "total"))
    return YearFigures(report.year, received, outcomes)


def series(reports: Sequence, current=None) -> list[YearFigures]:
    """The figures of ``reports`` by year. A report other than ``current`` (the page shown,
    perhaps a preview) is one read from the database with its live content: its figures are
    kept per live revision, since they change only when another revision goes live."""
    _read_tables([r for r in reports if r is not current and r.live_revision_id
                  and _figures_key(r) not in _LIVE_FIGURES])
    return [year_figures(r) if r is current or not r.live_revision_id else _live_figures(r)
            for r in sorted(reports, key=lambda r: r.year)]


def _read_tables(reports: Sequence) -> None:
    """The tables of ``reports`` whose figures are not kept yet, in one query: the agency
    section reads its reports without them (decoding every report's tables on each request
    cost more than the rest of the section, bench_render)."""
    by_type: dict[type, list] = {}
    for report in reports:
        if "tables" in report.get_deferred_fields():
            by_type.setdefault(type(report), []).append(report)
    for model, rows in by_type.items():
        tables = dict(model._base_manager.filter(pk__in=[r.pk for r in rows])
                      .values_list("pk", "tables"))
        for report in rows:
            # A report deleted since the section was read counts as empty (one request).
            report.tables = tables.get(report.pk, {})


def _figures_key(report) -> tuple:
    # The publishing time too: a test database that rolls back reuses ids.
    return (report.pk, report.live_revision_id, report.last_published_at)


_LIVE_FIGURES: OrderedDict[tuple, YearFigures] = OrderedDict()
_LIVE_FIGURES_KEPT = 4096  # about 100 bytes each


def _live_figures(report) -> YearFigures:
    key = _figures_key(report)
    try:
        _LIVE_FIGURES.move_to_end(key)
        return _LIVE_FIGURES[key]
    except KeyError:
        figures = _LIVE_FIGURES[key] = year_figures(report)
        while len(_LIVE_FIGURES) > _LIVE_FIGURES_KEPT:
            _LIVE_FIGURES.popitem(last=False)
        return figures


def _scale_max(value: int) -> int:
    for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 5:
            return step * 5 if value > 0 else 5
    return value


def received_chart(figures: Sequence[YearFigures], chart_id: str = "chart-received") -> SafeString:
    """Bars of requests received per year."""
    title = gettext("Requests received per year")
    return _bar_chart(chart_id, title,
                      tuple((str(f.year), ((title, f.received),)) for f in figures))


def outcomes_chart(figures: Sequence[YearFigures], chart_id: str = "chart-outcomes") -> SafeString:
    """Stacked bars of the outcomes of requests handled per year."""
    title = gettext("Outcomes of requests handled per year")
    return _bar_chart(chart_id, title, tuple((str(f.year), f.outcomes) for f in figures))


def _n(value: float) -> str:
    return f"{value:.1f}"


@functools.lru_cache(maxsize=256)  # the markup is a function of its arguments alone
def _bar_chart(chart_id: str, title: str,
               groups: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]) -> SafeString:
    width, height, left, bottom, top = 560, 260, 48, 32, 16
    legend_labels = [label for label, _ in groups[0][1]] if groups else []
    stacked = len(legend_labels) > 1
    legend_height = 20 * ((len(legend_labels) + 2) // 3) if stacked else 0
    plot_h = height - bottom - top
    totals = [sum(v for _, v in parts) for _, parts in groups]
    top_value = _scale_max(max(totals, default=0))
    slot = (width - left - 8) / max(len(groups), 1)
    bar_w = min(64.0, slot * 0.6)
    # Markup of the chart's elements: numbers formatted here, every text escaped.
    items: list[str] = []
    for tick in range(6):
        value = top_value * tick // 5
        y = top + plot_h - plot_h * tick / 5
        items.append(
            f'<line x1="{left}" x2="{width - 8}" y1="{_n(y)}" y2="{_n(y)}" stroke="#ccc" '
            f'stroke-width="0.5"/><text x="{left - 4}" y="{_n(y + 3)}" font-size="10" '
            f'text-anchor="end" fill="#333">{value}</text>')
    descriptions = []
    for index, ((label, parts), total) in enumerate(zip(groups, totals, strict=True)):
        x = left + slot * index + (slot - bar_w) / 2
        y = top + plot_h
        for colour, (part_label, value) in zip(PALETTE, parts, strict=False):
            h = plot_h * value / top_value if top_value else 0
            y -= h
            items.append(
                f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(bar_w)}" height="{_n(h)}" '
                f'fill="{colour}"><title>{escape(label)} {escape(part_label)}: '
                f'{escape(value)}</title></rect>')
        items.append(
            f'<text x="{_n(x + bar_w / 2)}" y="{_n(y - 4)}" font-size="11" '
            f'text-anchor="middle" fill="#111">{escape(total)}</text>'
            f'<text x="{_n(x + bar_w / 2)}" y="{height - bottom + 16}" font-size="11" '
            f'text-anchor="middle" fill="#111">{escape(label)}</text>')
        descriptions.append(
            f"{label}: " + ", ".join(f"{part_label} {value}" for part_label, value in parts))
    if stacked:
        for index, (colour, legend) in enumerate(zip(PALETTE, legend_labels, strict=False)):
            lx = left + (index % 3) * 170
            ly = height + 4 + 20 * (index // 3)
            items.append(
                f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{colour}"/>'
                f'<text x="{lx + 16}" y="{ly + 10}" font-size="11" fill="#111">'
                f'{escape(legend)}</text>')
    return format_html(
        '<figure class="govinfo-chart"><svg xmlns="http://www.w3.org/2000/svg" role="img" '
        'viewBox="0 0 {} {}" width="{}" height="{}" aria-labelledby="{}-title {}-desc" '
        'id="{}" font-family="{}"><title id="{}-title">{}</title>'
        '<desc id="{}-desc">{}</desc>{}</svg>'
        "<figcaption>{}</figcaption></figure>",
        width, height + legend_height + 8, width, height + legend_height + 8, chart_id,
        chart_id, chart_id, font_stack(), chart_id, title, chart_id, "; ".join(descriptions),
        mark_safe("".join(items)), title,
    )

