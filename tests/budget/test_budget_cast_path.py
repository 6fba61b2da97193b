"""The voting peak's path: a first ballot in one guarded statement, memoised cycle and projects,
and the API's one-statement voter lookup. Whatever is memoised, the database decides."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from uchast.accounts.models import ApiToken
from uchast.budget import selectors, services
from uchast.budget.models import Ballot, BallotChoice, BallotStatus, BudgetCycle, Project, ProjectStatus
from uchast.budget.services import BudgetError
from uchast.testing.factories import make_user, make_verified_resident
from uchast.verification.selectors import evidence_for, voter_for_api_key

from .conftest import projects_by_title

pytestmark = pytest.mark.django_db


def _token(user: Any) -> str:
    key = ApiToken.new_key()
    ApiToken.objects.create(user=user, name="test", key_hash=ApiToken.hash_key(key))
    return key


def _cast(cycle: BudgetCycle, projects: list[int], **headers: str) -> Any:
    return Client().post(
        f"/api/budget/cycles/{cycle.pk}/ballot",
        json.dumps({"projects": projects}),
        content_type="application/json",
        **headers,
    )


def test_api_bearer_token_casts_and_replaces(voting_cycle: BudgetCycle, community: Any) -> None:
    p = projects_by_title(voting_cycle)
    key = _token(make_verified_resident(community, email="bearer@example.org"))
    first = _cast(voting_cycle, [p["A1"].pk, p["B3"].pk], HTTP_AUTHORIZATION=f"Bearer {key}")
    assert first.status_code == 200, first.content
    assert first.json()["replaced"] is False
    ballot = Ballot.objects.get(receipt_code=first.json()["receipt_code"])
    assert ballot.status == BallotStatus.COUNTED and ballot.age_band == "35-59"
    assert set(ballot.choices.values_list("project_id", flat=True)) == {p["A1"].pk, p["B3"].pk}
    second = _cast(voting_cycle, [p["A2"].pk], HTTP_X_API_KEY=key)
    assert second.status_code == 200 and second.json()["replaced"] is True
    assert Ballot.objects.count() == 1
    assert list(BallotChoice.objects.values_list("project_id", flat=True)) == [p["A2"].pk]


def test_api_bearer_token_refusals(voting_cycle: BudgetCycle, community: Any) -> None:
    p = projects_by_title(voting_cycle)
    unverified = _token(make_user(email="plain@example.org"))
    response = _cast(voting_cycle, [p["A1"].pk], HTTP_AUTHORIZATION=f"Bearer {unverified}")
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_eligible"
    inactive_user = make_verified_resident(community, email="gone@example.org")
    inactive = _token(inactive_user)
    inactive_user.is_active = False
    inactive_user.save()
    assert _cast(voting_cycle, [p["A1"].pk], HTTP_AUTHORIZATION=f"Bearer {inactive}").status_code == 401
    assert _cast(voting_cycle, [p["A1"].pk], HTTP_AUTHORIZATION="Bearer uch_forged").status_code == 401
    voter = _token(make_verified_resident(community, email="v@example.org"))
    over = _cast(voting_cycle, [p["B1"].pk, p["B2"].pk], HTTP_AUTHORIZATION=f"Bearer {voter}")
    assert over.status_code == 400 and over.json()["error"]["code"] == "over_budget"
    missing = _cast(voting_cycle, [999_999], HTTP_AUTHORIZATION=f"Bearer {voter}")
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "unknown_project"
    assert not Ballot.objects.exists()


def test_voter_lookup_gives_the_same_user_and_evidence(community: Any) -> None:
    from uchast.core.models import District

    district = District.objects.create(community=community, code="pivnich", name_uk="Північ", name_en="North")
    user = make_verified_resident(
        community, email="e@example.org", basis="registered", birth_date=date(2001, 2, 3), district=district
    )
    found = voter_for_api_key(_token(user), community)
    assert found.pk == user.pk and found.email == user.email and found.is_active
    assert found.notification_preferences == user.notification_preferences  # JSON parsed as the ORM does
    attached = found.__dict__["_uchast_evidence"][community.pk]
    del found.__dict__["_uchast_evidence"]
    assert attached == evidence_for(found, community)
    assert attached.district == "pivnich" and attached.birth_date == date(2001, 2, 3)
    plain = voter_for_api_key(_token(make_user(email="p@example.org")), community)
    assert plain.__dict__["_uchast_evidence"][community.pk].verified is False
    assert voter_for_api_key("uch_nothing", community) is None


def test_api_cast_is_two_statements_after_authentication(voting_cycle: BudgetCycle, community: Any) -> None:
    p = projects_by_title(voting_cycle)
    key = _token(make_verified_resident(community, email="q@example.org"))
    warm = _token(make_verified_resident(community, email="warm@example.org"))
    _cast(voting_cycle, [p["A1"].pk], HTTP_AUTHORIZATION=f"Bearer {warm}")  # memoises cycle and projects
    with CaptureQueriesContext(connection) as queries:
        assert _cast(voting_cycle, [p["A1"].pk], HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    # The voter lookup, then the ballot with its choices (one statement on PostgreSQL, two on SQLite).
    assert len(statements) == (2 if connection.vendor == "postgresql" else 3), statements


def test_memoised_cycle_suspended_meanwhile_is_refused(
    voting_cycle: BudgetCycle, community: Any, administrator: Any
) -> None:
    p = projects_by_title(voting_cycle)
    voter = make_verified_resident(community, email="s@example.org")
    stale = selectors.cycle_for_ballot(community, voting_cycle.pk, voter)
    services.cycle_suspend(cycle=BudgetCycle.objects.get(pk=voting_cycle.pk), actor=administrator, reason="Тривога")
    with pytest.raises(BudgetError) as error:
        services.ballot_cast(cycle=stale, user=voter, project_ids=[p["A1"].pk])
    assert error.value.code == "suspended" and "Тривога" in error.value.message
    assert not Ballot.objects.exists()


def test_memoised_cycle_with_changed_conditions_decides_on_the_new_ones(
    voting_cycle: BudgetCycle, community: Any
) -> None:
    p = projects_by_title(voting_cycle)
    voter = make_verified_resident(community, email="c@example.org", birth_date=date(2000, 1, 1))
    stale = selectors.cycle_for_ballot(community, voting_cycle.pk, voter)
    BudgetCycle.objects.filter(pk=voting_cycle.pk).update(conditions="verified; min_age(99)")
    with pytest.raises(BudgetError) as error:
        services.ballot_cast(cycle=stale, user=voter, project_ids=[p["A1"].pk])
    assert error.value.code == "not_eligible"
    assert not Ballot.objects.exists()


def test_project_withdrawn_behind_the_memo_is_refused(voting_cycle: BudgetCycle, community: Any) -> None:
    p = projects_by_title(voting_cycle)
    voter = make_verified_resident(community, email="w@example.org")
    assert p["A1"].pk in selectors.admitted_projects(voting_cycle)  # memoised while voting
    Project.objects.filter(pk=p["A1"].pk).update(status=ProjectStatus.REJECTED)
    with pytest.raises(BudgetError) as error:
        services.ballot_cast(cycle=voting_cycle, user=voter, project_ids=[p["A1"].pk])
    assert error.value.code == "unknown_project"
    assert not Ballot.objects.exists()
