"""The text detectors: personal data, secrecy markings, the 错敏词 lexicon, run_checks."""

import json
import unicodedata
from types import SimpleNamespace

import pytest

from govinfo_wagtail.review.checks import LexiconEntry, LexiconMatcher, check_text, run_checks
from govinfo_wagtail.review.checks.personal_data import id_check_char, luhn_valid
from govinfo_wagtail.text import html_to_text, normalise

# Valid per GB 11643 (the standard's own example); the same with a wrong check digit.
ID_VALID = "11010519491231002X"
ID_BAD_CHECK = "110105194912310021"
ID_GD = "440301198506151238"
# Gansu (62…) ID whose 18 digits also pass Luhn: must be an ID, not a bank card.
ID_GANSU_LUHN = "620102199001010257"
CARD_UNIONPAY = "6222021234567890128"  # 19 digits, Luhn-valid, UnionPay prefix 62
CARD_VISA = "4111111111111111"
PROCUREMENT = "4401202312345678909"  # 19 digits, Luhn-valid, no card prefix for its length
NO_PREFIX_16 = "8812345678901232"  # Luhn-valid, no known prefix


def codes(findings, kind=None):
    return [f.code for f in findings if kind is None or f.kind == kind]


def only(findings, kind):
    return [f for f in findings if f.kind == kind]


# --- helpers and fixtures of the tests themselves ----------------------------------------


def test_reference_numbers_are_what_the_tests_claim():
    # An independent Luhn, so a bug in luhn_valid cannot make every card test pass.
    def luhn(s):
        digits = [int(c) for c in reversed(s)]
        return (sum(digits[0::2]) + sum(sum(divmod(d * 2, 10)) for d in digits[1::2])) % 10 == 0

    for number in (CARD_UNIONPAY, CARD_VISA, PROCUREMENT, NO_PREFIX_16, ID_GANSU_LUHN):
        assert luhn(number) and luhn_valid(number)
    assert not luhn_valid("6222021234567890127")
    assert id_check_char(ID_VALID[:17]) == "x"
    assert id_check_char(ID_GD[:17]) == "8"


# --- ID card -----------------------------------------------------------------------------


@pytest.mark.parametrize("number", [ID_VALID, ID_VALID.lower(), ID_GD])
def test_id_card_with_valid_check_digit_is_found_and_masked(number):
    text = f"当事人：王某，公民身份号码{number}，住址略。"
    findings = check_text(text, "body")
    assert codes(findings) == ["id_card"]
    f = findings[0]
    assert (f.kind, f.severity, f.location) == ("personal_data", "blocking", "body")
    assert text[f.start : f.end] == number
    assert f.matched == number[:4] + "*" * 10 + number[-4:]
    # Never echoed back in full: not in the match, the context, nor the JSON form.
    assert number not in json.dumps(f.as_dict(), ensure_ascii=False)
    assert number[4:14] not in f.context


@pytest.mark.parametrize(
    "text",
    [
        f"身份证号{ID_BAD_CHECK}",  # wrong check digit
        "身份证号440301198502301235",  # 30 February, check digit right
        "身份证号990301198506151235",  # no province 99
        "身份证号440301230006151231",  # born in the year 2300
        f"流水号9{ID_VALID}",  # inside a longer digit run
        f"流水号{ID_GD}7",
    ],
)
def test_id_card_negatives(text):
    assert codes(check_text(text, "body"), "personal_data") == []


def test_id_card_in_full_width_digits_reports_original_offsets():
    full = "".join(chr(ord(c) + 0xFEE0) for c in ID_GD)  # ４４０３…
    text = f"身份证：{full}。"
    [f] = check_text(text, "body")
    assert f.code == "id_card"
    assert text[f.start : f.end] == full
    assert f.matched == "４４０３**********１２３８"


def test_gansu_id_that_passes_luhn_is_an_id_not_a_card():
    assert codes(check_text(f"身份证号码：{ID_GANSU_LUHN}", "body")) == ["id_card"]


# --- mobile ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138-1234-5678", "138-****-5678"),
        ("138 1234 5678", "138 **** 5678"),
        ("+86 138 1234 5678", "+86 138 **** 5678"),
        ("１３８１２３４５６７８", "１３８****５６７８"),
        ("19912345678", "199****5678"),
    ],
)
def test_mobile_numbers(written, masked):
    text = f"联系人：李某，电话{written}。"
    [f] = check_text(text, "body")
    assert f.code == "mobile"
    assert text[f.start : f.end] == written
    assert f.matched == masked


@pytest.mark.parametrize(
    "text",
    [
        "电话12812345678",  # 12x is not a mobile range
        "编号138123456789",  # 12 digits
        "编号201913812345678",  # inside a longer run
        "办公电话：0755-83123456",  # landline
        "2019-138-1234-5678",  # continues a longer dashed number
    ],
)
def test_mobile_negatives(text):
    assert codes(check_text(text, "body")) == []


# --- bank card ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"退款将汇入{CARD_UNIONPAY}。",  # prefix 62, no keyword needed
        f"卡：{CARD_VISA}",
        "收款卡号 6222 0212 3456 7890 128",  # grouped, keyword
        f"开户账号：{NO_PREFIX_16}",  # no known prefix, but a keyword
        f"{NO_PREFIX_16}（中国工商银行）",  # keyword after the number
    ],
)
def test_bank_cards(text):
    findings = check_text(text, "body")
    assert codes(findings) == ["bank_card"]
    assert "*" in findings[0].matched and "3456" not in findings[0].matched


@pytest.mark.parametrize(
    "text",
    [
        f"项目编号：{PROCUREMENT}",  # passes Luhn, no prefix for 19 digits starting 44
        f"采购计划号 {NO_PREFIX_16}",  # passes Luhn, no prefix, no keyword
        f"合同编号：{CARD_VISA}",  # prefix, but a number word says it is not a card
        "银行卡号6222021234567890127",  # keyword and prefix, Luhn fails
        "卡号 62220212345678901",  # 17 digits Luhn fails
        f"编号9{CARD_UNIONPAY}",  # 20-digit run
    ],
)
def test_bank_card_negatives(text):
    assert codes(check_text(text, "body"), "personal_data") == []


# --- secrecy markings --------------------------------------------------------------------

NOTICE = (
    "{first}\n关于做好2024年度政府信息公开工作的通知\n各镇人民政府、县直各单位：\n"
    "现将有关事项通知如下。\n"
)


@pytest.mark.parametrize(
    "first",
    [
        "秘密★一年",
        "机密★5年",
        "绝密",
        "内部资料 注意保存",
        "【内部使用】",
        "秘密＊长期",
        "机密 ★ 10年",
        "密级：机密",
        "内部使用 仅限本单位",
    ],
)
def test_marking_in_document_header_blocks(first):
    text = NOTICE.format(first=first)
    findings = only(check_text(text, "body"), "secrecy")
    assert [(f.code, f.severity) for f in findings] == [("marking", "blocking")]
    assert findings[0].start < len(first) + 1


def test_marking_in_title():
    assert codes(check_text("机密", "title", header=True)) == ["marking"]
    assert codes(check_text("秘密★一年 关于某项目的批复", "title", header=True)) == ["marking"]


def test_marking_standing_alone_on_a_line_deep_in_the_body():
    body = "\n".join(["正文一段。"] * 10 + ["绝密", "正文又一段。"])
    [f] = check_text(body, "body")
    assert (f.code, body[f.start : f.end]) == ("marking", "绝密")


@pytest.mark.parametrize(
    "text",
    [
        # The annual report's table label, as a line of its own and among other cells.
        "（三）不予公开\n1.属于国家秘密\n2.其他法律行政法规禁止公开\n",
        "属于国家秘密",
        "本机关在发布信息前进行保密审查，不得涉及国家秘密。",
        "涉及国家秘密、商业秘密、个人隐私的政府信息，不予公开。",
        "关于加强机密文件管理的通知",
        "秘密文件管理规定\n第一条 为了加强管理……",
        # Line starts, but not in the header and not alone on the line.
        "\n".join(["正文。"] * 10 + ["机密 载体的管理要求如下"]),
        "\n".join(["正文。"] * 10 + ["机密：泄露会使国家安全和利益遭受严重损害的"]),
    ],
)
def test_secrecy_words_in_running_text_and_labels_do_not_block(text):
    assert [f for f in check_text(text, "body") if f.blocking] == []


@pytest.mark.parametrize(
    "title", ["关于加强机密文件管理的通知", "秘密文件管理规定", "属于国家秘密"]
)
def test_secrecy_words_in_titles_do_not_block(title):
    assert check_text(title, "title", header=True) == []


def test_internal_word_in_running_text_is_a_warning():
    body = "\n".join(["正文。"] * 6 + ["不得将内部资料上传至互联网。"])
    [f] = check_text(body, "body")
    assert (f.kind, f.code, f.severity, f.matched) == ("secrecy", "internal", "warning", "内部资料")


# --- lexicon -----------------------------------------------------------------------------

LEXICON = [
    LexiconEntry("截止", "截至"),
    LexiconEntry("按装", "安装"),
    LexiconEntry("中华人民"),
    LexiconEntry("人民共和国"),
    LexiconEntry("人民"),
    LexiconEntry("国务院办公厅", severity="warning"),
    LexiconEntry("gdp", "GDP"),
    LexiconEntry("ass"),
    LexiconEntry("２０２３年度", "2024年度"),
]


@pytest.fixture(scope="module")
def matcher():
    return LexiconMatcher(LEXICON)


def test_lexicon_word_inside_longer_text(matcher):
    text = "申报截止时间为五月底，请按装说明操作。"
    findings = check_text(text, "body", matcher)
    assert [(f.matched, f.suggestion, f.severity) for f in findings] == [
        ("截止", "截至", "warning"),
        ("按装", "安装", "warning"),
    ]
    assert text[findings[0].start : findings[0].end] == "截止"
    assert findings[0].context == "申报截止时间为五月底，请按装说明操作。"


def test_lexicon_overlapping_and_nested_entries_all_reported(matcher):
    text = "中华人民共和国"
    found = sorted((m.start, m.end, m.entry.word) for m in matcher.match(text))
    assert found == [(0, 4, "中华人民"), (2, 4, "人民"), (2, 7, "人民共和国")]
    assert all(f.severity == "blocking" for f in check_text(text, "body", matcher))


def test_lexicon_full_width_spaced_and_invisible_variants(matcher):
    text = "全县ＧＤＰ增长，国 务 院\u200b办公厅转发；２０２３年度报告与2023年度报告。"
    found = [(text[m.start : m.end], m.entry.word) for m in matcher.match(text)]
    assert found == [
        ("ＧＤＰ", "gdp"),
        ("国 务 院\u200b办公厅", "国务院办公厅"),
        ("２０２３年度", "２０２３年度"),
        ("2023年度", "２０２３年度"),
    ]


def test_lexicon_latin_entries_respect_word_boundaries(matcher):
    assert [m.entry.word for m in matcher.match("the class list; an ass.")] == ["ass"]


def test_lexicon_allow_entries_silence_matches_inside_them():
    m = LexiconMatcher([("截止", "截至"), ("截止日期", "", "allow")])
    found = [(x.start, x.entry.word) for x in m.match("截止日期为6月30日，截止6月底已办结。")]
    assert found == [(11, "截止")]


def test_lexicon_accepts_model_like_objects_and_merges_duplicates():
    rows = [
        SimpleNamespace(word="截止", correction="截至", severity="warning"),
        {"word": "截止", "correction": "", "severity": "blocking"},
        SimpleNamespace(word="  ", correction="", severity=""),
    ]
    m = LexiconMatcher(rows)
    assert len(m) == 1
    [hit] = m.match("截止")
    assert (hit.entry.correction, hit.entry.effective_severity) == ("截至", "blocking")
    with pytest.raises(ValueError):
        LexiconMatcher([{"word": "x", "severity": "fatal"}])


def test_empty_lexicon_matches_nothing():
    assert LexiconMatcher([]).match("任何文字") == []
    assert check_text("任何文字", "body", None) == []


# --- normalisation -----------------------------------------------------------------------


def test_fast_path_characters_really_are_unchanged_by_nfkc_and_casefold():
    ranges = [
        (0x4E00, 0x9FFF),
        (0x3001, 0x3003),
        (0x3008, 0x3011),
        (0x3014, 0x301F),
        (0x2018, 0x2019),
        (0x201C, 0x201D),
        (0x21, 0x40),
        (0x5B, 0x7E),
    ]
    for lo, hi in ranges:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            assert unicodedata.normalize("NFKC", ch).casefold() == ch, hex(cp)


def test_normalise_maps_offsets_back():
    text = "ＡＢ  中 文\u00adx"
    norm = normalise(text)
    assert norm.text == "ab  中文x"
    i = norm.text.index("中文")
    assert norm.span(i, i + 2) == (text.index("中"), text.index("文") + 1)


def test_html_to_text_keeps_block_structure():
    html = (
        "<h2>秘密★一年</h2><p>正文&nbsp;一</p><script>x=1</script><ul><li>甲</li><li>乙</li></ul>"
    )
    assert html_to_text(html).split("\n") == ["秘密★一年", "正文\xa0一", "甲", "乙"]


# --- run_checks --------------------------------------------------------------------------


def test_run_checks_over_title_and_texts(matcher):
    findings = run_checks(
        "关于截止日期的通知",
        {"body": "内部资料 注意保存\n联系电话13812345678", "summary": "无问题的摘要"},
        [],
        matcher,
    )
    assert [(f.location, f.kind, f.code) for f in findings] == [
        ("title", "lexicon", "mistaken"),
        ("body", "secrecy", "marking"),
        ("body", "personal_data", "mobile"),
    ]
    # The message names the word and its correction (in Chinese under zh-hans).
    assert "截止" in str(findings[0].message) and "截至" in str(findings[0].message)


def test_context_of_other_findings_masks_nearby_personal_data(matcher):
    text = f"截止：{ID_GD}已领取。"
    lex = [f for f in check_text(text, "body", matcher) if f.kind == "lexicon"][0]
    assert ID_GD not in lex.context and "4403**********1238" in lex.context


def test_fingerprint_survives_edits_elsewhere():
    a = check_text("电话13812345678", "body")[0]
    b = check_text("前面加了一段文字。电话13812345678", "body")[0]
    c = check_text("电话13912345678", "body")[0]
    assert a.start != b.start and a.fingerprint == b.fingerprint != c.fingerprint


# --- masking whatever the check digit ------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        (ID_BAD_CHECK, "1101**********0021"),  # wrong check digit: not a finding, still masked
        ("440301198502301235", "4403**********1235"),  # 30 February
        ("440301850615123", "4403*******5123"),  # 15-digit ID of before 1999
        ("6222021234567890127", "6222***********0127"),  # card number failing Luhn
    ],
)
def test_context_masks_numbers_shaped_like_personal_data_whatever_the_check_digit(
    matcher, number, masked
):
    text = f"当事人证件及卡号{number}截止"
    findings = check_text(text, "body", matcher)
    assert codes(findings) == ["mistaken"]  # the number itself is no finding
    [lex] = findings
    assert number not in lex.context and number[4:-4] not in lex.context
    assert masked in lex.context
    assert number not in json.dumps(lex.as_dict(), ensure_ascii=False)


def test_context_masks_a_wrong_id_next_to_a_real_finding():
    text = f"身份证号{ID_BAD_CHECK}电话13812345678"
    [f] = check_text(text, "body")
    assert f.code == "mobile"
    assert ID_BAD_CHECK[:15] not in f.context and "1101**********0021" in f.context


def test_masking_leaves_public_numbers_readable(matcher):
    # A procurement number is public, and neither an ID nor a card number in shape.
    text = "采购编号4401202312345678909截止"
    [lex] = check_text(text, "body", matcher)
    assert "4401202312345678909" in lex.context
