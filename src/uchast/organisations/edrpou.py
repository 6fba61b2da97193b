"""ЄДРПОУ codes of legal entities: eight digits, the last a check digit (pure: no Django).

The check digit is the sum of the first seven digits times weights, modulo 11. The weights are
1..7, except for codes between 30000000 and 60000000, which use 7, 1, 2, 3, 4, 5, 6. When the
remainder is 10, the sum is taken again with every weight raised by 2; a second 10 means 0.
"""

from __future__ import annotations

LENGTH = 8
_LOW = (1, 2, 3, 4, 5, 6, 7)
_MIDDLE = (7, 1, 2, 3, 4, 5, 6)


def normalise(code: str) -> str:
    """The code without surrounding spaces (a code is never reformatted otherwise)."""
    return (code or "").strip()


def check_digit(first_seven: str) -> int:
    """The check digit of a code whose first seven digits are ``first_seven``."""
    if len(first_seven) != LENGTH - 1 or not first_seven.isascii() or not first_seven.isdigit():
        raise ValueError("seven digits expected")
    digits = [int(c) for c in first_seven]
    weights = _MIDDLE if 30_000_000 <= int(first_seven + "0") < 60_000_000 else _LOW
    remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
    if remainder == 10:
        remainder = sum(d * (w + 2) for d, w in zip(digits, weights, strict=True)) % 11
    return 0 if remainder == 10 else remainder


def problem(code: str) -> str | None:
    """None for a valid code, else why not: ``length``, ``digits`` or ``check_digit``."""
    code = normalise(code)
    if not code.isascii() or not code.isdigit():
        return "digits"
    if len(code) != LENGTH:
        return "length"
    return None if check_digit(code[:7]) == int(code[7]) else "check_digit"


def is_valid(code: str) -> bool:
    return problem(code) is None
