"""The participant × statement vote matrix, stored sparsely.

Sign convention (the same as red-dwarf and the Polis exports, *not* the raw Polis database,
which stores agree as -1): ``+1`` agree, ``-1`` disagree, ``0`` pass ("unsure", seen but not
answered). A participant who never saw a statement has no entry at all; that is different from a pass.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

AGREE = 1
PASS = 0
DISAGREE = -1
VOTE_VALUES = (DISAGREE, PASS, AGREE)

# Below this many (participant × statement) cells per vote the duplicate check uses a dense bitmap
# (one byte per cell, O(votes) time); above it the matrix is so sparse that sorting is cheaper.
_BITMAP_CELLS_PER_VOTE = 64


def _sort_key_or_none(ids: list[Hashable]) -> list[int] | None:
    """Positions of ``ids`` in sorted order, or None when the ids are not mutually comparable."""
    comparable: list[Any] = ids
    try:
        return sorted(range(len(comparable)), key=comparable.__getitem__)
    except TypeError:
        return None


def _index_arbitrary_ids(
    ids: Iterable[Hashable],
) -> tuple[list[Hashable], NDArray[np.int64]]:
    """Index any hashables (dict semantics: ``1``, ``1.0`` and ``True`` are the same id)."""
    position_of: dict[Hashable, int] = {}
    inverse = np.fromiter((position_of.setdefault(item, len(position_of)) for item in ids), dtype=np.int64)
    unique = list(position_of)
    order = _sort_key_or_none(unique)
    if order is None:
        # Unorderable mixtures keep first-appearance order; the opinion map does not depend on
        # the order of participants (see pipeline.canonical_participant_order).
        return unique, inverse
    rank = np.empty(len(unique), dtype=np.int64)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(unique), dtype=np.int64)
    return [unique[position] for position in order], rank[inverse]


def _index_integer_ids(ids: NDArray[Any]) -> tuple[list[Hashable], NDArray[np.int64]]:
    """Index integer ids in ascending order; O(n) when the ids are dense enough, else a sort."""
    if ids.size == 0:
        return [], np.zeros(0, dtype=np.int64)
    if ids.dtype.kind == "u" and ids.max() > np.iinfo(np.int64).max:
        unique, inverse = np.unique(ids, return_inverse=True)
        return list(unique.tolist()), inverse.astype(np.int64)
    as_int64 = ids.astype(np.int64, copy=False)
    lowest = int(as_int64.min())
    span = int(as_int64.max()) - lowest + 1
    if span > 4 * as_int64.size + (1 << 20):
        unique, inverse = np.unique(as_int64, return_inverse=True)
        return list(unique.tolist()), inverse.astype(np.int64)
    offsets = as_int64 - lowest
    present = np.zeros(span, dtype=bool)
    present[offsets] = True
    position_of_offset = np.cumsum(present, dtype=np.int64) - 1
    unique_offsets = np.flatnonzero(present)
    return list((unique_offsets + lowest).tolist()), position_of_offset[offsets]


def index_ids(
    ids: Sequence[Hashable] | NDArray[Any],
) -> tuple[list[Hashable], NDArray[np.int64]]:
    """Map each id to a dense position.

    Returns ``(unique_ids, positions)`` with ``unique_ids[positions[i]] == ids[i]``. ``unique_ids``
    are sorted when mutually comparable and are plain Python objects (numpy scalars are unwrapped,
    so they are JSON-friendly).
    """
    if isinstance(ids, np.ndarray):
        array = ids
    else:
        # np.asarray would silently turn [1, "1"] into two equal strings, or tuples into a 2-D
        # array; those inputs take the dict path below.
        try:
            array = np.asarray(ids)
        except ValueError:
            return _index_arbitrary_ids(ids)
    if array.ndim != 1:
        return _index_arbitrary_ids(ids)
    if array.dtype.kind in "iu":
        return _index_integer_ids(array)
    if array.dtype.kind in "US" and (isinstance(ids, np.ndarray) or all(isinstance(item, str | bytes) for item in ids)):
        unique, inverse = np.unique(array, return_inverse=True)
        return list(unique.tolist()), inverse.astype(np.int64)
    return _index_arbitrary_ids(array.tolist() if isinstance(ids, np.ndarray) else ids)


def validated_vote_values(values: ArrayLike, expected_length: int) -> NDArray[np.int8]:
    """Check that every value is -1, 0 or +1 and return them as int8.

    Raises ValueError naming the first offending value and its position.
    """
    array = np.asarray(values)
    if array.ndim != 1 or array.shape[0] != expected_length:
        raise ValueError(
            f"values must be a flat sequence of the same length as the ids ({expected_length}); got shape {array.shape}"
        )
    if array.dtype.kind not in "iuf":
        # Booleans are refused too: True would silently mean "agree" and False "pass".
        raise ValueError(
            f"vote values must be the numbers -1 (disagree), 0 (pass) or +1 (agree); got values of type {array.dtype}"
        )
    invalid = ~np.isin(array, VOTE_VALUES)
    if invalid.any():
        position = int(np.argmax(invalid))
        raise ValueError(
            "vote values must be -1 (disagree), 0 (pass) or +1 (agree); "
            f"got {array[position].item()!r} at position {position}"
        )
    return array.astype(np.int8)


def _first_duplicate_cell(rows: NDArray[np.int64], cols: NDArray[np.int64], n_statements: int) -> int | None:
    """Position of some vote whose (participant, statement) cell already has a vote, else None."""
    cells = rows * n_statements + cols
    n_cells = int(rows.max(initial=-1) + 1) * n_statements
    if n_cells <= _BITMAP_CELLS_PER_VOTE * cells.size + (1 << 24):
        seen = np.zeros(n_cells, dtype=bool)
        seen[cells] = True
        if int(np.count_nonzero(seen)) == cells.size:
            return None
    order = np.argsort(cells, kind="stable")
    repeated = np.flatnonzero(cells[order][1:] == cells[order][:-1])
    if repeated.size == 0:
        return None
    return int(order[repeated[0] + 1])


@dataclass(frozen=True, eq=False)
class VoteMatrix:
    """Votes of participants on statements: at most one vote per (participant, statement).

    Invariants: ``rows``, ``cols`` and ``values`` have the same length (one entry per vote);
    ``0 <= rows < n_participants``; ``0 <= cols < n_statements``; every value is -1, 0 or +1;
    no (row, col) cell repeats; every participant and statement listed has at least one vote
    unless it was listed explicitly (see ``from_dense``).
    """

    participant_ids: tuple[Hashable, ...]
    statement_ids: tuple[Hashable, ...]
    rows: NDArray[np.int64]
    cols: NDArray[np.int64]
    values: NDArray[np.int8]

    @property
    def n_participants(self) -> int:
        return len(self.participant_ids)

    @property
    def n_statements(self) -> int:
        return len(self.statement_ids)

    @property
    def n_votes(self) -> int:
        return int(self.values.shape[0])

    @classmethod
    def from_triples(
        cls,
        participant_ids: Sequence[Hashable] | NDArray[Any],
        statement_ids: Sequence[Hashable] | NDArray[Any],
        values: ArrayLike,
    ) -> VoteMatrix:
        """Build the matrix from one (participant, statement, value) triple per vote.

        Preconditions: the three sequences have equal length; ids are hashable (any mix of
        types; numpy integer arrays take a fast path); each value is -1, 0 or +1; each
        (participant, statement) pair occurs once — pass only the latest vote of a participant
        who changed their mind. Violations raise ValueError.
        """
        n_votes = len(participant_ids)
        if len(statement_ids) != n_votes:
            raise ValueError(f"participant_ids ({n_votes}) and statement_ids ({len(statement_ids)}) differ in length")
        vote_values = validated_vote_values(values, n_votes)
        unique_participants, rows = index_ids(participant_ids)
        unique_statements, cols = index_ids(statement_ids)
        duplicate = _first_duplicate_cell(rows, cols, len(unique_statements)) if n_votes else None
        if duplicate is not None:
            raise ValueError(
                "each (participant, statement) pair may be voted once; pass only the latest vote. "
                f"Repeated pair: ({unique_participants[rows[duplicate]]!r}, "
                f"{unique_statements[cols[duplicate]]!r}) at position {duplicate}"
            )
        return cls(
            tuple(unique_participants),
            tuple(unique_statements),
            rows,
            cols,
            vote_values,
        )

    @classmethod
    def from_dense(
        cls,
        votes: ArrayLike,
        participant_ids: Sequence[Hashable] | None = None,
        statement_ids: Sequence[Hashable] | None = None,
    ) -> VoteMatrix:
        """Build the matrix from a 2-D array with NaN where a participant did not vote.

        All rows and columns are kept, even those without votes. Ids default to 0..n-1; when
        given they must be unique and match the array's shape.
        """
        dense = np.asarray(votes, dtype=np.float64)
        if dense.ndim != 2:
            raise ValueError(f"votes must be a 2-D array; got shape {dense.shape}")
        n_rows, n_cols = dense.shape
        row_ids: list[Hashable] = list(range(n_rows)) if participant_ids is None else list(participant_ids)
        col_ids: list[Hashable] = list(range(n_cols)) if statement_ids is None else list(statement_ids)
        if len(row_ids) != n_rows or len(col_ids) != n_cols:
            raise ValueError("participant_ids / statement_ids must match the array's shape")
        if len(set(row_ids)) != n_rows or len(set(col_ids)) != n_cols:
            raise ValueError("participant_ids and statement_ids must be unique")
        rows, cols = np.nonzero(~np.isnan(dense))
        vote_values = validated_vote_values(dense[rows, cols], rows.shape[0])
        return cls(
            tuple(row_ids),
            tuple(col_ids),
            rows.astype(np.int64),
            cols.astype(np.int64),
            vote_values,
        )

    def votes_per_participant(self) -> NDArray[np.int64]:
        return np.bincount(self.rows, minlength=self.n_participants).astype(np.int64)
