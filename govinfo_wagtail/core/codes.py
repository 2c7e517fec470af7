"""Check characters of Chinese organisation identifiers.

- 统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters, the last
  one a check character over the first 17.
- 组织机构代码 (organisation code), GB 11714-1997: 8 characters and a check character,
  often written with a hyphen before it (``01527918-X``).
"""

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    code = code.strip().upper()
    if len(code) != 18 or any(c not in USCC_CHARSET for c in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def org_code_check_char(first8: str) -> str:
    total = sum(int(c, 36) * w for c, w in zip(first8, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def normalise_org_code(code: str) -> str:
    return code.strip().upper().replace("-", "")


def is_valid_org_code(code: str) -> bool:
    code = normalise_org_code(code)
    if len(code) != 9 or not code[:8].isascii() or not code[:8].isalnum():
        return False
    return org_code_check_char(code[:8]) == code[8]
