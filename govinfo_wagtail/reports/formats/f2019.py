"""The 2019 trial format (国办公开办函〔2019〕60号), for reports on 2019 and 2020.

Tables 三 and 四 are those of the 2021 format except that （六）其他处理 is a single row.
"""

from django.utils.translation import gettext_lazy as _

from .base import (
    Block,
    CellRef,
    Column,
    Kind,
    Relation,
    ReportFormat,
    Rule,
    Table,
    Term,
    build_rows,
    row,
)
from .common import (
    APPLICATIONS,
    REVIEW_LITIGATION,
    applications_cross_year_rules,
    applications_example,
    applications_rules,
    applications_table,
    review_litigation_example,
    review_litigation_rules,
    review_litigation_table,
)

ACTIVE = "active_disclosure"
CONTENT = "信息内容"
PREVIOUS_ITEMS = Column("previous_items", "上一年项目数量")
CHANGE = Column("change", "本年增/减", kind=Kind.SIGNED_INT)
DECISIONS = Column("decisions", "处理决定数量")

ACTIVE_DISCLOSURE = Table(
    ACTIVE,
    "二",
    "二、主动公开政府信息情况",
    (
        Block(
            "article_20_1",
            (
                Column("made", "本年新制作数量"),
                Column("published", "本年新公开数量"),
                Column("total_public", "对外公开总数量"),
            ),
            build_rows((row("rules", "规章"), row("normative_documents", "规范性文件"))),
            caption="第二十条第（一）项",
            stub_label=CONTENT,
        ),
        Block(
            "article_20_5",
            (PREVIOUS_ITEMS, CHANGE, DECISIONS),
            build_rows(
                (row("licensing", "行政许可"), row("other_services", "其他对外管理服务事项"))
            ),
            caption="第二十条第（五）项",
            stub_label=CONTENT,
        ),
        Block(
            "article_20_6",
            (PREVIOUS_ITEMS, CHANGE, DECISIONS),
            build_rows((row("penalty", "行政处罚"), row("enforcement", "行政强制"))),
            caption="第二十条第（六）项",
            stub_label=CONTENT,
        ),
        Block(
            "article_20_8",
            (PREVIOUS_ITEMS, CHANGE),
            build_rows((row("fees", "行政事业性收费"),)),
            caption="第二十条第（八）项",
            stub_label=CONTENT,
        ),
        Block(
            "article_20_9",
            (
                Column("procurement_items", "采购项目数量"),
                # The published wording gives no unit; reports state amounts in 万元.
                Column("procurement_amount", "采购总金额", kind=Kind.DECIMAL, decimal_places=4),
            ),
            build_rows((row("central_procurement", "政府集中采购"),)),
            caption="第二十条第（九）项",
            stub_label=CONTENT,
        ),
    ),
)

# Rows with 上一年项目数量 and 本年增/减.
ITEM_ROWS = ("licensing", "other_services", "penalty", "enforcement", "fees")


def _items_not_negative(row_key: str) -> Rule:
    """上一年项目数量 + 本年增/减 is this year's number of items, which cannot be negative."""
    return Rule(
        f"active_disclosure.change:{row_key}",
        CellRef(ACTIVE, row_key, "change"),
        (Term(CellRef(ACTIVE, row_key, "previous_items"), -1),),
        Relation.AT_LEAST,
    )


def _items_continuity(row_key: str) -> Rule:
    """上一年项目数量(Y) = 上一年项目数量(Y−1) + 本年增/减(Y−1)."""
    return Rule(
        f"active_disclosure.previous_items:{row_key}",
        CellRef(ACTIVE, row_key, "previous_items"),
        (
            Term(CellRef(ACTIVE, row_key, "previous_items"), previous=True),
            Term(CellRef(ACTIVE, row_key, "change"), previous=True),
        ),
    )


_applications = applications_table(other_handling_items=False)
_review_litigation = review_litigation_table()

FORMAT_2019 = ReportFormat(
    key="2019",
    name=_("2019 trial format"),
    document="国办公开办函〔2019〕60号",
    years=(2019, 2020),
    tables=(ACTIVE_DISCLOSURE, _applications, _review_litigation),
    rules=(
        *(_items_not_negative(key) for key in ITEM_ROWS),
        *applications_rules(_applications),
        *review_litigation_rules(_review_litigation),
    ),
    cross_year_rules=(
        *applications_cross_year_rules(_applications),
        *(_items_continuity(key) for key in ITEM_ROWS),
    ),
    example={
        ACTIVE: {
            "rules": {"made": 1, "published": 1, "total_public": 12},
            "normative_documents": {"made": 8, "published": 8, "total_public": 45},
            "licensing": {"previous_items": 56, "change": -2, "decisions": 1260},
            "other_services": {"previous_items": 20, "change": 1, "decisions": 310},
            "penalty": {"previous_items": 412, "change": 0, "decisions": 385},
            "enforcement": {"previous_items": 25, "change": 0, "decisions": 12},
            "fees": {"previous_items": 6, "change": 0},
            "central_procurement": {"procurement_items": 14, "procurement_amount": "326.5"},
        },
        APPLICATIONS: applications_example(other_handling_items=False),
        REVIEW_LITIGATION: review_litigation_example(),
    },
)
