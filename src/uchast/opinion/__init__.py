"""Opinion maps for statement voting (pol.is-like): groups, representative and consensus statements.

Pure package: numpy only, no Django. Typical use::

    matrix = VoteMatrix.from_triples(participant_ids, statement_ids, values)  # +1 agree, -1 disagree, 0 pass
    result = compute_opinion_map(matrix, min_votes_per_participant=7, seed=0, max_groups=5)
    result.to_json()

See docs/opinion.md for the method.
"""

from uchast.opinion.matrix import AGREE, DISAGREE, PASS, VoteMatrix
from uchast.opinion.pipeline import compute_opinion_map
from uchast.opinion.result import (
    ConsensusStatement,
    Direction,
    Group,
    OpinionMap,
    RepresentativeStatement,
    StatementStats,
    VoteCounts,
)

__all__ = [
    "AGREE",
    "DISAGREE",
    "PASS",
    "ConsensusStatement",
    "Direction",
    "Group",
    "OpinionMap",
    "RepresentativeStatement",
    "StatementStats",
    "VoteCounts",
    "VoteMatrix",
    "compute_opinion_map",
]
