"""Each module's participation actions: declared once (``<module>/actions.py``), registered in the
core registry's catalogue, with the documented default conditions (docs/eligibility.md).

Moved from tests/eligibility (the pure package no longer knows the modules' actions)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
import rules

from uchast.appeals.actions import AppealAction
from uchast.budget.actions import BudgetAction
from uchast.consultations.actions import ConsultationAction
from uchast.core.registry import registry
from uchast.eligibility import (
    BASES,
    BASES_IN_ORDER,
    Evidence,
    MissingCode,
    UnknownActionError,
    evaluate,
    format_conditions,
)
from uchast.organisations.actions import OrganisationAction
from uchast.petitions.actions import PetitionAction

pytestmark = pytest.mark.pure

TODAY = date(2026, 5, 3)
ENUMS = (BudgetAction, PetitionAction, ConsultationAction, AppealAction, OrganisationAction)
ACTIONS = registry.actions.names

# ------------------------------------------------------------------------------------------
# Actions: defaults and the permission matrix
# ------------------------------------------------------------------------------------------

ALL = frozenset(BASES)
# (needs a current verification, minimum age or None, accepted bases or None) per action.
EXPECTED_POLICY: dict[str, tuple[bool, int | None, frozenset[str] | None]] = {
    "budget.propose": (True, 14, ALL),
    "budget.support": (True, 14, ALL),
    "budget.vote": (True, 14, ALL),
    "budget.comment": (True, None, None),
    "petition.create": (True, 18, ALL),
    "petition.sign": (True, 18, ALL),
    "consultation.comment": (False, None, None),
    "consultation.propose": (False, None, None),
    "consultation.vote_statement": (True, 14, ALL),
    "consultation.answer_survey": (True, 14, ALL),
    # The law on citizens' appeals gives the right to everyone (art. 1): an account is enough.
    "appeal.file": (False, None, None),
    "appeal.report": (False, None, None),
    "organisation.register": (True, 18, ALL),
    "organisation.apply": (True, 18, ALL),
}


def test_action_registry_is_exactly_the_documented_names() -> None:
    assert frozenset(EXPECTED_POLICY) == ACTIONS
    assert frozenset(member.value for enum in ENUMS for member in enum) == ACTIONS


def test_budget_vote_default_is_the_documented_text() -> None:
    assert format_conditions(registry.actions.default_conditions("budget.vote")) == (
        "verified; min_age(14); basis in {registered, idp, census, in_person, provider}"
    )
    assert BudgetAction.VOTE == "budget.vote" and str(BudgetAction.VOTE) == "budget.vote"


def test_unknown_action_is_an_error_not_an_open_door() -> None:
    with pytest.raises(UnknownActionError):
        registry.actions.default_conditions("budget.vot")
    with pytest.raises(UnknownActionError):
        registry.actions.conditions_for("petition.signn", "")


def test_every_action_names_a_registered_permission_and_a_label() -> None:
    for enum in ENUMS:
        for member in enum:
            assert member.permission in rules.permissions.permissions, member
            assert str(member.label), member
    assert PetitionAction.SIGN.permission == "petitions.sign"
    assert BudgetAction.COMMENT.permission == "budget.comment_project"


VERIFICATION_STATES = {
    "current": {"verified": True, "expires_on": None, "revoked": False},
    "current_until_today": {"verified": True, "expires_on": TODAY, "revoked": False},
    "expired": {"verified": True, "expires_on": TODAY - timedelta(days=1), "revoked": False},
    "revoked": {"verified": True, "expires_on": None, "revoked": True},
    "never": {"verified": False, "expires_on": None, "revoked": False},
}
AGES = (None, 13, 14, 15, 16, 17, 18, 19, 65)


def birth_date_for_age(age: int | None) -> date | None:
    # Born exactly `age` years ago today: the birthday boundary is exercised on every row.
    return None if age is None else TODAY.replace(year=TODAY.year - age)


MATRIX = list(
    itertools.product(
        sorted(ACTIONS),
        sorted(VERIFICATION_STATES),
        [None, *BASES_IN_ORDER],
        AGES,
    )
)


@pytest.mark.parametrize(("action", "state", "basis", "age"), MATRIX)
def test_permission_matrix(action: str, state: str, basis: str | None, age: int | None) -> None:
    needs_verification, min_age, accepted = EXPECTED_POLICY[action]
    verification = VERIFICATION_STATES[state]
    evidence = Evidence(
        basis=basis,
        birth_date=birth_date_for_age(age),
        district="d1",
        **verification,  # type: ignore[arg-type]
    )
    current = state in ("current", "current_until_today")
    expected_codes: list[MissingCode] = []
    if needs_verification and not current:
        expected_codes.append(MissingCode.VERIFICATION_EXPIRED if state == "expired" else MissingCode.NOT_VERIFIED)
    if min_age is not None:
        if age is None:
            expected_codes.append(MissingCode.BIRTH_DATE_UNKNOWN)
        elif age < min_age:
            expected_codes.append(MissingCode.TOO_YOUNG)
    if accepted is not None and current and basis not in accepted:
        expected_codes.append(MissingCode.BASIS_NOT_ACCEPTED)

    decision = evaluate(registry.actions.default_conditions(action), evidence, TODAY)
    assert decision.codes == tuple(expected_codes)
    assert decision.allowed == (not expected_codes)
