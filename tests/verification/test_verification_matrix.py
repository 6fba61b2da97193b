"""Permission matrix: conditions × bases × ages for every action name, through the rules predicates."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from uchast.core.registry import registry
from uchast.eligibility import BASES_IN_ORDER
from uchast.testing.factories import make_user, make_verified_resident
from uchast.verification.selectors import participation_decision

pytestmark = pytest.mark.django_db

# Independent statement of the defaults (docs/verification.md): minimum age per action, None = no
# verification needed at all.
EXPECTED_MIN_AGE: dict[str, int | None] = {
    "budget.propose": 14,
    "budget.support": 14,
    "budget.vote": 14,
    "budget.comment": 0,
    "petition.create": 18,
    "petition.sign": 18,
    "consultation.comment": None,
    "consultation.propose": None,
    "consultation.vote_statement": 14,
    "consultation.answer_survey": 14,
    "organisation.register": 18,
    "organisation.apply": 18,
    "appeal.file": None,
    "appeal.report": None,
}
AGES = (10, 14, 16, 17, 18, 40)


def _born(age: int) -> date:
    today = timezone.localdate()
    return (
        today.replace(year=today.year - age, day=min(today.day, 28))
        if today.day <= 28
        else date(today.year - age, today.month, 1)
    )


def _allowed(person, action: str, target) -> bool:
    """What a service's ``require_eligible`` decides: the community's default conditions of
    ``action``, or a process's own condition text."""
    community = getattr(target, "community", target)
    conditions = getattr(target, "conditions", None)
    return participation_decision(person, community, action, conditions=conditions).allowed


def test_every_action_is_covered():
    assert set(EXPECTED_MIN_AGE) == set(registry.actions.names)


def test_default_conditions_matrix(community):
    people = {
        (basis, age): make_verified_resident(community, basis=basis, birth_date=_born(age))
        for basis in BASES_IN_ORDER
        for age in AGES
    }
    unverified = make_user()
    for action in sorted(registry.actions.names):
        min_age = EXPECTED_MIN_AGE[action]
        assert _allowed(unverified, action, community) is (min_age is None), action
        for (basis, age), person in people.items():
            expected = min_age is None or age >= min_age
            assert _allowed(person, action, community) is expected, (action, basis, age)


class Process:
    """A stand-in for any process: carries a community and its own condition text."""

    def __init__(self, community, conditions):
        self.community = community
        self.conditions = conditions


def test_process_conditions_matrix(community):
    centre = community.districts.get(code="center")
    stepove = community.districts.get(code="stepove")
    process = Process(community, "verified; min_age(16); basis in {registered, idp, census}; district in {center}")
    people = {
        (basis, age, district): make_verified_resident(community, basis=basis, birth_date=_born(age), district=district)
        for basis in BASES_IN_ORDER
        for age in AGES
        for district in (centre, stepove, None)
    }
    for action in sorted(registry.actions.names):
        for (basis, age, district), person in people.items():
            expected = basis in {"registered", "idp", "census"} and age >= 16 and district == centre
            assert _allowed(person, action, process) is expected, (action, basis, age, district)


def test_revoked_and_expired_do_not_count(community):
    from datetime import timedelta

    from uchast.verification.models import Verification
    from uchast.verification.services import verification_revoke

    expired = make_verified_resident(community, expires_on=timezone.localdate() - timedelta(days=1))
    assert not _allowed(expired, "budget.vote", community)
    revoked = make_verified_resident(community)
    verification_revoke(verification=Verification.objects.get(user=revoked), actor=None, reason="тест")
    revoked = type(revoked).objects.get(pk=revoked.pk)
    assert not _allowed(revoked, "budget.vote", community)
