"""The 2021 format (国办公开办函〔2021〕30号), for reports on 2021 onwards."""

from django.utils.translation import gettext_lazy as _

from .base import Block, CellRef, Column, Kind, ReportFormat, Rule, Table, Term, build_rows, row
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
DECISIONS = Column("decisions", "本年处理决定数量")

ACTIVE_DISCLOSURE = Table(
    ACTIVE,
    "二",
    "二、主动公开政府信息情况",
    (
        Block(
            "article_20_1",
            (
                Column("issued", "本年制发件数"),
                Column("repealed", "本年废止件数"),
                Column("in_force", "现行有效件数"),
            ),
            build_rows((row("rules", "规章"), row("normative_documents", "行政规范性文件"))),
            caption="第二十条第（一）项",
            stub_label=CONTENT,
        ),
        Block(
            "article_20_5",
            (DECISIONS,),
            build_rows((row("licensing", "行政许可"),)),
            caption="第二十条第（五）项",
            stub_label=CONTENT,
        ),
        Block(
            "article_20_6",
            (DECISIONS,),
            build_rows((row("penalty", "行政处罚"), row("enforcement", "行政强制"))),
            caption="第二十条第（六）项",
            stub_label=CONTENT,
        ),
        Block(
            "article_20_8",
            (
                Column(
                    "fee_amount",
                    "本年收费金额（单位：万元）",
                    kind=Kind.DECIMAL,
                    decimal_places=4,
                    unit="万元",
                ),
            ),
            build_rows((row("fees", "行政事业性收费"),)),
            caption="第二十条第（八）项",
            stub_label=CONTENT,
        ),
    ),
)


def _in_force_continuity(row_key: str) -> Rule:
    """现行有效件数(Y) = 现行有效件数(Y−1) + 本年制发件数 − 本年废止件数."""
    def cell(column: str) -> CellRef:
        return CellRef(ACTIVE, row_key, column)

    return Rule(
        f"active_disclosure.in_force:{row_key}",
        cell("in_force"),
        (
            Term(cell("in_force"), previous=True),
            Term(cell("issued")),
            Term(cell("repealed"), -1),
        ),
    )


_applications = applications_table(other_handling_items=True)
_review_litigation = review_litigation_table()

FORMAT_2021 = ReportFormat(
    key="2021",
    name=_("2021 format"),
    document="国办公开办函〔2021〕30号",
    years=(2021, None),
    tables=(ACTIVE_DISCLOSURE, _applications, _review_litigation),
    rules=(*applications_rules(_applications), *review_litigation_rules(_review_litigation)),
    cross_year_rules=(
        *applications_cross_year_rules(_applications),
        _in_force_continuity("rules"),
        _in_force_continuity("normative_documents"),
    ),
    example={
        ACTIVE: {
            "rules": {"issued": 1, "repealed": 0, "in_force": 12},
            "normative_documents": {"issued": 8, "repealed": 2, "in_force": 45},
            "licensing": {"decisions": 1260},
            "penalty": {"decisions": 385},
            "enforcement": {"decisions": 12},
            "fees": {"fee_amount": "36.85"},
        },
        APPLICATIONS: applications_example(other_handling_items=True),
        REVIEW_LITIGATION: review_litigation_example(),
    },
)
