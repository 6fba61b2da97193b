"""VoteMatrix construction: id indexing and input validation."""

from collections.abc import Hashable

import numpy as np
import pytest

from uchast.opinion import VoteMatrix
from uchast.opinion.matrix import index_ids


def test_triples_keep_each_vote_in_its_cell() -> None:
    matrix = VoteMatrix.from_triples([10, 10, 30, 20], ["b", "a", "a", "b"], [1, -1, 0, 1])
    assert matrix.participant_ids == (10, 20, 30)
    assert matrix.statement_ids == ("a", "b")
    cells = {
        (matrix.participant_ids[r], matrix.statement_ids[c]): int(v)
        for r, c, v in zip(matrix.rows, matrix.cols, matrix.values, strict=True)
    }
    assert cells == {(10, "b"): 1, (10, "a"): -1, (30, "a"): 0, (20, "b"): 1}
    assert (matrix.n_participants, matrix.n_statements, matrix.n_votes) == (3, 2, 4)


@pytest.mark.parametrize(
    "ids",
    [
        np.array([5, 3, 5, 1_000_000_000_000]),  # sparse integer range: sorting path
        np.array([7, 3, 7, 4], dtype=np.uint16),
        [3, 1, 3, 2],
        ["x", "y", "x", "z"],
        [("a", 1), ("b", 2), ("a", 1), ("c", 0)],  # tuples must not become a 2-D array
        [1, "1", 1, None],  # unorderable mix, and 1 vs "1" stay distinct
    ],
)
def test_index_ids_round_trips(ids: list[Hashable] | np.ndarray) -> None:
    unique, positions = index_ids(ids)
    as_list = list(ids.tolist() if isinstance(ids, np.ndarray) else ids)
    assert [unique[p] for p in positions] == as_list
    assert len(unique) == len(set(as_list))


def test_integer_ids_come_out_as_python_ints() -> None:
    unique, _ = index_ids(np.array([2, 1], dtype=np.int64))
    assert unique == [1, 2]
    assert all(type(item) is int for item in unique)


@pytest.mark.parametrize("bad", [2, -2, 0.5, float("nan"), 7])
def test_values_outside_the_three_votes_are_refused(bad: float) -> None:
    with pytest.raises(ValueError, match=r"-1 \(disagree\), 0 \(pass\) or \+1 \(agree\).*position 1"):
        VoteMatrix.from_triples([1, 2, 3], [1, 1, 1], [1, bad, 0])


def test_booleans_and_strings_are_not_votes() -> None:
    with pytest.raises(ValueError, match="must be the numbers"):
        VoteMatrix.from_triples([1, 2], [1, 1], [True, False])
    with pytest.raises(ValueError, match="must be the numbers"):
        VoteMatrix.from_triples([1, 2], [1, 1], ["agree", "pass"])


def test_float_votes_with_integer_values_are_accepted() -> None:
    matrix = VoteMatrix.from_triples([1, 2], [1, 1], np.array([1.0, -1.0]))
    assert matrix.values.tolist() == [1, -1]


def test_length_mismatch_is_refused() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        VoteMatrix.from_triples([1, 2], [1], [1, 1])
    with pytest.raises(ValueError, match="same length"):
        VoteMatrix.from_triples([1, 2], [1, 2], [1])


@pytest.mark.parametrize("sparse", [False, True])
def test_a_repeated_pair_is_refused(sparse: bool) -> None:
    participants = [1, 2, 1] if not sparse else [1, 10**12, 1]
    with pytest.raises(ValueError, match=r"voted once.*\(1, 'a'\) at position 2"):
        VoteMatrix.from_triples(participants, ["a", "a", "a"], [1, 1, -1])


def test_empty_input_gives_an_empty_matrix() -> None:
    matrix = VoteMatrix.from_triples([], [], [])
    assert (matrix.n_participants, matrix.n_statements, matrix.n_votes) == (0, 0, 0)


def test_from_dense_keeps_rows_and_columns_without_votes() -> None:
    nan = float("nan")
    matrix = VoteMatrix.from_dense([[1, nan, nan], [nan, nan, nan]], participant_ids=["p", "q"])
    assert matrix.participant_ids == ("p", "q")
    assert matrix.statement_ids == (0, 1, 2)
    assert matrix.votes_per_participant().tolist() == [1, 0]
    with pytest.raises(ValueError, match="unique"):
        VoteMatrix.from_dense([[1], [1]], participant_ids=["p", "p"])
    with pytest.raises(ValueError, match="-1"):
        VoteMatrix.from_dense([[3.0]])
