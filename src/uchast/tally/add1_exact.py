"""Exact integer arithmetic of the add1 jumps: the forced trace of a run and the least root.

See :mod:`uchast.tally.add1` for why the outcome of Equal Shares is constant below that root. Every
price is kept as (c_k + s_k x) / scale with one common integer scale, so no float decides a jump.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from .mes import BoolArray, FloatArray, _Engine, _Run
from .profile import IntArray

FLOAT_TIE = 1e-9  # relative: float margins below this are treated as possible ties by the estimate


class _NoJump(Exception):
    """Some decision of the run may change before the next budget: no budget can be skipped."""


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
