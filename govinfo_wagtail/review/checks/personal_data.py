"""Personal data: resident ID card numbers, mainland mobile numbers, bank card numbers.

Each detector looks for more than a digit pattern (check digit, birth date, card prefix or a
nearby word) because disclosure pages are full of long numbers — 文号, 项目编号, 采购编号,
statistics — and a check that cries wolf gets overridden out of habit.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ...text.normalise import NormalizedText
from .findings import BLOCKING, Finding, make_finding

__all__ = [
    "PersonalDataHit",
    "find_personal_data",
    "id_check_char",
    "luhn_valid",
    "mask_text",
    "numbers_to_mask",
    "personal_data_findings",
]

MESSAGES = {
    "id_card": _("Resident identity card number (身份证号): remove or mask it before publishing."),
    "mobile": _("Mobile phone number: remove or mask it before publishing."),
    "bank_card": _("Bank card number: remove or mask it before publishing."),
}
# Digits shown (head, tail) when masked: 4401**********1234, 138****5678, 6222***********0123.
_KEEP = {"id_card": (4, 4), "mobile": (3, 4), "bank_card": (4, 4)}


@dataclass(frozen=True, slots=True)
class PersonalDataHit:
    code: str  # "id_card" | "mobile" | "bank_card"
    start: int  # offsets in the original text
    end: int


# GB 11643-1999. Provinces (first two digits) per GB/T 2260, plus 83 (台湾居民居住证).
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83".split()
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_RE = re.compile(r"(?<![0-9])([1-8][0-9])[0-9]{4}([0-9]{8})[0-9]{3}[0-9x](?![0-9])")


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return "10x98765432"[total % 11]


def _plausible_birth(yyyymmdd: str, today: datetime.date) -> bool:
    try:
        born = datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return False
    return datetime.date(1900, 1, 1) <= born <= today


# Separators allowed in a written-out number (normalised text: full-width forms are ASCII).
_MOBILE_RE = re.compile(
    r"(?<![0-9])(?<![0-9][- ])(?:(?:\+|00)?86[- ]?)?"
    r"1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4}(?![0-9])(?![- ][0-9])"
)
_CARD_RE = re.compile(
    r"(?<![0-9])(?<![0-9][- ])"
    r"(?:[0-9]{16,19}|[0-9]{4}(?:[- ][0-9]{4}){3}(?:[- ]?[0-9]{1,3})?)"
    r"(?![0-9])(?![- ][0-9])"
)
# Words that make a Luhn-valid number a card number, and words that make it something else.
_CARD_WORDS = re.compile(r"卡号|账号|帐号|银行卡|借记卡|信用卡|储蓄卡|银行|开户行|账户|帐户|card")
_OTHER_NUMBER_WORDS = re.compile(
    r"编号|编码|项目号|合同号|订单号|采购|招标|标段|文号|流水号|批次|代码|证号|许可证|登记号|"
    r"备案号|索引号|批准号|案号"
)
_CARD_WORD_BEFORE = 20
_CARD_WORD_AFTER = 12


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card_prefix(d: str) -> bool:
    """Issuer prefix and length of a payment card: UnionPay, Visa, Mastercard, JCB,
    Discover and the 19-digit debit cards of ICBC (9558) and ABC (95595–95599)."""
    n = len(d)
    two, three, four = int(d[:2]), int(d[:3]), int(d[:4])
    if two == 62 or d.startswith(("601382", "6013")):
        return 16 <= n <= 19
    if d[0] == "4":
        return n == 16  # 19-digit Visa cards are rare; 19-digit project numbers starting 44 are not
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return n == 16
    if 3528 <= four <= 3589 or four == 6011 or two == 65 or 644 <= three <= 649:
        return 16 <= n <= 19
    if four == 9558 or 95595 <= int(d[:5]) <= 95599:
        return n == 19
    return False


def find_personal_data(
    norm: NormalizedText, today: datetime.date | None = None
) -> list[PersonalDataHit]:
    text = norm.text
    today = today or datetime.date.today()
    hits: list[PersonalDataHit] = []
    ids: list[tuple[int, int]] = []  # normalised spans, to keep them out of the other checks
    for m in _ID_RE.finditer(text):
        number = m.group()
        if (
            m.group(1) in _PROVINCES
            and _plausible_birth(m.group(2), today)
            and id_check_char(number[:17]) == number[17]
        ):
            ids.append(m.span())
            hits.append(PersonalDataHit("id_card", *norm.span(*m.span())))

    def overlaps_id(span: tuple[int, int]) -> bool:
        return any(s < span[1] and span[0] < e for s, e in ids)

    cards: list[tuple[int, int]] = []
    for m in _CARD_RE.finditer(text):
        digits = re.sub(r"[^0-9]", "", m.group())
        if overlaps_id(m.span()) or not luhn_valid(digits):
            continue
        before = text[max(0, m.start() - _CARD_WORD_BEFORE) : m.start()]
        after = text[m.end() : m.end() + _CARD_WORD_AFTER]
        if _CARD_WORDS.search(before) or _CARD_WORDS.search(after):
            pass
        elif not _card_prefix(digits) or _OTHER_NUMBER_WORDS.search(before):
            continue
        cards.append(m.span())
        hits.append(PersonalDataHit("bank_card", *norm.span(*m.span())))

    for m in _MOBILE_RE.finditer(text):
        span = m.span()
        if overlaps_id(span) or any(s < span[1] and span[0] < e for s, e in cards):
            continue
        hits.append(PersonalDataHit("mobile", *norm.span(*span)))
    hits.sort(key=lambda h: h.start)
    return hits


# Shapes that read as personal data whether or not their check digit, date or Luhn sum is
# right: a mistyped ID number is still somebody's ID number, a card number with a wrong digit
# still most of one. They are not findings (the detectors above decide those), but no
# finding's context shows them in full.
_ID_SHAPE_RE = re.compile(
    r"(?<![0-9])[1-8][0-9]{5}(?:1[89]|20)[0-9]{2}(?:0[1-9]|1[0-2])[0-9]{2}[0-9]{3}[0-9x]"
    r"(?![0-9])"
)
# The 15-digit IDs issued before 1999 (YYMMDD birth date, no check digit).
_OLD_ID_SHAPE_RE = re.compile(
    r"(?<![0-9])([1-8][0-9])[0-9]{4}[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    r"[0-9]{3}(?![0-9])"
)


def numbers_to_mask(
    norm: NormalizedText, hits: Iterable[PersonalDataHit] | None = None,
    today: datetime.date | None = None,
) -> list[PersonalDataHit]:
    """The personal data found (``hits``, or found here) and every number shaped like an ID
    or a card number, whatever its check digit, as spans of the original text to mask."""
    text = norm.text
    found = list(find_personal_data(norm, today) if hits is None else hits)
    taken = [(h.start, h.end) for h in found]

    def add(code: str, span: tuple[int, int]) -> None:
        start, end = norm.span(*span)
        if not any(s < end and start < e for s, e in taken):
            taken.append((start, end))
            found.append(PersonalDataHit(code, start, end))

    for m in _ID_SHAPE_RE.finditer(text):
        add("id_card", m.span())
    for m in _OLD_ID_SHAPE_RE.finditer(text):
        if m.group(1) in _PROVINCES:
            add("id_card", m.span())
    for m in _CARD_RE.finditer(text):
        digits = re.sub(r"[^0-9]", "", m.group())
        before = text[max(0, m.start() - _CARD_WORD_BEFORE) : m.start()]
        after = text[m.end() : m.end() + _CARD_WORD_AFTER]
        if _CARD_WORDS.search(before) or _CARD_WORDS.search(after) or (
            _card_prefix(digits) and not _OTHER_NUMBER_WORDS.search(before)
        ):
            add("bank_card", m.span())
    found.sort(key=lambda h: h.start)
    return found


def _is_digitish(ch: str) -> bool:
    return ch.isdigit() or ch in "xX\uff58\uff38"


def mask_text(text: str, hits: Iterable[PersonalDataHit]) -> str:
    """``text`` with the middle digits of every hit replaced by ``*`` (same length, so
    offsets into it stay valid)."""
    chars = list(text)
    for hit in hits:
        head, tail = _KEEP[hit.code]
        positions = [i for i in range(hit.start, hit.end) if _is_digitish(chars[i])]
        if hit.code == "mobile":
            positions = positions[-11:]  # mask the number, not a +86 prefix
        for i in positions[head : len(positions) - tail]:
            chars[i] = "*"
    return "".join(chars)


def personal_data_findings(
    hits: Iterable[PersonalDataHit], location: str, display_text: str
) -> list[Finding]:
    return [
        make_finding(
            kind="personal_data",
            code=hit.code,
            severity=BLOCKING,
            message=MESSAGES[hit.code],
            location=location,
            display_text=display_text,
            start=hit.start,
            end=hit.end,
        )
        for hit in hits
    ]
