"""Results and tie-breaking shared by every rule.

Tie-breaking is a strict total order on projects fixed before counting, so the same ballots always
give the same winners. A :class:`TieBreaking` lists criteria, applied in turn until projects differ:

* ``min-cost``: the cheaper project first;
* ``max-votes``: the project with more supporting voters first;
* ``lot``: the order of ``lot`` (project ids drawn by lot in advance, best first; projects it omits
  come after, in file order);
* ``file-order``: order of the projects in the election (the PROJECTS section);
* ``name``: project ids compared as strings — the order pabutools uses by default.

File order always closes the list, so the order is total. The default, ``min-cost, max-votes, lot``,
is the one used by the official Equal Shares counts (Wieliczka, Świecie, Assen) and the Pabulib
checker, followed by a lot.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from .profile import IntArray, Profile

CRITERIA = ("min-cost", "max-votes", "lot", "file-order", "name")


@dataclass(frozen=True)
class TieBreaking:
    """Criteria applied in order to break ties; see the module docstring."""

    criteria: tuple[str, ...] = ("min-cost", "max-votes", "lot")
    lot: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = [c for c in self.criteria if c not in CRITERIA]
        if unknown:
            raise ValueError(f"unknown tie-breaking criteria {unknown}; known: {', '.join(CRITERIA)}")

    @classmethod
    def parse(cls, text: str, lot: Sequence[str] = ()) -> TieBreaking:
        """From a comma-separated list such as ``"min-cost,max-votes,lot"`` (or ``name``, ``file-order``)."""
        return cls(tuple(c.strip() for c in text.split(",") if c.strip()), tuple(lot))

    def rank(self, profile: Profile) -> IntArray:
        """``rank[p]``: position of project p in the tie order (0 = preferred). A permutation."""
        votes = profile.votes()
        lot_position = {pid: i for i, pid in enumerate(self.lot)}
        keys: list[tuple[object, ...]] = []
        for p, pid in enumerate(profile.project_ids):
            key: list[object] = []
            for criterion in self.criteria:
                if criterion == "min-cost":
                    key.append(int(profile.costs[p]))
                elif criterion == "max-votes":
                    key.append(-int(votes[p]))
                elif criterion == "lot":
                    key.append(lot_position.get(pid, len(lot_position) + p))
                elif criterion == "file-order":
                    key.append(p)
                else:
                    key.append(pid)
            key.append(p)
            keys.append(tuple(key))
        order = sorted(range(profile.num_projects), key=lambda i: keys[i])  # type: ignore[arg-type,return-value]
        rank = np.empty(profile.num_projects, dtype=np.int64)
        rank[np.array(order, dtype=np.int64)] = np.arange(profile.num_projects, dtype=np.int64)
        return rank


PABUTOOLS_TIES = TieBreaking(("name",))
FILE_ORDER_TIES = TieBreaking(("file-order",))


Detail = int | str | float | bool | None


@dataclass(frozen=True)
class ProjectResult:
    """Why one project won or lost.

    ``round`` is the 1-based step at which it was funded (None if not funded). ``reason`` is a
    sentence for people; ``details`` holds the figures behind it (money in the election's unit).
    """

    project_id: str
    name: str
    cost: int
    selected: bool
    votes: int
    score: int
    round: int | None
    reason: str
    details: dict[str, Detail] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """The result of a count.

    Invariants: ``spent == sum of costs of selected <= budget`` (per category when category budgets
    are used); ``selected`` lists project ids in the order they were funded; ``projects`` has one entry
    per project of the election, in election order.
    """

    rule: str
    parameters: dict[str, Detail]
    budget: int
    spent: int
    selected: tuple[str, ...]
    projects: tuple[ProjectResult, ...]
    notes: tuple[str, ...] = ()

    @property
    def selected_set(self) -> frozenset[str]:
        return frozenset(self.selected)

    def to_dict(self) -> dict[str, object]:
        """Plain data (JSON-ready)."""
        return asdict(self)

    def to_json(self, indent: int | None = 2) -> str:
        """The outcome as JSON (UTF-8 text, non-ASCII kept)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)
