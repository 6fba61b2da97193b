"""Vote counting for participatory budgets: exact, explainable, Pabulib-compatible.

Pure Python + numpy; never imports Django. Money is an integer number of the election's smallest
unit (kopiykas in Uchast).

Public API::

    from uchast.tally import (
        Election, Project, ApprovalBallot, CumulativeBallot, OrdinalBallot, CardinalBallot, BallotKind,
        count, check_official, read_pabulib, write_pabulib, TieBreaking, Outcome, ProjectResult,
    )

    election = Election(
        projects=(Project("p1", cost=500_000_00, name="Сквер", category="district-1"), ...),
        ballots=(ApprovalBallot(("p1", "p3")), ApprovalBallot(("p2",), count=12), ...),
        budget=1_000_000_00,
        kind=BallotKind.APPROVAL,
        category_budgets=(("district-1", 600_000_00), ("district-2", 400_000_00)),  # optional
        money_scale=2,
    )
    outcome = count(election, "mes", completion="add1")   # -> Outcome
    outcome.selected, outcome.spent, outcome.projects[0].reason, outcome.to_json()

* :func:`count` — rules ``greedy``, ``greedy-no-skip``, ``greedy-threshold``, ``greedy-per-cost``,
  ``mes`` (completions ``none``, ``add1``, ``add1u``, ``greedy``; ``comparison=True``), ``phragmen``.
  Preconditions: the election is valid (checked when built). Invariant: ``outcome.spent <= budget``.
* :class:`Outcome` — winners in funding order, money spent, one :class:`ProjectResult` per project
  (votes, points, round, reason, figures); ``to_json()``.
* :class:`TieBreaking` — explicit, total tie order (default: lower cost, more votes, lot/file order;
  also ``file-order`` and pabutools' ``name`` order).
* :func:`read_pabulib` / :func:`write_pabulib` — Pabulib ``.pb`` files; strict errors
  (:class:`PabulibError` with the line number).
* :func:`check_official` — recount under the file's META rule and compare with ``selected``.

See ``docs/tally.md`` for the rules, variants, tie-breaking and the official-result exceptions.
"""

from .count import (
    COMPLETIONS,
    RULES,
    CheckResult,
    RuleSpec,
    UnknownRuleError,
    check_official,
    count,
    count_spec,
    spec_for_meta_rule,
)
from .model import (
    ApprovalBallot,
    Ballot,
    BallotKind,
    CardinalBallot,
    CumulativeBallot,
    Election,
    ElectionError,
    OrdinalBallot,
    Project,
)
from .outcome import Outcome, ProjectResult, TieBreaking
from .pabulib import PabulibError, pabulib_text, read_pabulib, write_pabulib

__all__ = [
    "COMPLETIONS",
    "RULES",
    "ApprovalBallot",
    "Ballot",
    "BallotKind",
    "CardinalBallot",
    "CheckResult",
    "CumulativeBallot",
    "Election",
    "ElectionError",
    "OrdinalBallot",
    "Outcome",
    "PabulibError",
    "Project",
    "ProjectResult",
    "RuleSpec",
    "TieBreaking",
    "UnknownRuleError",
    "check_official",
    "count",
    "count_spec",
    "pabulib_text",
    "read_pabulib",
    "spec_for_meta_rule",
    "write_pabulib",
]
