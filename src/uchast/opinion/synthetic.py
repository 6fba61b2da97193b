"""Synthetic statement votes with planted opinion groups (tests, benchmark, demo data).

Statements come in three blocks, in this order:

1. ``consensus_statements``: every group agrees (agree with probability ``strength``);
2. ``own_statements_per_group`` per group: that group agrees, all others disagree;
3. the rest: each group has its own random agree probability per statement, so groups differ
   on every statement by a random amount (the "3-4 groups with their own profile" set-up).

Every vote is a pass with probability ``pass_probability``; otherwise it follows the group's
profile. Each participant votes on ``votes_per_participant`` distinct statements drawn uniformly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

# Rows drawn at once when choosing which statements each participant sees: bounds memory to
# one (block × statements) float array.
_BLOCK_ROWS = 4096


@dataclass(frozen=True)
class PlantedVotes:
    """Votes as parallel arrays (one triple per vote) plus the truth they were drawn from.

    ``planted_group[p]`` is participant p's group; ``profiles[g, s]`` are group g's
    probabilities of (agree, disagree, pass) on statement s; ``own_statements[g]`` are the
    statements only group g agrees with; ``consensus`` the statements every group agrees with.
    """

    participant_ids: NDArray[np.int64]
    statement_ids: NDArray[np.int64]
    values: NDArray[np.int8]
    planted_group: NDArray[np.int64]
    profiles: NDArray[np.float64]
    own_statements: tuple[NDArray[np.int64], ...]
    consensus: NDArray[np.int64]


def planted_votes(
    *,
    n_participants: int,
    n_statements: int,
    n_groups: int,
    votes_per_participant: int,
    seed: int,
    consensus_statements: int = 0,
    own_statements_per_group: int = 0,
    strength: float = 0.85,
    pass_probability: float = 0.1,
) -> PlantedVotes:
    """Draw planted-group votes; equal inputs give equal outputs.

    Preconditions (ValueError otherwise): ``consensus_statements + n_groups *
    own_statements_per_group <= n_statements``; ``1 <= votes_per_participant <= n_statements``;
    ``strength + pass_probability <= 1``. Group sizes differ by at most one.
    """
    structured = consensus_statements + n_groups * own_statements_per_group
    if structured > n_statements:
        raise ValueError("more consensus and own statements than statements")
    if not 1 <= votes_per_participant <= n_statements:
        raise ValueError("votes_per_participant must be between 1 and n_statements")
    if strength + pass_probability > 1:
        raise ValueError("strength + pass_probability must not exceed 1")
    rng = np.random.default_rng(seed)
    decided = 1.0 - pass_probability
    agree = np.empty((n_groups, n_statements))
    agree[:, :consensus_statements] = strength
    own_statements = []
    for group in range(n_groups):
        start = consensus_statements + group * own_statements_per_group
        block = np.arange(start, start + own_statements_per_group, dtype=np.int64)
        own_statements.append(block)
        agree[:, block] = decided - strength
        agree[group, block] = strength
    agree[:, structured:] = rng.uniform(0.05, 0.95, size=(n_groups, n_statements - structured)) * decided
    profiles = np.stack([agree, decided - agree, np.full_like(agree, pass_probability)], axis=2)

    planted_group = rng.permutation(np.arange(n_participants, dtype=np.int64) % n_groups)
    seen = np.empty((n_participants, votes_per_participant), dtype=np.int64)
    for start in range(0, n_participants, _BLOCK_ROWS):
        keys = rng.random((min(_BLOCK_ROWS, n_participants - start), n_statements))
        seen[start : start + keys.shape[0]] = np.argpartition(keys, votes_per_participant - 1, axis=1)[
            :, :votes_per_participant
        ]
    participants = np.repeat(np.arange(n_participants, dtype=np.int64), votes_per_participant)
    statements = seen.reshape(-1)
    cumulative = np.cumsum(profiles[planted_group[participants], statements], axis=1)
    draw = rng.random(participants.shape[0])
    outcome = (draw[:, None] > cumulative[:, :2]).sum(axis=1)
    values = np.array([1, -1, 0], dtype=np.int8)[outcome]
    return PlantedVotes(
        participant_ids=participants,
        statement_ids=statements,
        values=values,
        planted_group=planted_group,
        profiles=profiles,
        own_statements=tuple(own_statements),
        consensus=np.arange(consensus_statements, dtype=np.int64),
    )
