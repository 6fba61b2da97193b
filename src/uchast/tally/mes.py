"""The Method of Equal Shares (MES) and its completions (add1 and its exact jumps: ``add1.py``).

Arithmetic. Decisions are exact. Budgets are tracked in float64 for speed, and every comparison whose
float margin is below ``TOLERANCE`` (relative) is redone in exact rational arithmetic: near-ties
between projects, a supporter whose budget is within the tolerance of the price, and a project whose
supporters' money is within the tolerance of its cost. Exact values are cheap because a group of
identical voters that has never run out of money holds exactly ``b0 - sum(rho_k * u_k)`` over the
projects k it helped to buy; the exact price ``rho_k`` of an earlier purchase is computed (and cached)
only when a later exact check needs it. Float rounding after ~10^3 operations stays below 1e-12
relative, far inside the tolerance, so the float path never decides a comparison it could get wrong.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from .greedy import RuleRun, greedy
from .options import STARTS, STOPS, UTILITIES
from .outcome import TieBreaking
from .profile import IntArray, Profile

__all__ = ["STARTS", "STOPS", "UTILITIES"]  # re-exported: they were first defined here (add1 imports them)

TOLERANCE = 1e-9

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass
class _Purchase:
    project: int
    poor: IntArray  # groups (not exhausted before) that paid all they had
    rich_weight: int  # sum of weight * utility over the supporters that paid rho * utility
    rho_float: float
    rho_exact: Fraction | None
    poor_mask: BoolArray | None = None  # over the project's supporters: pays all it has (or had nothing)


class _Engine:
    """Precomputed per-project arrays for repeated MES runs over one profile."""

    def __init__(self, profile: Profile, utility: str, tie_rank: IntArray) -> None:
        if utility not in UTILITIES:
            raise ValueError(f"unknown utility {utility!r}; known: {', '.join(UTILITIES)}")
        self.profile = profile
        self.utility = utility
        self.tie_rank = tie_rank
        num_projects = profile.num_projects
        self.costs = [int(c) for c in profile.costs]
        weights = profile.weights
        self.sup: list[IntArray] = []
        self.util: list[IntArray] = []
        self.w: list[FloatArray] = []
        self.wu: list[FloatArray] = []
        self.wu_int: list[IntArray] = []
        self.inv_u: list[FloatArray] = []
        self.total_wu: list[int] = []
        for p in range(num_projects):
            groups = profile.supporters(p)
            if utility == "cost":
                u = np.full(groups.shape[0], self.costs[p], dtype=np.int64)
            elif utility == "cardinality":
                u = np.ones(groups.shape[0], dtype=np.int64)
            else:
                u = profile.project_points(p).astype(np.int64)
                # A project listed with 0 points brings its voter nothing, so that voter does not pay.
                groups, u = groups[u > 0], u[u > 0]
            w_int = weights[groups]
            wu_int = w_int * u
            self.sup.append(groups)
            self.util.append(u)
            self.w.append(w_int.astype(np.float64))
            self.wu_int.append(wu_int)
            self.wu.append(wu_int.astype(np.float64))
            self.inv_u.append(1.0 / np.maximum(u, 1).astype(np.float64))
            self.total_wu.append(int(wu_int.sum()))
        self.votes = profile.votes()
        self.candidates = [p for p in range(num_projects) if self.sup[p].shape[0] > 0 and self.costs[p] > 0]
        # Projects sharing a supporter with p must be re-priced after p is bought.
        self.neighbours = _neighbours(profile, self.sup)

    def run(self, b0: Fraction) -> tuple[RuleRun, dict[int, float]]:
        """One MES run where every voter starts with ``b0``. Returns decisions and each project's last rho."""
        return _Run(self, b0).execute()

    def run_with_trace(self, b0: Fraction) -> tuple[RuleRun, _Run]:
        """One MES run, and the run itself: its purchases (winner, groups paying all they had, rich weight)."""
        state = _Run(self, b0)
        run, _ = state.execute()
        return run, state


def _neighbours(profile: Profile, supporters: list[IntArray]) -> list[IntArray]:
    """For each project, the projects (ascending) on the ballot of any of its ``supporters``: the
    union of those groups' bit masks (64 projects a word, built once) rather than of their ballots'
    rows, which costs several times more on a city-size profile."""
    num_projects = profile.num_projects
    nonempty = np.flatnonzero(np.diff(profile.g_indptr) > 0)
    project = np.arange(num_projects)
    masks = []
    for w in range(max(1, (num_projects + 63) // 64)):
        bit_of = np.where(project >> 6 == w, np.left_shift(np.uint64(1), (project & 63).astype(np.uint64)), 0)
        mask = np.zeros(profile.num_groups, dtype=np.uint64)
        if nonempty.shape[0]:
            mask[nonempty] = np.bitwise_or.reduceat(bit_of[profile.g_projects], profile.g_indptr[nonempty])
        masks.append(mask)
    neighbours = []
    for groups in supporters:
        union = np.array([np.bitwise_or.reduce(mask[groups]) for mask in masks], dtype="<u8")
        neighbours.append(np.flatnonzero(np.unpackbits(union.view(np.uint8), bitorder="little")[:num_projects]))
    return neighbours


def _gather_rows(profile: Profile, groups: IntArray) -> IntArray:
    """Entry positions (into g_projects/g_points) of all rows of ``groups``."""
    starts = profile.g_indptr[groups]
    lengths = profile.g_indptr[groups + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return offsets + np.arange(total, dtype=np.int64)


class _Run:
    def __init__(self, engine: _Engine, b0: Fraction) -> None:
        self.e = engine
        self.b0 = b0
        profile = engine.profile
        self.budget = np.full(profile.num_groups, float(b0), dtype=np.float64)
        self.exhausted = np.zeros(profile.num_groups, dtype=np.bool_)
        self.purchases: list[_Purchase] = []
        self.bought_at = np.full(profile.num_projects, np.iinfo(np.int64).max, dtype=np.int64)
        # Least (rho * u - budget) over the voters that paid all they had, and the work done (in
        # supporter entries, ~16 ns each; a price or a purchase costs ~1000 more): for add1 jumps (add1.py).
        self.min_poor_gap = math.inf
        self.work = 0

    # ---- exact arithmetic -------------------------------------------------------------------
    def exact_rho_of(self, k: int) -> Fraction:
        purchase = self.purchases[k]
        if purchase.rho_exact is None:
            paid_by_poor = self.exact_money(purchase.poor, k)
            purchase.rho_exact = Fraction(self.e.costs[purchase.project] - paid_by_poor, purchase.rich_weight)
        return purchase.rho_exact

    def exact_money(self, groups: IntArray, before: int) -> Fraction:
        """Exact sum of weight * budget over ``groups`` (none exhausted) after the first ``before`` purchases."""
        if groups.shape[0] == 0:
            return Fraction(0)
        profile = self.e.profile
        total = self.b0 * int(profile.weights[groups].sum())
        rows = _gather_rows(profile, groups)
        lengths = profile.g_indptr[groups + 1] - profile.g_indptr[groups]
        weight_of_entry = np.repeat(profile.weights[groups], lengths)
        projects = profile.g_projects[rows]
        k_of = self.bought_at[projects]
        mask = k_of < before
        if not mask.any():
            return total
        if self.e.utility == "cost":
            u = profile.costs[projects[mask]]
        elif self.e.utility == "cardinality":
            u = np.ones(int(mask.sum()), dtype=np.int64)
        else:
            u = profile.g_points[rows][mask]
        paid = np.zeros(before, dtype=np.int64)
        np.add.at(paid, k_of[mask], weight_of_entry[mask] * u)
        for k in np.nonzero(paid)[0]:
            total -= self.exact_rho_of(int(k)) * int(paid[k])
        return total

    def exact_price(self, p: int, rho_float: float) -> tuple[Fraction, IntArray, int]:
        """Exact rho of ``p`` now, the groups paying all they have, and the rich weight."""
        e = self.e
        groups = e.sup[p]
        live = ~self.exhausted[groups]
        groups_live = groups[live]
        u = e.util[p][live]
        wu = e.wu_int[p][live]
        ratio = self.budget[groups_live] * e.inv_u[p][live]
        clearly_poor = ratio < rho_float * (1 - TOLERANCE)
        boundary = ~clearly_poor & (ratio <= rho_float * (1 + TOLERANCE))
        poor_list = [groups_live[clearly_poor]]
        paid = self.exact_money(groups_live[clearly_poor], len(self.purchases))
        rich_weight = int(wu[~clearly_poor].sum())
        pending = []
        for i in np.nonzero(boundary)[0]:
            g = groups_live[i : i + 1]
            weight = int(self.e.profile.weights[g[0]])
            pending.append((g, Fraction(self.exact_money(g, len(self.purchases)), weight), int(u[i]), weight))
        cost = e.costs[p]
        while True:
            if rich_weight == 0:
                # Everyone pays all: possible only when the supporters' money equals the cost exactly.
                rho = max((b / uu for _, b, uu, _ in pending), default=Fraction(0))
                break
            rho = Fraction(cost - paid, rich_weight)
            moved = [item for item in pending if item[1] < rho * item[2]]
            if not moved:
                break
            for item in moved:
                pending.remove(item)
                poor_list.append(item[0])
                paid += item[1] * item[3]
                rich_weight -= item[2] * item[3]
        if abs(float(rho) - rho_float) > TOLERANCE / 4 * max(rho_float, 1e-300):
            raise ArithmeticError(f"float price drifted for project {e.profile.project_ids[p]}")  # pragma: no cover
        return rho, np.concatenate(poor_list), rich_weight

    # ---- float pricing ----------------------------------------------------------------------
    def price(self, p: int) -> float | None:
        """Float rho of ``p`` now, or None if its supporters cannot pay its cost (checked exactly when close)."""
        e = self.e
        groups = e.sup[p]
        self.work += groups.shape[0] + 1000
        b = self.budget[groups]
        total = float((e.w[p] * b).sum())  # not np.dot: BLAS threads stall on a busy machine
        cost = float(e.costs[p])
        if total < cost * (1 + TOLERANCE):
            if total < cost * (1 - TOLERANCE):
                return None
            live = groups[~self.exhausted[groups]]
            exact_total = self.exact_money(live, len(self.purchases))
            if exact_total < e.costs[p]:
                return None
            if exact_total == e.costs[p]:
                return float(np.max(b * e.inv_u[p]))
        ratio = b * e.inv_u[p]
        wu = e.wu[p]
        all_wu = float(e.total_wu[p])
        rho = cost / all_wu
        poor = ratio < rho
        count = int(np.count_nonzero(poor))
        if count == 0:
            return rho
        wb = e.w[p] * b
        for _ in range(40):
            if count == 0:
                return rho
            rich_wu = all_wu - float(wu[poor].sum())
            if rich_wu <= 0:
                return float(np.max(ratio))
            rho = (cost - float(wb[poor].sum())) / rich_wu
            poor = ratio < rho
            new_count = int(np.count_nonzero(poor))
            if new_count == count:
                return rho
            count = new_count
        order = np.argsort(ratio, kind="stable")
        paid_before = np.concatenate(([0.0], np.cumsum(wb[order])[:-1]))
        wu_from = np.cumsum(wu[order][::-1])[::-1]
        candidates = (cost - paid_before) / wu_from
        ok = candidates <= ratio[order]
        return float(candidates[int(np.argmax(ok))])

    # ---- the rule ---------------------------------------------------------------------------
    def execute(self) -> tuple[RuleRun, dict[int, float]]:
        e = self.e
        run = RuleRun()
        alive = set(e.candidates)
        for p in range(e.profile.num_projects):
            if p not in alive:
                run.reasons[p] = "no supporters" if e.sup[p].shape[0] == 0 else "cost 0: not counted by Equal Shares"
        lower = {p: e.costs[p] / e.total_wu[p] for p in alive}
        fresh: set[int] = set()
        last_rho: dict[int, float] = {}
        round_no = 0
        while alive:
            best = math.inf
            evaluated: list[int] = []
            for p in sorted(alive, key=lambda q: lower[q]):
                if lower[p] > best * (1 + TOLERANCE):
                    break
                if p not in fresh:
                    rho = self.price(p)
                    if rho is None:
                        alive.discard(p)
                        money = float((e.w[p] * self.budget[e.sup[p]]).sum())
                        run.reasons[p] = (
                            f"dropped at round {round_no + 1}: its supporters had {money:.2f} left, less than its cost"
                        )
                        run.details[p] = {"supporters_money_left": round(money, 2), "dropped_at_round": round_no + 1}
                        continue
                    lower[p] = rho
                    fresh.add(p)
                    last_rho[p] = rho
                if lower[p] < best:
                    best = lower[p]
                evaluated.append(p)
            if not evaluated:
                break
            tied = [p for p in evaluated if lower[p] <= best * (1 + TOLERANCE)]
            purchase = self._choose(tied, lower, run, round_no)
            winner = purchase.project
            round_no += 1
            self.buy(purchase)
            alive.discard(winner)
            fresh.difference_update(e.neighbours[winner].tolist())
            self._record(run, purchase, round_no)
        return run, last_rho

    def _choose(self, tied: list[int], lower: dict[int, float], run: RuleRun, round_no: int) -> _Purchase:
        """The purchase of this round among the projects tied in float: the exact least price, then the
        tie order (an exact tie is noted on the run)."""
        e = self.e
        if len(tied) == 1:
            return self.float_purchase(tied[0], lower[tied[0]])
        exact = {p: self.exact_price(p, lower[p]) for p in tied}
        winner = min(tied, key=lambda p: (exact[p][0], int(e.tie_rank[p])))
        exact_rho, poor, rich_weight = exact[winner]
        if sum(1 for p in tied if exact[p][0] == exact_rho) > 1:
            names = ", ".join(e.profile.project_ids[p] for p in tied if exact[p][0] == exact_rho)
            run.notes.append(f"round {round_no + 1}: exact tie between {names}; broken by the tie order")
        return _Purchase(winner, poor, rich_weight, lower[winner], exact_rho)

    def _record(self, run: RuleRun, purchase: _Purchase, round_no: int) -> None:
        """The winner of round ``round_no`` on the run, with the figures its explanation gives."""
        e = self.e
        winner = purchase.project
        run.selected.append(winner)
        run.rounds[winner] = round_no
        rho_f = purchase.rho_float
        detail: dict[str, int | str | float | bool | None] = {
            "rho": rho_f,
            "supporters": int(e.votes[winner]),
            "supporters_paying_all_they_had": int(e.profile.weights[purchase.poor].sum()),
        }
        if e.utility in ("cost", "cardinality"):
            max_payment = rho_f * (e.costs[winner] if e.utility == "cost" else 1)
            detail["max_payment_per_voter"] = max_payment
            detail["effective_votes"] = e.costs[winner] / max_payment if max_payment > 0 else None
        run.details[winner] = detail
        run.reasons[winner] = f"bought at round {round_no}: supporters paid its cost at price {rho_f:.6g} per utility"

    def float_purchase(self, p: int, rho_float: float) -> _Purchase:
        e = self.e
        groups = e.sup[p]
        live = ~self.exhausted[groups]
        ratio = self.budget[groups] * e.inv_u[p]
        clearly_poor = ratio < rho_float * (1 - TOLERANCE)
        boundary = live & ~clearly_poor & (ratio <= rho_float * (1 + TOLERANCE))
        if boundary.any():
            rho, poor, rich_weight = self.exact_price(p, rho_float)
            return _Purchase(p, poor, rich_weight, rho_float, rho)
        poor_live = clearly_poor & live
        rich_weight = int(e.wu_int[p][~clearly_poor].sum())
        rho_exact = Fraction(e.costs[p], rich_weight) if not poor_live.any() else None
        return _Purchase(p, groups[poor_live], rich_weight, rho_float, rho_exact, clearly_poor)

    def buy(self, purchase: _Purchase) -> None:
        e = self.e
        p = purchase.project
        groups = e.sup[p]
        self.work += groups.shape[0] + 1000
        self.bought_at[p] = len(self.purchases)
        self.purchases.append(purchase)
        if purchase.poor_mask is not None:
            poor_mask = purchase.poor_mask
        else:
            poor_mask = np.isin(groups, purchase.poor, assume_unique=True) | self.exhausted[groups]
        if purchase.poor.shape[0]:
            if e.utility == "points":
                live_poor = poor_mask & ~self.exhausted[groups]
                gap = float(np.min(purchase.rho_float * e.util[p][live_poor] - self.budget[groups[live_poor]]))
            else:
                gap = purchase.rho_float * float(e.util[p][0]) - float(self.budget[purchase.poor].max())
            self.min_poor_gap = min(self.min_poor_gap, gap)
        rich = groups[~poor_mask]
        self.budget[rich] -= purchase.rho_float * e.util[p][~poor_mask]
        self.budget[purchase.poor] = 0.0
        self.exhausted[purchase.poor] = True


def equal_shares(
    profile: Profile,
    *,
    utility: str = "cost",
    ties: TieBreaking | None = None,
    voter_budget: Fraction | None = None,
) -> RuleRun:
    """Method of Equal Shares (Peters & Skowron 2020, "Proportionality and the limits of welfarism";
    Peters, Pierczyński & Skowron 2021, "Proportional participatory budgeting with additive utilities";
    https://equalshares.net/implementation/computation/).

    Every voter starts with ``voter_budget`` (default ``budget / voters``, exact). Each round, for every
    project p still possible, rho_p is the least price per unit of utility such that its supporters can
    pay its cost with each supporter i paying ``min(budget_i, rho_p * u_ip)``; the project with least
    rho is bought (ties by ``ties``), each supporter pays that amount. A project whose supporters hold
    less than its cost is dropped for good. Stops when no project is possible.

    Utilities ``u_ip``: ``cost`` (approval: u = cost of p; the variant of Pabulib ``equalshares`` and the
    official counts), ``cardinality`` (approval: u = 1) or ``points`` (cumulative/cardinal ballots).
    Projects of cost 0 or without supporters are not counted, as in pabutools and the Pabulib checker.
    Invariant: no voter pays more than their budget, so total cost <= voters * voter_budget.
    """
    engine = _Engine(profile, utility, (ties or TieBreaking()).rank(profile))
    b0 = voter_budget if voter_budget is not None else _share(profile)
    run, _ = engine.run(b0)
    return run


def _share(profile: Profile) -> Fraction:
    return Fraction(profile.budget, max(profile.num_voters, 1))


def complete_with_greedy(profile: Profile, run: RuleRun, ranking: str, ties: TieBreaking | None) -> RuleRun:
    """Spend what is left after ``run`` greedily (by ``ranking``), skipping what does not fit."""
    before = set(run.selected)
    greedy(profile, ranking=ranking, skip=True, ties=ties, already=run)
    added = [p for p in run.selected if p not in before]
    for p in added:
        run.reasons[p] = "funded by the greedy completion: " + run.reasons[p]
    return run


def comparison_step(profile: Profile, run: RuleRun, ties: TieBreaking | None) -> tuple[RuleRun, str]:
    """The Equal Shares comparison step (Pabulib ``*-comparison`` rules; Wieliczka 2023).

    The greedy-by-votes outcome is computed; each voter prefers the outcome that funds more of the
    projects they voted for. If more voters prefer greedy than prefer Equal Shares, greedy is kept.
    """
    other = greedy(profile, ranking="votes", skip=True, ties=ties)
    chosen_mes = np.zeros(profile.num_projects, dtype=np.int64)
    chosen_mes[run.selected] = 1
    chosen_greedy = np.zeros(profile.num_projects, dtype=np.int64)
    chosen_greedy[other.selected] = 1
    entry_group = np.repeat(np.arange(profile.num_groups), np.diff(profile.g_indptr))
    sat_mes = np.bincount(entry_group, weights=chosen_mes[profile.g_projects], minlength=profile.num_groups)
    sat_greedy = np.bincount(entry_group, weights=chosen_greedy[profile.g_projects], minlength=profile.num_groups)
    prefer_mes = int(profile.weights[sat_mes > sat_greedy].sum())
    prefer_greedy = int(profile.weights[sat_greedy > sat_mes].sum())
    verdict = f"comparison step: {prefer_mes} voters prefer Equal Shares, {prefer_greedy} prefer greedy"
    if prefer_greedy > prefer_mes:
        other.notes.extend([*run.notes, verdict + "; greedy outcome kept"])
        return other, verdict
    run.notes.append(verdict + "; Equal Shares outcome kept")
    return run, verdict
