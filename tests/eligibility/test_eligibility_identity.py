"""Tests of uchast.eligibility.identity: normal forms, РНОКПП checksum and date, keyed hashes."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uchast.eligibility.identity import (
    RNOKPP_EPOCH,
    IdentityKind,
    IdentityNumberError,
    identity_key,
    normalise_identity_number,
    rnokpp_birth_date,
    rnokpp_check_digit,
    rnokpp_matches_birth_date,
)

pytestmark = pytest.mark.pure

SECRET = b"0123456789abcdef-test-secret"
WEIGHTS = (-1, 5, 7, 9, 4, 6, 10, 5, 7)


def weighted_residue(first_nine: str) -> int:
    return sum(w * int(d) for w, d in zip(WEIGHTS, first_nine, strict=True)) % 11


def make_rnokpp(birth: date, serial: str) -> str:
    days = (birth - RNOKPP_EPOCH).days
    first_nine = f"{days:05d}{serial}"
    return first_nine + str(rnokpp_check_digit(first_nine))


# ------------------------------------------------------------------------------------------
# РНОКПП
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "why"),
    [
        # -1*1 + 5*2 + 7*3 + 9*4 + 4*5 + 6*6 + 10*7 + 5*8 + 7*9 = 295; 295 mod 11 = 9
        ("1234567899", "worked by hand"),
        # the only non-zero digit has weight 10: sum 10, mod 11 = 10, mod 10 = 0
        ("0000001000", "residue 10 gives control digit 0"),
        ("0000000000", "all zeros"),
    ],
)
def test_hand_checked_valid_numbers(number: str, why: str) -> None:
    assert normalise_identity_number(IdentityKind.RNOKPP, number) == number, why


def test_check_digit_of_hand_example() -> None:
    assert rnokpp_check_digit("123456789") == 9
    with pytest.raises(ValueError):
        rnokpp_check_digit("12345678")
    with pytest.raises(ValueError):
        rnokpp_check_digit("12345678a")


@pytest.mark.parametrize(
    ("raw", "normal"),
    [(" 1234567899 ", "1234567899"), ("12345 67899", "1234567899"), ("１２３４５６７８９９", "1234567899")],
)
def test_rnokpp_normalisation(raw: str, normal: str) -> None:
    assert normalise_identity_number("rnokpp", raw) == normal


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("123456789", "wrong_length"),
        ("12345678999", "wrong_length"),
        ("12345678a9", "invalid_characters"),
        ("1234567898", "bad_checksum"),
    ],
)
def test_rnokpp_errors(raw: str, code: str) -> None:
    with pytest.raises(IdentityNumberError) as caught:
        normalise_identity_number(IdentityKind.RNOKPP, raw)
    assert caught.value.code == code
    assert caught.value.params["kind"] == "rnokpp"


def test_wrong_length_params() -> None:
    with pytest.raises(IdentityNumberError) as caught:
        normalise_identity_number(IdentityKind.RNOKPP, "12345")
    assert dict(caught.value.params) == {"kind": "rnokpp", "expected_length": 10, "length": 5}


rnokpp_birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2173, 10, 14))
serials = st.text(alphabet="0123456789", min_size=4, max_size=4)


@given(birth=rnokpp_birth_dates, serial=serials)
def test_generated_numbers_validate_and_carry_the_birth_date(birth: date, serial: str) -> None:
    number = make_rnokpp(birth, serial)
    assert normalise_identity_number(IdentityKind.RNOKPP, number) == number
    assert rnokpp_birth_date(number) == birth
    assert rnokpp_matches_birth_date(number, birth)
    assert not rnokpp_matches_birth_date(number, birth + timedelta(days=1))


@given(birth=rnokpp_birth_dates, serial=serials, position=st.integers(0, 9), shift=st.integers(1, 9))
def test_single_digit_errors(birth: date, serial: str, position: int, shift: int) -> None:
    number = make_rnokpp(birth, serial)
    wrong_digit = (int(number[position]) + shift) % 10
    typo = number[:position] + str(wrong_digit) + number[position + 1 :]
    if position == 9:
        detected = True  # a different control digit can never match
    else:
        # mod 11 changes for every single-digit change (no weight is a multiple of 11), but the
        # final "mod 10" folds residues 0 and 10 together: that swap alone goes unnoticed.
        residues = {weighted_residue(number[:9]), weighted_residue(typo[:9])}
        detected = residues != {0, 10}
    if detected:
        with pytest.raises(IdentityNumberError) as caught:
            normalise_identity_number(IdentityKind.RNOKPP, typo)
        assert caught.value.code == "bad_checksum"
    else:
        assert normalise_identity_number(IdentityKind.RNOKPP, typo) == typo


def test_known_undetectable_single_digit_error() -> None:
    # 0000001000 (residue 10) and 0000000000 (residue 0) differ in one digit, both valid:
    # a documented weakness of the official scheme, not of our code.
    assert normalise_identity_number(IdentityKind.RNOKPP, "0000001000") == "0000001000"
    assert normalise_identity_number(IdentityKind.RNOKPP, "0000000000") == "0000000000"


def test_birth_date_epoch() -> None:
    assert rnokpp_birth_date(make_rnokpp(date(1900, 1, 1), "0000")) == date(1900, 1, 1)
    number = make_rnokpp(date(1990, 1, 1), "1234")
    # 1900-01-01 is day 1; then 90 years of 365 days plus 22 leap days (1904..1988).
    assert number.startswith(f"{1 + 90 * 365 + 22:05d}")
    assert number.startswith("32873")
    assert rnokpp_birth_date("0000000000") is None
    assert not rnokpp_matches_birth_date("0000000000", RNOKPP_EPOCH)
    with pytest.raises(IdentityNumberError):
        rnokpp_birth_date("1234567898")


# ------------------------------------------------------------------------------------------
# Passports and IDP certificates
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("123456789", "123456789"),
        (" 123 456 789 ", "123456789"),
    ],
)
def test_id_card(raw: str, normal: str) -> None:
    assert normalise_identity_number(IdentityKind.ID_CARD, raw) == normal


@pytest.mark.parametrize(("raw", "code"), [("12345678", "wrong_length"), ("12345678O", "invalid_characters")])
def test_id_card_errors(raw: str, code: str) -> None:
    with pytest.raises(IdentityNumberError) as caught:
        normalise_identity_number(IdentityKind.ID_CARD, raw)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("КВ123456", "КВ123456"),
        ("кв 123456", "КВ123456"),
        ("KB123456", "КВ123456"),  # both Latin look-alikes
        ("kb-123456", "КВ123456"),
        ("Кb №123456", "КВ123456"),  # mixed scripts, numero sign
        ("ia123456", "ІА123456"),
        ("ЄЇ000001", "ЄЇ000001"),
        ("ty 654321", "ТУ654321"),
    ],
)
def test_passport_book(raw: str, normal: str) -> None:
    assert normalise_identity_number(IdentityKind.PASSPORT_BOOK, raw) == normal


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("КВ12345", "wrong_length"),
        ("КВ1234567", "wrong_length"),
        ("ЫЭ123456", "bad_series"),  # Russian-only letters
        ("DK123456", "bad_series"),  # D has no Cyrillic look-alike
        ("К1123456", "bad_series"),
        ("КВ12345О", "invalid_characters"),
    ],
)
def test_passport_book_errors(raw: str, code: str) -> None:
    with pytest.raises(IdentityNumberError) as caught:
        normalise_identity_number(IdentityKind.PASSPORT_BOOK, raw)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("1234-5678901234", "12345678901234"),
        ("1234 – 5678901234", "12345678901234"),
        ("0001", "0001"),
    ],
)
def test_idp_certificate(raw: str, normal: str) -> None:
    assert normalise_identity_number(IdentityKind.IDP_CERTIFICATE, raw) == normal


@pytest.mark.parametrize(
    ("raw", "code"),
    [("123", "wrong_length"), ("1" * 21, "wrong_length"), ("12/345", "invalid_characters"), ("-", "empty")],
)
def test_idp_certificate_errors(raw: str, code: str) -> None:
    with pytest.raises(IdentityNumberError) as caught:
        normalise_identity_number(IdentityKind.IDP_CERTIFICATE, raw)
    assert caught.value.code == code


def test_unknown_kind() -> None:
    with pytest.raises(IdentityNumberError) as caught:
        normalise_identity_number("driving_licence", "123")
    assert caught.value.code == "unknown_kind"


raw_inputs = st.text(
    alphabet=st.sampled_from("0123456789 -–№KBkbКВквАЯіІaAЫ"),
    max_size=16,
)


@given(kind=st.sampled_from(list(IdentityKind)), raw=raw_inputs)
def test_normal_form_is_a_fixed_point(kind: IdentityKind, raw: str) -> None:
    try:
        normal = normalise_identity_number(kind, raw)
    except IdentityNumberError:
        return
    assert normalise_identity_number(kind, normal) == normal


# ------------------------------------------------------------------------------------------
# Keys
# ------------------------------------------------------------------------------------------


def test_identity_key_is_hmac_sha256_of_kind_and_number() -> None:
    expected = hmac.new(SECRET, "passport_book:КВ123456".encode(), hashlib.sha256).hexdigest()
    assert identity_key(SECRET, IdentityKind.PASSPORT_BOOK, "КВ123456") == expected
    assert identity_key(SECRET, "passport_book", "КВ123456") == expected
    assert len(expected) == 64


def test_same_person_same_key_whatever_was_typed() -> None:
    keys = {
        identity_key(SECRET, "passport_book", normalise_identity_number("passport_book", raw))
        for raw in ("КВ123456", "kb 123456", "Кв-123456")
    }
    assert len(keys) == 1


def test_keys_differ_by_kind_and_secret() -> None:
    assert identity_key(SECRET, "id_card", "123456789") != identity_key(SECRET, "idp_certificate", "123456789")
    assert identity_key(SECRET, "id_card", "123456789") != identity_key(SECRET + b"x", "id_card", "123456789")


@pytest.mark.parametrize(
    ("secret", "kind", "number", "code"),
    [
        (b"short", "id_card", "123456789", "weak_secret"),
        (SECRET, "id_card", "123 456 789", "not_normalised"),
        (SECRET, "passport_book", "kb123456", "not_normalised"),
        (SECRET, "rnokpp", "1234567898", "bad_checksum"),
        (SECRET, "nope", "1", "unknown_kind"),
    ],
)
def test_identity_key_refuses(secret: bytes, kind: str, number: str, code: str) -> None:
    with pytest.raises(IdentityNumberError) as caught:
        identity_key(secret, kind, number)
    assert caught.value.code == code


# ------------------------------------------------------------------------------------------
# Birth certificates and the person key
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("I-БК №123456", "I-БК123456"),
        ("i-bk 123456", "I-ВК123456"),  # Latin look-alikes in the letters
        ("ІІ-ТН654321", "II-ТН654321"),  # Cyrillic І in the numeral
        ("XIV–АБ 000001", "XIV-АБ000001"),
        ("Х-АБ000001", "X-АБ000001"),  # Cyrillic Х in the numeral
    ],
)
def test_birth_certificate(raw: str, normal: str) -> None:
    assert normalise_identity_number("birth_certificate", raw) == normal


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty"),
        ("БК123456", "wrong_length"),  # no numeral
        ("IIII-БК123456", "bad_series"),  # not a Roman numeral
        ("I-БЫ123456", "bad_series"),  # Russian-only letter
        ("I-Б1123456", "bad_series"),
        ("I-БК12345А", "invalid_characters"),
    ],
)
def test_birth_certificate_errors(raw: str, code: str) -> None:
    with pytest.raises(IdentityNumberError) as caught:
        normalise_identity_number("birth_certificate", raw)
    assert caught.value.code == code


def test_person_kinds() -> None:
    from uchast.eligibility import PERSON_KINDS, is_person_kind

    assert [k.value for k in PERSON_KINDS] == ["rnokpp", "id_card", "passport_book", "birth_certificate"]
    assert is_person_kind("rnokpp") and is_person_kind(IdentityKind.BIRTH_CERTIFICATE)
    assert not is_person_kind("idp_certificate") and not is_person_kind("nope")


def test_person_key_is_hmac_of_the_identity_key() -> None:
    from uchast.eligibility import person_key

    other_secret = b"another-secret-of-32-bytes-long!"
    key = identity_key(SECRET, "rnokpp", "3206513580")
    expected = hmac.new(other_secret, f"person:{key}".encode(), hashlib.sha256).hexdigest()
    assert person_key(other_secret, key) == expected
    assert person_key(other_secret, key) != key
    assert person_key(other_secret + b"x", key) != expected


@pytest.mark.parametrize(
    ("secret", "key", "code"),
    [
        (b"short", "a" * 64, "weak_secret"),
        (SECRET, "3206513580", "not_normalised"),  # a number, not its key
        (SECRET, "A" * 64, "not_normalised"),
    ],
)
def test_person_key_refuses(secret: bytes, key: str, code: str) -> None:
    from uchast.eligibility import person_key

    with pytest.raises(IdentityNumberError) as caught:
        person_key(secret, key)
    assert caught.value.code == code
