"""Demo content of this part, loaded by ``govinfo_demo`` after the catalogue's part (core/demo.py).

The 2019 report of 海丰县交通运输局 carries the seed text verbatim (fixtures/, the published
report); its last three lines are the signature (agency, date) and the website's exit prompt,
so they become the signature and are dropped respectively. Its tables hold illustrative
figures that pass validation, marked 示例数据 on the page; a 2020 report gives the charts a
second year.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from pathlib import Path

from django.utils.html import escape

from .formats import example_data, get_format
from .models import SECTIONS, AnnualReportPage

SEED = Path(__file__).resolve().parent / "fixtures" / "seed-annual-report-2019.txt"
AGENCY = "海丰县交通运输局"
_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")


def parse_seed(text: str) -> dict:
    """Split the seed into the six sections (paragraph HTML) and the signature."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # Signature (agency, date) and the website's exit prompt, which is not report text.
    signed_by, signed_on_text, _chrome = lines[-3:]
    match = _DATE.match(signed_on_text)
    if not match:
        raise ValueError(f"The seed's signature date is not a date: {signed_on_text!r}")
    headings = {heading: name for name, heading in SECTIONS}
    sections: dict[str, list[str]] = {name: [] for name, _ in SECTIONS}
    current = None
    for line in lines[:-3]:
        if line in headings:
            current = headings[line]
        elif current is None:
            raise ValueError(f"Seed text before the first heading: {line!r}")
        else:
            sections[current].append(line)
    return {
        "sections": {name: "".join(f"<p>{escape(p)}</p>" for p in paras)
                     for name, paras in sections.items()},
        "paragraphs": sections,
        "signed_by": signed_by,
        "signed_on": date(*(int(g) for g in match.groups())),
    }


def tables_2020() -> dict:
    """The 2019 example carried on a year: ten more requests from natural persons, all
    disclosed, and item counts continued from 2019 (so the cross-year checks pass)."""
    fmt = get_format("2019")
    data = copy.deepcopy(example_data(fmt))
    apps = data["applications"]
    for row in ("new_requests", "disclosed", "results_total"):
        for column in ("natural_person", "total"):
            apps[row][column] += 10
    active = data["active_disclosure"]
    for row in ("licensing", "other_services", "penalty", "enforcement", "fees"):
        active[row]["previous_items"] += active[row]["change"]
    return data


def load_demo(context, log=print) -> None:
    """``context``: the DemoContext built by core.demo (agencies, topics, catalogue, admin)."""
    agency = context.agencies[AGENCY]
    catalogue = context.require_catalogue()
    topic = context.topics.get("政府信息公开年报")
    seed = parse_seed(SEED.read_text(encoding="utf-8"))
    reports = [
        dict(year=2019, slug="2019-xxgk-ndbg-jtj", sections=seed["sections"],
             signed_by=seed["signed_by"], signed_on=seed["signed_on"],
             tables=example_data(get_format("2019"))),
        dict(year=2020, slug="2020-xxgk-ndbg-jtj", sections={
            "overview": "<p>（示例数据）2020年，我局继续深入贯彻《中华人民共和国政府信息"
                        "公开条例》，本报告为演示用的示例年报。</p>",
            "problems": "<p>（示例数据）演示内容。</p>",
            "other_matters": "<p>（示例数据）本年度无其他需要报告的事项。</p>"},
             signed_by=AGENCY, signed_on=date(2021, 1, 25), tables=tables_2020()),
    ]
    created = 0
    for spec in reports:
        if AnnualReportPage.objects.child_of(catalogue).filter(slug=spec["slug"]).exists():
            continue
        page = AnnualReportPage(
            title=f"{AGENCY}{spec['year']}年政府信息公开工作年度报告",
            slug=spec["slug"], year=spec["year"], agency=agency, topic=topic,
            written_date=spec["signed_on"], published_date=spec["signed_on"],
            signed_by=spec["signed_by"], signed_on=spec["signed_on"],
            tables=spec["tables"], illustrative_figures=True,
            **spec["sections"],
        )
        context.release_new(catalogue, page)
        created += 1
    log(f"Annual reports: {created} created")
