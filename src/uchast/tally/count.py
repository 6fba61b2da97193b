"""One entry point for every rule, and the recount of a file's official result."""

from __future__ import annotations

from dataclasses import dataclass, field

from .greedy import RuleRun, greedy
from .model import BallotKind, Election, ElectionError
from .options import STARTS, STOPS, UTILITIES
from .outcome import Detail, Outcome, ProjectResult, TieBreaking
from .profile import Profile, compile_profile

RULES = ("greedy", "greedy-no-skip", "greedy-threshold", "greedy-per-cost", "mes", "phragmen")
COMPLETIONS = ("none", "add1", "add1u", "greedy")


class UnknownRuleError(ElectionError):
    """The rule (or a META ``rule``) is not one this package implements."""


@dataclass(frozen=True)
class RuleSpec:
    """A rule with every variant parameter spelled out (see :func:`count`)."""

    rule: str = "greedy"
    completion: str = "none"
    utility: str = "cost"
    ranking: str | None = None
    threshold: int | None = None
    start: str = "exact"
    stop: str = "exhaustive"
    step: int | None = None
    comparison: bool = False
    ties: TieBreaking = field(default_factory=TieBreaking)

    def validate(self) -> None:
        if self.rule not in RULES:
            raise UnknownRuleError(f"unknown rule {self.rule!r}; known: {', '.join(RULES)}")
        if self.completion not in COMPLETIONS:
            raise UnknownRuleError(f"unknown completion {self.completion!r}; known: {', '.join(COMPLETIONS)}")
        if self.utility not in UTILITIES:
            raise UnknownRuleError(f"unknown utility {self.utility!r}; known: {', '.join(UTILITIES)}")
        if self.start not in STARTS or self.stop not in STOPS:
            raise UnknownRuleError(f"start must be one of {STARTS}, stop one of {STOPS}")
        if self.rule == "greedy-threshold" and self.threshold is None:
            raise UnknownRuleError("greedy-threshold needs a threshold")
        if self.step is not None and self.step <= 0:
            raise UnknownRuleError("step must be > 0")

    def parameters(self) -> dict[str, Detail]:
        out: dict[str, Detail] = {"rule": self.rule}
        if self.rule == "mes":
            out.update(completion=self.completion, utility=self.utility, comparison=self.comparison)
            if self.completion in ("add1", "add1u"):
                out.update(start=self.start, stop=self.stop, step=self.step)
        elif self.rule.startswith("greedy"):
            out.update(ranking=self.ranking, threshold=self.threshold)
        out["ties"] = ",".join(self.ties.criteria)
        return out


def count(
    election: Election,
    rule: str = "greedy",
    *,
    completion: str = "none",
    utility: str | None = None,
    ranking: str | None = None,
    threshold: int | None = None,
    start: str = "exact",
    stop: str = "exhaustive",
    step: int | None = None,
    comparison: bool = False,
    ties: TieBreaking | None = None,
) -> Outcome:
    """Count ``election`` with ``rule`` and return the winners with an explanation per project.

    Rules: ``greedy`` (skip what does not fit), ``greedy-no-skip``, ``greedy-threshold`` (needs
    ``threshold``), ``greedy-per-cost`` (value / cost), ``mes`` (Method of Equal Shares; ``completion``
    ``none``/``add1``/``add1u``/``greedy``; ``utility`` ``cost``/``cardinality`` for approval,
    ``points`` otherwise; ``start``/``stop``/``step`` for add1; ``comparison`` for the comparison
    step), ``phragmen`` (approval only). ``ranking`` defaults to points for cumulative, ordinal and
    cardinal ballots and to votes for approval. ``step`` defaults to one whole currency unit
    (``10 ** money_scale``). ``ties`` defaults to lower cost, then more votes, then file order.

    With ``election.category_budgets``, each category is counted on its own with its money; voters
    without a vote in a category hold no share of it. Raises :class:`UnknownRuleError` for an unknown
    rule or a rule that does not apply to the ballot kind, :class:`ElectionError` if category budgets
    add up to more than the budget.
    """
    kind = election.kind
    spec = RuleSpec(
        rule=rule,
        completion=completion,
        utility=utility or ("cost" if kind is BallotKind.APPROVAL else "points"),
        ranking=ranking or ("votes" if kind is BallotKind.APPROVAL else "points"),
        threshold=threshold,
        start=start,
        stop=stop,
        step=step if step is not None else 10**election.money_scale,
        comparison=comparison,
        ties=ties or TieBreaking(),
    )
    return count_spec(election, spec)


def count_spec(election: Election, spec: RuleSpec) -> Outcome:
    """:func:`count` with a prepared :class:`RuleSpec`."""
    spec.validate()
    _check_applicable(election.kind, spec)
    if election.category_budgets:
        total = sum(money for _, money in election.category_budgets)
        if total > election.budget:
            raise ElectionError(f"category budgets add up to {total}, more than the budget {election.budget}")
        parts: list[tuple[Profile, RuleRun]] = []
        for category, money in election.category_budgets:
            ids = tuple(p.id for p in election.projects if p.category == category)
            profile = compile_profile(election, ids, money)
            parts.append((profile, _run(profile, spec)))
        return _outcome(election, spec, parts)
    profile = compile_profile(election)
    return _outcome(election, spec, [(profile, _run(profile, spec))])


def _check_applicable(kind: BallotKind, spec: RuleSpec) -> None:
    if spec.rule == "phragmen" and kind is not BallotKind.APPROVAL:
        raise UnknownRuleError("sequential Phragmén applies to approval ballots only")
    if spec.rule == "mes":
        if kind is BallotKind.ORDINAL:
            raise UnknownRuleError("Equal Shares is not defined here for ordinal ballots")
        if kind is BallotKind.APPROVAL and spec.utility == "points":
            raise UnknownRuleError("approval ballots: use utility 'cost' or 'cardinality'")
        if kind is not BallotKind.APPROVAL and spec.utility != "points":
            raise UnknownRuleError("cumulative and cardinal ballots: use utility 'points'")


def _run(profile: Profile, spec: RuleSpec) -> RuleRun:
    ranking = spec.ranking or "votes"
    if spec.rule in ("greedy", "greedy-no-skip", "greedy-threshold"):
        return greedy(
            profile, ranking=ranking, skip=spec.rule != "greedy-no-skip", threshold=spec.threshold, ties=spec.ties
        )
    if spec.rule == "greedy-per-cost":
        return greedy(profile, ranking=f"{ranking}-per-cost", threshold=spec.threshold, ties=spec.ties)
    # The rules below are imported when used: a greedy count (the default) never loads them.
    if spec.rule == "phragmen":
        from .phragmen import sequential_phragmen

        return sequential_phragmen(profile, ties=spec.ties)
    from .mes import comparison_step, complete_with_greedy, equal_shares

    if spec.completion in ("add1", "add1u"):
        from .add1 import equal_shares_add1

        run = equal_shares_add1(
            profile, utility=spec.utility, ties=spec.ties, start=spec.start, stop=spec.stop, step=spec.step or 1
        )
    else:
        run = equal_shares(profile, utility=spec.utility, ties=spec.ties)
    if spec.completion in ("add1u", "greedy"):
        run = complete_with_greedy(profile, run, ranking, spec.ties)
    if spec.comparison:
        run, _ = comparison_step(profile, run, spec.ties)
    return run


def _outcome(election: Election, spec: RuleSpec, parts: list[tuple[Profile, RuleRun]]) -> Outcome:
    by_id: dict[str, ProjectResult] = {}
    names = {project.id: project.name for project in election.projects}
    selected: list[str] = []
    notes: list[str] = []
    spent = 0
    budget = 0
    for profile, run in parts:
        budget += profile.budget
        votes = profile.votes()
        scores = profile.scores()
        chosen = set(run.selected)
        for p, pid in enumerate(profile.project_ids):
            by_id[pid] = ProjectResult(
                project_id=pid,
                name=names.get(pid, ""),
                cost=int(profile.costs[p]),
                selected=p in chosen,
                votes=int(votes[p]),
                score=int(scores[p]),
                round=run.rounds.get(p),
                reason=run.reasons.get(p, "not funded"),
                details=dict(run.details.get(p, {})),
            )
        selected.extend(profile.project_ids[p] for p in run.selected)
        spent += sum(int(profile.costs[p]) for p in run.selected)
        notes.extend(run.notes)
    results = []
    for project in election.projects:
        result = by_id.get(project.id)
        if result is None:
            result = ProjectResult(
                project.id, project.name, project.cost, False, 0, 0, None, "no budget for its category"
            )
        results.append(result)
    if spent > election.budget:  # pragma: no cover - every rule keeps within its budget
        raise AssertionError("outcome exceeds the budget")
    return Outcome(
        rule=_rule_label(spec),
        parameters=spec.parameters(),
        budget=budget,
        spent=spent,
        selected=tuple(selected),
        projects=tuple(results),
        notes=tuple(notes),
    )


def _rule_label(spec: RuleSpec) -> str:
    if spec.rule != "mes":
        return spec.rule
    label = "mes" if spec.completion == "none" else f"mes+{spec.completion}"
    return label + ("+comparison" if spec.comparison else "")


# ---- recount of the official result --------------------------------------------------------------

META_RULES = (
    "greedy",
    "greedy-no-skip",
    "greedy-threshold",
    "equalshares",
    "equalshares-comparison",
    "equalshares/add1",
    "equalshares/add1-comparison",
)


def spec_for_meta_rule(election: Election, ties: TieBreaking | None = None) -> RuleSpec:
    """The rule named by the file's META ``rule``, in the variant that reproduces official results.

    ``greedy*``: ranking by points for cumulative/ordinal/cardinal files, by votes otherwise;
    ``min_project_score_threshold`` applies whenever META states it (as in the Pabulib checker).
    ``equalshares*``: cost utilities; ``/add1`` with integral start and stop before overspending
    (the variant of the official Wieliczka, Świecie and Assen counts); ``-comparison`` adds the
    comparison step. Other META rules raise :class:`UnknownRuleError`.
    """
    meta_rule = (election.meta_value("rule") or "").strip()
    if meta_rule not in META_RULES:
        raise UnknownRuleError(f"META rule {meta_rule!r} is not implemented; implemented: {', '.join(META_RULES)}")
    raw_threshold = election.meta_value("min_project_score_threshold")
    threshold = int(float(raw_threshold)) if raw_threshold not in (None, "") else None
    ranking = "votes" if election.kind is BallotKind.APPROVAL else "points"
    ties = ties or TieBreaking()
    if meta_rule.startswith("greedy"):
        if meta_rule == "greedy-threshold" and threshold is None:
            raise UnknownRuleError("META rule greedy-threshold without min_project_score_threshold")
        return RuleSpec(
            rule="greedy-no-skip" if meta_rule == "greedy-no-skip" else "greedy",
            ranking=ranking,
            threshold=threshold,
            ties=ties,
        )
    add1 = "/add1" in meta_rule
    return RuleSpec(
        rule="mes",
        completion="add1" if add1 else "none",
        utility="cost" if election.kind is BallotKind.APPROVAL else "points",
        start="integral",
        stop="overspend",
        step=10**election.money_scale,
        comparison=meta_rule.endswith("-comparison"),
        ties=ties,
    )


@dataclass(frozen=True)
class CheckResult:
    """Recount versus the file's ``selected`` column (projects marked 1)."""

    meta_rule: str
    outcome: Outcome
    official: frozenset[str]
    missing: tuple[str, ...]  # officially selected, not selected by the recount
    extra: tuple[str, ...]  # selected by the recount, not officially

    @property
    def agrees(self) -> bool:
        return not self.missing and not self.extra


def check_official(election: Election, ties: TieBreaking | None = None) -> CheckResult:
    """Recount under the META rule and compare with the official ``selected`` (value 1).

    Raises :class:`UnknownRuleError` for a META rule not implemented, :class:`ElectionError` when the
    file has no ``selected`` column or its official selection costs more than the budget.
    """
    spec = spec_for_meta_rule(election, ties)
    marks = {p.id: p.official_selected for p in election.projects}
    if all(mark is None for mark in marks.values()):
        raise ElectionError("the file has no 'selected' column to compare with")
    official = frozenset(pid for pid, mark in marks.items() if mark == 1)
    official_cost = sum(p.cost for p in election.projects if p.id in official)
    if official_cost > election.budget:
        raise ElectionError(
            f"over budget: the officially selected projects cost {election.format_money(official_cost)}, "
            f"more than the budget {election.format_money(election.budget)}"
        )
    outcome = count_spec(election, spec)
    chosen = outcome.selected_set
    return CheckResult(
        meta_rule=election.meta_value("rule") or "",
        outcome=outcome,
        official=official,
        missing=tuple(p.id for p in election.projects if p.id in official and p.id not in chosen),
        extra=tuple(p.id for p in election.projects if p.id in chosen and p.id not in official),
    )
