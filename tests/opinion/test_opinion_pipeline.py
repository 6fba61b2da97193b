"""compute_opinion_map end to end: planted groups, repness, consensus, invariance, edge cases."""

import json
import math
from collections.abc import Hashable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from uchast.opinion import OpinionMap, VoteMatrix, compute_opinion_map
from uchast.opinion.synthetic import PlantedVotes, planted_votes

OWN = 6
CONSENSUS = 5


def _planted(seed: int, n_participants: int = 300, votes: int = 40) -> PlantedVotes:
    return planted_votes(
        n_participants=n_participants,
        n_statements=60,
        n_groups=3,
        votes_per_participant=votes,
        seed=seed,
        consensus_statements=CONSENSUS,
        own_statements_per_group=OWN,
        strength=0.9,
        pass_probability=0.05,
    )


def _matrix(planted: PlantedVotes) -> VoteMatrix:
    return VoteMatrix.from_triples(planted.participant_ids, planted.statement_ids, planted.values)


def _labels(result: OpinionMap, participant_ids: list[Hashable]) -> list[int]:
    return [result.participant_group.get(participant, -1) for participant in participant_ids]


def _partition(result: OpinionMap) -> set[frozenset[Hashable]]:
    return {frozenset(group.participant_ids) for group in result.groups}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_groups_are_recovered(seed: int) -> None:
    planted = _planted(seed)
    result = compute_opinion_map(_matrix(planted), seed=seed)
    assert len(result.groups) == 3
    labels = _labels(result, list(range(300)))
    assert adjusted_rand_score(planted.planted_group, labels) == pytest.approx(1.0)
    assert not result.ungrouped_participant_ids
    assert result.silhouette is not None and result.silhouette > 0.5


def _group_for_planted(result: OpinionMap, planted: PlantedVotes, planted_group: int) -> int:
    members = np.flatnonzero(planted.planted_group == planted_group).tolist()
    found = {result.participant_group[member] for member in members}
    assert len(found) == 1
    return found.pop()


def test_representative_statements_are_the_planted_distinguishing_ones() -> None:
    planted = _planted(4)
    result = compute_opinion_map(_matrix(planted), seed=0, max_representative=5)
    for planted_group, own in enumerate(planted.own_statements):
        group = _group_for_planted(result, planted, planted_group)
        chosen = result.representative[group]
        assert len(chosen) == 5
        assert all(statement.significant for statement in chosen)
        # Only this group agrees with its own statements: the strongest contrast there is.
        assert {statement.statement_id for statement in chosen} <= set(own.tolist())
        assert all(statement.direction == "agree" for statement in chosen)
        assert all(statement.p_group > 0.8 and statement.p_other < 0.2 for statement in chosen)
        metrics = [s.repness * s.z * s.p_group * s.p_test for s in chosen]
        assert metrics == sorted(metrics, reverse=True)


def test_consensus_statements_are_those_all_groups_agree_with() -> None:
    planted = _planted(5)
    result = compute_opinion_map(_matrix(planted), seed=0, max_consensus=CONSENSUS)
    agreed = [c for c in result.consensus if c.direction == "agree"]
    assert {c.statement_id for c in agreed} == set(planted.consensus.tolist())
    for statement in agreed:
        assert len(statement.group_probabilities) == 3
        assert statement.probability == pytest.approx(math.prod(statement.group_probabilities))
        stats = {s.statement_id: s for s in result.statement_stats}[statement.statement_id]
        assert statement.probability == pytest.approx(stats.consensus_agree)
    # A statement one group rejects can never be consensus.
    own = {int(s) for block in planted.own_statements for s in block}
    assert not own & {c.statement_id for c in result.consensus}


def test_statement_stats_count_every_vote() -> None:
    planted = _planted(6)
    result = compute_opinion_map(_matrix(planted), seed=0)
    for stats in result.statement_stats:
        mask = planted.statement_ids == stats.statement_id
        votes = planted.values[mask]
        assert (stats.overall.agree, stats.overall.disagree, stats.overall.passed) == (
            int((votes == 1).sum()),
            int((votes == -1).sum()),
            int((votes == 0).sum()),
        )
        assert sum(counts.total for counts in stats.by_group) == stats.overall.total


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), data_seed=st.integers(0, 3), relabel=st.booleans())
def test_permuting_participants_does_not_change_the_partition(seed: int, data_seed: int, relabel: bool) -> None:
    """Shuffling the vote triples, and even renaming participants, gives the same groups.

    Uses data with weak structure (few votes, random profiles) so that k-means' choices matter.
    """
    planted = planted_votes(n_participants=150, n_statements=30, n_groups=4, votes_per_participant=8, seed=data_seed)
    rng = np.random.default_rng(seed)
    shuffle = rng.permutation(planted.values.shape[0])
    new_name = rng.permutation(150) + 1000 if relabel else np.arange(150)
    original = compute_opinion_map(_matrix(planted), seed=7)
    permuted = compute_opinion_map(
        VoteMatrix.from_triples(
            new_name[planted.participant_ids[shuffle]], planted.statement_ids[shuffle], planted.values[shuffle]
        ),
        seed=7,
    )
    renamed = {frozenset(int(new_name[p]) for p in group) for group in _partition(original)}  # type: ignore[call-overload]
    assert _partition(permuted) == renamed
    assert [g.size for g in permuted.groups] == [g.size for g in original.groups]
    assert permuted.statement_stats == original.statement_stats
    assert permuted.representative == original.representative
    for participant, point in original.coordinates.items():
        assert permuted.coordinates[int(new_name[participant])] == point  # type: ignore[call-overload]


def test_same_seed_same_result_and_different_seed_same_clear_groups() -> None:
    matrix = _matrix(_planted(8))
    first, again, other = (compute_opinion_map(matrix, seed=s) for s in (3, 3, 4))
    assert first.to_json() == again.to_json()
    assert _partition(first) == _partition(other)


def _check_well_formed(result: OpinionMap, matrix: VoteMatrix, max_groups: int) -> None:
    assert set(result.coordinates) == set(matrix.participant_ids)
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in result.coordinates.values())
    grouped = [p for group in result.groups for p in group.participant_ids]
    assert len(grouped) == len(set(grouped))
    assert set(grouped) | set(result.ungrouped_participant_ids) == set(matrix.participant_ids)
    assert not set(grouped) & set(result.ungrouped_participant_ids)
    assert len(result.groups) <= max(max_groups, 1)
    assert [group.id for group in result.groups] == list(range(len(result.groups)))
    assert [group.size for group in result.groups] == sorted((g.size for g in result.groups), reverse=True)
    for group in result.groups:
        assert group.size == len(group.participant_ids) >= 1
        assert all(result.participant_group[p] == group.id for p in group.participant_ids)
    assert set(result.representative) == {group.id for group in result.groups}
    if len(result.groups) < 2:
        assert all(not statements for statements in result.representative.values())
    for statements in result.representative.values():
        for statement in statements:
            assert statement.direction in ("agree", "disagree")
            assert 0 < statement.p_group < 1 and 0 < statement.p_other < 1
    for consensus in result.consensus:
        assert 0 < consensus.probability <= 1
        assert len(consensus.group_probabilities) == len(result.groups)
    assert [s.statement_id for s in result.statement_stats] == list(matrix.statement_ids)
    assert sum(s.overall.total for s in result.statement_stats) == matrix.n_votes
    json.dumps(result.to_json())


@settings(max_examples=60, deadline=None)
@given(
    votes=st.lists(
        st.tuples(st.integers(0, 9), st.integers(0, 6), st.sampled_from([-1, 0, 1])),
        max_size=70,
        unique_by=lambda vote: (vote[0], vote[1]),
    ),
    max_groups=st.integers(1, 5),
    min_votes=st.integers(1, 8),
)
def test_outputs_are_well_formed_on_random_small_matrices(
    votes: list[tuple[int, int, int]], max_groups: int, min_votes: int
) -> None:
    participants, statements, values = (list(column) for column in zip(*votes, strict=True)) if votes else ([], [], [])
    matrix = VoteMatrix.from_triples(participants, statements, values)
    result = compute_opinion_map(matrix, max_groups=max_groups, min_votes_per_participant=min_votes)
    _check_well_formed(result, matrix, max_groups)


@pytest.mark.parametrize(
    "dense",
    [
        [[1, -1, 0, 1]],  # one participant
        [[0, 0, 0]] * 6,  # everyone passes on everything
        [[1, -1, 1]] * 6,  # everyone votes identically
        [[1, 1], [-1, -1], [1, -1]],  # fewer participants than max_groups
    ],
    ids=["one-participant", "all-pass", "all-identical", "fewer-than-groups"],
)
def test_degenerate_matrices_give_sensible_groups(dense: list[list[int]]) -> None:
    matrix = VoteMatrix.from_dense(dense)
    result = compute_opinion_map(matrix, max_groups=5)
    _check_well_formed(result, matrix, 5)
    if len({tuple(row) for row in dense}) == 1:
        assert len(result.groups) == 1
        assert result.groups[0].size == len(dense)
        assert result.silhouette is None
    else:
        assert 2 <= len(result.groups) <= len(dense)


def test_empty_matrix_and_sparse_voters() -> None:
    empty = compute_opinion_map(VoteMatrix.from_triples([], [], []))
    assert empty.groups == () and empty.coordinates == {} and empty.statement_stats == ()
    # Fewer statements than the minimum: voting on all of them is enough (Polis' rule).
    small = VoteMatrix.from_dense(np.array([[1, -1], [1, np.nan]]))
    result = compute_opinion_map(small, min_votes_per_participant=7)
    assert result.min_votes_per_participant == 2
    assert result.ungrouped_participant_ids == (1,)
    assert result.groups[0].participant_ids == (0,)
    assert 1 in result.coordinates


def test_ids_of_any_hashable_type_come_back_unchanged() -> None:
    planted = _planted(9, n_participants=60)
    people = [f"person-{p}" for p in planted.participant_ids.tolist()]
    statements = [("s", int(s)) for s in planted.statement_ids.tolist()]
    result = compute_opinion_map(VoteMatrix.from_triples(people, statements, planted.values))
    assert set(result.coordinates) == {f"person-{p}" for p in range(60)}
    assert {s.statement_id for s in result.statement_stats} == {("s", s) for s in range(60)}
    with pytest.raises(TypeError, match="JSON scalar"):
        result.to_json()


@pytest.mark.parametrize(
    "arguments",
    [
        {"min_votes_per_participant": 0},
        {"max_groups": 0},
        {"max_groups": 5, "base_clusters": 3},
        {"max_representative": 0},
        {"max_consensus": -1},
    ],
)
def test_invalid_parameters_are_refused(arguments: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        compute_opinion_map(VoteMatrix.from_dense([[1]]), **arguments)
