"""Result types of an opinion map; plain frozen dataclasses with a JSON form."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Literal

Direction = Literal["agree", "disagree"]


def _json_id(identifier: Hashable) -> str | int | float | bool | None:
    """Ids appear in JSON as they are; only JSON scalars are accepted."""
    if identifier is None or isinstance(identifier, str | int | float | bool):
        return identifier
    raise TypeError(f"id {identifier!r} is not a JSON scalar; use str/int ids to call to_json()")


@dataclass(frozen=True)
class Group:
    """An opinion group. ``id`` is 0..k-1, numbered by decreasing size (ties: smaller x, then y).

    ``participant_ids`` keep the matrix's id order; ``size == len(participant_ids) >= 1``;
    ``centroid`` is the mean position of the members on the map.
    """

    id: int
    participant_ids: tuple[Hashable, ...]
    centroid: tuple[float, float]
    size: int


@dataclass(frozen=True)
class VoteCounts:
    agree: int
    disagree: int
    passed: int

    @property
    def total(self) -> int:
        return self.agree + self.disagree + self.passed

    def to_json(self) -> dict[str, int]:
        return {"agree": self.agree, "disagree": self.disagree, "pass": self.passed}


@dataclass(frozen=True)
class StatementStats:
    """Counts for one statement: ``overall`` over all voters (grouped or not), ``by_group[g]``
    over the members of group g. ``consensus_agree``/``consensus_disagree`` are the group-aware
    consensus scores: the product over groups of the smoothed probability (1 with no groups).
    """

    statement_id: Hashable
    overall: VoteCounts
    by_group: tuple[VoteCounts, ...]
    consensus_agree: float
    consensus_disagree: float

    def to_json(self) -> dict[str, Any]:
        return {
            "statement_id": _json_id(self.statement_id),
            "overall": self.overall.to_json(),
            "by_group": [counts.to_json() for counts in self.by_group],
            "consensus_agree": self.consensus_agree,
            "consensus_disagree": self.consensus_disagree,
        }


@dataclass(frozen=True)
class RepresentativeStatement:
    """A statement on which a group votes differently from everyone else in the groups.

    ``p_group``/``p_other`` are smoothed probabilities of ``direction`` inside / outside the
    group; ``repness = p_group / p_other``; ``z`` the two-proportion z statistic, ``p_test`` the
    one-proportion z that the group's majority leans this way. ``significant`` is False only for
    the fallback statement shown when a group has no statement significant at 90%.
    """

    statement_id: Hashable
    direction: Direction
    n_success: int
    n_trials: int
    p_group: float
    p_other: float
    repness: float
    z: float
    p_test: float
    significant: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "statement_id": _json_id(self.statement_id),
            "direction": self.direction,
            "n_success": self.n_success,
            "n_trials": self.n_trials,
            "p_group": self.p_group,
            "p_other": self.p_other,
            "repness": self.repness,
            "z": self.z,
            "p_test": self.p_test,
            "significant": self.significant,
        }


@dataclass(frozen=True)
class ConsensusStatement:
    """A statement every group leans the same way on (significantly, at 90%, in each group).

    ``probability`` is the group-aware consensus: the product over groups of each group's
    smoothed probability of ``direction``; ``group_probabilities[g]`` are the factors.
    """

    statement_id: Hashable
    direction: Direction
    probability: float
    group_probabilities: tuple[float, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "statement_id": _json_id(self.statement_id),
            "direction": self.direction,
            "probability": self.probability,
            "group_probabilities": list(self.group_probabilities),
        }


@dataclass(frozen=True)
class OpinionMap:
    """Everything a page needs to draw and describe the map.

    Invariants: groups are disjoint, ids 0..len(groups)-1; ``participant_group`` maps each
    grouped participant to its group id; ``coordinates`` holds every participant of the matrix (also those with too few
    votes to be grouped, listed in ``ungrouped_participant_ids``); ``representative`` has one
    entry per group (empty when there is a single group: nothing to contrast it with);
    ``statement_stats`` follows the matrix's statement order.
    """

    groups: tuple[Group, ...]
    coordinates: dict[Hashable, tuple[float, float]]
    participant_group: dict[Hashable, int]
    ungrouped_participant_ids: tuple[Hashable, ...]
    representative: dict[int, tuple[RepresentativeStatement, ...]]
    consensus: tuple[ConsensusStatement, ...]
    statement_stats: tuple[StatementStats, ...]
    explained_variance_ratio: tuple[float, float]
    silhouette: float | None
    min_votes_per_participant: int
    seed: int

    def group_of(self, participant_id: Hashable) -> int | None:
        """The participant's group id, or None when ungrouped (or unknown)."""
        return self.participant_group.get(participant_id)

    def to_json(self) -> dict[str, Any]:
        """A dict of JSON types only (``json.dumps`` works on it); ids must be JSON scalars."""
        return {
            "groups": [
                {
                    "id": group.id,
                    "size": group.size,
                    "centroid": list(group.centroid),
                    "participant_ids": [_json_id(participant) for participant in group.participant_ids],
                }
                for group in self.groups
            ],
            "participants": [
                {
                    "id": _json_id(participant),
                    "x": x,
                    "y": y,
                    "group": self.participant_group.get(participant),
                }
                for participant, (x, y) in self.coordinates.items()
            ],
            "representative": [
                {
                    "group_id": group_id,
                    "statements": [statement.to_json() for statement in statements],
                }
                for group_id, statements in sorted(self.representative.items())
            ],
            "consensus": [statement.to_json() for statement in self.consensus],
            "statement_stats": [stats.to_json() for stats in self.statement_stats],
            "explained_variance_ratio": list(self.explained_variance_ratio),
            "silhouette": self.silhouette,
            "min_votes_per_participant": self.min_votes_per_participant,
            "seed": self.seed,
        }
