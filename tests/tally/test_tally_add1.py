"""add1 with exact jumps over per-voter budgets: the one-unit scan's result, with far fewer MES runs."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from uchast.tally import ApprovalBallot, BallotKind, CumulativeBallot, Election, Project, TieBreaking, count
from uchast.tally.add1 import Add1Scan, _JumpAnalysis, add1_scan
from uchast.tally.mes import _Engine, _share
from uchast.tally.profile import Profile, compile_profile

TIES = [TieBreaking(), TieBreaking(("name",)), TieBreaking(("file-order",))]


@st.composite
def elections(draw: st.DrawFn) -> tuple[Election, str]:
    """Small approval or cumulative elections; money scaled so that budgets span many steps."""
    m = draw(st.integers(1, 6))
    scale = draw(st.sampled_from([1, 10, 100]))
    costs = [draw(st.integers(1, 40)) * scale for _ in range(m)]
    cumulative = draw(st.booleans())
    ballots: list[ApprovalBallot | CumulativeBallot] = []
    for _ in range(draw(st.integers(1, 7))):
        chosen = draw(st.lists(st.integers(0, m - 1), min_size=1, max_size=m, unique=True))
        ids = tuple(f"p{i}" for i in chosen)
        n = draw(st.integers(1, 3))
        if cumulative:
            points = tuple(draw(st.integers(1, 4)) for _ in chosen)
            ballots.append(CumulativeBallot(ids, points=points, count=n))
        else:
            ballots.append(ApprovalBallot(ids, count=n))
    budget = draw(st.integers(1, sum(costs) * 3 // 2))
    election = Election(
        tuple(Project(f"p{i}", c) for i, c in enumerate(costs)),
        tuple(ballots),
        budget,
        kind=BallotKind.CUMULATIVE if cumulative else BallotKind.APPROVAL,
    )
    utility = "points" if cumulative else draw(st.sampled_from(["cost", "cardinality"]))
    return election, utility


def same_scan(jumping: Add1Scan, reference: Add1Scan) -> None:
    assert jumping.run.selected == reference.run.selected
    assert jumping.kept_budget == reference.kept_budget
    assert jumping.budgets == reference.budgets
    # The kept run is a run at the kept budget: its explanation figures are those of the reference.
    assert jumping.run.details == reference.run.details
    assert jumping.run.reasons == reference.run.reasons
    assert jumping.run.rounds == reference.run.rounds
    assert jumping.run.notes[:-1] == reference.run.notes[:-1]
    assert jumping.runs <= jumping.budgets


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    elections(),
    st.sampled_from(["exact", "integral"]),
    st.sampled_from(["exhaustive", "overspend"]),
    st.sampled_from([1, 2, 5]),
    st.sampled_from(TIES),
)
def test_jumps_give_the_one_unit_scan(
    data: tuple[Election, str], start: str, stop: str, step_factor: int, ties: TieBreaking
) -> None:
    election, utility = data
    profile = compile_profile(election)
    step = max(1, min(p.cost for p in election.projects) // 50) * step_factor

    def scan(**how: bool) -> Add1Scan:
        return add1_scan(profile, utility=utility, ties=ties, start=start, stop=stop, step=step, **how)

    reference = scan(jump=False)
    same_scan(scan(), reference)
    # Looking for a jump after every run, whatever it costs, must change nothing either.
    same_scan(scan(always_analyse=True), reference)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections(), st.sampled_from(TIES), st.fractions(0, 5), st.sampled_from([Fraction(1, 3), Fraction(999, 1000)]))
def test_the_outcome_is_constant_below_the_bound(
    data: tuple[Election, str], ties: TieBreaking, extra: Fraction, where: Fraction
) -> None:
    """The claim itself, off the grid of budgets: MES at any x in [b, L) has the winners of b."""
    election, utility = data
    profile = compile_profile(election)
    engine = _Engine(profile, utility, ties.rank(profile))
    b = _share(profile) + extra * max(1, min(p.cost for p in election.projects)) / 10
    run, state = engine.run_with_trace(b)
    analysis = _JumpAnalysis(engine, always=True)
    bound = analysis.constant_until(state, b, b, lambda _: 1 << 40)
    if bound is None:
        return
    assert bound > b
    for x in (b + (bound - b) * where, bound - (bound - b) / 10**12):
        assert engine.run(x)[0].selected == run.selected


def small_electorate() -> Election:
    """5 voters, one 300,000 UAH category, projects of tens of thousands (money in kopiykas)."""
    costs = [45_000, 80_000, 120_000, 30_000, 65_000, 95_000, 150_000, 20_000, 55_000, 110_000, 75_000, 40_000]
    ballots = [
        ("p0", "p1", "p2", "p3"),
        ("p1", "p4", "p5"),
        ("p2", "p6", "p7", "p8", "p0"),
        ("p9", "p10", "p3"),
        ("p11", "p7", "p1", "p5"),
    ]
    return Election(
        tuple(Project(f"p{i}", c * 100, category="city") for i, c in enumerate(costs)),
        tuple(ApprovalBallot(b) for b in ballots),
        300_000 * 100,
        category_budgets=(("city", 300_000 * 100),),
        money_scale=2,
    )


def category_profile(election: Election) -> Profile:
    return compile_profile(election, tuple(p.id for p in election.projects), election.budget)


def test_small_electorate_large_category_needs_few_runs() -> None:
    """One hryvnia steps: 27,501 budgets (27,501 MES runs and ~10 s for the one-unit scan)."""
    election = small_electorate()
    # The variant of the official counts and of Uchast's budget module (whole hryvnias, stop before overspending).
    outcome = count(election, "mes", completion="add1", start="integral", stop="overspend")
    assert outcome.selected == ("p1", "p7", "p3", "p0", "p5") and outcome.spent == 27_000_000
    assert outcome.notes[-1].startswith("add1: 27501 per-voter budgets scanned in ")
    # Figures of the one-unit scan (jump=False, measured once): budgets scanned and the budget kept.
    scan = add1_scan(category_profile(election), start="integral", stop="overspend", step=100)
    assert (scan.budgets, scan.kept_budget) == (27_501, 8_749_900)
    assert scan.runs < 100
    scan = add1_scan(category_profile(election), start="exact", stop="exhaustive", step=100)
    assert (scan.budgets, scan.kept_budget) == (19_168, 7_916_700)
    assert scan.run.selected == [1, 7, 3, 0, 5] and scan.runs < 100


def test_small_electorate_against_the_one_unit_scan() -> None:
    """The same election with 100 UAH steps, where the one-unit scan is quick: identical results."""
    profile = category_profile(small_electorate())
    for start, stop in (("integral", "overspend"), ("exact", "exhaustive")):
        reference = add1_scan(profile, start=start, stop=stop, step=10_000, jump=False)
        scan = add1_scan(profile, start=start, stop=stop, step=10_000)
        same_scan(scan, reference)
        assert scan.runs * 10 < scan.budgets


def test_exact_ties_do_not_stop_the_jumps() -> None:
    # Cost utilities: x and y have the same voters, so their price is 1/3 at every budget: an exact tie,
    # broken by the tie order each time. The outcome still changes only a few times.
    election = Election(
        (Project("x", 30_000), Project("y", 30_000), Project("z", 50_000), Project("w", 80_000)),
        (ApprovalBallot(("x", "y", "z"), count=2), ApprovalBallot(("x", "y", "w"))),
        100_000,
    )
    profile = compile_profile(election)
    for ties in TIES:
        reference = add1_scan(profile, ties=ties, start="integral", stop="overspend", jump=False)
        scan = add1_scan(profile, ties=ties, start="integral", stop="overspend")
        same_scan(scan, reference)
        assert any("exact tie" in note for note in scan.run.notes)
        assert scan.runs * 100 < scan.budgets


def test_the_note_reports_budgets_and_runs() -> None:
    profile = category_profile(small_electorate())
    stepped = add1_scan(profile, start="integral", stop="overspend", step=10_000, jump=False)
    assert stepped.run.notes[-1].startswith("add1: 276 runs of Equal Shares; kept the run with 8.74e+06 per voter")
    jumped = add1_scan(profile, start="integral", stop="overspend", step=10_000)
    assert jumped.run.notes[-1].startswith(f"add1: 276 per-voter budgets scanned in {jumped.runs} runs of Equal Shares")
