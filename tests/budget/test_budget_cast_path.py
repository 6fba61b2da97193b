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
from uchast.budget.castpath.voter import voter_for_api_key
from uchast.budget.models import Ballot, BallotChoice, BallotStatus, BudgetCycle, Project, ProjectStatus
from uchast.budget.services import BudgetError
from uchast.core.errors import ActionRefused
from uchast.testing.factories import make_user, make_verified_resident
from uchast.verification.selectors import evidence_for

from .conftest import opened, projects_by_title

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
    assert opened(ballot) == {p["A1"].pk, p["B3"].pk}
    assert not BallotChoice.objects.exists()  # sealed: no plaintext choice anywhere
    second = _cast(voting_cycle, [p["A2"].pk], HTTP_X_API_KEY=key)
    assert second.status_code == 200 and second.json()["replaced"] is True
    assert Ballot.objects.count() == 1
    assert opened(Ballot.objects.get()) == {p["A2"].pk}
    assert not BallotChoice.objects.exists()


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
    # The voter lookup, then the register row and the sealed ballot (one statement on PostgreSQL;
    # two on SQLite, which has no data-modifying CTE).
    assert len(statements) == (2 if connection.vendor == "postgresql" else 3), statements


def test_memoised_cycle_suspended_meanwhile_is_refused(
    voting_cycle: BudgetCycle, community: Any, administrator: Any
) -> None:
    p = projects_by_title(voting_cycle)
    voter = make_verified_resident(community, email="s@example.org")
    stale = selectors.cycle_for_ballot(voter, community, voting_cycle.pk)
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
    stale = selectors.cycle_for_ballot(voter, community, voting_cycle.pk)
    BudgetCycle.objects.filter(pk=voting_cycle.pk).update(conditions="verified; min_age(99)")
    with pytest.raises(ActionRefused) as error:
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


def test_voter_lookup_leaves_the_evidence_where_evidence_for_reads_it(
    community: Any, django_assert_num_queries: Any
) -> None:
    found = voter_for_api_key(_token(make_verified_resident(community, email="cached@example.org")), community)
    with django_assert_num_queries(0):
        evidence = evidence_for(found, community)
    assert evidence.verified and evidence.basis == "idp" and evidence.birth_date == date(1990, 5, 17)


def _online_rows(cycle: BudgetCycle) -> list[tuple[Any, ...]]:
    """The online ballots as rows, without what is random or sequential (id, receipt code)."""
    return sorted(
        (
            b.voter_token,
            b.person_token,
            b.is_paper,
            b.status,
            b.age_band,
            b.district_code,
            b.cast_on,
            b.batch_id,
            b.batch_position,
            len(b.receipt_code),
            len(bytes(b.sealed)),  # the same padded size whatever was chosen
            b.check_digest,
            tuple(sorted(opened(b))),
        )
        for b in Ballot.objects.filter(cycle=cycle, is_paper=False)
    )


def test_guarded_statement_and_orm_reference_path_write_the_same_rows(
    voting_cycle: BudgetCycle, community: Any, official: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same ballots cast through the guarded statement, then (after deleting them) through the
    plain ORM path: the rows must be equal, the flagged one included."""
    from django.utils import timezone

    from uchast.budget.services import voting
    from uchast.core.models import District
    from uchast.verification.models import Participation
    from uchast.verification.services import verification_grant

    p = projects_by_title(voting_cycle)
    north = District.objects.create(community=community, code="north", name_uk="Північ", name_en="North")
    today = timezone.localdate()
    young = make_verified_resident(
        community, email="young@example.org", birth_date=today.replace(year=today.year - 16), district=north
    )
    old = make_verified_resident(community, email="old@example.org", birth_date=date(1950, 1, 1))
    paper_voter = make_user(email="paper@example.org")
    verification_grant(
        user=paper_voter,
        community=community,
        method="test",
        basis="registered",
        birth_date=date(1985, 6, 1),
        person_key=services.paper_person_key("id_card", "555666777"),
    )
    batch = services.paper_batch_create(cycle=voting_cycle, actor=official, number="P-1", place="ЦНАП")
    services.paper_ballot_enter(
        batch=batch,
        actor=official,
        position=1,
        identity_kind="id_card",
        identity_number="555666777",
        project_ids=[p["A3"].pk],
    )
    ballots = [(young, [p["A1"].pk, p["B3"].pk]), (old, [p["A2"].pk]), (paper_voter, [p["A1"].pk, p["B1"].pk])]
    now = timezone.now()

    def cast_all() -> tuple[list[tuple[Any, ...]], list[str]]:
        with CaptureQueriesContext(connection) as queries:
            results = [services.ballot_cast(cycle=voting_cycle, user=u, project_ids=ids, now=now) for u, ids in ballots]
        assert not any(r.replaced for r in results)
        for result in results:  # what the caller gets is what the database holds
            stored = Ballot.objects.get(pk=result.ballot.pk)
            assert (stored.receipt_code, stored.status, stored.age_band, stored.district_code) == (
                result.ballot.receipt_code,
                result.ballot.status,
                result.ballot.age_band,
                result.ballot.district_code,
            )
        return _online_rows(voting_cycle), [q["sql"] for q in queries.captured_queries]

    guarded, statements = cast_all()
    register = Participation._meta.db_table
    assert sum("ON CONFLICT DO NOTHING" in sql and register in sql for sql in statements) == len(ballots)
    assert [row[3:6] for row in guarded if row[4] == "14-17"] == [(BallotStatus.COUNTED, "14-17", "north")]
    assert sorted(row[3] for row in guarded) == sorted([BallotStatus.COUNTED] * 2 + [BallotStatus.FLAGGED])

    Ballot.objects.filter(cycle=voting_cycle, is_paper=False).delete()
    Participation.objects.filter(channel="online").delete()
    monkeypatch.setattr(voting, "insert_first_ballot", lambda **kwargs: None)  # the statement declines
    reference, statements = cast_all()
    assert not any("ON CONFLICT" in sql for sql in statements)
    assert reference == guarded
