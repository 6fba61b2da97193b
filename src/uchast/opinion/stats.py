"""Vote counts per statement and group; representative (repness) and consensus statements.

All formulas follow Polis' ``repness.clj``/``stats.clj`` (as ported by red-dwarf), vectorised
over groups × statements. Probabilities carry a pseudo-count of one vote each way
(``(n_success + 1) / (n + 2)``), so a statement seen by few people is never reported as
certain.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

# One-sided 90% critical value of the standard normal, Phi^-1(0.90); a constant so that the
# package needs no scipy.
Z_90 = 1.2815515655446004

AGREE_COLUMN, DISAGREE_COLUMN, PASS_COLUMN = 0, 1, 2


def count_votes(
    group_of_row: NDArray[np.int64],
    n_groups: int,
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    values: NDArray[np.int8],
    n_statements: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Counts ``[statement, (agree, disagree, pass)]`` over everyone and ``[group, statement, ...]``.

    ``group_of_row[p]`` is participant p's group or -1 when p is not in any group; those
    participants count in the overall totals only.
    """
    # Maps -1/0/+1 onto the column order (agree, disagree, pass).
    column_of_value = np.array([DISAGREE_COLUMN, PASS_COLUMN, AGREE_COLUMN], dtype=np.int64)
    vote_column = column_of_value[values.astype(np.int64) + 1]
    overall = np.bincount(cols * 3 + vote_column, minlength=n_statements * 3).reshape(n_statements, 3)
    groups = group_of_row[rows]
    grouped = groups >= 0
    cells = (groups[grouped] * n_statements + cols[grouped]) * 3 + vote_column[grouped]
    per_group = np.bincount(cells, minlength=n_groups * n_statements * 3).reshape(n_groups, n_statements, 3)
    return overall.astype(np.int64), per_group.astype(np.int64)


def smoothed_probability(successes: NDArray[np.int64], trials: NDArray[np.int64]) -> NDArray[np.float64]:
    """Probability with one pseudo-vote for and one against: ``(s + 1) / (n + 2)``."""
    return (successes + 1.0) / (trials + 2.0)


def one_proportion_z(successes: NDArray[np.int64], trials: NDArray[np.int64]) -> NDArray[np.float64]:
    """Polis' test that a proportion exceeds 1/2: ``2 sqrt(n+1) ((s+1)/(n+1) - 1/2)``."""
    trials_plus = trials + 1.0
    z: NDArray[np.float64] = 2.0 * np.sqrt(trials_plus) * ((successes + 1.0) / trials_plus - 0.5)
    return z


def two_proportion_z(
    successes_in: NDArray[np.int64],
    trials_in: NDArray[np.int64],
    successes_out: NDArray[np.int64],
    trials_out: NDArray[np.int64],
) -> NDArray[np.float64]:
    """Pooled two-proportion z statistic with +1 pseudo-counts on every count (Polis).

    Zero where the pooled proportion is 0 or 1 (the statistic's limit there is 0, and the
    formula would divide by zero).
    """
    s_in, n_in = successes_in + 1.0, trials_in + 1.0
    s_out, n_out = successes_out + 1.0, trials_out + 1.0
    pooled = (s_in + s_out) / (n_in + n_out)
    spread = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n_in + 1.0 / n_out))
    z: NDArray[np.float64] = np.divide(s_in / n_in - s_out / n_out, spread, out=np.zeros_like(spread), where=spread > 0)
    return z


@dataclass(frozen=True)
class DirectionStats:
    """For one direction (agree or disagree), arrays shaped (groups × statements).

    ``successes``/``trials`` count in-group votes; ``p_group``/``p_other`` are smoothed
    probabilities inside / outside the group; ``p_test`` the one-proportion z (is the group's
    majority real?), ``repness`` = p_group / p_other and ``z`` the two-proportion z (does the
    group differ from the rest?).
    """

    successes: NDArray[np.int64]
    trials: NDArray[np.int64]
    p_group: NDArray[np.float64]
    p_other: NDArray[np.float64]
    p_test: NDArray[np.float64]
    repness: NDArray[np.float64]
    z: NDArray[np.float64]

    @property
    def significant(self) -> NDArray[np.bool_]:
        """Polis: the group leans this way (p_test) and differs from the others (z), both at 90%."""
        return (self.p_test > Z_90) & (self.z > Z_90)

    @property
    def metric(self) -> NDArray[np.float64]:
        """Polis' ranking of representative statements: repness × z × p_group × p_test."""
        return self.repness * self.z * self.p_group * self.p_test


def direction_stats(per_group: NDArray[np.int64], column: int) -> DirectionStats:
    """Repness statistics of one vote column (agree or disagree) from per-group counts."""
    trials = per_group.sum(axis=2)
    successes = per_group[:, :, column]
    trials_other = trials.sum(axis=0)[None, :] - trials
    successes_other = successes.sum(axis=0)[None, :] - successes
    p_group = smoothed_probability(successes, trials)
    p_other = smoothed_probability(successes_other, trials_other)
    return DirectionStats(
        successes=successes,
        trials=trials,
        p_group=p_group,
        p_other=p_other,
        p_test=one_proportion_z(successes, trials),
        repness=p_group / p_other,
        z=two_proportion_z(successes, trials, successes_other, trials_other),
    )
