import copy
from decimal import Decimal

import pytest
from django.utils import translation

from govinfo_wagtail.reports.formats import (
    Block,
    CellRef,
    Code,
    Column,
    Level,
    Relation,
    ReportFormat,
    Rule,
    Table,
    Term,
    blank_data,
    example_data,
    get_format,
    normalise_data,
    validate,
)
from govinfo_wagtail.reports.formats.base import build_rows, row
from govinfo_wagtail.reports.formats.validation import format_number

F2019 = get_format("2019")
F2021 = get_format("2021")
FORMATS = (F2019, F2021)


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted in the source language, whatever translations ship.
    with translation.override("en"):
        yield


def put(data, cell, value):
    data[cell.table][cell.row][cell.column] = value
    return data


def get(data, cell):
    return data[cell.table][cell.row][cell.column]


def of_rule(issues, key):
    return [i for i in issues if i.rule == key]


# --- example data --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.key)
def test_example_data_passes_validation(fmt):
    data = example_data(fmt)
    assert validate(fmt, data) == []
    # It is illustrative, not blank: every cell holds a figure and some are not zero.
    assert all(get(data, cell) is not None for cell in fmt.cells())
    assert sum(Decimal(get(data, cell)) for cell in fmt.cells()) > 100


def test_example_years_chain_across_formats():
    # A 2021 report whose last year's report (2020) is in the 2019 trial format: 二 carries
    # 四 over; 现行有效件数 has no counterpart in 2019 and is not checked.
    assert validate(F2021, example_data(F2021), previous=example_data(F2019)) == []


# --- every 勾稽关系 rule: one passing, one failing example ------------------------------------


ALL_RULES = [(fmt, rule) for fmt in FORMATS for rule in fmt.rules]


@pytest.mark.parametrize("fmt, rule", ALL_RULES, ids=[f"{f.key}-{r.key}" for f, r in ALL_RULES])
def test_every_rule_passes_and_fails(fmt, rule):
    data = example_data(fmt)
    assert of_rule(validate(fmt, data), rule.key) == []

    expected = sum(t.sign * Decimal(get(data, t.cell)) for t in rule.terms)
    if rule.relation == Relation.EQUAL:
        wrong = Decimal(get(data, rule.target)) + 1
    else:
        wrong = expected - 1
    put(data, rule.target, int(wrong))
    (issue,) = of_rule(validate(fmt, data), rule.key)
    assert issue.level == Level.ERROR and issue.code == Code.RULE
    assert issue.cell == rule.target
    assert (issue.expected, issue.actual) == (expected, wrong)
    # The message names the cell by its row and column labels and shows expected and actual.
    assert fmt.row_name(rule.target) in issue.message
    assert fmt.column_name(rule.target) in issue.message
    if rule.relation == Relation.EQUAL:
        assert f"expected {format_number(expected)} (" in issue.message
    else:
        assert f"expected at least {format_number(expected)} (" in issue.message
    assert issue.message.endswith(f"found {format_number(wrong)}.")


def test_row_total_message():
    data = example_data(F2021)
    put(data, CellRef("applications", "disclosed", "natural_person"), 21)
    messages = [i.message for i in validate(F2021, data)]
    assert messages == [
        "三、本年度办理结果 （一）予以公开 / 总计: expected 29 (自然人 + 商业企业 + 科研机构 + "
        "社会公益组织 + 法律服务机构 + 其他), found 28.",
        "三、本年度办理结果 （七）总计 / 自然人: expected 53 (（一）+（二）+（三）1–8 +（四）1–3 +"
        "（五）1–5 +（六）1–3), found 52.",
    ]


def test_carry_over_message():
    data = example_data(F2019)
    put(data, CellRef("applications", "carried_over_out", "legal_services"), 1)
    put(data, CellRef("applications", "carried_over_out", "total"), 5)
    # The row still adds up, but 一 + 二 = 三（七）+ 四 fails in two columns.
    assert [i.message for i in validate(F2019, data)] == [
        "四、结转下年度继续办理 / 法人或其他组织 法律服务机构: "
        "expected 0 (一 + 二 − 三（七）), found 1.",
        "四、结转下年度继续办理 / 总计: expected 4 (一 + 二 − 三（七）), found 5.",
    ]


def test_review_litigation_message():
    data = example_data(F2021)
    put(data, CellRef("review_litigation", "cases", "suit_after_review_total"), 2)
    (issue,) = validate(F2021, data)
    assert issue.message == (
        "行政诉讼 复议后起诉 总计: expected 1 (结果维持 + 结果纠正 + 其他结果 + 尚未审结), found 2."
    )


def test_items_cannot_fall_below_zero_in_2019():
    data = example_data(F2019)
    put(data, CellRef("active_disclosure", "fees", "change"), -7)
    (issue,) = validate(F2019, data)
    assert issue.message == (
        "第二十条第（八）项 行政事业性收费 / 本年增/减: expected at least -6 (− 上一年项目数量), "
        "found -7."
    )
    put(data, CellRef("active_disclosure", "fees", "change"), -6)
    assert validate(F2019, data) == []


def test_rules_cover_what_the_reference_states():
    for fmt, leaves in ((F2019, 19), (F2021, 21)):
        (block,) = fmt.table("applications").blocks
        rules = {r.key: r for r in fmt.rules}
        for column in block.columns:
            total = rules[f"applications.results_total:{column.key}"]
            assert len(total.terms) == leaves
            assert {t.cell.column for t in total.terms} == {column.key}
            balance = rules[f"applications.carried_over_out:{column.key}"]
            assert [(t.cell.row, t.sign) for t in balance.terms] == [
                ("new_requests", 1), ("carried_over_in", 1), ("results_total", -1),
            ]
        for r in block.data_rows:
            row_total = rules[f"applications.row_total:{r.key}"]
            assert [t.cell.column for t in row_total.terms] == [
                "natural_person", "commercial", "research", "public_interest",
                "legal_services", "other_organisation",
            ]
        for prefix in ("review", "direct_suit", "suit_after_review"):
            assert len(rules[f"review_litigation.total:{prefix}"].terms) == 4
    assert len(F2021.rules) == 25 + 7 + 7 + 3
    assert len(F2019.rules) == 5 + 23 + 7 + 7 + 3


# --- cross-year rules: warnings ------------------------------------------------------------


ALL_CROSS = [(fmt, rule) for fmt in FORMATS for rule in fmt.cross_year_rules]


def previous_satisfying(fmt, rule, data):
    """Last year's data for which ``rule`` holds against ``data``."""
    previous = copy.deepcopy(data)
    first, *others = [t for t in rule.terms if t.previous]
    rest = sum(t.sign * Decimal(get(data if not t.previous else previous, t.cell))
               for t in rule.terms if t is not first)
    put(previous, first.cell, int((Decimal(get(data, rule.target)) - rest) * first.sign))
    return previous


@pytest.mark.parametrize("fmt, rule", ALL_CROSS, ids=[f"{f.key}-{r.key}" for f, r in ALL_CROSS])
def test_every_cross_year_rule_warns(fmt, rule):
    data = example_data(fmt)
    previous = previous_satisfying(fmt, rule, data)
    assert of_rule(validate(fmt, data, previous), rule.key) == []

    original = Decimal(get(data, rule.target))
    put(data, rule.target, int(original) + 1)
    (issue,) = of_rule(validate(fmt, data, previous), rule.key)
    assert issue.level == Level.WARNING and issue.code == Code.CROSS_YEAR
    assert issue.cell == rule.target
    assert (issue.expected, issue.actual) == (original, original + 1)
    assert fmt.cell_name(rule.target) in issue.message
    assert f"expected {format_number(original)} from last year's report" in issue.message
    # No previous report, or one without the cell: nothing to compare.
    assert of_rule(validate(fmt, data, None), rule.key) == []
    for term in rule.terms:
        if term.previous:
            put(previous, term.cell, None)
    assert of_rule(validate(fmt, data, previous), rule.key) == []


def test_carried_over_warning_message():
    last_year = example_data(F2019)
    put(last_year, CellRef("applications", "carried_over_out", "natural_person"), 5)
    issues = validate(F2021, example_data(F2021), previous=last_year)
    assert [(i.level, i.message) for i in issues] == [
        (
            Level.WARNING,
            "二、上年结转政府信息公开申请数量 / 自然人: expected 5 from last year's report "
            "(last year's 四、结转下年度继续办理), found 3.",
        ),
    ]


def test_in_force_continuity_warning_message():
    last_year = example_data(F2021)
    put(last_year, CellRef("active_disclosure", "rules", "in_force"), 10)
    issues = validate(F2021, example_data(F2021), previous=last_year)
    assert [i.message for i in issues if i.rule.startswith("active_disclosure")] == [
        "第二十条第（一）项 规章 / 现行有效件数: expected 11 from last year's report "
        "(last year's 现行有效件数 + 本年制发件数 − 本年废止件数), found 12.",
        "第二十条第（一）项 行政规范性文件 / 现行有效件数: expected 51 from last year's report "
        "(last year's 现行有效件数 + 本年制发件数 − 本年废止件数), found 45.",
    ]
    assert all(i.level == Level.WARNING for i in issues)


# --- types ---------------------------------------------------------------------------------

COUNT = CellRef("applications", "disclosed", "natural_person")
CHANGE_2019 = CellRef("active_disclosure", "licensing", "change")
FEES_2021 = CellRef("active_disclosure", "fees", "fee_amount")
PROCUREMENT_2019 = CellRef("active_disclosure", "central_procurement", "procurement_amount")


@pytest.mark.parametrize(
    "fmt, cell, value, code, message",
    [
        (F2021, COUNT, "abc", Code.NOT_A_NUMBER,
         "三、本年度办理结果 （一）予以公开 / 自然人: “abc” is not a number."),
        (F2021, COUNT, "20件", Code.NOT_A_NUMBER, None),
        (F2021, COUNT, True, Code.NOT_A_NUMBER, None),
        (F2021, COUNT, float("nan"), Code.NOT_A_NUMBER, None),
        (F2021, COUNT, [20], Code.NOT_A_NUMBER, None),
        (F2021, COUNT, "20.5", Code.NOT_WHOLE,
         "三、本年度办理结果 （一）予以公开 / 自然人: must be a whole number, found 20.5."),
        (F2021, COUNT, -1, Code.NEGATIVE,
         "三、本年度办理结果 （一）予以公开 / 自然人: cannot be negative, found -1."),
        (F2019, COUNT, "-3", Code.NEGATIVE, None),
        (F2019, CHANGE_2019, "1.5", Code.NOT_WHOLE, None),
        (F2021, FEES_2021, "36.12345", Code.TOO_MANY_DECIMALS,
         "第二十条第（八）项 行政事业性收费 / 本年收费金额（单位：万元）: "
         "at most 4 decimal places are allowed, found 36.12345."),
        (F2021, FEES_2021, "-1", Code.NEGATIVE, None),
        (F2019, PROCUREMENT_2019, "1e3", Code.NOT_A_NUMBER, None),
        (F2019, CellRef("active_disclosure", "rules", "made"), "0.5", Code.NOT_WHOLE, None),
    ],
)
def test_type_errors_name_the_cell(fmt, cell, value, code, message):
    data = put(example_data(fmt), cell, value)
    issues = validate(fmt, data)
    # Rules that involve the bad cell are not checked: the type error says it all.
    (issue,) = issues
    assert (issue.level, issue.code, issue.cell) == (Level.ERROR, code, cell)
    assert issue.message.startswith(fmt.cell_name(cell) + ": ")
    if message:
        assert issue.message == message


@pytest.mark.parametrize("value", [-2, "-2", "－2", "−2", -56])
def test_negative_change_is_allowed_in_2019(value):
    data = put(example_data(F2019), CHANGE_2019, value)
    assert validate(F2019, data) == []


@pytest.mark.parametrize(
    "fmt, cell, value",
    [
        (F2021, FEES_2021, "36.85"),
        (F2021, FEES_2021, 36.85),
        (F2021, FEES_2021, "0.0001"),
        (F2021, FEES_2021, Decimal("1017.3600")),
        (F2019, PROCUREMENT_2019, "326.5"),
        (F2019, PROCUREMENT_2019, " ３２６．５ "),
    ],
)
def test_decimals_are_allowed_in_amounts(fmt, cell, value):
    assert validate(fmt, put(example_data(fmt), cell, value)) == []


@pytest.mark.parametrize("value", [20, "20", " 20 ", "２０", 20.0, "20.0", Decimal(20)])
def test_counts_accept_whole_numbers_however_typed(value):
    assert validate(F2021, put(example_data(F2021), COUNT, value)) == []


def test_empty_cells_count_as_zero_and_are_reported_as_missing():
    data = example_data(F2021)
    cell = CellRef("applications", "withheld_state_secret", "research")
    assert get(data, cell) == 0
    for empty in (None, "", "  "):
        put(data, cell, empty)
        (issue,) = validate(F2021, data)
        assert (issue.level, issue.code, issue.cell) == (Level.WARNING, Code.MISSING, cell)
        assert "1.属于国家秘密 / 法人或其他组织 科研机构" in issue.message
        assert validate(F2021, data, report_missing=False) == []
    # An empty total is 0 for the rules, so filled parts make it an error.
    total = CellRef("applications", "disclosed", "total")
    put(data, total, None)
    issues = validate(F2021, data, report_missing=False)
    assert [(i.cell, i.expected, i.actual) for i in issues if i.rule.endswith(":disclosed")] == [
        (total, 28, 0)
    ]


def test_blank_data_has_only_missing_warnings():
    for fmt in FORMATS:
        issues = validate(fmt, blank_data(fmt))
        assert {i.code for i in issues} == {Code.MISSING}
        assert len(issues) == len(list(fmt.cells()))


def test_values_outside_the_format_are_errors():
    data = example_data(F2019)
    data["applications"]["other_handling_other"] = {"natural_person": 1}  # a 2021 row
    data["applications"]["results"] = {"total": 3}  # a heading row has no cells
    data["active_disclosure"]["rules"]["in_force"] = ""  # empty: harmless
    issues = validate(F2019, data)
    assert [(i.code, i.cell) for i in issues] == [
        (Code.UNKNOWN_CELL, ("applications", "other_handling_other", "natural_person")),
        (Code.UNKNOWN_CELL, ("applications", "results", "total")),
    ]
    assert all(i.level == Level.ERROR for i in issues)


def test_garbage_data_does_not_crash():
    issues = validate(F2021, {"applications": 3, "active_disclosure": {"rules": "x"}})
    assert Code.UNKNOWN_CELL in {i.code for i in issues}
    assert not [i for i in validate(F2021, None) if i.code != Code.MISSING]


def test_normalise_data_for_storage():
    data = example_data(F2021)
    put(data, COUNT, "２０")
    put(data, FEES_2021, 36.5)
    put(data, CellRef("applications", "disclosed", "research"), "x")
    normal = normalise_data(F2021, data)
    assert get(normal, COUNT) == 20
    assert get(normal, FEES_2021) == "36.5"
    assert get(normal, CellRef("applications", "disclosed", "research")) == "x"
    assert normalise_data(F2021, example_data(F2021)) == example_data(F2021)



def test_a_new_format_is_a_new_description():
    """A format with a greyed cell and its own rule, built from data alone."""
    block = Block(
        "main",
        (Column("a", "甲"), Column("b", "乙"), Column("sum", "合计")),
        build_rows((row("x", "一、某项"), row("y", "二、另一项"))),
        stub_label="信息内容",
        absent=frozenset({("y", "b")}),
    )
    table = Table("t", "二", "二、主动公开政府信息情况", (block,))
    rules = tuple(
        Rule(f"sum:{r}", CellRef("t", r, "sum"), tuple(Term(CellRef("t", r, c)) for c in cols))
        for r, cols in (("x", ("a", "b")), ("y", ("a",)))
    )
    fmt = ReportFormat("2099", "test format", "", (2099, None), (table,), rules,
                       example={"t": {"x": {"a": 1, "b": 2}, "y": {"a": 4}}})
    assert fmt.check() == []
    assert ("t", "y", "b") not in list(fmt.cells())
    assert [line.cells[1] for line in block.body_rows("t")] == [("t", "x", "b"), None]
    data = example_data(fmt)
    assert data == {"t": {"x": {"a": 1, "b": 2, "sum": 3}, "y": {"a": 4, "sum": 4}}}
    assert validate(fmt, data) == []
    data["t"]["y"]["b"] = 5  # a value in the greyed cell
    (issue,) = validate(fmt, data)
    assert (issue.level, issue.code) == (Level.ERROR, Code.UNKNOWN_CELL)
    assert issue.cell == ("t", "y", "b")
    assert issue.message == "二、另一项 / 乙: there is no such cell in the test format."
