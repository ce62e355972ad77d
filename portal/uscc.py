"""Unified Social Credit Code (统一社会信用代码, GB 32100-2015).

Structure: [1] registration authority, [2] organisation category, [3-8] region (digits), [9-17] organisation code,
[18] check character. Characters are valued 0-30 in ``ALPHABET`` order; the check character makes the weighted sum
(weights 3^(i-1) mod 31) a multiple of 31.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {char: value for value, char in enumerate(ALPHABET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]
LENGTH = 18


def normalise_uscc(code: str) -> str:
    """What users type (spaces, lower case) to the stored form."""
    return "".join(code.split()).upper()


def check_character(first17: str) -> str:
    total = sum(VALUES[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def find_fault(code: str) -> tuple[str, dict] | None:
    """The first fault of a normalised code as (kind, details), or None when it is valid. Needs no Django."""
    if len(code) != LENGTH:
        return "length", {"length": len(code)}
    for position, char in enumerate(code, start=1):
        if char not in VALUES:
            return "character", {"position": position, "char": char}
    if not code[2:8].isdigit():
        return "region", {}
    expected = check_character(code[:17])
    if code[17] != expected:
        return "check", {"expected": expected, "actual": code[17]}
    return None


FAULT_MESSAGES = {
    "length": _("统一社会信用代码应为 18 位，当前为 %(length)d 位。"),
    "character": _("第 %(position)d 位字符“%(char)s”不是统一社会信用代码允许的字符（不含 I、O、S、V、Z）。"),
    "region": _("第 3 至 8 位（登记管理机关行政区划码）应为数字。"),
    "check": _("校验位不正确：按前 17 位计算，第 18 位应为“%(expected)s”，而不是“%(actual)s”。请核对代码是否抄错。"),
}


def uscc_problem(code: str) -> str | None:
    """Why a code is invalid, in the user's language, or None when it is valid."""
    fault = find_fault(normalise_uscc(code))
    if fault is None:
        return None
    kind, details = fault
    return FAULT_MESSAGES[kind] % details


def is_valid_uscc(code: str) -> bool:
    return find_fault(normalise_uscc(code)) is None


def validate_uscc(value: str) -> None:
    """Django validator for form and model fields, which store the normalised form."""
    problem = uscc_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_uscc")
