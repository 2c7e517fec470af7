"""The two official formats against the reference text, label by label.

The reference (reference/annual-report-formats.md, beside this file) is parsed here,
independently of the format data, so that a single changed character on either side fails a
test.
"""

import re
from pathlib import Path

import pytest

from govinfo_wagtail.reports.formats import (
    Kind,
    all_formats,
    blank_data,
    format_for_year,
    get_format,
)
from govinfo_wagtail.reports.formats.base import Block, ReportFormat

# The official formats as published, kept in the repository so that it tests itself anywhere.
REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
FORMATS_MD = REFERENCE_DIR / "annual-report-formats.md"
SEED = REFERENCE_DIR / "seed-annual-report-2019.txt"

F2019 = get_format("2019")
F2021 = get_format("2021")


# --- A small parser for the reference ------------------------------------------------------


def section(text: str, start: str, end: str | None = None) -> str:
    begin = text.index(start)
    stop = text.index(end, begin) if end else len(text)
    return text[begin:stop]


def markdown_tables(text: str) -> list[dict]:
    """Each markdown table as {caption, stub, columns, rows} (the reference's block layout:
    caption row, separator, header row, one row per item)."""
    tables, current = [], []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            current.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif current:
            rows = [r for r in current if not all(re.fullmatch(r"-+", c) for c in r)]
            caption, header, *body = rows
            assert all(c == "" for c in caption[1:]) and all(c == "" for r in body for c in r[1:])
            tables.append(
                {
                    "caption": caption[0],
                    "stub": header[0],
                    "columns": header[1:],
                    "rows": [r[0] for r in body],
                }
            )
            current = []
    return tables


def split_top(text: str) -> list[str]:
    """Split on | outside braces."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char == "{"
        depth -= char == "}"
        if char == "|" and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


def applicant_columns(text: str) -> list[tuple[str, ...]]:
    header = re.search(r"Columns, under the header (\S+):", text).group(1)
    line = next(x for x in text.splitlines() if "→ {" in x)
    paths = []
    for part in split_top(line):
        match = re.fullmatch(r"(\S+) → \{(.*)\}", part)
        if match:
            parent, leaves = match.groups()
            paths += [(header, parent, leaf.strip()) for leaf in leaves.split("|")]
        else:
            paths.append((header, part))
    return paths


def bullet_rows(text: str) -> list[tuple[int, str, str]]:
    """(level, number, label) for the nested list after "Rows:"."""
    lines = text[text.index("Rows:\n") + len("Rows:\n") :].splitlines()
    rows = []
    for line in lines:
        if not line.strip():
            break
        indent = len(line) - len(line.lstrip(" "))
        item = line.strip()
        match = re.fullmatch(r"(\d+\.) (.+)", item)
        if match:
            rows.append((indent // 2, match.group(1), match.group(2)))
        else:
            assert item.startswith("- "), line
            rows.append((indent // 2, "", item[2:]))
    return rows


def review_litigation_columns(text: str) -> list[tuple[str, ...]]:
    paths = []
    for line in text.splitlines():
        match = re.fullmatch(r"- (.+?): (.+)", line.strip())
        if match and "|" in match.group(2):
            parents = tuple(p.strip() for p in match.group(1).split("→"))
            paths += [(*parents, leaf.strip()) for leaf in match.group(2).split("|")]
    return paths


def parse_reference(text: str) -> dict:
    """Everything the reference states about the labels of each format."""
    f2021 = section(text, "## Format 2021", "## Format 2019")
    f2019 = section(text, "## Format 2019")
    three = section(f2021, "### Table 三", "### Table 四")
    four = section(f2021, "### Table 四")
    rows_2021 = bullet_rows(three)
    # "tables 三 and 四 are as above except that （六）其他处理 is a single row with no sub-rows"
    assert "（六）其他处理 is a single row with no\nsub-rows" in f2019
    six = next(i for i, r in enumerate(rows_2021) if r[2] == "（六）其他处理")
    rows_2019 = [r for i, r in enumerate(rows_2021) if not (i > six and r[0] > rows_2021[six][0])]
    skeleton = section(text, "## Report skeleton", "Deadlines")
    return {
        "skeleton": [x for x in skeleton.splitlines() if re.match(r"[一二三四五六]、", x)],
        "2021": {
            "active": markdown_tables(section(f2021, "### Table 二", "### Table 三")),
            "applicant_columns": applicant_columns(three),
            "application_rows": rows_2021,
            "review_litigation_columns": review_litigation_columns(four),
            "review_litigation_count": int(re.search(r"One row of (\d+) numbers", four).group(1)),
        },
        "2019": {
            "active": markdown_tables(f2019),
            "applicant_columns": applicant_columns(three),
            "application_rows": rows_2019,
            "review_litigation_columns": review_litigation_columns(four),
            "review_litigation_count": int(re.search(r"One row of (\d+) numbers", four).group(1)),
        },
    }


# --- What the format data says -------------------------------------------------------------


def block_as_markdown(block: Block) -> dict:
    return {
        "caption": block.caption,
        "stub": block.stub_label,
        "columns": [c.label for c in block.columns],
        "rows": [r.display_label for r in block.data_rows],
    }


def described(fmt: ReportFormat) -> dict:
    (applications,) = fmt.table("applications").blocks
    (review_litigation,) = fmt.table("review_litigation").blocks
    return {
        "active": [block_as_markdown(b) for b in fmt.table("active_disclosure").blocks],
        "applicant_columns": [c.path for c in applications.columns],
        "application_rows": [(r.level, r.number, r.label) for r in applications.rows],
        "review_litigation_columns": [c.path for c in review_litigation.columns],
        "review_litigation_count": len(list(fmt.table("review_litigation").cells())),
    }


@pytest.fixture(scope="module")
def reference() -> dict:
    assert FORMATS_MD.exists(), f"the reference is expected at {FORMATS_MD}"
    return parse_reference(FORMATS_MD.read_text(encoding="utf-8"))


@pytest.mark.parametrize("fmt", [F2019, F2021], ids=lambda f: f.key)
def test_labels_equal_the_reference_character_for_character(reference, fmt):
    expected = reference[fmt.key]
    actual = described(fmt)
    # Guard against a parser that finds nothing (and so compares nothing).
    assert len(expected["active"]) == {"2019": 5, "2021": 4}[fmt.key]
    assert len(expected["application_rows"]) == {"2019": 27, "2021": 30}[fmt.key]
    assert len(expected["applicant_columns"]) == 7
    assert len(expected["review_litigation_columns"]) == expected["review_litigation_count"] == 15
    for key in expected:
        assert actual[key] == expected[key], key


@pytest.mark.parametrize("fmt", [F2019, F2021], ids=lambda f: f.key)
def test_table_titles_are_the_skeleton_headings(reference, fmt):
    assert [t.title for t in fmt.tables] == reference["skeleton"][1:4]
    assert [t.section for t in fmt.tables] == ["二", "三", "四"]
    assert all(t.title.startswith(f"{t.section}、") for t in fmt.tables)


@pytest.mark.parametrize(
    "original, changed",
    [
        ("属于国家秘密", "属于国家机密"),
        ("（单位：万元）", "(单位：万元）"),  # one full-width parenthesis made half-width
        ("危及“三安全一稳定”", "危及\"三安全一稳定”"),
        ("本年增/减", "本年增／减"),
        ("商业企业", "商业企"),
        ("未经复议直接起诉", "未经复议起诉"),
        ("其他对外管理服务事项", "其它对外管理服务事项"),
    ],
)
def test_one_changed_character_in_the_reference_is_noticed(original, changed):
    text = FORMATS_MD.read_text(encoding="utf-8")
    assert original in text
    mutated = parse_reference(text.replace(original, changed, 1))
    assert any(
        mutated[fmt.key] != described(fmt) for fmt in (F2019, F2021)
    ), f"changing {original} to {changed} went unnoticed"


def test_formats_are_consistent_descriptions():
    for fmt in all_formats():
        assert fmt.check() == []
        for cell in fmt.cells():
            for key in cell:
                assert re.fullmatch(r"[a-z0-9_]+", key), cell


def test_cell_kinds():
    kinds = {
        (fmt.key, fmt.column(cell).label): fmt.column(cell).kind
        for fmt in (F2019, F2021)
        for cell in fmt.cells()
    }
    assert {k for k, kind in kinds.items() if kind == Kind.DECIMAL} == {
        ("2019", "采购总金额"),
        ("2021", "本年收费金额（单位：万元）"),
    }
    assert {k for k, kind in kinds.items() if kind == Kind.SIGNED_INT} == {("2019", "本年增/减")}


def test_format_is_chosen_by_year_and_can_be_overridden():
    assert format_for_year(2019) is F2019
    assert format_for_year(2020) is F2019
    assert format_for_year(2021) is F2021
    assert format_for_year(2035) is F2021
    assert format_for_year(2020, override="2021") is F2021
    with pytest.raises(LookupError):
        format_for_year(2018)
    with pytest.raises(LookupError):
        get_format("2008")


def test_blank_data_has_every_cell_empty():
    for fmt in all_formats():
        data = blank_data(fmt)
        cells = [(t, r, c) for t, rows in data.items() for r, cols in rows.items() for c in cols]
        assert cells == [tuple(c) for c in fmt.cells()]
        assert all(v is None for rows in data.values() for cols in rows.values()
                   for v in cols.values())
    # 2019 （六）其他处理 has cells; in 2021 it is a heading over three sub-rows.
    assert "other_handling" in blank_data(F2019)["applications"]
    assert "other_handling" not in blank_data(F2021)["applications"]
    assert len(blank_data(F2021)["applications"]) == 25


def test_header_layout_follows_the_official_tables():
    (applications,) = F2021.table("applications").blocks
    top, middle, bottom = applications.header_rows()
    assert [(h.label, h.colspan, h.rowspan) for h in top] == [("", 3, 3), ("申请人情况", 7, 1)]
    assert [(h.label, h.colspan, h.rowspan) for h in middle] == [
        ("自然人", 1, 2),
        ("法人或其他组织", 5, 1),
        ("总计", 1, 2),
    ]
    assert [h.label for h in bottom] == [
        "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他",
    ]

    lines = applications.body_rows("applications")
    assert len(lines) == 25
    first_result = lines[2]
    assert [(h.label, h.colspan, h.rowspan) for h in first_result.headers] == [
        ("三、本年度办理结果", 1, 22),
        ("（一）予以公开", 2, 1),
    ]
    assert [(h.label, h.rowspan) for h in lines[4].headers] == [
        ("（三）不予公开", 8),
        ("1.属于国家秘密", 1),
    ]
    assert [(h.label, h.colspan) for h in lines[-1].headers] == [("四、结转下年度继续办理", 3)]

    (review,) = F2021.table("review_litigation").blocks
    top, middle, bottom = review.header_rows()
    assert [(h.label, h.colspan) for h in top] == [("行政复议", 5), ("行政诉讼", 10)]
    assert [(h.label, h.rowspan) for h in middle[:5]] == [
        ("结果维持", 2), ("结果纠正", 2), ("其他结果", 2), ("尚未审结", 2), ("总计", 2),
    ]
    assert [(h.label, h.colspan) for h in middle[5:]] == [
        ("未经复议直接起诉", 5), ("复议后起诉", 5),
    ]
    assert len(bottom) == 10
    assert review.body_rows("review_litigation")[0].headers == ()

    active = F2019.table("active_disclosure").blocks[1]
    assert [h.label for h in active.header_rows()[0]] == [
        "信息内容", "上一年项目数量", "本年增/减", "处理决定数量",
    ]


# --- The seed report -----------------------------------------------------------------------


def format_labels(fmt: ReportFormat) -> set[str]:
    labels = set()
    for table in fmt.tables:
        labels.add(table.title)
        for block in table.blocks:
            labels |= {block.caption, block.stub_label or ""}
            for r in block.rows:
                labels |= {r.label, r.display_label}
            for c in block.columns:
                labels |= set(c.path)
    return labels - {""}


def test_seed_report_tables_fit_the_2019_format():
    lines = [x.strip() for x in SEED.read_text(encoding="utf-8").splitlines()]
    headings = [x for x in lines if re.fullmatch(r"[二三四]、\S+", x)]
    assert headings == [t.title for t in F2019.tables]
    start = lines.index("二、主动公开政府信息情况")
    end = lines.index("五、存在的主要问题及改进情况")
    labels = format_labels(F2019)
    # Whatever table text the seed carries between sections 二 and 五 must be 2019 labels or
    # figures. (The seed as captured keeps the section headings but not the table bodies.)
    for line in lines[start:end]:
        for token in re.split(r"[\s|\t]+", line):
            if token and not re.fullmatch(r"[-+]?[0-9.]+", token):
                assert token in labels, token
