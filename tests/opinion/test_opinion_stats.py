"""Polis' repness statistics and vote counting."""

import numpy as np

from uchast.opinion.stats import (
    AGREE_COLUMN,
    count_votes,
    direction_stats,
    one_proportion_z,
    smoothed_probability,
    two_proportion_z,
)


def test_statistics_match_hand_computed_values() -> None:
    assert np.isclose(smoothed_probability(np.array(8), np.array(10)), 9 / 12)
    # 2 sqrt(11) (9/11 - 1/2)
    assert np.isclose(one_proportion_z(np.array(8), np.array(10)), 2 * np.sqrt(11) * (9 / 11 - 0.5))
    # pseudo-counts: (9/11 - 3/21) / sqrt(p(1-p)(1/11 + 1/21)), p = 12/32
    pooled = 12 / 32
    expected = (9 / 11 - 3 / 21) / np.sqrt(pooled * (1 - pooled) * (1 / 11 + 1 / 21))
    assert np.isclose(two_proportion_z(np.array(8), np.array(10), np.array(2), np.array(20)), expected)


def test_two_proportion_z_is_zero_when_everyone_succeeds() -> None:
    # Pooled proportion 1: no spread, statistic defined as 0 instead of a division by zero.
    assert two_proportion_z(np.array([5]), np.array([5]), np.array([3]), np.array([3]))[0] == 0.0


def test_counts_split_overall_and_per_group() -> None:
    rows = np.array([0, 1, 2, 2])
    cols = np.array([0, 0, 0, 1])
    values = np.array([1, -1, 0, 1], dtype=np.int8)
    group_of_row = np.array([0, 1, -1])
    overall, per_group = count_votes(group_of_row, 2, rows, cols, values, 2)
    assert overall.tolist() == [[1, 1, 1], [1, 0, 0]]  # (agree, disagree, pass)
    assert per_group.tolist() == [[[1, 0, 0], [0, 0, 0]], [[0, 1, 0], [0, 0, 0]]]


def test_other_groups_pool_everyone_outside_the_group() -> None:
    per_group = np.array([[[9, 1, 0]], [[2, 8, 0]], [[1, 9, 0]]])  # 3 groups, 1 statement
    stats = direction_stats(per_group, AGREE_COLUMN)
    assert stats.trials[:, 0].tolist() == [10, 10, 10]
    assert np.isclose(stats.p_other[0, 0], (3 + 1) / (20 + 2))
    assert stats.significant[:, 0].tolist() == [True, False, False]
