"""Tests of uchast.sharing: k-of-n splitting and the printable share text."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from uchast.sharing import PRIME, Share, ShareTextError, combine, format_share, parse_share, share_digest, split

pytestmark = pytest.mark.pure

secrets_ = st.integers(min_value=0, max_value=PRIME - 1)


@st.composite
def schemes(draw: st.DrawFn) -> tuple[int, int]:
    count = draw(st.integers(min_value=1, max_value=7))
    return draw(st.integers(min_value=1, max_value=count)), count


@given(secrets_, schemes(), st.randoms(use_true_random=False))
@settings(max_examples=60, deadline=None)
def test_any_threshold_shares_open_the_secret(secret: int, scheme: tuple[int, int], rnd: object) -> None:
    threshold, count = scheme
    shares = split(secret, threshold=threshold, count=count)
    chosen = list(shares)
    rnd.shuffle(chosen)  # type: ignore[attr-defined]
    assert combine(chosen[:threshold]) == secret
    assert combine(chosen) == secret  # more than k: the first k are used


def test_every_three_of_five_open_it() -> None:
    secret = 123456789
    shares = split(secret, threshold=3, count=5)
    for chosen in itertools.combinations(shares, 3):
        assert combine(list(chosen)) == secret


def test_fewer_shares_are_refused_and_a_changed_share_gives_another_number() -> None:
    shares = split(42, threshold=3, count=5)
    with pytest.raises(ValueError, match="too few"):
        combine(shares[:2])
    with pytest.raises(ValueError, match="twice"):
        combine([shares[0], shares[0], shares[1]])
    wrong = Share(index=shares[0].index, value=(shares[0].value + 1) % PRIME, threshold=3)
    assert combine([wrong, shares[1], shares[2]]) != 42


@given(secrets_)
@settings(max_examples=30, deadline=None)
def test_two_of_three_shares_are_consistent_with_any_secret(other: int) -> None:
    """k - 1 shares tell nothing: with them, any secret has a third share that completes it."""
    shares = split(7, threshold=3, count=3)
    # The polynomial through (0, other), share 1 and share 2 gives a share 3 that opens ``other``.
    forged = Share(index=3, value=_through(other, shares[0], shares[1], 3), threshold=3)
    assert combine([shares[0], shares[1], forged]) == other


def _through(secret: int, a: Share, b: Share, x: int) -> int:
    points = [(0, secret), (a.index, a.value), (b.index, b.value)]
    total = 0
    for xi, yi in points:
        term = yi
        for xj, _ in points:
            if xj != xi:
                term = term * (x - xj) * pow(xi - xj, -1, PRIME) % PRIME
        total = (total + term) % PRIME
    return total


def test_split_refuses_bad_schemes() -> None:
    for threshold, count in ((0, 3), (4, 3), (2, 256)):
        with pytest.raises(ValueError):
            split(1, threshold=threshold, count=count)
    with pytest.raises(ValueError):
        split(PRIME, threshold=1, count=1)


@given(secrets_, st.integers(min_value=1, max_value=10**6), schemes())
@settings(max_examples=60, deadline=None)
def test_share_text_reads_back(secret: int, scope: int, scheme: tuple[int, int]) -> None:
    threshold, count = scheme
    for share in split(secret, threshold=threshold, count=count):
        text = format_share(scope, share)
        assert parse_share(text) == (scope, share)
        # Copied from paper: other spacing, lower case, a line break.
        assert parse_share(text.lower().replace(" ", "\n")) == (scope, share)


@given(st.data())
@settings(max_examples=80, deadline=None)
def test_any_single_typo_is_recognised(data: st.DataObject) -> None:
    share = split(99, threshold=2, count=3)[1]
    text = format_share(12, share).replace(" ", "")
    position = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567-0189"
    replacement = data.draw(st.sampled_from([c for c in alphabet if c != text[position]]))
    typo = text[:position] + replacement + text[position + 1 :]
    try:
        parsed = parse_share(typo)
    except ShareTextError as error:
        assert error.reason in {"malformed", "checksum"}
    else:  # pragma: no cover - would mean a typo went through
        pytest.fail(f"typo read as {parsed}")


def test_share_of_another_scope_reads_with_its_scope() -> None:
    share = split(5, threshold=2, count=2)[0]
    assert parse_share(format_share(13, share))[0] == 13
    assert share_digest(12, share) != share_digest(13, share)


@pytest.mark.parametrize("text", ["", "12-3-1", "x-3-1-AAAA-AAAAAAAA", "12-3-1-" + "A" * 52 + "-" + "A" * 7])
def test_what_is_no_share(text: str) -> None:
    with pytest.raises(ShareTextError) as error:
        parse_share(text)
    assert error.value.reason == "malformed"
