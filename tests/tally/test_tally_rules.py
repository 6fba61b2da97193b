"""Rules on hand-made and random elections: definitions, invariants, exactness, proportionality."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from uchast.tally import (
    ApprovalBallot,
    BallotKind,
    CumulativeBallot,
    Election,
    ElectionError,
    OrdinalBallot,
    Project,
    TieBreaking,
    UnknownRuleError,
    count,
)


def approval(costs: dict[str, int], ballots: list[tuple[str, ...]], budget: int, **kw: object) -> Election:
    return Election(
        tuple(Project(pid, cost) for pid, cost in costs.items()),
        tuple(ApprovalBallot(b) for b in ballots),
        budget,
        **kw,  # type: ignore[arg-type]
    )


EXAMPLE = approval(
    {"a": 60, "b": 50, "c": 30, "d": 20},
    [("a", "b")] * 5 + [("b", "c")] * 3 + [("c", "d")] * 2 + [("d",)],
    100,
)


def test_greedy_skips_what_does_not_fit() -> None:
    outcome = count(EXAMPLE, "greedy")
    # votes: b 8, c 5, a 5, d 3 -> b (50), then c vs a tie at 5: cheaper c (30), a does not fit, d fits.
    assert outcome.selected == ("b", "c", "d")
    assert outcome.spent == 100
    a = next(r for r in outcome.projects if r.project_id == "a")
    assert not a.selected and "did not fit" in a.reason and a.details["money_left_before"] == 20


def test_greedy_no_skip_stops_and_threshold_excludes() -> None:
    costly = approval({"a": 90, "b": 50, "c": 10}, [("a",)] * 3 + [("b",)] * 2 + [("c",)], 100)
    assert count(costly, "greedy").selected == ("a", "c")
    assert count(costly, "greedy-no-skip").selected == ("a",)
    assert count(costly, "greedy-threshold", threshold=2).selected == ("a",)
    with pytest.raises(UnknownRuleError):
        count(costly, "greedy-threshold")


def test_greedy_per_cost_and_points() -> None:
    per_cost = count(EXAMPLE, "greedy-per-cost")
    # votes/cost: d 3/20, c 5/30, b 8/50, a 5/60 -> c (1/6) first, then b (4/25), d (3/20); a does not fit.
    assert per_cost.selected == ("c", "b", "d")
    ordinal = Election(
        (Project("x", 10), Project("y", 10), Project("z", 10)),
        (OrdinalBallot(("x", "y", "z")), OrdinalBallot(("y", "z", "x")), OrdinalBallot(("z", "y"))),
        20,
        kind=BallotKind.ORDINAL,
    )
    # points: x 3+1=4, y 2+3+1=6, z 1+2+2=5
    outcome = count(ordinal, "greedy")
    assert outcome.selected == ("y", "z")
    assert [r.score for r in outcome.projects] == [4, 6, 5]


def test_tie_breaking_orders() -> None:
    tied = approval({"b": 10, "a": 10, "c": 5}, [("a", "b", "c")], 15)
    assert count(tied, "greedy").selected == ("c", "b")  # cheaper first, then file order
    assert count(tied, "greedy", ties=TieBreaking(("name",))).selected == ("a", "c")
    assert count(tied, "greedy", ties=TieBreaking(("lot",), ("a", "c", "b"))).selected == ("a", "c")
    with pytest.raises(ValueError, match="unknown tie-breaking"):
        TieBreaking(("coin",))


def test_mes_worked_example() -> None:
    # 6 voters, budget 60 -> 10 each. a (30) by 3 voters: 10 each; b (30) by all six: 5 each.
    election = approval({"a": 30, "b": 30, "c": 40}, [("a", "b")] * 3 + [("b", "c")] * 3, 60)
    outcome = count(election, "mes", utility="cardinality")
    b = next(r for r in outcome.projects if r.project_id == "b")
    assert b.round == 1 and b.details["max_payment_per_voter"] == pytest.approx(5.0)
    assert b.details["effective_votes"] == pytest.approx(6.0)
    # After b each voter has 5: a needs 30 from 3 voters with 15 -> dropped; c likewise.
    assert outcome.selected == ("b",)
    json.loads(outcome.to_json())


def test_mes_completions() -> None:
    election = approval({"a": 30, "b": 30, "c": 40}, [("a", "b")] * 3 + [("b", "c")] * 3, 60)
    assert count(election, "mes", completion="greedy").selected == ("b", "a")
    add1 = count(election, "mes", completion="add1")
    assert add1.spent <= 60 and "add1" in add1.notes[-1]
    assert set(count(election, "mes", completion="add1u").selected) >= set(add1.selected)


def naive_mes(election: Election, utility: str, voter_budget: Fraction) -> list[str]:
    """Equal Shares straight from its definition, in exact fractions, one voter at a time."""
    costs = {p.id: p.cost for p in election.projects}
    voters = [b for b in election.ballots for _ in range(b.count)]
    money = [voter_budget] * len(voters)
    order = {p.id: i for i, p in enumerate(election.projects)}
    left = {pid for pid, c in costs.items() if c > 0 and any(pid in v.projects for v in voters)}
    chosen: list[str] = []

    def u(pid: str) -> int:
        return costs[pid] if utility == "cost" else 1

    while True:
        best: tuple[Fraction, int, int, str] | None = None
        for pid in sorted(left):
            supporters = [i for i, v in enumerate(voters) if pid in v.projects]
            if sum(money[i] for i in supporters) < costs[pid]:
                left.discard(pid)
                continue
            # Smallest rho with sum(min(money, rho * u)) >= cost: try each supporter as the boundary.
            rho = None
            for i in sorted(supporters, key=lambda i: money[i]):
                richer = [j for j in supporters if money[j] >= money[i]]
                poorer = [j for j in supporters if money[j] < money[i]]
                candidate = (costs[pid] - sum(money[j] for j in poorer)) / Fraction(u(pid) * len(richer))
                if candidate * u(pid) <= money[i]:
                    rho = candidate
                    break
            assert rho is not None
            key = (rho, costs[pid], -len(supporters), order[pid])
            if best is None or key < best[:4]:
                best = (rho, costs[pid], -len(supporters), order[pid], pid)  # type: ignore[assignment]
        if best is None:
            return chosen
        pid = best[4]  # type: ignore[misc]
        for i, v in enumerate(voters):
            if pid in v.projects:
                money[i] -= min(money[i], best[0] * u(pid))
        left.discard(pid)
        chosen.append(pid)


small_elections = st.integers(2, 6).flatmap(
    lambda m: st.tuples(
        st.lists(st.integers(1, 12), min_size=m, max_size=m),
        st.lists(st.lists(st.integers(0, m - 1), max_size=m, unique=True), min_size=1, max_size=9),
        st.integers(1, 40),
    )
)


def build(data: tuple[list[int], list[list[int]], int]) -> Election:
    costs, ballots, budget = data
    return approval({f"p{i}": c for i, c in enumerate(costs)}, [tuple(f"p{i}" for i in b) for b in ballots], budget)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_elections, st.sampled_from(["cost", "cardinality"]))
def test_mes_matches_the_definition(data: tuple[list[int], list[list[int]], int], utility: str) -> None:
    election = build(data)
    ours = count(election, "mes", utility=utility)
    share = Fraction(election.budget, election.num_voters)
    assert list(ours.selected) == naive_mes(election, utility, share)
    assert ours.spent <= election.budget


@settings(max_examples=150, deadline=None)
@given(small_elections, st.sampled_from(["greedy", "greedy-no-skip", "greedy-per-cost", "phragmen"]))
def test_budget_never_exceeded_and_greedy_is_maximal(data: tuple[list[int], list[list[int]], int], rule: str) -> None:
    election = build(data)
    outcome = count(election, rule)
    assert outcome.spent == sum(p.cost for p in election.projects if p.id in outcome.selected_set)
    assert outcome.spent <= election.budget
    if rule in ("greedy", "greedy-per-cost"):
        left = election.budget - outcome.spent
        assert all(p.cost > left for p in election.projects if p.id not in outcome.selected_set)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(1, 30), min_size=2, max_size=4),
    st.integers(2, 12),
)
def test_mes_is_proportional_on_party_lists(party_sizes: list[int], seats: int) -> None:
    """Party i (n_i voters) approves only its own unit-cost projects; it gets >= floor(seats * n_i / n)."""
    costs: dict[str, int] = {}
    ballots: list[tuple[str, ...]] = []
    for party, size in enumerate(party_sizes):
        own = tuple(f"{party}-{k}" for k in range(seats))
        costs.update({pid: 1 for pid in own})
        ballots.extend([own] * size)
    election = approval(costs, ballots, seats)
    total = sum(party_sizes)
    for utility in ("cost", "cardinality"):
        outcome = count(election, "mes", utility=utility)
        for party, size in enumerate(party_sizes):
            won = sum(1 for pid in outcome.selected if pid.startswith(f"{party}-"))
            assert won >= seats * size // total


def test_exact_ties_are_detected_and_broken_by_the_tie_order() -> None:
    # Cost utilities: round-one price of a project is 1 / its number of voters, whatever its cost.
    # 1/3 in float is not exactly 1/3; equal supporter counts must still tie exactly.
    election = approval({"big": 300, "small": 100, "x": 7}, [("big", "small", "x")] * 3, 1000)
    outcome = count(election, "mes")
    assert outcome.selected[:2] == ("x", "small")
    assert any("exact tie" in note for note in outcome.notes)


def test_near_tie_decided_exactly() -> None:
    # Prices differ by less than float resolution would show after rounding: 1/3 vs 1/3 + tiny.
    n = 3
    big = 10**15
    election = approval({"a": big, "b": big + 1}, [("a", "b")] * n, 10**16)
    outcome = count(election, "mes", utility="cardinality")
    assert outcome.selected[0] == "a"


def test_cumulative_mes_with_points_and_category_budgets() -> None:
    projects = (
        Project("a", 10, category="north"),
        Project("b", 10, category="north"),
        Project("c", 10, category="south"),
    )
    ballots = (
        CumulativeBallot(("a", "c"), points=(3, 1)),
        CumulativeBallot(("b",), points=(2,)),
        CumulativeBallot(("c",), points=(5,)),
    )
    election = Election(
        projects, ballots, 30, kind=BallotKind.CUMULATIVE, category_budgets=(("north", 10), ("south", 10))
    )
    outcome = count(election, "greedy")
    assert outcome.selected == ("a", "c")
    assert count(election, "mes").spent <= 20
    with pytest.raises(UnknownRuleError):
        count(election, "phragmen")
    with pytest.raises(UnknownRuleError):
        count(election, "mes", utility="cost")
    over = Election(projects, ballots, 15, kind=BallotKind.CUMULATIVE, category_budgets=(("north", 10), ("south", 10)))
    with pytest.raises(ElectionError, match="more than the budget"):
        count(over, "greedy")


def test_phragmen_example() -> None:
    election = approval({"a": 2, "b": 2, "c": 2}, [("a",)] * 4 + [("b",)] * 2 + [("c",)], 4)
    outcome = count(election, "phragmen")
    # loads: a 2/4, b 2/2, c 2/1 -> a then b; c would overspend -> stop.
    assert outcome.selected == ("a", "b")
    assert outcome.projects[0].details["load"] == pytest.approx(0.5)
