"""Sequential Phragmén for participatory budgets."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .greedy import RuleRun
from .outcome import TieBreaking
from .profile import Profile

TOLERANCE = 1e-9


def sequential_phragmen(profile: Profile, *, ties: TieBreaking | None = None) -> RuleRun:
    """Sequential Phragmén (Phragmén 1894; for budgets: Los, Christoff & Grossi 2022, "Proportional
    budget allocations: towards a systematization"; as implemented by pabutools ``sequential_phragmen``).

    Voters earn virtual money continuously, starting with load 0. A project is bought as soon as its
    supporters together could pay its cost: buying p sets every supporter's load to
    ``(sum of supporters' loads + cost_p) / supporters_p``, and the project with the least such new load
    is bought next (ties by ``ties``). Counting stops as soon as a project with the least new load —
    any of them, when several tie — no longer fits in the money left (it does not skip).
    Projects costing more than the whole budget and projects without supporters are never counted.

    Loads are compared in float64; near-ties (relative ``TOLERANCE``) are recomputed exactly. Loads take
    at most one value per round, which keeps the exact recomputation small.
    """
    tie_rank = (ties or TieBreaking()).rank(profile)
    costs = [int(c) for c in profile.costs]
    votes = profile.votes()
    num_groups = profile.num_groups
    run = RuleRun()
    remaining = [p for p in range(profile.num_projects) if votes[p] > 0 and costs[p] <= profile.budget]
    for p in range(profile.num_projects):
        if votes[p] == 0:
            run.reasons[p] = "no supporters"
        elif costs[p] > profile.budget:
            run.reasons[p] = "costs more than the whole budget"
    level = np.zeros(num_groups, dtype=np.int64)  # index into load values
    loads_f = [0.0]
    loads_exact = [Fraction(0)]
    entry_group = np.repeat(np.arange(num_groups, dtype=np.int64), np.diff(profile.g_indptr))
    entry_weight = profile.weights[entry_group].astype(np.float64)
    spent = 0
    round_no = 0
    while remaining:
        levels = len(loads_f)
        flat = profile.g_projects * levels + level[entry_group]
        per_level = np.bincount(flat, weights=entry_weight, minlength=profile.num_projects * levels).reshape(
            profile.num_projects, levels
        )
        # Elementwise, not a BLAS product: BLAS threads stall when another process holds a core.
        load_sums = (per_level * np.array(loads_f)).sum(axis=1)
        new_load = {p: (load_sums[p] + costs[p]) / float(votes[p]) for p in remaining}
        best = min(new_load.values())
        tied = [p for p in remaining if new_load[p] <= best * (1 + TOLERANCE)]
        tied, winner_load = _least_exact_load(tied, per_level, loads_exact, costs, votes, tie_rank)
        winner = tied[0]
        overflow = [p for p in tied if spent + costs[p] > profile.budget]
        if overflow:
            for p in remaining:
                run.reasons[p] = (
                    f"not bought: counting stopped at round {round_no + 1} because "
                    f"{profile.project_ids[overflow[0]]} (cost {costs[overflow[0]]}) no longer fit "
                    f"the {profile.budget - spent} left"
                )
                run.details[p] = {"load_if_bought": float(new_load[p])}
            break
        round_no += 1
        spent += costs[winner]
        supporters = profile.supporters(winner)
        loads_f.append(float(winner_load))
        loads_exact.append(winner_load)
        level[supporters] = len(loads_f) - 1
        remaining.remove(winner)
        run.selected.append(winner)
        run.rounds[winner] = round_no
        run.reasons[winner] = f"bought at round {round_no}: its supporters' load became {float(winner_load):.6g}"
        run.details[winner] = {"load": float(winner_load), "supporters": int(votes[winner])}
        if len(tied) > 1:
            run.notes.append(f"round {round_no}: exact tie broken by the tie order")
    return run


def _least_exact_load(
    tied: list[int],
    per_level: np.ndarray,  # type: ignore[type-arg]
    loads_exact: list[Fraction],
    costs: list[int],
    votes: np.ndarray,  # type: ignore[type-arg]
    tie_rank: np.ndarray,  # type: ignore[type-arg]
) -> tuple[list[int], Fraction]:
    """Among projects tied in float, those with the least exact new load (in tie order) and that load.

    ``per_level[p, lv]`` is the weight of p's supporters at load level ``lv``."""

    def exact_load(p: int) -> Fraction:
        total = Fraction(costs[p])
        for lv in np.nonzero(per_level[p])[0]:
            total += loads_exact[int(lv)] * int(per_level[p, lv])
        return total / int(votes[p])

    if len(tied) == 1:
        return tied, exact_load(tied[0])
    exact = {p: exact_load(p) for p in tied}
    least = min(exact.values())
    return sorted((p for p in tied if exact[p] == least), key=lambda p: int(tie_rank[p])), least
