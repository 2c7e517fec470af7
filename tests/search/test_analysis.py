"""The shared Chinese text analysis, unit-tested and round-tripped through real full-text indexes.

SQLite FTS5 always runs; PostgreSQL (127.0.0.1:5432) and MariaDB (127.0.0.1:3306) run when
reachable and are skipped with the reason otherwise. No Django database is used: the tests
write to temporary tables in the ``test`` databases and drop them.
"""

from __future__ import annotations

import re
import sqlite3
import time
import uuid

import pytest

from govinfo_wagtail.text import analysis
from govinfo_wagtail.text.analysis import (
    DOCUMENT_LIMIT,
    QUERY_LIMIT,
    canonical_index_number,
    decode_token,
    document_number_token,
    encode_short_tokens,
    encode_token,
    find_document_numbers,
    fts5_query,
    index_number_token,
    index_text,
    looks_like_index_number,
    mysql_boolean_query,
    mysql_index_text,
    query_terms,
    search_form,
    segment,
    tsquery,
)

WORD = re.compile(r"[^\W_]+")
OPERATORS = set("+-*\"'()<>~@:^&|!=%;,.\\/")

BAD_QUERIES = [
    "",
    " \t\n ",
    "x" * 2000,
    "交通" * 1000,
    "。，、！？；：“”‘’（）《》【】…—",
    "!@#$%^&*()_+-={}[]|\\:;\"'<>,.?/~`",
    "😀🎉👍🏽 🇨🇳",
    "' OR 1=1 --",
    "'; DROP TABLE docs; --",
    'title:foo AND (bar OR "baz"*',
    "NEAR(a b) NOT c OR d AND e*",
    "a & b | !c <-> d:*",
    '+交通 -运输 >局 <年度 ~报告 @3 "海丰"',
    "\x00\x01\x1a",
    "\ud800 lone surrogate",
    None,
    12345,
    b"\xff\xfe bytes",
]


# --- search_form-------------------------------------------------------------------------


def test_normalise_full_width_and_case():
    assert search_form("ＡＢＣ１２３") == "abc123"
    assert search_form("（海府）") == "(海府)"
    assert search_form("Ｈｅｌｌｏ　Ｗｏｒｌｄ") == "hello world"


def test_normalise_traditional_to_simplified():
    assert search_form("運輸") == "运输"
    assert search_form("海豐縣交通運輸局") == "海丰县交通运输局"
    assert search_form("關於印發《財政預算》的通知") == "关于印发《财政预算》的通知"
    assert search_form("頭髮") == "头发"  # phrase-aware: 髮 → 发
    assert search_form("乾隆") == "乾隆"  # ... and 乾 is not blindly turned into 干


def test_normalise_leaves_simplified_alone():
    text = "海丰县交通运输局2019年政府信息公开工作年度报告"
    assert search_form(text) == text


def test_normalise_junk():
    assert search_form(None) == ""
    assert search_form("") == ""
    assert search_form("\ud800交通") == "交通"
    assert search_form(b"\xe4\xba\xa4\xe9\x80\x9a") == "交通"


# --- segment ----------------------------------------------------------------------------


def test_segment_finds_words_inside_long_runs():
    tokens = segment("海丰县交通运输局2019年政府信息公开工作年度报告")
    for word in ("交通", "运输", "交通运输", "局", "2019", "年度报告", "年度", "报告", "海丰县"):
        assert word in tokens
    assert "预算" in segment("关于印发海丰县2021年财政预算执行情况的通知")


def test_segment_traditional_and_full_width():
    assert "运输" in segment("海豐縣交通運輸局")
    assert segment("ＡＢＣ１２３") == ["abc123"]


def test_segment_drops_punctuation_and_splits_ascii_on_symbols():
    assert segment("。，！😀 ！！") == []
    tokens = segment("COVID-19 e-mail 11.5% a_b")
    assert set(tokens) == {"covid", "19", "e", "mail", "11", "5", "a", "b"}


def test_segment_caps_input():
    assert len("".join(segment("字" * (DOCUMENT_LIMIT + 500)))) <= DOCUMENT_LIMIT
    assert segment("交通" * 10, limit=4) == ["交通", "交通"]


# --- 文号 ---------------------------------------------------------------------------------

HAIFU = document_number_token("海府〔2020〕12号")


@pytest.mark.parametrize(
    "written",
    [
        "海府〔2020〕12号",
        "海府[2020]12号",
        "海府【2020】12号",
        "海府（2020）12号",
        "海府(2020)12号",
        "海府［2020］12号",
        "海府﹝2020﹞12号",
        "海府〔2020〕第12号",
        "海府〔2020〕012号",
        "海府 〔 2020 〕 12 号",
        "关于印发海府〔2020〕12号",
    ],
)
def test_document_number_variants_share_one_token(written):
    assert HAIFU is not None and WORD.fullmatch(HAIFU)
    assert document_number_token(written) == HAIFU
    assert query_terms(written)[0] == HAIFU


def test_document_number_parts_matter():
    assert document_number_token("海府〔2020〕13号") != HAIFU
    assert document_number_token("海府〔2021〕12号") != HAIFU
    assert document_number_token("海交〔2020〕12号") != HAIFU
    assert document_number_token("2020年12号") is None
    assert document_number_token("") is None


def test_document_number_canonical_forms():
    assert [d.canonical for d in find_document_numbers("国办发〔2017〕47号")] == [
        "国办发〔2017〕47号"
    ]
    assert [d.canonical for d in find_document_numbers("粵府辦[2021]3號")] == ["粤府办〔2021〕3号"]
    assert [d.canonical for d in find_document_numbers("海交【2019】8号、海府〔2020〕12号")] == [
        "海交〔2019〕8号",
        "海府〔2020〕12号",
    ]


def test_document_number_in_running_text_is_indexed_exactly():
    indexed = index_text("关于印发海府〔2020〕12号文件的通知").split()
    assert HAIFU in indexed
    assert document_number_token("海府〔2020〕13号") not in indexed


def test_query_keeps_words_around_a_document_number():
    terms = query_terms("交通运输局关于海府（2020）12号")
    assert terms[0] == HAIFU
    assert "交通" in terms and "局" in terms


# --- 索引号 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("000014349/2017-00110", "000014349/2017-00110"),
        ("11620622013933539B/2021-03844", "11620622013933539B/2021-03844"),
        ("11620622013933539b/2021-03844", "11620622013933539B/2021-03844"),
        ("01527918X-2020-153077", "01527918X-2020-153077"),
        (" ０１５２７９１８Ｘ－２０２０－１５３０７７ ", "01527918X-2020-153077"),
        ("000014349／2017—00110", "000014349/2017-00110"),
    ],
)
def test_index_numbers(written, canonical):
    assert looks_like_index_number(written)
    assert canonical_index_number(written) == canonical
    assert query_terms(written) == [index_number_token(canonical)]


@pytest.mark.parametrize(
    "text", ["2019-12-01", "海府〔2020〕12号", "交通", "0660-6678123", "000014349", "", None]
)
def test_not_index_numbers(text):
    assert not looks_like_index_number(text)


def test_index_number_pattern_is_configurable():
    assert not looks_like_index_number("HF-XXGK-2020-0001")
    assert looks_like_index_number("HF-XXGK-2020-0001", pattern=r"hf-xxgk-\d{4}-\d{4}")


def test_index_number_inside_metadata_is_indexed():
    tokens = index_text("索引号：000014349/2017-00110 发布机构：海丰县交通运输局").split()
    assert index_number_token("000014349/2017-00110") in tokens


# --- index_text / query_terms -----------------------------------------------------------


def test_index_text_is_deduplicated_in_order():
    tokens = index_text("交通 运输", "交通").split()
    assert tokens == ["交通", "运输"]
    assert index_text("交通 运输", "交通", unique=False).split() == ["交通", "运输", "交通"]
    assert index_text() == "" and index_text(None, "", "。") == ""


def test_query_terms_traditional_query_finds_simplified_text():
    assert query_terms("運輸") == ["运输"]
    assert set(query_terms("海豐縣交通運輸局")) <= set(index_text("海丰县交通运输局").split())


def test_query_terms_drop_words_covered_by_their_parts():
    assert query_terms("人民共和国") == ["人民", "共和", "共和国"]
    assert set(query_terms("人民共和国")) <= set(
        index_text("中华人民共和国政府信息公开条例").split()
    )


@pytest.mark.parametrize("q", BAD_QUERIES)
def test_bad_queries_never_raise_nor_leak_operators(q):
    terms = query_terms(q)
    assert len(terms) <= 32
    for term in terms:
        assert WORD.fullmatch(term), term
        assert not OPERATORS & set(term)
    index_text(q)
    segment(q)
    looks_like_index_number(q)
    document_number_token(q)
    for built in (mysql_boolean_query(terms), fts5_query(terms), tsquery(terms)):
        assert isinstance(built, str)


def test_garbage_queries_are_empty():
    for q in ("", "   ", "。，！？", "😀🎉", "!@#$%^&*()", None):
        assert query_terms(q) == []
        assert mysql_boolean_query(query_terms(q)) == ""


@pytest.mark.parametrize("char", [" ", "\t\n", "(", "〔", "-", "0", "😀", "\u0301", "海府 〔"])
def test_pathological_documents_stay_linear(char):
    text = char * (DOCUMENT_LIMIT // len(char))
    start = time.perf_counter()
    index_text(text)
    query_terms(text)
    assert time.perf_counter() - start < 2  # ~0.05 s; quadratic regexes took 40 s here


def test_query_is_capped():
    assert len("".join(query_terms("交通" * 1000))) <= QUERY_LIMIT


# --- MariaDB encoding -------------------------------------------------------------------


def test_encode_short_tokens():
    assert encode_short_tokens(["交通", "局", "运输局", "of", "the", "2019", "12"]) == [
        "q_交通",
        "q_局",
        "运输局",
        "q_of",
        "q_the",
        "2019",
        "q_12",
    ]
    assert encode_token("𠮷野家") == "x_" + "𠮷野家".encode().hex()  # Extension B
    assert encode_token("鿕鿕鿕").startswith("x_")  # U+9FD5: no letter to MariaDB 10.11
    assert encode_token("café") == "x_" + "café".encode().hex()
    assert encode_token("局", min_length=6) == "qqqq_局"
    for token in ("交通", "局", "the", "𠮷野家", "运输局", "dn0123", "café", "12"):
        for min_length in (3, 4, 6):
            assert decode_token(encode_token(token, min_length)) == token
    assert encode_short_tokens(["a b", "+x", ""]) == []  # only analysed tokens pass


def test_mysql_boolean_query_requires_every_term():
    assert mysql_boolean_query(["交通", "运输局"]) == "+q_交通 +运输局"
    assert mysql_boolean_query(["交通"], min_length=4) == "+q_交通"
    assert mysql_boolean_query([]) == ""
    assert mysql_index_text("交通 运输局 局") == "q_交通 运输局 q_局"


# --- round trips through real full-text indexes -----------------------------------------

DOCS = {
    1: (
        "海丰县交通运输局2019年政府信息公开工作年度报告",
        "海交〔2019〕8号",
        "000014349/2017-00110",
        "本报告由海丰县交通运输局编制，包括主动公开政府信息情况。",
    ),
    2: (
        "关于印发海丰县2021年财政预算执行情况的通知",
        "粤府办[2021]3号",
        "11620622013933539B/2021-03844",
        "各镇人民政府，县直各单位：现将预算执行情况印发给你们。",
    ),
    3: (
        "国务院办公厅关于印发政府网站发展指引的通知",
        "国办发〔2017〕47号",
        "01527918X-2020-153077",
        "COVID-19 疫情防控期间，政府网站应当及时发布信息。Guidelines for the websites.",
    ),
    4: (
        "海丰县人民政府关于乡村振兴工作的意见",
        "海府〔2020〕12号",
        "000014349/2020-00001",
        "根据海交〔2019〕8号文件精神，推进乡村振兴。",
    ),
    5: ("𠮷野家门店食品安全检查结果公示", "", "000014349/2021-00002", "检查结果：合格。鿕"),
}

# (query, ids that must be found): words inside longer runs, traditional, full-width, exact numbers.
CASES = [
    ("交通", {1}),
    ("运输", {1}),
    ("年度报告", {1}),
    ("預算", {2}),
    ("預算執行", {2}),
    ("運輸", {1}),
    ("海豐縣", {1, 2, 4}),
    ("局", {1}),
    ("乡村振兴", {4}),
    ("政府网站", {3}),
    ("ＣＯＶＩＤ", {3}),
    ("covid-19", {3}),
    ("the", {3}),
    ("for the", {3}),
    ("海府〔2020〕12号", {4}),
    ("海府[2020]12号", {4}),
    ("海府（2020）第12号", {4}),
    ("海交〔2019〕8号", {1, 4}),  # document 4 cites it in its body
    ("海交〔2019〕9号", set()),
    ("粤府办〔2021〕3号", {2}),
    ("粵府辦【2021】3號", {2}),
    ("国办发〔2017〕47号", {3}),
    ("000014349/2017-00110", {1}),
    ("11620622013933539b/2021-03844", {2}),
    ("０１５２７９１８Ｘ－２０２０－１５３０７７", {3}),
    ("𠮷野家", {5}),
    ("鿕", {5}),
    ("交通 年度报告", {1}),
    ("交通 预算", set()),
]


def analysed_docs() -> dict[int, str]:
    return {pk: index_text(*parts) for pk, parts in DOCS.items()}


def check_round_trip(search) -> None:
    """``search(terms) -> set of ids`` must answer every case, and every bad input quietly."""
    for q, expected in CASES:
        terms = query_terms(q)
        assert terms, q
        assert search(terms) == expected, (q, terms)
    for q in BAD_QUERIES:
        terms = query_terms(q)
        if terms:
            search(terms)


def test_round_trip_sqlite_fts5():
    con = sqlite3.connect(":memory:")
    try:
        con.execute("CREATE VIRTUAL TABLE docs USING fts5(body)")
        con.executemany("INSERT INTO docs(rowid, body) VALUES (?, ?)", analysed_docs().items())

        def search(terms):
            rows = con.execute("SELECT rowid FROM docs WHERE docs MATCH ?", (fts5_query(terms),))
            return {r[0] for r in rows}

        check_round_trip(search)
        # Control: the same text unsegmented keeps a Chinese run as one token.
        con.execute("CREATE VIRTUAL TABLE raw USING fts5(body)")
        con.execute("INSERT INTO raw(rowid, body) VALUES (1, ?)", (" ".join(DOCS[1]),))
        assert con.execute("SELECT rowid FROM raw WHERE raw MATCH '\"交通\"'").fetchall() == []
    finally:
        con.close()


@pytest.fixture
def pg():
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed")
    try:
        con = psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=test", connect_timeout=3
        )
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 (database test) is unreachable: {exc}")
    try:
        yield con
    finally:
        con.rollback()
        con.close()


def test_round_trip_postgresql(pg):
    table = f"govinfo_analysis_{uuid.uuid4().hex[:12]}"
    with pg.cursor() as cur:
        cur.execute(f"CREATE TEMPORARY TABLE {table} (id int PRIMARY KEY, tsv tsvector)")
        for pk, text in analysed_docs().items():
            cur.execute(f"INSERT INTO {table} VALUES (%s, to_tsvector('simple', %s))", (pk, text))

        def search(terms):
            cur.execute(
                f"SELECT id FROM {table} WHERE tsv @@ to_tsquery('simple', %s)", (tsquery(terms),)
            )
            return {r[0] for r in cur.fetchall()}

        check_round_trip(search)
        # Every analysed token survives PostgreSQL's parser as exactly one lexeme.
        for text in analysed_docs().values():
            cur.execute(
                "SELECT array_length(tsvector_to_array(to_tsvector('simple', %s)), 1)", (text,)
            )
            assert cur.fetchone()[0] == len(text.split())
        # Control: unsegmented text is one token per Chinese run.
        cur.execute(
            "SELECT to_tsvector('simple', %s) @@ to_tsquery('simple', '交通')", (DOCS[1][0],)
        )
        assert cur.fetchone()[0] is False


@pytest.fixture
def mariadb():
    MySQLdb = pytest.importorskip("MySQLdb", reason="mysqlclient is not installed")
    try:
        con = MySQLdb.connect(
            host="127.0.0.1",
            port=3306,
            user="root",
            passwd="",
            db="test",
            charset="utf8mb4",
            connect_timeout=3,
        )
    except MySQLdb.Error as exc:
        pytest.skip(f"MariaDB at 127.0.0.1:3306 (database test) is unreachable: {exc}")
    try:
        yield con
    finally:
        con.close()


@pytest.mark.parametrize(
    "collation",
    ["utf8mb4_general_ci", "utf8mb4_unicode_ci", "utf8mb4_unicode_520_ci", "utf8mb4_bin"],
)
def test_round_trip_mariadb(mariadb, collation):
    # InnoDB cannot put a FULLTEXT index on a TEMPORARY table: use a uniquely named one.
    table = f"govinfo_analysis_{uuid.uuid4().hex[:12]}"
    cur = mariadb.cursor()
    cur.execute("SELECT @@innodb_ft_min_token_size")
    min_length = cur.fetchone()[0]
    cur.execute(
        f"CREATE TABLE {table} (id INT PRIMARY KEY, body LONGTEXT CHARACTER SET utf8mb4 "
        f"COLLATE {collation}, raw LONGTEXT CHARACTER SET utf8mb4 COLLATE {collation}, "
        "FULLTEXT (body), FULLTEXT (raw)) ENGINE=InnoDB"
    )
    try:
        for pk, text in analysed_docs().items():
            cur.execute(
                f"INSERT INTO {table} VALUES (%s, %s, %s)",
                (pk, mysql_index_text(text, min_length), text),
            )
        mariadb.commit()  # InnoDB adds rows to the FULLTEXT index at commit

        def search(terms, column="body"):
            cur.execute(
                f"SELECT id FROM {table} WHERE MATCH ({column}) AGAINST (%s IN BOOLEAN MODE)",
                (mysql_boolean_query(terms, min_length),),
            )
            return {r[0] for r in cur.fetchall()}

        check_round_trip(search)
        # Control: without the encoding, two-character words and stopwords are never found.
        raw = {"交通": "+交通", "局": "+局", "the": "+the"}
        for word, against in raw.items():
            cur.execute(
                f"SELECT id FROM {table} WHERE MATCH (raw) AGAINST (%s IN BOOLEAN MODE)",
                (against,),
            )
            assert cur.fetchall() == (), word
    finally:
        cur.execute(f"DROP TABLE IF EXISTS {table}")
        mariadb.commit()


def test_a_memo_gives_the_same_analysis_and_analyses_each_text_once(monkeypatch):
    title, body = "关于加强农村公路养护管理的通知", "<p>海府〔2024〕3号 农村公路养护</p>"
    expected = (analysis.index_text(title, title, body, unique=False),
                analysis.index_text(title, "海府〔2024〕3号"))
    calls = []
    part_tokens = analysis._part_tokens
    monkeypatch.setattr(analysis, "_part_tokens",
                        lambda part: calls.append(part) or part_tokens(part))
    memo: dict = {}
    assert (analysis.index_text(title, title, body, unique=False, memo=memo),
            analysis.index_text(title, "海府〔2024〕3号", memo=memo)) == expected
    assert sorted(calls) == sorted([title, body, "海府〔2024〕3号"])
