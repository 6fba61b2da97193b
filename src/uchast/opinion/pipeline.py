"""The opinion-map pipeline: vote matrix → 2-D map → groups → representative and consensus statements.

Steps (docs/opinion.md explains each, and where and why we depart from Polis):

1. order participants canonically by the content of their votes (so the result cannot depend
   on how participants were numbered or listed);
2. mean-imputed PCA to two components, Polis' sparsity scaling (``pca.project``);
3. keep participants with at least ``min(min_votes_per_participant, statements)`` votes;
4. k-means into up to ``base_clusters`` base clusters; weighted k-means of the base-cluster
   centres for k = 2..max_groups, choosing k by the weighted silhouette;
5. vote counts per statement and group; representative statements (Polis' repness);
   group-aware consensus statements.
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
from numpy.typing import NDArray

from uchast.opinion.kmeans import Clustering, weighted_kmeans, weighted_silhouette
from uchast.opinion.matrix import VoteMatrix
from uchast.opinion.pca import project
from uchast.opinion.result import (
    ConsensusStatement,
    Direction,
    Group,
    OpinionMap,
    RepresentativeStatement,
    StatementStats,
    VoteCounts,
)
from uchast.opinion.stats import (
    AGREE_COLUMN,
    DISAGREE_COLUMN,
    Z_90,
    DirectionStats,
    count_votes,
    direction_stats,
)

# Fixed, not the caller's seed: the canonical order must be the same for every seed.
_ORDER_HASH_SEED = 0x0B1A57
# Hash weights below 2**32 keep every participant's sum of at most 2**21 weights below 2**53,
# so float64 bincount sums are exact and independent of the order votes are listed in.
_ORDER_HASH_BITS = 32
_GROUP_RESTARTS = 10
# Base clusters only compress the map for the group step (as in Polis, which also caps their
# iterations); a fully converged base partition would not change the groups.
_BASE_MAX_ITERATIONS = 20
_GROUP_MAX_ITERATIONS = 100


def canonical_participant_order(
    n_participants: int,
    n_statements: int,
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    values: NDArray[np.int8],
) -> NDArray[np.int64]:
    """A permutation of participants that depends only on what each participant voted.

        Each participant gets two 32-bit integer fingerprints of their set of (statement, vote)
        pairs; participants are sorted by them. Participants with identical votes tie and keep their
        relative order, which is harmless: swapping two identical rows leaves every array the later
    steps see bit-for-bit the same.
        Distinct vote sets collide with probability about n^2 / 2^64.
    """
    generator = np.random.default_rng(_ORDER_HASH_SEED)
    cell = cols * 3 + (values.astype(np.int64) + 1)
    fingerprints = []
    for _ in range(2):
        weights = generator.integers(0, 1 << _ORDER_HASH_BITS, size=n_statements * 3).astype(np.float64)
        fingerprints.append(np.bincount(rows, weights=weights[cell], minlength=n_participants))
    return np.lexsort((fingerprints[1], fingerprints[0])).astype(np.int64)


def _cluster(
    points: NDArray[np.float64],
    rng: np.random.Generator,
    max_groups: int,
    base_clusters: int,
) -> tuple[NDArray[np.int64], float | None]:
    """Group labels (0..k-1, arbitrary order) of the points, and the silhouette of the choice.

    A single group (silhouette None) when the points have fewer than two distinct positions
    or ``max_groups == 1``.
    """
    unit = np.ones(points.shape[0])
    distinct = int(np.unique(points, axis=0).shape[0])
    base = weighted_kmeans(
        points,
        unit,
        min(base_clusters, distinct),
        rng,
        max_iterations=_BASE_MAX_ITERATIONS,
    )
    base_weights = np.bincount(base.labels).astype(np.float64)
    n_base = base.centres.shape[0]
    if n_base < 2 or max_groups < 2:
        return np.zeros(points.shape[0], dtype=np.int64), None
    best: Clustering | None = None
    best_silhouette = -np.inf
    for k in range(2, min(max_groups, n_base) + 1):
        candidate = weighted_kmeans(
            base.centres,
            base_weights,
            k,
            rng,
            restarts=_GROUP_RESTARTS,
            max_iterations=_GROUP_MAX_ITERATIONS,
        )
        if candidate.centres.shape[0] < 2:
            continue
        silhouette = weighted_silhouette(base.centres, base_weights, candidate.labels)
        # Strictly greater: on a tie the smaller k wins (fewer groups is the simpler story).
        if silhouette > best_silhouette:
            best, best_silhouette = candidate, silhouette
    if best is None:
        return np.zeros(points.shape[0], dtype=np.int64), None
    return best.labels[base.labels], best_silhouette


def _number_groups(labels: NDArray[np.int64], points: NDArray[np.float64]) -> NDArray[np.int64]:
    """Renumber labels by decreasing group size, ties by smaller centroid x then y."""
    n_groups = int(labels.max()) + 1
    sizes = np.bincount(labels, minlength=n_groups)
    centroid_x = np.bincount(labels, weights=points[:, 0], minlength=n_groups) / sizes
    centroid_y = np.bincount(labels, weights=points[:, 1], minlength=n_groups) / sizes
    order = np.lexsort((centroid_y, centroid_x, -sizes))
    new_label = np.empty(n_groups, dtype=np.int64)
    new_label[order] = np.arange(n_groups)
    return new_label[labels]


def _representative_for_group(
    group: int,
    by_direction: tuple[tuple[Direction, DirectionStats], ...],
    statement_ids: tuple[Hashable, ...],
    limit: int,
) -> tuple[RepresentativeStatement, ...]:
    """Up to ``limit`` significant statements by Polis' metric, or the single best by z.

    Ties go to the earlier statement, then to agree.
    """

    def describe(
        direction: Direction, stats: DirectionStats, statement: int, significant: bool
    ) -> RepresentativeStatement:
        return RepresentativeStatement(
            statement_id=statement_ids[statement],
            direction=direction,
            n_success=int(stats.successes[group, statement]),
            n_trials=int(stats.trials[group, statement]),
            p_group=float(stats.p_group[group, statement]),
            p_other=float(stats.p_other[group, statement]),
            repness=float(stats.repness[group, statement]),
            z=float(stats.z[group, statement]),
            p_test=float(stats.p_test[group, statement]),
            significant=significant,
        )

    candidates: list[tuple[float, int, int]] = []
    for direction_rank, (_, stats) in enumerate(by_direction):
        for statement in np.flatnonzero(stats.significant[group]).tolist():
            candidates.append((-float(stats.metric[group, statement]), statement, direction_rank))
    if candidates:
        candidates.sort()
        return tuple(
            describe(by_direction[rank][0], by_direction[rank][1], statement, True)
            for _, statement, rank in candidates[:limit]
        )
    # Polis shows every group's most distinctive statement even when nothing is significant;
    # we do too, but flag it so the page can say so.
    best: tuple[float, int, int] | None = None
    for direction_rank, (_, stats) in enumerate(by_direction):
        voted = np.flatnonzero(stats.successes[group] > 0)
        if voted.size:
            statement = int(voted[np.argmax(stats.z[group, voted])])
            key = (-float(stats.z[group, statement]), statement, direction_rank)
            if best is None or key < best:
                best = key
    if best is None:
        return ()
    _, statement, rank = best
    return (describe(by_direction[rank][0], by_direction[rank][1], statement, False),)


def _consensus(
    by_direction: tuple[tuple[Direction, DirectionStats], ...],
    statement_ids: tuple[Hashable, ...],
    limit: int,
) -> tuple[ConsensusStatement, ...]:
    """Statements on which every group significantly leans the same way, best first per direction."""
    chosen: list[ConsensusStatement] = []
    for direction, stats in by_direction:
        every_group_leans = ((stats.p_group > 0.5) & (stats.p_test > Z_90)).all(axis=0)
        score = stats.p_group.prod(axis=0)
        statements = np.flatnonzero(every_group_leans)
        ranked = statements[np.lexsort((statements, -score[statements]))][:limit]
        chosen.extend(
            ConsensusStatement(
                statement_id=statement_ids[statement],
                direction=direction,
                probability=float(score[statement]),
                group_probabilities=tuple(float(p) for p in stats.p_group[:, statement]),
            )
            for statement in ranked.tolist()
        )
    return tuple(chosen)


def _counts(row: NDArray[np.int64]) -> VoteCounts:
    return VoteCounts(
        agree=int(row[AGREE_COLUMN]),
        disagree=int(row[DISAGREE_COLUMN]),
        passed=int(row[2]),
    )


def compute_opinion_map(
    matrix: VoteMatrix,
    *,
    min_votes_per_participant: int = 7,
    seed: int = 0,
    max_groups: int = 5,
    base_clusters: int = 100,
    max_representative: int = 5,
    max_consensus: int = 5,
) -> OpinionMap:
    """Compute the opinion map of a vote matrix.

    Preconditions (ValueError otherwise): ``min_votes_per_participant >= 1``, ``max_groups >= 1``,
    ``base_clusters >= max_groups``, ``max_representative >= 1``, ``max_consensus >= 0``.

    Deterministic: equal inputs and seed give equal results; reordering or renaming participants
    gives the same groups (by content) and the same statistics. Participants with fewer than
    ``min(min_votes_per_participant, number of statements)`` votes are placed on the map but not
    grouped and do not count in group statistics. Any matrix is accepted, including empty ones:
    with no groupable participant there are no groups; with fewer than two distinct positions,
    one group.
    Memory: about 4 bytes per (participant × statement) cell plus ~30 bytes per vote.
    """
    _check_parameters(min_votes_per_participant, max_groups, base_clusters, max_representative, max_consensus)

    n_participants, n_statements = matrix.n_participants, matrix.n_statements
    canonical_position = _canonical_positions(matrix)
    rows = canonical_position[matrix.rows]

    rng = np.random.default_rng(seed)
    projection = project(n_participants, n_statements, rows, matrix.cols, matrix.values, rng)
    threshold = min(min_votes_per_participant, max(n_statements, 1))
    groupable = np.bincount(rows, minlength=n_participants) >= threshold

    group_of_canonical = np.full(n_participants, -1, dtype=np.int64)
    silhouette: float | None = None
    if groupable.any():
        points = projection.coordinates[groupable]
        labels, silhouette = _cluster(points, rng, max_groups, base_clusters)
        group_of_canonical[groupable] = _number_groups(labels, points)
    n_groups = int(group_of_canonical.max(initial=-1)) + 1

    overall, per_group = count_votes(group_of_canonical, n_groups, rows, matrix.cols, matrix.values, n_statements)
    by_direction: tuple[tuple[Direction, DirectionStats], ...] = (
        ("agree", direction_stats(per_group, AGREE_COLUMN)),
        ("disagree", direction_stats(per_group, DISAGREE_COLUMN)),
    )

    # Back from canonical order to the matrix's id order for everything the caller sees.
    group_of_participant = group_of_canonical[canonical_position]
    coordinates_by_index = projection.coordinates[canonical_position]
    ids = matrix.participant_ids
    coordinates = {participant: (x, y) for participant, (x, y) in zip(ids, coordinates_by_index.tolist(), strict=True)}
    groups = _groups(group_of_participant, coordinates_by_index, ids, n_groups)
    participant_group = {participant: group.id for group in groups for participant in group.participant_ids}

    # With one group, no statement sets it apart from the others.
    representative = {
        g.id: _representative_for_group(g.id, by_direction, matrix.statement_ids, max_representative)
        if n_groups >= 2
        else ()
        for g in groups
    }
    consensus = _consensus(by_direction, matrix.statement_ids, max_consensus) if n_groups else ()
    statement_stats = _statement_stats(matrix.statement_ids, overall, per_group, by_direction, n_groups)
    ratio = projection.explained_variance_ratio
    return OpinionMap(
        groups=tuple(groups),
        coordinates=coordinates,
        participant_group=participant_group,
        ungrouped_participant_ids=tuple(ids[index] for index in np.flatnonzero(group_of_participant < 0).tolist()),
        representative=representative,
        consensus=consensus,
        statement_stats=statement_stats,
        explained_variance_ratio=(float(ratio[0]), float(ratio[1])),
        silhouette=silhouette,
        min_votes_per_participant=threshold,
        seed=seed,
    )


def _check_parameters(
    min_votes_per_participant: int, max_groups: int, base_clusters: int, max_representative: int, max_consensus: int
) -> None:
    if min_votes_per_participant < 1:
        raise ValueError("min_votes_per_participant must be at least 1")
    if max_groups < 1:
        raise ValueError("max_groups must be at least 1")
    if base_clusters < max_groups:
        raise ValueError("base_clusters must be at least max_groups")
    if max_representative < 1 or max_consensus < 0:
        raise ValueError("max_representative must be at least 1 and max_consensus at least 0")


def _groups(
    group_of_participant: np.ndarray,  # type: ignore[type-arg]
    coordinates_by_index: np.ndarray,  # type: ignore[type-arg]
    ids: tuple[Hashable, ...],
    n_groups: int,
) -> list[Group]:
    """Each group with its members (in the matrix's id order) and its centroid on the map."""
    groups: list[Group] = []
    for group in range(n_groups):
        members = np.flatnonzero(group_of_participant == group)
        centroid = coordinates_by_index[members].mean(axis=0)
        groups.append(
            Group(
                id=group,
                participant_ids=tuple(ids[member] for member in members.tolist()),
                centroid=(float(centroid[0]), float(centroid[1])),
                size=int(members.size),
            )
        )
    return groups


def _statement_stats(
    statement_ids: tuple[Hashable, ...],
    overall: np.ndarray,  # type: ignore[type-arg]
    per_group: np.ndarray,  # type: ignore[type-arg]
    by_direction: tuple[tuple[Direction, DirectionStats], ...],
    n_groups: int,
) -> tuple[StatementStats, ...]:
    """Per statement: counts overall and per group, and the consensus probabilities (products of the
    groups' agree and disagree probabilities)."""
    agree_probabilities = by_direction[0][1].p_group
    disagree_probabilities = by_direction[1][1].p_group
    consensus_agree = agree_probabilities.prod(axis=0).tolist()
    consensus_disagree = disagree_probabilities.prod(axis=0).tolist()
    return tuple(
        StatementStats(
            statement_id=statement_id,
            overall=_counts(overall[statement]),
            by_group=tuple(_counts(per_group[group, statement]) for group in range(n_groups)),
            consensus_agree=consensus_agree[statement],
            consensus_disagree=consensus_disagree[statement],
        )
        for statement, statement_id in enumerate(statement_ids)
    )


def _canonical_positions(matrix: VoteMatrix) -> np.ndarray:  # type: ignore[type-arg]
    """Each participant's position in the canonical order (by votes, not by id), so that renaming or
    reordering participants gives the same groups."""
    n_participants = matrix.n_participants
    order = canonical_participant_order(n_participants, matrix.n_statements, matrix.rows, matrix.cols, matrix.values)
    positions = np.empty(n_participants, dtype=np.int64)
    positions[order] = np.arange(n_participants, dtype=np.int64)
    return positions
