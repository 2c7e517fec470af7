"""The one Chinese text analysis shared by every search backend (docs/architecture.md).

Database full-text engines keep a run of Chinese characters as one token, so documents and
queries are segmented here into space-separated word tokens that every backend indexes alike:
SQLite FTS5 (unicode61), PostgreSQL (``'simple'`` config), MariaDB/MySQL InnoDB FULLTEXT,
Elasticsearch and OpenSearch (whitespace or standard analyzers).

Every token this module emits is a run of Unicode letters/digits (``[^\\W_]+``), so no
punctuation or operator character can reach a backend's query syntax. Two kinds of special
tokens make exact look-ups possible through the same full-text index:

* ``dn<hex>`` for a 文号 (document number) such as 海府〔2020〕12号, whatever its brackets;
* ``ix<hex>`` for a 索引号 (index number) such as 000014349/2017-00110.

MariaDB/MySQL need one extra, reversible step (``encode_short_tokens``), see there.
All functions are pure and never raise on bad input (empty, huge, emoji, SQL-like, ...).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import rjieba

from .chars import CJK_IDEOGRAPHS
from .normalise import fold

__all__ = [
    "DOCUMENT_LIMIT",
    "QUERY_LIMIT",
    "DocumentNumber",
    "canonical_index_number",
    "decode_token",
    "document_number_token",
    "encode_short_tokens",
    "encode_token",
    "find_document_numbers",
    "fts5_query",
    "index_number_token",
    "index_text",
    "looks_like_index_number",
    "mysql_boolean_query",
    "mysql_index_text",
    "query_runs",
    "search_form",
    "query_terms",
    "segment",
    "title_key",
    "tsquery",
]

DOCUMENT_LIMIT = 100_000  # characters analysed per document part
QUERY_LIMIT = 200  # characters analysed per query
MAX_TOKEN_LENGTH = 64  # longer "words" are garbage (base64, URLs); cut on both sides alike
MAX_QUERY_TERMS = 32  # bounds the cost of one query on every backend

_WORD = re.compile(r"[^\W_]+")  # letters and digits; '_' is a separator in FTS5 and PostgreSQL
# Dash and slash look-alikes that NFKC leaves alone but people paste into index numbers.
_PUNCT_FOLD = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63"})
_PUNCT_FOLD.update({ord("\u2215"): "/", ord("\u2044"): "/"})


# --- normalisation ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _t2s():
    # OpenCC's official binding: phrase-aware 繁→简 (乾隆 stays 乾, 頭髮 → 头发), ~25 M chars/s.
    import opencc

    return opencc.OpenCC("t2s.json")  # ".json" spelling works across all 1.1+ releases


def _coerce(value: object) -> str:
    """Any input as a str; None and other junk become text or nothing, never an exception."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else str(value)


def search_form(text: object) -> str:
    """The search form of a text: ``fold`` (NFKC, case folding), dash variants, 繁体 → 简体.

    Character for character in practice (snippets rely on it); unlike ``normalise`` (the
    checks' form) it keeps no offsets and drops no characters.
    """
    text = _coerce(text)
    if not text:
        return ""
    text = fold(text).translate(_PUNCT_FOLD)
    try:
        return _t2s().convert(text)
    except UnicodeEncodeError:  # lone surrogates cannot be UTF-8 encoded for OpenCC
        return _t2s().convert(text.encode("utf-8", "ignore").decode("utf-8"))


# --- segmentation ----------------------------------------------------------------------------


def _split_word(word: str) -> list[str]:
    if word.isalnum():  # the common case; str.isalnum() is exactly [^\W_]+
        return [word[:MAX_TOKEN_LENGTH]]
    # "covid-19", "11.5%", "a_b" → their letter/digit parts
    return [m[:MAX_TOKEN_LENGTH] for m in _WORD.findall(word)]


def _tokens(text: str) -> list[str]:
    """Word tokens in jieba search mode (words and their dictionary sub-words)."""
    return [tok for word in rjieba.cut_for_search(text) for tok in _split_word(word)]


def _positioned_tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """As ``_tokens`` (same segmenter, same order) with (start, end) character offsets."""
    for word, start, end in rjieba.tokenize(text, mode="search"):
        if word.isalnum():
            yield word[:MAX_TOKEN_LENGTH], start, end
            continue
        for m in _WORD.finditer(word):
            yield m.group()[:MAX_TOKEN_LENGTH], start + m.start(), start + m.end()


def segment(text: object, limit: int = DOCUMENT_LIMIT) -> list[str]:
    """Normalised word tokens of ``text`` (jieba search mode: words and their sub-words)."""
    return _tokens(search_form(_coerce(text)[:limit]))


def _dedupe(tokens: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(tokens))


# --- 文号 (document numbers) -----------------------------------------------------------------

# On normalised text: NFKC already maps （）［］﹝﹞ to ()[]〔〕.
# Anchored on the bracket (no leading \s*: that is quadratic on long runs of whitespace).
_DOC_NO_CORE = re.compile(r"[〔\[【(〖]\s*((?:19|20)\d{2})\s*[〕\]】)〗]\s*第?\s*(\d{1,6})\s*号")
_ISSUER_RUN = re.compile(rf"[{CJK_IDEOGRAPHS}]+$")
_MAX_ISSUER = 10
# Words a query may put before a 文号 that are not part of the issuer's abbreviation.
_QUERY_LEADS = (
    "关于印发",
    "关于转发",
    "关于",
    "印发",
    "转发",
    "根据",
    "按照",
    "依据",
    "依照",
    "贯彻",
    "落实",
    "查询",
    "查找",
    "搜索",
    "文号",
)


@dataclass(frozen=True)
class DocumentNumber:
    issuer: str  # issuing body's abbreviation, e.g. 海府, 国办发
    year: int
    serial: int

    @property
    def canonical(self) -> str:
        return f"{self.issuer}〔{self.year}〕{self.serial}号"

    @property
    def token(self) -> str:
        return "dn" + _digest(self.canonical)


def _digest(text: str) -> str:
    # A fixed-length ASCII word: one token in every backend, no collision with real words.
    return hashlib.blake2b(text.encode("utf-8"), digest_size=10).hexdigest()


def _doc_number_matches(text: str) -> Iterator[tuple[str, int, int, int, int]]:
    """(issuer run, year, serial, span start, span end) on normalised text."""
    for m in _DOC_NO_CORE.finditer(text):
        raw = text[max(0, m.start() - 3 * _MAX_ISSUER) : m.start()]
        head = raw.rstrip()  # 海府 〔2020〕12号
        run = _ISSUER_RUN.search(head[-2 * _MAX_ISSUER :])
        if run is None:
            continue
        issuer = run.group()
        start = m.start() - (len(raw) - len(head)) - len(issuer)
        yield issuer, int(m.group(1)), int(m.group(2)), start, m.end()


def _query_issuer(run: str) -> str:
    """The issuer as typed in a query: what follows the last 关于/印发/根据/... in the run."""
    cut = 0
    for lead in _QUERY_LEADS:
        at = run.rfind(lead)
        if at >= 0 and at + len(lead) < len(run):
            cut = max(cut, at + len(lead))
    return run[cut:][-_MAX_ISSUER:]


def find_document_numbers(text: object) -> list[DocumentNumber]:
    """文号 in ``text`` as written in a query or a metadata field (issuer = the whole run)."""
    text = search_form(_coerce(text)[:DOCUMENT_LIMIT])
    return [
        DocumentNumber(_query_issuer(run), year, serial)
        for run, year, serial, _, _ in _doc_number_matches(text)
    ]


def document_number_token(s: object) -> str | None:
    """The ``dn…`` token of the first 文号 in ``s`` (any bracket style), or None."""
    found = find_document_numbers(s)
    return found[0].token if found else None


def _indexed_document_number_tokens(text: str) -> Iterator[str]:
    # Running text does not mark where an issuer starts (关于印发海府〔2020〕12号), so index every
    # trailing part of the run: a query for 海府〔2020〕12号 then finds it exactly.
    for run, year, serial, _, _ in _doc_number_matches(text):
        run = run[-_MAX_ISSUER:]
        for k in range(min(2, len(run)), len(run) + 1):
            yield DocumentNumber(run[-k:], year, serial).token


# --- 索引号 (index numbers) ------------------------------------------------------------------

# Organisation code (9 chars) or unified social credit code (18), then year and serial:
# 000014349/2017-00110, 11620622013933539B/2021-03844, 01527918X-2020-153077.
INDEX_NUMBER_PATTERN = r"[0-9a-z]{6,20}(?:-[0-9a-z]{1,10})?[/-](?:19|20)\d{2}-\d{1,8}"
_INDEX_NO = re.compile(rf"(?<![0-9a-z]){INDEX_NUMBER_PATTERN}(?![0-9a-z])")


def canonical_index_number(s: object, pattern: str | re.Pattern[str] | None = None) -> str | None:
    """Upper-case canonical form of ``s`` if the whole of it is an index number, else None.

    ``pattern`` (matched against the normalised, lower-case form) lets a site use its own
    format; the default covers the common organisation-code/year-serial styles.
    """
    text = "".join(search_form(_coerce(s)[:QUERY_LIMIT]).split())
    if not text:
        return None
    regex = (
        pattern if isinstance(pattern, re.Pattern) else re.compile(pattern or INDEX_NUMBER_PATTERN)
    )
    return text.upper() if regex.fullmatch(text) else None


def looks_like_index_number(q: object, pattern: str | re.Pattern[str] | None = None) -> bool:
    """True when the whole query is an index number: the caller can go straight to the item."""
    return canonical_index_number(q, pattern) is not None


def index_number_token(s: object) -> str | None:
    canonical = canonical_index_number(s)
    return None if canonical is None else "ix" + _digest(canonical)


def _index_number_tokens(text: str) -> Iterator[tuple[str, int, int]]:
    for m in _INDEX_NO.finditer(text):
        yield "ix" + _digest(m.group().upper()), m.start(), m.end()


# --- the two entry points --------------------------------------------------------------------


def index_text(*parts: object, unique: bool = True, memo: dict | None = None) -> str:
    """The analysed field: tokens of all parts (title, metadata, body, attachments) in order.

    Includes ``dn…``/``ix…`` tokens for every 文号 and 索引号 found. ``unique`` drops repeated
    tokens (a smaller index); pass False to keep term frequencies for BM25/ts_rank ranking.
    Each part is analysed on its own, so a caller that analyses the same texts in several
    fields (the title in the full text and in the strong fields) can pass one ``memo`` dict
    to all those calls and have each text analysed once. A memo is for one piece of work
    only: the analysis changes with the site's dictionary.
    """
    tokens: list[str] = []
    for part in parts:
        if memo is None or not isinstance(part, str):
            tokens.extend(_part_tokens(part))
            continue
        found = memo.get(part)
        if found is None:
            found = memo[part] = _part_tokens(part)
        tokens.extend(found)
    return " ".join(_dedupe(tokens) if unique else tokens)


def _part_tokens(part: object) -> list[str]:
    text = search_form(_coerce(part)[:DOCUMENT_LIMIT])
    if not text:
        return []
    return [*(tok for tok, _, _ in _index_number_tokens(text)),
            *_indexed_document_number_tokens(text), *_tokens(text)]


def title_key(title: object, limit: int = 255) -> str:
    """The normalised title, letters and digits only: adjacency is a substring test on it."""
    return "".join(_WORD.findall(search_form(_coerce(title)[:DOCUMENT_LIMIT])))[:limit]


def query_runs(q: object) -> list[str]:
    """The query's parts as typed (split on spaces), normalised, letters and digits only.

    A document whose title holds every run verbatim has the query's words adjacent as typed.
    """
    text = search_form(_coerce(q)[:QUERY_LIMIT])
    runs = ["".join(_WORD.findall(part)) for part in text.split()]
    return _dedupe(r for r in runs if r)[:MAX_QUERY_TERMS]


def _minimal_cover(tokens: list[tuple[str, int, int]]) -> list[str]:
    """Drop a query token whose every character is covered by shorter tokens inside it.

    Search mode yields 人民共和国 and also 人民/共和/共和国. Requiring the long word as well
    would miss documents where the segmenter cut the same characters differently.
    """
    kept = []
    for tok, start, end in tokens:
        covered: set[int] = set()
        for _other, s, e in tokens:
            if start <= s and e <= end and (e - s) < (end - start):
                covered.update(range(s, e))
        if len(covered) < end - start:
            kept.append(tok)
    return kept


def query_terms(q: object) -> list[str]:
    """Terms for a user query, all required (AND); [] for an empty or garbage query.

    A 文号 or 索引号 in the query becomes its single exact token instead of its pieces.
    """
    text = search_form(_coerce(q)[:QUERY_LIMIT])
    if not text:
        return []
    terms: list[str] = []
    chars = list(text)

    def blank(start: int, end: int) -> None:
        chars[start:end] = " " * (end - start)

    for tok, start, end in _index_number_tokens(text):
        terms.append(tok)
        blank(start, end)
    for run, year, serial, start, end in _doc_number_matches("".join(chars)):
        issuer = _query_issuer(run)
        terms.append(DocumentNumber(issuer, year, serial).token)
        blank(start + len(run) - len(issuer), end)  # words before the issuer stay search terms
    terms.extend(_minimal_cover(list(_positioned_tokens("".join(chars)))))
    return _dedupe(terms)[:MAX_QUERY_TERMS]


def fts5_query(terms: Iterable[str]) -> str:
    """An SQLite FTS5 MATCH expression requiring every term ('' when there are none)."""
    return " AND ".join(f'"{t}"' for t in terms if _WORD.fullmatch(t))


def tsquery(terms: Iterable[str]) -> str:
    """A PostgreSQL ``to_tsquery('simple', %s)`` argument requiring every term ('' if none)."""
    return " & ".join(t for t in terms if _WORD.fullmatch(t))


# --- MariaDB / MySQL InnoDB FULLTEXT ---------------------------------------------------------
#
# InnoDB ignores tokens shorter than innodb_ft_min_token_size (default 3) and those in its
# stopword list; worse, a required stopword (+the) makes a BOOLEAN MODE query match nothing.
# Its utf8mb4 parser also only counts characters of an old Unicode version as letters: CJK
# beyond U+9FA5 / U+4DB5 and all of Extension B+ split words (measured on MariaDB 10.11).
# Most Chinese words have two characters, so tokens are rewritten, reversibly, as
#   "q_" + token        short or stopword: 交通 → q_交通, 局 → q_局, the → q_the (more q's
#                       when the server's minimum is above 3)
#   "x_" + UTF-8 hex     any token with a character outside [0-9a-z] and the old CJK ranges
#                       (𠮷, 鿕, é, kana…): x_f0a0aeb7
#   token               everything else (运输局, 2019, dn…, ix…)
# '_' is a word character to InnoDB's parser (and to Wagtail's MySQL query builder, which
# splits on \W), but never occurs in an analysed token, so encoded tokens cannot collide with
# real words. Apply it to both the indexed text and the query, on the MySQL backend only, with
# the same min_length (read @@innodb_ft_min_token_size).

INNODB_MIN_TOKEN_SIZE = 3
INNODB_MAX_TOKEN_SIZE = 84
# innodb_ft_default_stopword, identical in MariaDB and MySQL.
INNODB_STOPWORDS = frozenset(
    "a about an are as at be by com de en for from how i in is it la of on or that the this "
    "to was what when where who will with und www".split()
)
_INNODB_WORD = re.compile(r"[0-9a-z\u3400-\u4db5\u4e00-\u9fa5]+")
_SHORT_MARK = re.compile(r"q+_")


def encode_token(token: str, min_length: int = INNODB_MIN_TOKEN_SIZE) -> str:
    """One analysed token as InnoDB FULLTEXT will keep it (see the comment above)."""
    if not _INNODB_WORD.fullmatch(token):
        return ("x_" + token.encode("utf-8").hex())[:INNODB_MAX_TOKEN_SIZE]
    if len(token) < min_length or token in INNODB_STOPWORDS:
        return "q" * max(1, min_length - len(token) - 1) + "_" + token
    return token[:INNODB_MAX_TOKEN_SIZE]  # never longer than MAX_TOKEN_LENGTH in practice


def decode_token(token: str) -> str:
    """Inverse of ``encode_token`` (except for hex cut at INNODB_MAX_TOKEN_SIZE)."""
    if token.startswith("x_"):
        try:
            return bytes.fromhex(token[2:]).decode("utf-8")
        except ValueError:  # cut mid-character
            return token
    mark = _SHORT_MARK.match(token)
    return token[mark.end() :] if mark else token


def encode_short_tokens(
    tokens: Iterable[str], min_length: int = INNODB_MIN_TOKEN_SIZE
) -> list[str]:
    """Tokens rewritten for InnoDB FULLTEXT (see above); ``min_length`` = the server's setting."""
    return [encode_token(t, min_length) for t in tokens if _WORD.fullmatch(t)]


def mysql_index_text(text: str, min_length: int = INNODB_MIN_TOKEN_SIZE) -> str:
    """``index_text(...)`` output rewritten for an InnoDB FULLTEXT column."""
    return " ".join(encode_short_tokens(_coerce(text).split(), min_length))


def mysql_boolean_query(terms: Iterable[str], min_length: int = INNODB_MIN_TOKEN_SIZE) -> str:
    """``MATCH … AGAINST (%s IN BOOLEAN MODE)`` argument requiring every term ('' if none)."""
    return " ".join("+" + t for t in encode_short_tokens(terms, min_length))
