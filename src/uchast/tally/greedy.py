"""Greedy counting: rank projects, fund them in order while the money lasts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .outcome import Detail, TieBreaking
from .profile import Profile

if TYPE_CHECKING:
    from fractions import Fraction

RANKINGS = ("votes", "points", "votes-per-cost", "points-per-cost")


@dataclass
class RuleRun:
    """What a rule decided, by project index; :func:`uchast.tally.count` turns it into an Outcome."""

    selected: list[int] = field(default_factory=list)
    rounds: dict[int, int] = field(default_factory=dict)
    reasons: dict[int, str] = field(default_factory=dict)
    details: dict[int, dict[str, Detail]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def greedy(
    profile: Profile,
    *,
    ranking: str = "votes",
    skip: bool = True,
    threshold: int | None = None,
    ties: TieBreaking | None = None,
    already: RuleRun | None = None,
) -> RuleRun:
    """Greedy by ranking value: the rule of Ukrainian participatory-budget statutes and Pabulib ``greedy``.

    Rule (Pabulib format description, rules ``greedy``, ``greedy-no-skip``, ``greedy-threshold``;
    Ukrainian municipal statutes on the public budget, e.g. Kyiv's «Положення про громадський бюджет»):

    1. Every project gets a value: ``votes`` (voters giving it a positive score), ``points`` (sum of
       points; ordinal: ``len - position``), or that value divided by its cost (``*-per-cost``, compared
       exactly as fractions; a project of cost 0 ranks first among those with a positive value).
    2. Projects with value ``< threshold`` (when given) are excluded.
    3. Projects are taken by decreasing value, ties by ``ties``. A project is funded if its cost fits in
       the money left; otherwise it is skipped (``skip=True``) or counting stops (``skip=False``,
       Pabulib ``greedy-no-skip``). Projects with value 0 take part like the others (as in pabutools
       and the Pabulib checker): use ``threshold=1`` to exclude them.

    ``already`` continues a previous run (completion of Equal Shares): its projects stay funded and
    only the money left is spent. Invariant: total cost funded ``<= profile.budget``.
    """
    if ranking not in RANKINGS:
        raise ValueError(f"unknown greedy ranking {ranking!r}; known: {', '.join(RANKINGS)}")
    tie_rank = (ties or TieBreaking()).rank(profile)
    base = profile.votes() if ranking.startswith("votes") else profile.scores()
    costs = profile.costs
    run = already if already is not None else RuleRun()
    funded = set(run.selected)
    left = profile.budget - int(sum(int(costs[p]) for p in funded))

    per_cost = ranking.endswith("per-cost")
    if per_cost:  # only ratios need fractions; votes and points are integers (and the import is not free)
        from fractions import Fraction

    def value(p: int) -> Fraction | int:
        if per_cost:
            if costs[p] == 0:
                return Fraction(10**30) if base[p] > 0 else Fraction(0)
            return Fraction(int(base[p]), int(costs[p]))
        return int(base[p])

    values = {p: value(p) for p in range(profile.num_projects)}
    order = sorted(range(profile.num_projects), key=lambda p: (-values[p], int(tie_rank[p])))
    stopped_by: int | None = None
    step = len(run.selected)
    for position, p in enumerate(order, start=1):
        if p in funded:
            continue
        cost = int(costs[p])
        info: dict[str, Detail] = {"rank": position, "value": _as_detail(values[p]), "money_left_before": left}
        run.details.setdefault(p, {}).update(info)
        if threshold is not None and base[p] < threshold:
            run.reasons[p] = f"below the threshold: {int(base[p])} < {threshold}"
            continue
        if stopped_by is not None:
            run.reasons[p] = f"not considered: counting stopped at project {profile.project_ids[stopped_by]} (no skip)"
            continue
        if cost <= left:
            left -= cost
            step += 1
            run.selected.append(p)
            funded.add(p)
            run.rounds[p] = step
            run.reasons[p] = f"funded at rank {position}; money left after: {left}"
        elif skip:
            run.reasons[p] = f"did not fit: cost {cost} > money left {left}; skipped"
        else:
            stopped_by = p
            run.reasons[p] = f"did not fit: cost {cost} > money left {left}; counting stops here (no skip)"
    return run


def _as_detail(value: Fraction | int) -> Detail:
    return int(value) if value.denominator == 1 else float(value)


def ranking_for_kind(kind: str) -> str:
    """Pabulib's ranking value for greedy: points for cumulative, ordinal and cardinal; voters otherwise."""
    return "votes" if kind == "approval" else "points"
