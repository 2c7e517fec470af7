"""Tables 三 and 四, which the 2019 trial format and the 2021 format share.

The only difference is that the 2021 format splits （六）其他处理 into three sub-rows.
"""

from __future__ import annotations

from .base import (
    Block,
    CellRef,
    Column,
    Rule,
    Table,
    Term,
    build_rows,
    column_rules,
    group,
    numbered,
    row,
    row_total_rules,
)

APPLICATIONS = "applications"
REVIEW_LITIGATION = "review_litigation"

APPLICANT = "申请人情况"
ORGANISATION = "法人或其他组织"

APPLICANT_COLUMNS = (
    Column("natural_person", "自然人", (APPLICANT,)),
    Column("commercial", "商业企业", (APPLICANT, ORGANISATION)),
    Column("research", "科研机构", (APPLICANT, ORGANISATION)),
    Column("public_interest", "社会公益组织", (APPLICANT, ORGANISATION)),
    Column("legal_services", "法律服务机构", (APPLICANT, ORGANISATION)),
    Column("other_organisation", "其他", (APPLICANT, ORGANISATION)),
    Column("total", "总计", (APPLICANT,)),
)
APPLICANT_PARTS = tuple(c.key for c in APPLICANT_COLUMNS if c.key != "total")

OTHER_HANDLING_ITEMS = numbered(
    "other_handling",
    ("no_correction", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("fee_unpaid", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other", "其他"),
)


def applications_table(*, other_handling_items: bool) -> Table:
    """三、收到和处理政府信息公开申请情况."""
    if other_handling_items:
        other_handling = group("other_handling", "（六）其他处理", *OTHER_HANDLING_ITEMS)
    else:
        other_handling = row("other_handling", "（六）其他处理")
    rows = build_rows(
        (
            row("new_requests", "一、本年新收政府信息公开申请数量"),
            row("carried_over_in", "二、上年结转政府信息公开申请数量"),
            group(
                "results",
                "三、本年度办理结果",
                row("disclosed", "（一）予以公开"),
                row(
                    "partly_disclosed",
                    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                ),
                group(
                    "withheld",
                    "（三）不予公开",
                    *numbered(
                        "withheld",
                        ("state_secret", "属于国家秘密"),
                        ("prohibited_by_law", "其他法律行政法规禁止公开"),
                        ("security_stability", "危及“三安全一稳定”"),
                        ("third_party", "保护第三方合法权益"),
                        ("internal_affairs", "属于三类内部事务信息"),
                        ("process_information", "属于四类过程性信息"),
                        ("enforcement_file", "属于行政执法案卷"),
                        ("inquiry_matter", "属于行政查询事项"),
                    ),
                ),
                group(
                    "unavailable",
                    "（四）无法提供",
                    *numbered(
                        "unavailable",
                        ("not_held", "本机关不掌握相关政府信息"),
                        ("needs_creation", "没有现成信息需要另行制作"),
                        ("still_unclear", "补正后申请内容仍不明确"),
                    ),
                ),
                group(
                    "not_processed",
                    "（五）不予处理",
                    *numbered(
                        "not_processed",
                        ("petition", "信访举报投诉类申请"),
                        ("repeated", "重复申请"),
                        ("publication", "要求提供公开出版物"),
                        ("excessive", "无正当理由大量反复申请"),
                        ("confirmation", "要求行政机关确认或重新出具已获取信息"),
                    ),
                ),
                other_handling,
                row("results_total", "（七）总计"),
            ),
            row("carried_over_out", "四、结转下年度继续办理"),
        )
    )
    block = Block("applications", APPLICANT_COLUMNS, rows)
    return Table(APPLICATIONS, "三", "三、收到和处理政府信息公开申请情况", (block,))


def applications_rules(table: Table) -> tuple[Rule, ...]:
    """The 勾稽关系 of table 三 as the reference states them, per column and per row."""
    (block,) = table.blocks
    # Every data row under 三、本年度办理结果 except （七）总计 itself is one outcome.
    outcomes = [
        r.key
        for r in block.data_rows
        if r.key != "results_total" and "results" in [a.key for a in block.ancestors(r.key)]
    ]
    six = "（六）1–3" if block.row("other_handling").group else "（六）"
    return (
        # every row: 总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他
        *row_total_rules("applications.row_total", table.key, block, "total", APPLICANT_PARTS),
        # 三（七）= （一）+（二）+ Σ（三）1–8 + Σ（四）1–3 + Σ（五）1–5 + Σ（六）…
        *column_rules(
            "applications.results_total",
            table.key,
            block,
            "results_total",
            ((key, 1) for key in outcomes),
            formula=f"（一）+（二）+（三）1–8 +（四）1–3 +（五）1–5 +{six}",
        ),
        # 一 + 二 = 三（七）+ 四, checked on 四: what is left to carry over.
        *column_rules(
            "applications.carried_over_out",
            table.key,
            block,
            "carried_over_out",
            (("new_requests", 1), ("carried_over_in", 1), ("results_total", -1)),
            formula="一 + 二 − 三（七）",
        ),
    )


def applications_cross_year_rules(table: Table) -> tuple[Rule, ...]:
    """This year's 二、上年结转 should equal last year's 四、结转下年度继续办理."""
    (block,) = table.blocks
    return column_rules(
        "applications.carried_over_in",
        table.key,
        block,
        "carried_over_in",
        (("carried_over_out", 1),),
        previous=True,
    )


OUTCOMES = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
)
REVIEW_LITIGATION_GROUPS = (
    ("review", ("行政复议",)),
    ("direct_suit", ("行政诉讼", "未经复议直接起诉")),
    ("suit_after_review", ("行政诉讼", "复议后起诉")),
)


def review_litigation_table() -> Table:
    """四、政府信息公开行政复议、行政诉讼情况: one row of 15 numbers."""
    columns = tuple(
        Column(f"{prefix}_{key}", label, parents)
        for prefix, parents in REVIEW_LITIGATION_GROUPS
        for key, label in (*OUTCOMES, ("total", "总计"))
    )
    rows = build_rows((row("cases", ""),))
    block = Block("review_litigation", columns, rows, stub_label=None)
    return Table(REVIEW_LITIGATION, "四", "四、政府信息公开行政复议、行政诉讼情况", (block,))


def review_litigation_rules(table: Table) -> tuple[Rule, ...]:
    """Each 总计 = the four before it."""
    return tuple(
        Rule(
            f"review_litigation.total:{prefix}",
            CellRef(table.key, "cases", f"{prefix}_total"),
            tuple(Term(CellRef(table.key, "cases", f"{prefix}_{key}")) for key, _ in OUTCOMES),
        )
        for prefix, _ in REVIEW_LITIGATION_GROUPS
    )


# Illustrative figures (the demo labels them 示例数据), one tuple per row in the order of
# APPLICANT_PARTS. Totals, （七） and 四 are derived from the rules by example_data().
# 一 equals （七）, so 四 equals 二 and one year's example also passes as last year's report
# of the next year's example.
_APPLICATION_FIGURES = (
    ("new_requests", (52, 6, 1, 1, 4, 2)),
    ("carried_over_in", (3, 1, 0, 0, 0, 0)),
    ("disclosed", (20, 3, 1, 1, 2, 1)),
    ("partly_disclosed", (4, 1, 0, 0, 1, 0)),
    ("withheld_state_secret", (0, 0, 0, 0, 0, 0)),
    ("withheld_prohibited_by_law", (0, 0, 0, 0, 0, 0)),
    ("withheld_security_stability", (1, 0, 0, 0, 0, 0)),
    ("withheld_third_party", (2, 1, 0, 0, 0, 0)),
    ("withheld_internal_affairs", (1, 0, 0, 0, 0, 0)),
    ("withheld_process_information", (1, 0, 0, 0, 0, 0)),
    ("withheld_enforcement_file", (1, 0, 0, 0, 1, 0)),
    ("withheld_inquiry_matter", (2, 0, 0, 0, 0, 0)),
    ("unavailable_not_held", (6, 1, 0, 0, 0, 1)),
    ("unavailable_needs_creation", (2, 0, 0, 0, 0, 0)),
    ("unavailable_still_unclear", (1, 0, 0, 0, 0, 0)),
    ("not_processed_petition", (3, 0, 0, 0, 0, 0)),
    ("not_processed_repeated", (2, 0, 0, 0, 0, 0)),
    ("not_processed_publication", (1, 0, 0, 0, 0, 0)),
    ("not_processed_excessive", (1, 0, 0, 0, 0, 0)),
    ("not_processed_confirmation", (1, 0, 0, 0, 0, 0)),
)
_OTHER_HANDLING_FIGURES = (
    ("other_handling_no_correction", (2, 0, 0, 0, 0, 0)),
    ("other_handling_fee_unpaid", (0, 0, 0, 0, 0, 0)),
    ("other_handling_other", (1, 0, 0, 0, 0, 0)),
)


def applications_example(*, other_handling_items: bool) -> dict[str, dict[str, int]]:
    figures = list(_APPLICATION_FIGURES)
    if other_handling_items:
        figures += _OTHER_HANDLING_FIGURES
    else:
        items = (f for _, f in _OTHER_HANDLING_FIGURES)
        sums = tuple(sum(column) for column in zip(*items, strict=True))
        figures.append(("other_handling", sums))
    return {key: dict(zip(APPLICANT_PARTS, f, strict=True)) for key, f in figures}


def review_litigation_example() -> dict[str, dict[str, int]]:
    figures = {
        "review": (2, 1, 0, 1),
        "direct_suit": (1, 0, 1, 1),
        "suit_after_review": (1, 0, 0, 0),
    }
    return {
        "cases": {
            f"{prefix}_{key}": n
            for prefix, values in figures.items()
            for (key, _), n in zip(OUTCOMES, values, strict=True)
        }
    }
