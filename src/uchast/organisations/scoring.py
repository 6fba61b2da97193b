"""Partnership competitions' arithmetic (pure: no Django): budget tables, aggregation of the
commission's scores, ranking and the money line. Amounts are integer kopiykas; scores are exact
fractions so that a ranking never depends on rounding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

MEAN = "mean"
TRIMMED_MEAN = "trimmed_mean"
RULES = (MEAN, TRIMMED_MEAN)


@dataclass(frozen=True)
class TableCheck:
    """What is wrong with a budget table, or nothing (``problem`` None)."""

    own: int
    requested: int
    problem: str | None = None

    @property
    def total(self) -> int:
        return self.own + self.requested


def check_budget_table(
    lines: Sequence[tuple[int, int]],
    *,
    declared_own: int,
    declared_requested: int,
    min_own_percent: int,
    max_requested: int,
) -> TableCheck:
    """Check the lines (own, requested kopiykas) against the totals the applicant declared and the
    competition's limits. Problems: ``no_lines``, ``negative``, ``own_mismatch``,
    ``requested_mismatch``, ``own_share_too_small``, ``over_limit``."""
    own = sum(line[0] for line in lines)
    requested = sum(line[1] for line in lines)
    if not lines or own + requested == 0:
        return TableCheck(own, requested, "no_lines")
    if any(a < 0 or b < 0 for a, b in lines):
        return TableCheck(own, requested, "negative")
    if own != declared_own:
        return TableCheck(own, requested, "own_mismatch")
    if requested != declared_requested:
        return TableCheck(own, requested, "requested_mismatch")
    # own / (own + requested) >= min_own_percent / 100, in integers.
    if own * 100 < min_own_percent * (own + requested):
        return TableCheck(own, requested, "own_share_too_small")
    if requested > max_requested:
        return TableCheck(own, requested, "over_limit")
    return TableCheck(own, requested)


def aggregate(totals: Sequence[int], rule: str) -> Fraction | None:
    """One application's score from the members' totals: their mean, or (``trimmed_mean``) the mean
    without one highest and one lowest total when at least three members scored. None: no score."""
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}")
    values = sorted(totals)
    if not values:
        return None
    if rule == TRIMMED_MEAN and len(values) >= 3:
        values = values[1:-1]
    return Fraction(sum(values), len(values))


@dataclass(frozen=True)
class Candidate:
    key: int
    score: Fraction
    requested: int
    order: int  # earlier submission first when scores tie


@dataclass(frozen=True)
class Placed:
    key: int
    rank: int
    funded: bool


def rank(candidates: Sequence[Candidate], budget: int, *, min_score: Fraction = Fraction(0)) -> list[Placed]:
    """Ranking by score (ties: earlier submission first) and the money line: applications are funded
    in rank order while the whole request fits in what is left; the first that does not fit draws
    the line, and nothing below it is funded (so a lower-ranked, cheaper programme never overtakes
    a better one). Applications below ``min_score`` are ranked but never funded."""
    ordered = sorted(candidates, key=lambda c: (-c.score, c.order, c.key))
    left = budget
    line_drawn = False
    placed = []
    for position, candidate in enumerate(ordered, start=1):
        funded = not line_drawn and candidate.score >= min_score and candidate.requested <= left
        if funded:
            left -= candidate.requested
        elif candidate.score >= min_score:
            line_drawn = True
        placed.append(Placed(candidate.key, position, funded))
    return placed
