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

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from .add1_exact import FLOAT_TIE, _ExactTrace, _NoJump, _ranges, _Roots
from .greedy import RuleRun
from .mes import STARTS, STOPS, BoolArray, FloatArray, _Engine, _gather_rows, _Run, _share
from .outcome import TieBreaking
from .profile import IntArray, Profile

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
    ladder = _Ladder(_share(profile), step, start)
    done = _Stop(engine, profile, stop)
    if not jump:
        return _stepping(engine, ladder, done, stop)
    return _jumping(engine, ladder, done, stop, _JumpAnalysis(engine, always_analyse))


@dataclass(frozen=True)
class _Ladder:
    """The per-voter budgets b_0 < b_1 < ...: b_0 = budget / voters, then one ``step`` apart from b_0
    (start ``exact``) or on whole multiples of ``step`` above it (start ``integral``)."""

    b0: Fraction
    step: int
    start: str

    def at(self, k: int) -> Fraction:
        if k == 0:
            return self.b0
        if self.start == "exact":
            return self.b0 + k * self.step
        return Fraction((math.floor(self.b0 / self.step) + k) * self.step)

    def first_at_least(self, bound: Fraction) -> int:
        """The least k >= 1 with ``at(k) >= bound``."""
        if self.start == "exact":
            k = math.ceil((bound - self.b0) / self.step)
        else:
            k = math.ceil(bound / self.step) - math.floor(self.b0 / self.step)
        return max(k, 1)

    def skipped(self, k: int, distance: float) -> int:
        """Budgets after b_k and below b_k + distance (estimate, to decide whether to analyse)."""
        if not math.isfinite(distance):
            return 1 << 40
        return self.first_at_least(self.at(k) + Fraction(distance)) - k - 1


class _Stop:
    """When the scan ends: a run overspends the budget, or is final (every project bought, or with
    ``stop="exhaustive"`` no project left that the money left could buy)."""

    def __init__(self, engine: _Engine, profile: Profile, stop: str) -> None:
        self.costs = engine.costs
        self.counted = set(engine.candidates)
        self.budget = profile.budget
        self.exhaustive = stop == "exhaustive"

    def spent(self, run: RuleRun) -> int:
        return sum(self.costs[p] for p in run.selected)

    def overspends(self, run: RuleRun) -> bool:
        return self.spent(run) > self.budget

    def final(self, run: RuleRun) -> bool:
        chosen = set(run.selected)
        if chosen == self.counted:
            return True
        left = self.budget - self.spent(run)
        return self.exhaustive and all(self.costs[p] > left for p in self.counted - chosen)


def _jumping(engine: _Engine, ladder: _Ladder, done: _Stop, stop: str, analysis: _JumpAnalysis) -> Add1Scan:
    """The scan with exact jumps (module docstring): the same kept budget as :func:`_stepping`."""
    current, state = engine.run_with_trace(ladder.b0)
    analysis.note_run(state.work)
    runs, last_k = 1, 0
    kept: RuleRun | None = current
    kept_k = 0
    current_k = 0
    while not done.final(current):
        next_k = current_k + 1
        bound = analysis.constant_until(
            state, ladder.at(current_k), ladder.at(next_k), functools.partial(ladder.skipped, current_k)
        )
        if bound is not None:
            next_k = max(next_k, ladder.first_at_least(bound))
            analysis.note_skip(next_k - current_k - 1, state.work)
        if next_k > current_k + 1:
            # b_{current_k+1} .. b_{next_k-1} give the outcome of b_{current_k}: the one-unit scan
            # would go through them and keep the last one if b_{next_k} overspends.
            kept, kept_k = None, next_k - 1
        current, next_state = engine.run_with_trace(ladder.at(next_k))
        analysis.note_run(next_state.work)
        runs += 1
        last_k = next_k
        if done.overspends(current):
            break
        kept, kept_k = current, next_k
        current_k, state = next_k, next_state
    if kept is None:
        kept, _ = engine.run(ladder.at(kept_k))
        runs += 1
    kept.notes.append(_note(last_k + 1, runs, ladder.at(kept_k), ladder.start, stop, ladder.step))
    return Add1Scan(kept, ladder.at(kept_k), last_k + 1, runs)


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


def _stepping(engine: _Engine, ladder: _Ladder, done: _Stop, stop: str) -> Add1Scan:
    """The reference scan: one MES run per budget, b_0, b_1, b_2, ... (no jumps)."""
    previous, _ = engine.run(ladder.b0)
    iterations = 1
    kept_b = ladder.b0
    k = 0
    while not done.final(previous):
        k += 1
        run, _ = engine.run(ladder.at(k))
        iterations += 1
        if done.overspends(run):
            break
        previous, kept_b = run, ladder.at(k)
    previous.notes.append(_note(iterations, iterations, kept_b, ladder.start, stop, ladder.step))
    return Add1Scan(previous, kept_b, iterations, iterations)


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
                least = self._round_reach(state, t, qs, winner, money, slope, slopes, covered, least, reach)
            if t < num_rounds:
                self._replay_step(state, t, money, slope, exhausted_at, slopes[t])
                newly = state.purchases[t].poor
                if newly.shape[0]:
                    rows = _gather_rows(e.profile, newly)
                    np.subtract.at(live_wu, e.profile.g_projects[rows], ent.g_wu[rows])
        return least

    def _round_reach(
        self,
        state: _Run,
        t: int,
        qs: IntArray,
        winner: int,
        money: FloatArray,
        slope: FloatArray,
        slopes: list[float],
        covered: BoolArray,
        least: float,
        reach: float,
    ) -> float:
        """Round t of :meth:`_float_rounds` for the open projects ``qs``: the least distance at which
        one of them becomes affordable (condition 3) or beats the winner (condition 2)."""
        ent = self._entries
        assert ent is not None  # noqa: S101 - built by _float_rounds
        index = _ranges(ent.start[qs], ent.stop[qs])
        proj = np.repeat(np.arange(qs.shape[0]), ent.stop[qs] - ent.start[qs])
        groups = ent.group[index]
        w = ent.w[index]
        m, s = money[groups], slope[groups]
        cost = self.costs_f[qs]
        size = qs.shape[0]
        total = np.bincount(proj, weights=w * m, minlength=size) - cost
        short = total < 0
        if short.any():
            rate = np.bincount(proj, weights=w * s, minlength=size)[short]
            with np.errstate(divide="ignore"):
                reach_q = np.where(rate > 0, -total[short] / np.where(rate > 0, rate, 1.0), np.inf)
            least = min(least, float(np.min(reach_q)))
            if least <= reach:
                raise _NoJump
            covered[qs[short]] = True
        if short.all():
            return least
        if t == len(state.purchases):
            raise _NoJump  # a project still affordable when the run stopped: inconsistent
        rho = state.purchases[t].rho_float
        poor = m < rho * ent.u[index]
        wu = ent.wu[index]
        height = np.bincount(proj, weights=np.where(poor, w * m, rho * wu), minlength=size) - cost
        rate = np.bincount(proj, weights=np.where(poor, w * s, slopes[t] * wu), minlength=size)
        feasible = ~short
        return self._beat_reach(qs[feasible], winner, height[feasible], rate[feasible], cost[feasible], least, reach)

    def _beat_reach(
        self,
        qs: IntArray,
        winner: int,
        height: FloatArray,
        rate: Any,  # float64 (numpy's stubs type weighted bincounts as integers)
        cost: FloatArray,
        least: float,
        reach: float,
    ) -> float:
        """Condition 2 for affordable projects: H_q (``height``, rising at ``rate``) must stay below 0,
        and an exact tie must stay won by the winner."""
        tol = FLOAT_TIE * cost
        tie = np.abs(height) <= tol
        if np.any(height > tol):
            raise _NoJump
        if tie.any():
            before = self.e.tie_rank[qs[tie]] < self.e.tie_rank[winner]
            if np.any(before) or np.any(rate[tie] > FLOAT_TIE * max(1.0, float(np.abs(rate).max()))):
                raise _NoJump
        strict = ~tie & (rate > 0)
        if strict.any():
            least = min(least, float(np.min(-height[strict] / rate[strict])))
            if least <= reach:
                raise _NoJump
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
