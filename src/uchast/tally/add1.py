"""The ``add1`` completion of the Method of Equal Shares, with exact jumps over per-voter budgets.

add1 runs MES with per-voter budgets b_0 < b_1 < b_2 < ... (one money step apart) and keeps one run.
One run per budget means ~budget / (voters * step) MES runs: 27,501 for 5 voters and a 300,000 UAH
category counted in hryvnias (~10 s). Most of them give the outcome of the run before. After a run
at b, :meth:`_JumpAnalysis.constant_until` finds an exact L > b such that MES gives the same outcome
(the same winners, round by round) at every budget in [b, L); the scan goes straight to the first
b_k >= L. The budgets skipped are exactly budgets at which the one-unit scan would see the outcome of
b again, so the stop rule sees the same sequence of outcomes and keeps the same budget (the kept run
is rerun if it was skipped, so its figures are those of its own budget).

Why the outcome is constant on [b, L). Fix the run at b: its winners W_0 .. W_{T-1} and, for each
purchase k, the set P_k of voters paying all they have (the others pay rho_k * u). For a budget x,
replay the same winners with the same sets (the *forced trace*): every voter's money before round t
and every price are affine in x, rho_k(x) = (cost - sum_{P_k} w * money(x)) / rich_weight_k, and by
induction over k, d money/dx >= 0 for every voter (>= 1 for a voter never out of money) and
d rho_k/dx <= 0. The forced trace is MES at x, with the same outcome, while

1. every voter of P_k still holds less than rho_k(x) * u. The rich stay rich: money - rho_k * u only
   grows. (So a voter of P_k turns rich at most (rho_k u - money) after b, which rejects most runs
   of large elections at no cost: ``_Run.min_poor_gap``.)
2. at each round t, no other project q beats W_t. Let G_q(x) = sum_i w_i min(money_i, rho_t u_i) -
   cost_q over q's supporters: rho_q > rho_t iff G_q < 0. For any partition S of the supporters,
   H_q(x) = sum_S w money_i(x) + rho_t(x) sum_{not S} w u_i - cost_q is affine and >= G_q; with S =
   {supporters poorer than rho_t u at b}, H_q(b) = G_q(b). So q cannot beat W_t before the root of
   H_q. An exact tie at b (H_q(b) = 0, W_t first in the tie order, H_q not rising) stays won by W_t:
   G_q(x) = 0 <= H_q(x) forces every supporter outside S to hold >= rho_t u, so rho_q = rho_t.
   A project with rho_t(b) * sum w u < cost_q (even its supporters all paying rho_t u fall short)
   needs no more: rho_t only falls.
3. a project whose supporters cannot pay its cost (at some round, or when the run stops) still cannot:
   F_q(x) = sum w money_i(x) - cost_q < 0. Money only falls during a run, so later rounds are covered.

L is the least root of these affine functions, computed in exact integers (every price as
(c_k + s_k x) / scale with one common integer scale). A purchase whose supporters all pay all they
have (money exactly equal to the cost) allows no jump. Bisection over k would be wrong: the outcome
of MES is not monotone in the budget.

Cost. Before the exact computation, the least root is estimated in float64 (vectorised numpy) and the
analysis stops as soon as the budgets it could skip would cost less MES work than the rest of it, or
when analyses so far cost more than OVERHEAD_SHARE of the MES work beyond what they saved (work is
counted in supporter entries processed, deterministically, so the number of runs is reproducible).
Floats only decide whether to analyse, never what is skipped. Large elections, whose many voters
change the structure at almost every step, lose next to nothing (Warsaw 2026: no jump, no slowdown).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .greedy import RuleRun
from .mes import STARTS, STOPS, BoolArray, FloatArray, _Engine, _gather_rows, _Run, _share
from .outcome import TieBreaking
from .profile import IntArray, Profile

FLOAT_TIE = 1e-9  # relative: float margins below this are treated as possible ties by the estimate
INT64_SAFE = 2**62  # integer sums of weight * utility stay below this (else no jump is attempted)
OVERHEAD_SHARE = 0.1  # analyses start only while their cost beyond what they saved is below this share of MES work
EXACT_FACTOR = 3  # exact analysis / float estimate of the rounds, in work


@dataclass
class Add1Scan:
    """What an add1 scan did: the kept run, its per-voter budget and how many budgets and runs."""

    run: RuleRun
    kept_budget: Fraction
    budgets: int  # per-voter budgets b_0 .. b_last scanned (what the one-unit scan runs one by one)
    runs: int  # MES runs actually done (with jumps: far fewer)


def equal_shares_add1(
    profile: Profile,
    *,
    utility: str = "cost",
    ties: TieBreaking | None = None,
    start: str = "exact",
    stop: str = "exhaustive",
    step: int = 1,
    jump: bool = True,
) -> RuleRun:
    """MES with the ``add1`` completion (https://equalshares.net/implementation/completion/).

    MES is run with per-voter budgets b_0 = budget / voters, then b_1, b_2, ... and the result of one
    of these runs is kept:

    * ``start="exact"``: b_k = b_0 + k * step (pabutools' ``voter_budget_increment``);
      ``start="integral"``: b_k = (floor(b_0 / step) + k) * step for k >= 1 — whole currency units,
      as the Pabulib checker and the official Wieliczka, Świecie and Assen counts;
    * ``stop="exhaustive"``: keep the first outcome that is exhaustive (no supported project fits in the
      money left) — pabutools; ``stop="overspend"``: keep going while outcomes stay within the budget
      and keep the last one before the first that overspends — the official counts.

    In both cases, the previous outcome is kept as soon as an outcome overspends, and the scan ends when
    every counted project is bought. ``step`` is in the election's money unit (> 0).

    ``jump`` (default): budgets at which the outcome provably equals the one of the budget before are
    skipped (see the module docstring); the kept run, its budget and the note are those of the one-unit
    scan (``jump=False``, kept as the reference). Invariant: the kept outcome costs at most ``budget``.
    """
    return add1_scan(profile, utility=utility, ties=ties, start=start, stop=stop, step=step, jump=jump).run


def add1_scan(
    profile: Profile,
    *,
    utility: str = "cost",
    ties: TieBreaking | None = None,
    start: str = "exact",
    stop: str = "exhaustive",
    step: int = 1,
    jump: bool = True,
    always_analyse: bool = False,
) -> Add1Scan:
    """:func:`equal_shares_add1` with the figures of the scan (budgets scanned, MES runs done).

    ``always_analyse`` (tests): look for a jump after every run, even where it costs more than it saves."""
    if start not in STARTS or stop not in STOPS:
        raise ValueError(f"start must be one of {STARTS} and stop one of {STOPS}")
    if step <= 0:
        raise ValueError("step must be > 0")
    engine = _Engine(profile, utility, (ties or TieBreaking()).rank(profile))
    if not jump:
        return _stepping(engine, profile, start, stop, step)
    costs = engine.costs
    b0 = _share(profile)
    counted = set(engine.candidates)
    integral_base = math.floor(b0 / step)

    def budget_at(k: int) -> Fraction:
        if k == 0:
            return b0
        return b0 + k * step if start == "exact" else Fraction((integral_base + k) * step)

    def first_at_least(bound: Fraction) -> int:
        """The least k >= 1 with budget_at(k) >= bound."""
        k = math.ceil((bound - b0) / step) if start == "exact" else math.ceil(bound / step) - integral_base
        return max(k, 1)

    def spent(run: RuleRun) -> int:
        return sum(costs[p] for p in run.selected)

    def finished(run: RuleRun) -> bool:
        chosen = set(run.selected)
        if chosen == counted:
            return True
        left = profile.budget - spent(run)
        return stop == "exhaustive" and all(costs[p] > left for p in counted - chosen)

    analysis = _JumpAnalysis(engine, always_analyse)
    current, state = engine.run_with_trace(b0)
    analysis.note_run(state.work)
    runs, last_k = 1, 0
    kept: RuleRun | None = current
    kept_k = 0
    if not finished(current):
        current_k = 0
        while True:
            next_k = current_k + 1

            def skipped(distance: float, k: int = current_k) -> int:
                """Budgets after b_k and below b_k + distance (estimate, to decide whether to analyse)."""
                if not math.isfinite(distance):
                    return 1 << 40
                return first_at_least(budget_at(k) + Fraction(distance)) - k - 1

            bound = analysis.constant_until(state, budget_at(current_k), budget_at(next_k), skipped)
            if bound is not None:
                next_k = max(next_k, first_at_least(bound))
                analysis.note_skip(next_k - current_k - 1, state.work)
            if next_k > current_k + 1:
                # b_{current_k+1} .. b_{next_k-1} give the outcome of b_{current_k}: the one-unit scan
                # would go through them and keep the last one if b_{next_k} overspends.
                kept, kept_k = None, next_k - 1
            run, next_state = engine.run_with_trace(budget_at(next_k))
            analysis.note_run(next_state.work)
            runs += 1
            last_k = next_k
            if spent(run) > profile.budget:
                break
            kept, kept_k = run, next_k
            if finished(run):
                break
            current_k, state = next_k, next_state
    if kept is None:
        kept, _ = engine.run(budget_at(kept_k))
        runs += 1
    kept.notes.append(_note(last_k + 1, runs, budget_at(kept_k), start, stop, step))
    return Add1Scan(kept, budget_at(kept_k), last_k + 1, runs)


def _note(budgets: int, runs: int, kept_b: Fraction, start: str, stop: str, step: int) -> str:
    """``budgets``: per-voter budgets b_0 .. b_last scanned, as by the one-unit scan; ``runs``: MES runs done."""
    if runs == budgets:
        scanned = f"{budgets} runs of Equal Shares"
    else:
        scanned = (
            f"{budgets} per-voter budgets scanned in {runs} runs of Equal Shares (each budget skipped "
            f"provably gives the outcome of the budget before it)"
        )
    return f"add1: {scanned}; kept the run with {float(kept_b):.6g} per voter (start {start}, stop {stop}, step {step})"


def _stepping(engine: _Engine, profile: Profile, start: str, stop: str, step: int) -> Add1Scan:
    """The reference scan: one MES run per budget, b_0, b_1, b_2, ... (no jumps)."""
    costs = engine.costs
    b0 = _share(profile)
    counted = set(engine.candidates)

    def spent(run: RuleRun) -> int:
        return sum(costs[p] for p in run.selected)

    def exhaustive(run: RuleRun) -> bool:
        left = profile.budget - spent(run)
        chosen = set(run.selected)
        return all(costs[p] > left for p in counted - chosen)

    previous, _ = engine.run(b0)
    iterations = 1
    current_b = b0
    kept_b = b0
    if not (stop == "exhaustive" and exhaustive(previous)) and set(previous.selected) != counted:
        k = 1
        integral_base = math.floor(b0 / step) * step
        while True:
            current_b = b0 + k * step if start == "exact" else Fraction(integral_base + k * step)
            run, _ = engine.run(current_b)
            iterations += 1
            if spent(run) > profile.budget:
                break
            previous, kept_b = run, current_b
            if (stop == "exhaustive" and exhaustive(run)) or set(run.selected) == counted:
                break
            k += 1
    previous.notes.append(_note(iterations, iterations, kept_b, start, stop, step))
    return Add1Scan(previous, kept_b, iterations, iterations)


class _NoJump(Exception):
    """Some decision of the run may change before the next budget: no budget can be skipped."""


@dataclass
class _Entries:
    """Supporter entries of every counted project, project after project (for the float estimate)."""

    proj: IntArray
    group: IntArray
    w: FloatArray  # weight
    wu: FloatArray  # weight * utility
    u: FloatArray  # utility
    start: IntArray  # entries of project p: start[p] .. stop[p]
    stop: IntArray
    total_wu: FloatArray  # per project
    g_wu: FloatArray  # weight * utility of each (group, project) entry, group-major (profile.g_projects order)

    @classmethod
    def build(cls, engine: _Engine) -> _Entries:
        profile = engine.profile
        candidates = engine.candidates
        num_projects = profile.num_projects
        if candidates:
            proj = np.concatenate([np.full(engine.sup[p].shape[0], p, dtype=np.int64) for p in candidates])
            group = np.concatenate([engine.sup[p] for p in candidates])
            u = np.concatenate([engine.util[p] for p in candidates]).astype(np.float64)
        else:
            proj = group = np.zeros(0, dtype=np.int64)
            u = np.zeros(0, dtype=np.float64)
        w = profile.weights[group].astype(np.float64)
        start = np.zeros(num_projects, dtype=np.int64)
        stop = np.zeros(num_projects, dtype=np.int64)
        position = 0
        for p in candidates:
            start[p] = position
            position += engine.sup[p].shape[0]
            stop[p] = position
        entry_group = np.repeat(np.arange(profile.num_groups), np.diff(profile.g_indptr))
        if engine.utility == "cost":
            entry_u = profile.costs[profile.g_projects]
        elif engine.utility == "cardinality":
            entry_u = np.ones(profile.g_projects.shape[0], dtype=np.int64)
        else:
            entry_u = profile.g_points
        g_wu = (profile.weights[entry_group] * entry_u).astype(np.float64)
        total_wu = np.array(engine.total_wu, dtype=np.float64)
        return cls(proj, group, w, w * u, u, start, stop, total_wu, g_wu)


class _JumpAnalysis:
    """Computes, from one MES run at b, how far the per-voter budget can rise with the same outcome."""

    def __init__(self, engine: _Engine, always: bool = False) -> None:
        self.e = engine
        self.always = always
        profile = engine.profile
        self.num_projects = profile.num_projects
        self.weights = profile.weights
        self.weights_f = profile.weights.astype(np.float64)
        self.costs_f = np.array(engine.costs, dtype=np.float64)
        candidates = engine.candidates
        self.is_candidate = np.zeros(profile.num_projects, dtype=np.bool_)
        self.is_candidate[candidates] = True
        self.num_entries = sum(int(engine.sup[p].shape[0]) for p in candidates)
        self._entries: _Entries | None = None  # built by the first analysis that gets that far
        max_u = max((int(engine.util[p].max()) for p in candidates), default=0)
        self.enabled = profile.num_voters * max(max_u, 1) < INT64_SAFE
        # Work accounting (units of mes._Run.work), so that analyses never cost much more than they save.
        self.run_work = 0
        self.saved_work = 0
        self.spent_work = 0.0

    def note_run(self, work: int) -> None:
        self.run_work += work

    def note_skip(self, budgets: int, work: int) -> None:
        self.saved_work += budgets * work

    def _afford(self, cost: float, gain_budgets: int, run_work: int, first: bool = False) -> bool:
        """Worth going on: the budgets it may skip would cost more than the rest of the analysis, and (for
        a new analysis) the analyses so far cost at most OVERHEAD_SHARE of the MES work beyond what they saved."""
        if self.always:
            return True
        if gain_budgets * run_work < cost:
            return False
        return not first or self.spent_work - self.saved_work <= OVERHEAD_SHARE * self.run_work

    def constant_until(
        self, state: _Run, b: Fraction, next_b: Fraction, skipped: Callable[[float], int]
    ) -> Fraction | None:
        """An exact L > ``next_b`` such that MES has the outcome of ``state`` (the run at ``b``) at
        every per-voter budget in [b, L); None when no such L is shown (the next budget must be run).

        ``skipped(d)`` counts the budgets after b and below b + d: the analysis goes on only while the
        budgets it may skip would cost more MES work than the rest of it (see also OVERHEAD_SHARE)."""
        if not self.enabled:
            return None
        # A voter that paid all it had (money < rho_k * u by gap) turns rich at most gap later: its money
        # grows at rate >= 1 and rho_k does not grow. So nothing can be skipped beyond b + the least gap.
        if state.min_poor_gap <= float(next_b - b):
            return None
        num_rounds = len(state.purchases)
        replay = sum(self.e.sup[pu.project].shape[0] for pu in state.purchases) + 600 * num_rounds
        rounds = (num_rounds + 1) * (self.num_entries + 2000)
        exact = EXACT_FACTOR * rounds + replay
        if not self._afford(2 * replay + rounds + exact, skipped(state.min_poor_gap), state.work, first=True):
            return None
        exhausted_at = np.full(self.weights.shape[0], num_rounds, dtype=np.int64)
        for k, purchase in enumerate(state.purchases):
            if purchase.rich_weight <= 0:
                return None
            exhausted_at[purchase.poor] = k
        try:
            self.spent_work += 2 * replay
            slopes, reach = self._float_structure(state, b, next_b, exhausted_at)
            if not self._afford(replay + rounds + exact, skipped(reach), state.work):
                return None
            self.spent_work += replay + rounds
            reach = min(reach, self._float_rounds(state, b, next_b, exhausted_at, slopes))
            if not self._afford(exact, skipped(reach), state.work):
                return None
            self.spent_work += exact
            return self._exact(state, b, next_b, exhausted_at)
        except _NoJump:
            return None

    # ---- float estimate (decides only whether the exact computation is worth doing) ----------
    def _replay_step(
        self, state: _Run, k: int, money: FloatArray, slope: FloatArray, exhausted_at: IntArray, rho_slope: float
    ) -> None:
        e = self.e
        p = state.purchases[k].project
        groups = e.sup[p]
        u = e.util[p].astype(np.float64)
        after = exhausted_at[groups]
        rich = after > k
        money[groups[rich]] -= state.purchases[k].rho_float * u[rich]
        slope[groups[rich]] -= rho_slope * u[rich]
        poor = groups[after == k]
        money[poor] = 0.0
        slope[poor] = 0.0

    def _float_structure(
        self, state: _Run, b: Fraction, next_b: Fraction, exhausted_at: IntArray
    ) -> tuple[list[float], float]:
        """Float slopes d rho_k / dx and the least distance at which a payer of all it had turns rich;
        raises _NoJump if that may happen before next_b."""
        e = self.e
        num_groups = self.weights.shape[0]
        money = np.full(num_groups, float(b), dtype=np.float64)
        slope = np.ones(num_groups, dtype=np.float64)
        reach = float(next_b - b)
        least = math.inf
        slopes: list[float] = []
        for k, purchase in enumerate(state.purchases):
            p = purchase.project
            groups = e.sup[p]
            u = e.util[p].astype(np.float64)
            poor_mask = exhausted_at[groups] == k
            poor = groups[poor_mask]
            rho_slope = -float((self.weights_f[poor] * slope[poor]).sum()) / purchase.rich_weight
            if poor.shape[0]:
                gap = purchase.rho_float * u[poor_mask] - money[poor]
                rate = slope[poor] - rho_slope * u[poor_mask]
                least = min(least, float(np.min(gap / rate)))
                if least <= reach:
                    raise _NoJump
            slopes.append(rho_slope)
            self._replay_step(state, k, money, slope, exhausted_at, rho_slope)
        return slopes, least

    def _float_rounds(
        self, state: _Run, b: Fraction, next_b: Fraction, exhausted_at: IntArray, slopes: list[float]
    ) -> float:
        """The least distance at which another project may beat a winner, or become affordable (float
        estimate of conditions 2 and 3); raises _NoJump if that may happen before next_b."""
        e = self.e
        if self._entries is None:
            self._entries = _Entries.build(e)
        ent = self._entries
        num_groups = self.weights.shape[0]
        money = np.full(num_groups, float(b), dtype=np.float64)
        slope = np.ones(num_groups, dtype=np.float64)
        live_wu = ent.total_wu.copy()
        reach = float(next_b - b)
        least = math.inf
        bought_at = state.bought_at
        covered = np.zeros(self.num_projects, dtype=np.bool_)
        num_rounds = len(state.purchases)
        winner = -1
        for t in range(num_rounds + 1):
            open_ = self.is_candidate & ~covered & (bought_at > t)
            if t < num_rounds:
                winner = state.purchases[t].project
                open_[winner] = False
                # q cannot beat W_t while even all its supporters paying rho_t * u fall short (rho_t only falls)
                open_ &= state.purchases[t].rho_float * live_wu >= self.costs_f * (1 - FLOAT_TIE)
            qs = np.flatnonzero(open_)
            if qs.shape[0]:
                index = _ranges(ent.start[qs], ent.stop[qs])
                proj = np.repeat(np.arange(qs.shape[0]), ent.stop[qs] - ent.start[qs])
                groups = ent.group[index]
                w, wu = ent.w[index], ent.wu[index]
                m, s = money[groups], slope[groups]
                cost = self.costs_f[qs]
                size = qs.shape[0]
                total = np.bincount(proj, weights=w * m, minlength=size) - cost
                total_slope = np.bincount(proj, weights=w * s, minlength=size)
                short = total < 0
                if short.any():
                    rate = total_slope[short]
                    with np.errstate(divide="ignore"):
                        reach_q = np.where(rate > 0, -total[short] / np.where(rate > 0, rate, 1.0), np.inf)
                    least = min(least, float(np.min(reach_q)))
                    if least <= reach:
                        raise _NoJump
                    covered[qs[short]] = True
                if not short.all():
                    if t == num_rounds:
                        raise _NoJump  # a project still affordable when the run stopped: inconsistent
                    rho, rho_slope = state.purchases[t].rho_float, slopes[t]
                    poor = m < rho * ent.u[index]
                    h = np.where(poor, w * m, rho * wu)
                    hs = np.where(poor, w * s, rho_slope * wu)
                    height = np.bincount(proj, weights=h, minlength=size) - cost
                    rate = np.bincount(proj, weights=hs, minlength=size)
                    feasible = ~short
                    height, rate, cost_f = height[feasible], rate[feasible], cost[feasible]
                    tol = FLOAT_TIE * cost_f
                    tie = np.abs(height) <= tol
                    if np.any(height > tol):
                        raise _NoJump
                    if tie.any():
                        before = e.tie_rank[qs[feasible][tie]] < e.tie_rank[winner]
                        if np.any(before) or np.any(rate[tie] > FLOAT_TIE * max(1.0, float(np.abs(rate).max()))):
                            raise _NoJump
                    strict = ~tie & (rate > 0)
                    if strict.any():
                        least = min(least, float(np.min(-height[strict] / rate[strict])))
                        if least <= reach:
                            raise _NoJump
            if t < num_rounds:
                self._replay_step(state, t, money, slope, exhausted_at, slopes[t])
                newly = state.purchases[t].poor
                if newly.shape[0]:
                    rows = _gather_rows(e.profile, newly)
                    np.subtract.at(live_wu, e.profile.g_projects[rows], ent.g_wu[rows])
        return least

    # ---- exact computation -----------------------------------------------------------------
    def _exact(self, state: _Run, b: Fraction, next_b: Fraction, exhausted_at: IntArray) -> Fraction:
        """The exact L of the module docstring; raises _NoJump if L <= next_b."""
        trace = _ExactTrace(self.e, state, b, exhausted_at)
        roots = _Roots(next_b)
        trace.structure_roots(roots)
        trace.round_roots(roots)
        if roots.best is None:
            raise _NoJump  # pragma: no cover - something must change before every project is bought
        return roots.best


def _ranges(starts: IntArray, stops: IntArray) -> IntArray:
    """Concatenation of range(start, stop) for each pair."""
    lengths = stops - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return offsets + np.arange(total, dtype=np.int64)


def _dot(coef: list[int], values: list[int]) -> int:
    return sum(c * v for c, v in zip(coef, values, strict=False) if c)


class _Roots:
    """The least root over affine functions (C + S x) / scale that are < 0 at b."""

    def __init__(self, next_b: Fraction) -> None:
        self.limit_n, self.limit_d = next_b.numerator, next_b.denominator
        self.best: Fraction | None = None

    def add(self, c: int, s: int) -> None:
        if s <= 0:
            return  # never rises: no root above b
        # root = -c / s; it must lie beyond next_b
        if -c * self.limit_d <= self.limit_n * s:
            raise _NoJump
        if self.best is None or -c * self.best.denominator < self.best.numerator * s:
            self.best = Fraction(-c, s)


class _ExactTrace:
    """The forced trace of a run at b, in exact integers: every rho_k(x) = (rho_c[k] + rho_s[k] x) / scale."""

    def __init__(self, engine: _Engine, state: _Run, b: Fraction, exhausted_at: IntArray) -> None:
        e = engine
        self.e, self.state, self.exhausted_at = e, state, exhausted_at
        self.weights = e.profile.weights
        self.bn, self.bd = b.numerator, b.denominator
        self.money_f = float(b)
        num_rounds = len(state.purchases)
        # paid[g, j]: weight * utility of group g in purchase j when g paid rho_j * u there (was rich).
        paid = np.zeros((self.weights.shape[0], num_rounds), dtype=np.int64)
        for j, purchase in enumerate(state.purchases):
            groups = e.sup[purchase.project]
            rich = exhausted_at[groups] > j
            paid[groups[rich], j] = e.wu_int[purchase.project][rich]
        self.paid = paid
        scale = 1
        rho_c: list[int] = []
        rho_s: list[int] = []
        for k, purchase in enumerate(state.purchases):
            p = purchase.project
            groups = e.sup[p]
            poor = groups[exhausted_at[groups] == k]
            coef = paid[poor, :k].sum(axis=0).tolist()
            poor_weight = int(self.weights[poor].sum())
            # rho_k * rich_weight = cost - sum_P w * money(x), money(x) = x - sum_j u_j rho_j(x)
            new_c = e.costs[p] * scale + _dot(coef, rho_c)
            new_s = _dot(coef, rho_s) - poor_weight * scale
            factor = purchase.rich_weight
            rho_c = [v * factor for v in rho_c] + [new_c]
            rho_s = [v * factor for v in rho_s] + [new_s]
            scale *= factor
            if new_s > 0:
                raise _NoJump  # pragma: no cover - a price never rises with the budget
            value = (new_c * self.bd + new_s * self.bn) / (scale * self.bd)
            if abs(value - purchase.rho_float) > 1e-6 * abs(purchase.rho_float):
                raise _NoJump  # pragma: no cover - the replay must reproduce the run's prices
        common = math.gcd(scale, *rho_c, *rho_s)
        self.scale = scale // common
        self.rho_c = [v // common for v in rho_c]
        self.rho_s = [v // common for v in rho_s]
        # rho_j(b) * scale * bd, for signs at b
        self.rho_at_b = [c * self.bd + s * self.bn for c, s in zip(self.rho_c, self.rho_s, strict=True)]

    def structure_roots(self, roots: _Roots) -> None:
        """Condition 1: each voter of P_k keeps less than rho_k(x) * u."""
        e, state, paid, weights = self.e, self.state, self.paid, self.weights
        scale = self.scale
        for k, purchase in enumerate(state.purchases):
            p = purchase.project
            groups = e.sup[p]
            poor_mask = self.exhausted_at[groups] == k
            if not poor_mask.any():
                continue
            poor = groups[poor_mask]
            rows = np.concatenate([paid[poor, :k] // weights[poor, None], e.util[p][poor_mask][:, None]], axis=1)
            coefs = np.unique(rows, axis=0).astype(object)
            # (money(x) - rho_k(x) u) * scale = scale x - sum_{j<=k} row_j (rho_c[j] + rho_s[j] x)
            cs = -(coefs @ np.array(self.rho_c[: k + 1], dtype=object))
            ss = scale - coefs @ np.array(self.rho_s[: k + 1], dtype=object)
            for c, s in zip(cs.tolist(), ss.tolist(), strict=True):
                if c * self.bd + s * self.bn >= 0:
                    raise _NoJump  # pragma: no cover - the run said it paid all it had
                roots.add(c, s)

    def round_roots(self, roots: _Roots) -> None:
        """Conditions 2 and 3, round by round, and when the run stops."""
        e, state, paid, weights = self.e, self.state, self.paid, self.weights
        scale, bn, bd = self.scale, self.bn, self.bd
        num_rounds = len(state.purchases)
        bought_at = state.bought_at
        covered: set[int] = set()
        money_f = np.full(weights.shape[0], self.money_f, dtype=np.float64)
        for t in range(num_rounds + 1):
            winner = state.purchases[t].project if t < num_rounds else -1
            for q in e.candidates:
                if q == winner or q in covered or bought_at[q] <= t:
                    continue
                sup = e.sup[q]
                live = self.exhausted_at[sup] >= t
                groups = sup[live]
                wu = e.wu_int[q][live]
                cost = e.costs[q]
                if t < num_rounds:
                    # Cheap first: with every supporter paying rho_t(x) u, q still falls short (rho_t only falls).
                    if self.rho_at_b[t] * int(wu.sum()) < cost * scale * bd:
                        continue
                coef = paid[groups, :t].sum(axis=0).tolist()
                # F(x) * scale = W scale x - sum_j coef_j rho_j(x) - cost * scale
                f_c = -_dot(coef, self.rho_c) - cost * scale
                f_s = int(weights[groups].sum()) * scale - _dot(coef, self.rho_s)
                if f_c * bd + f_s * bn < 0:
                    covered.add(q)
                    roots.add(f_c, f_s)
                    continue
                if t == num_rounds:
                    raise _NoJump  # pragma: no cover - the run stopped with an affordable project
                poor = self._poorer(groups, e.util[q][live], money_f[groups], t)
                in_s = groups[poor]
                coef_s = paid[in_s, :t].sum(axis=0).tolist()
                rich_wu = int(wu[~poor].sum())
                # H(x) * scale = W_S scale x - sum_j coef_j rho_j(x) + rho_t(x) rich_wu - cost * scale
                h_c = -_dot(coef_s, self.rho_c) + self.rho_c[t] * rich_wu - cost * scale
                h_s = int(weights[in_s].sum()) * scale - _dot(coef_s, self.rho_s) + self.rho_s[t] * rich_wu
                at_b = h_c * bd + h_s * bn
                if at_b < 0:
                    roots.add(h_c, h_s)
                elif at_b == 0 and h_s <= 0 and rich_wu > 0 and e.tie_rank[q] > e.tie_rank[winner]:
                    continue  # an exact tie that W_t wins by the tie order, and stays a tie
                else:
                    raise _NoJump
            if t < num_rounds:
                purchase = state.purchases[t]
                groups = e.sup[purchase.project]
                after = self.exhausted_at[groups]
                rich = after > t
                money_f[groups[rich]] -= purchase.rho_float * e.util[purchase.project][rich]
                money_f[groups[after == t]] = 0.0

    def _poorer(self, groups: IntArray, u: IntArray, money_f: FloatArray, t: int) -> BoolArray:
        """Mask of ``groups`` holding less than rho_t(b) * u before round t (exact near the boundary).

        Any partition gives a valid H >= G; the exact one makes H(b) = G(b), the tightest."""
        limit = self.state.purchases[t].rho_float * u.astype(np.float64)
        poor = money_f < limit * (1 - FLOAT_TIE)
        close = ~poor & (money_f <= limit * (1 + FLOAT_TIE))
        for i in np.flatnonzero(close):
            g = int(groups[i])
            per_voter = (self.paid[g, :t] // int(self.weights[g])).tolist()
            # money * scale * bd = bn * scale - sum_j u_j rho_j(b) scale bd
            money = self.bn * self.scale - _dot(per_voter, self.rho_at_b)
            poor[i] = money < int(u[i]) * self.rho_at_b[t]
        return poor
