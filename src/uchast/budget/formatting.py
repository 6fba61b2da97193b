"""How the budget shows its figures and outcomes to people (in the active language)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext


def money(kopiykas: int) -> str:
    """Kopiykas as hryvnias with a thin space between thousands: ``1 250 000,50``."""
    whole, cents = divmod(int(kopiykas), 100)
    text = f"{whole:,}".replace(",", "\u202f")
    return f"{text},{cents:02d}" if cents else text


def support_shortfall_reason(supports: int, threshold: int) -> str:
    """The public reason a project did not reach review."""
    return ngettext(
        "The project collected %(supports)s of the %(threshold)s support needed before review.",
        "The project collected %(supports)s of the %(threshold)s supports needed before review.",
        threshold,
    ) % {"supports": supports, "threshold": threshold}


#: The tie-breaking criteria of ``uchast.tally`` in words for people.
TIE_CRITERIA = {
    "min-cost": gettext_lazy("the cheaper project first"),
    "max-votes": gettext_lazy("the project with more votes first"),
    "lot": gettext_lazy("the order drawn by lot before voting"),
    "file-order": gettext_lazy("the order of the project list"),
    "name": gettext_lazy("the lower project number first"),
}


def tie_rule_words(criteria: str) -> str:
    """The tie-break rule a count used (``"min-cost,max-votes,lot"``) as one sentence."""
    words = [str(TIE_CRITERIA[c]) for c in criteria.split(",") if c in TIE_CRITERIA]
    if not words:
        words = [str(TIE_CRITERIA["file-order"])]
    return _("A tie is broken by: %(rule)s.") % {"rule": str(_(", then ")).join(words)}


@dataclass(frozen=True)
class RankedProject:
    """One line of the results in rank order: ``place`` 1 is first; ``tied`` says the project has
    as many votes as the one above or below it, so the tie-break rule decided its place."""

    place: int
    tied: bool
    project: dict[str, Any]


def _rank_key(project: dict[str, Any], funding_order: dict[str, int]) -> tuple[float, ...]:
    details = project.get("details") or {}
    if "rank" in details:  # a ranking rule (greedy): its own ranking, funded or not
        return (float(details["rank"]),)
    # Other rules: winners in the order they were funded, then the rest by votes, cheaper first.
    position = funding_order.get(str(project.get("project_id")), len(funding_order))
    return (float(position), -float(project.get("votes") or 0), float(project.get("cost") or 0))


def ranked(outcome: dict[str, Any]) -> list[RankedProject]:
    """The projects of a stored outcome (``Outcome.to_dict()``) in rank order, not project order."""
    funding_order = {str(pid): i for i, pid in enumerate(outcome.get("selected") or ())}
    projects = sorted(outcome.get("projects") or (), key=lambda p: _rank_key(p, funding_order))
    votes = [p.get("votes") for p in projects]
    return [
        RankedProject(
            place=i + 1,
            tied=(i > 0 and votes[i - 1] == votes[i]) or (i + 1 < len(votes) and votes[i + 1] == votes[i]),
            project=p,
        )
        for i, p in enumerate(projects)
    ]
