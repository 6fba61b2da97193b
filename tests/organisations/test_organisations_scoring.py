from __future__ import annotations

from fractions import Fraction

import pytest

from uchast.organisations import scoring
from uchast.organisations.scoring import Candidate

pytestmark = pytest.mark.pure


def table(
    lines: list[tuple[int, int]], own: int, requested: int, *, percent: int = 10, limit: int = 10**9
) -> str | None:
    return scoring.check_budget_table(
        lines, declared_own=own, declared_requested=requested, min_own_percent=percent, max_requested=limit
    ).problem


def test_budget_table_adds_up() -> None:
    assert table([(10_000, 90_000), (5_000, 0)], 15_000, 90_000) is None


def test_budget_table_problems() -> None:
    assert table([], 0, 0) == "no_lines"
    assert table([(0, 0)], 0, 0) == "no_lines"
    assert table([(-1, 100)], -1, 100) == "negative"
    assert table([(10_000, 90_000)], 10_001, 90_000) == "own_mismatch"
    assert table([(10_000, 90_000)], 10_000, 80_000) == "requested_mismatch"
    assert table([(9_999, 90_001)], 9_999, 90_001) == "own_share_too_small"
    assert table([(10_000, 90_000)], 10_000, 90_000, percent=10) is None  # exactly 10 % is enough
    assert table([(10_000, 90_000)], 10_000, 90_000, limit=89_999) == "over_limit"


def test_aggregate_rules() -> None:
    assert scoring.aggregate([], scoring.MEAN) is None
    assert scoring.aggregate([10, 20, 60], scoring.MEAN) == 30
    assert scoring.aggregate([10, 20, 60], scoring.TRIMMED_MEAN) == 20
    assert scoring.aggregate([10, 21], scoring.TRIMMED_MEAN) == Fraction(31, 2)  # fewer than three: plain mean
    assert scoring.aggregate([5, 5, 9, 1], scoring.TRIMMED_MEAN) == 5
    with pytest.raises(ValueError):
        scoring.aggregate([1], "median")


def test_rank_and_money_line() -> None:
    candidates = [
        Candidate(1, Fraction(80), 50, 0),
        Candidate(2, Fraction(90), 40, 1),
        Candidate(3, Fraction(70), 30, 2),  # does not fit after 1 and 2: the line is drawn here
        Candidate(4, Fraction(60), 5, 3),  # fits in the money left, but is below the line
    ]
    placed = scoring.rank(candidates, 100)
    assert [(p.key, p.rank, p.funded) for p in placed] == [(2, 1, True), (1, 2, True), (3, 3, False), (4, 4, False)]


def test_rank_ties_go_to_the_earlier_application() -> None:
    placed = scoring.rank([Candidate(7, Fraction(50), 10, 1), Candidate(8, Fraction(50), 10, 0)], 10)
    assert [(p.key, p.funded) for p in placed] == [(8, True), (7, False)]


def test_below_minimum_score_is_never_funded_and_does_not_draw_the_line() -> None:
    placed = scoring.rank(
        [Candidate(1, Fraction(30), 10, 0), Candidate(2, Fraction(20), 10, 1)], 100, min_score=Fraction(25)
    )
    assert [(p.key, p.funded) for p in placed] == [(1, True), (2, False)]
