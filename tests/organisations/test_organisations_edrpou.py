from __future__ import annotations

import pytest

from uchast.organisations import edrpou

pytestmark = pytest.mark.pure


@pytest.mark.parametrize(
    "code",
    [
        "14360570",  # ПриватБанк
        "00032129",  # Ощадбанк
        "00032106",  # Державна казначейська служба
        "43005393",  # a code in the 30-60 million range (weights 7, 1, 2, ...)
    ],
)
def test_valid_codes(code: str) -> None:
    assert edrpou.problem(code) is None
    assert edrpou.is_valid(f" {code} ")


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("14360571", "check_digit"),
        ("00032128", "check_digit"),
        ("43005390", "check_digit"),
        ("1436057", "length"),
        ("143605700", "length"),
        ("1436O570", "digits"),
        ("", "digits"),
        ("١٤٣٦٠٥٧٠", "digits"),  # Arabic-Indic digits are digits to str.isdigit, not to the registry
    ],
)
def test_bad_codes(code: str, problem: str) -> None:
    assert edrpou.problem(code) == problem
    assert not edrpou.is_valid(code)


def test_second_pass_with_raised_weights() -> None:
    # Some codes give 10 on the first pass; their check digit comes from the weights raised by 2.
    sevens = [f"{n:07d}" for n in range(0, 200)]
    first_pass_ten = [
        s for s in sevens if sum(int(d) * w for d, w in zip(s, (1, 2, 3, 4, 5, 6, 7), strict=True)) % 11 == 10
    ]
    assert first_pass_ten, "the range has codes whose first pass gives 10"
    seven = first_pass_ten[0]
    second = sum(int(d) * (w + 2) for d, w in zip(seven, (1, 2, 3, 4, 5, 6, 7), strict=True)) % 11
    assert edrpou.check_digit(seven) == (0 if second == 10 else second)
    assert edrpou.is_valid(seven + str(edrpou.check_digit(seven)))


def test_check_digit_needs_seven_digits() -> None:
    with pytest.raises(ValueError):
        edrpou.check_digit("123")
