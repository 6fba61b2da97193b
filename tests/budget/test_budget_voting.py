from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from uchast.budget import selectors, services
from uchast.budget.models import Ballot, BallotStatus, BudgetCycle, CategoryResult, Phase
from uchast.budget.services import BudgetError
from uchast.budget.tokens import voter_token
from uchast.core.errors import ActionRefused
from uchast.core.models import AuditEntry
from uchast.testing.factories import make_verified_resident

from .conftest import opened, projects_by_title

pytestmark = pytest.mark.django_db


@pytest.fixture
def voter(community: Any) -> Any:
    today = timezone.localdate()
    return make_verified_resident(community, email="voter@example.org", birth_date=today.replace(year=today.year - 16))


def _refused(code: str, cycle: BudgetCycle, user: Any, ids: list[int], **kwargs: Any) -> None:
    before = list(Ballot.objects.values_list("pk", "receipt_code"))
    with pytest.raises(ActionRefused) as error:
        services.ballot_cast(cycle=cycle, user=user, project_ids=ids, **kwargs)
    assert error.value.code == code
    assert error.value.message
    assert list(Ballot.objects.values_list("pk", "receipt_code")) == before


def test_ballot_holds_token_not_user_id(voting_cycle: BudgetCycle, voter: Any) -> None:
    p = projects_by_title(voting_cycle)
    result = services.ballot_cast(cycle=voting_cycle, user=voter, project_ids=[p["A1"].pk, p["B1"].pk])
    ballot = result.ballot
    assert ballot.voter_token == voter_token(voting_cycle, voter)
    assert str(voter.pk) != ballot.voter_token and len(ballot.voter_token) == 64
    field_names = {f.name for f in Ballot._meta.get_fields()}
    assert not field_names & {"user", "user_id", "voter", "author"}
    assert ballot.age_band == "14-17"
    assert len(ballot.receipt_code) == 14


def test_change_ballot_replaces_it_with_new_receipt(voting_cycle: BudgetCycle, voter: Any) -> None:
    p = projects_by_title(voting_cycle)
    first = services.ballot_cast(cycle=voting_cycle, user=voter, project_ids=[p["A1"].pk], expected_receipt="")
    receipt = first.ballot.receipt_code
    second = services.ballot_cast(
        cycle=voting_cycle, user=voter, project_ids=[p["A2"].pk, p["A3"].pk], expected_receipt=receipt
    )
    assert second.replaced and second.ballot.pk == first.ballot.pk
    assert second.ballot.receipt_code != receipt
    assert Ballot.objects.count() == 1
    assert opened(Ballot.objects.get(pk=second.ballot.pk)) == {p["A2"].pk, p["A3"].pk}
    # Replaying the first form (it still says "no ballot yet") is refused and changes nothing.
    _refused("stale_form", voting_cycle, voter, [p["A1"].pk], expected_receipt="")


@pytest.mark.parametrize(
    ("titles", "code"),
    [
        (["A1", "A2", "A3"], "too_many"),
        (["B1", "B2"], "over_budget"),
        ([], "empty_ballot"),
    ],
)
def test_ballot_rules_are_enforced(voting_cycle: BudgetCycle, voter: Any, titles: list[str], code: str) -> None:
    p = projects_by_title(voting_cycle)
    _refused(code, voting_cycle, voter, [p[t].pk for t in titles])


def test_knapsack_within_money_is_accepted(voting_cycle: BudgetCycle, voter: Any) -> None:
    p = projects_by_title(voting_cycle)
    services.ballot_cast(cycle=voting_cycle, user=voter, project_ids=[p["B1"].pk, p["B3"].pk])


def test_forged_or_unadmitted_project_is_refused(
    community: Any, voting_cycle: BudgetCycle, voter: Any, administrator: Any
) -> None:
    _refused("unknown_project", voting_cycle, voter, [999_999])


def test_closed_phase_suspension_and_ineligible(
    voting_cycle: BudgetCycle, voter: Any, resident: Any, community: Any, administrator: Any
) -> None:
    p = projects_by_title(voting_cycle)
    _refused("not_eligible", voting_cycle, resident, [p["A1"].pk])
    child = make_verified_resident(
        community, email="kid@example.org", birth_date=timezone.localdate().replace(year=timezone.localdate().year - 12)
    )
    _refused("not_eligible", voting_cycle, child, [p["A1"].pk])
    _refused("voting_closed", voting_cycle, voter, [p["A1"].pk], now=voting_cycle.voting_closes)
    services.cycle_suspend(cycle=voting_cycle, actor=administrator, reason="Воєнний стан")
    _refused("suspended", voting_cycle, voter, [p["A1"].pk])


def test_paper_ballot_duplicate_of_online_voter_is_flagged(
    voting_cycle: BudgetCycle, community: Any, official: Any, administrator: Any
) -> None:
    from uchast.verification.services import verification_grant

    p = projects_by_title(voting_cycle)
    online = make_verified_resident(community, email="online@example.org")
    key = services.paper_person_key("id_card", "123456789")
    verification_grant(
        user=online, community=community, method="test", basis="idp", birth_date=date(1980, 1, 1), person_key=key
    )
    services.ballot_cast(cycle=voting_cycle, user=online, project_ids=[p["A1"].pk])
    batch = services.paper_batch_create(cycle=voting_cycle, actor=official, number="1", place="ЦНАП")
    fresh = services.paper_ballot_enter(
        batch=batch,
        actor=official,
        position=1,
        identity_kind="id_card",
        identity_number="987654321",
        project_ids=[p["A2"].pk],
    )
    assert fresh.status == BallotStatus.COUNTED and fresh.person_token and not fresh.voter_token
    dup = services.paper_ballot_enter(
        batch=batch,
        actor=official,
        position=2,
        identity_kind="id_card",
        identity_number="123 456 789",
        project_ids=[p["A2"].pk],
    )
    assert dup.status == BallotStatus.FLAGGED
    again = services.paper_ballot_enter(
        batch=batch,
        actor=official,
        position=3,
        identity_kind="id_card",
        identity_number="987654321",
        project_ids=[p["A3"].pk],
    )
    assert again.status == BallotStatus.FLAGGED
    with pytest.raises(BudgetError) as error:
        services.paper_ballot_enter(
            batch=batch,
            actor=official,
            position=3,
            identity_kind="id_card",
            identity_number="111111111",
            project_ids=[p["A3"].pk],
        )
    assert error.value.code == "position_taken"
    with pytest.raises(BudgetError) as error:
        services.paper_ballot_enter(
            batch=batch,
            actor=official,
            position=4,
            identity_kind="rnokpp",
            identity_number="12",
            project_ids=[p["A3"].pk],
        )
    assert error.value.code == "identity_number"
    services.cycle_set_phase(cycle=voting_cycle, phase=Phase.RESULTS, actor=administrator)
    with pytest.raises(BudgetError) as error:
        services.cycle_count(cycle=voting_cycle)
    assert error.value.code == "paper_unsettled"  # no second entry yet
    for position, chosen in ((1, [p["A2"].pk]), (2, [p["A2"].pk]), (3, [p["A3"].pk])):
        services.paper_check_enter(batch=batch, actor=administrator, position=position, project_ids=chosen)
    with pytest.raises(BudgetError) as error:
        services.cycle_count(cycle=voting_cycle)
    assert error.value.code == "flagged_left"
    assert not CategoryResult.objects.exists()
    # Closing wrote the ballots again with new ids (in random order): found again by receipt.
    dup, again = (Ballot.objects.get(receipt_code=b.receipt_code) for b in (dup, again))
    services.ballot_resolve(ballot=dup, actor=administrator, count_it=False, reason="Голосував онлайн раніше")
    services.ballot_resolve(ballot=again, actor=administrator, count_it=False, reason="Повторний паперовий")
    services.cycle_count(cycle=voting_cycle)
    services.cycle_publish(cycle=voting_cycle, actor=administrator)
    assert voting_cycle.projects.get(pk=p["A2"].pk).votes == 1  # the online A1 and the paper A2 counted


def test_online_after_paper_is_flagged(voting_cycle: BudgetCycle, community: Any, official: Any) -> None:
    from uchast.verification.services import verification_grant

    p = projects_by_title(voting_cycle)
    batch = services.paper_batch_create(cycle=voting_cycle, actor=official, number="7", place="Хаб ВПО")
    services.paper_ballot_enter(
        batch=batch,
        actor=official,
        position=1,
        identity_kind="id_card",
        identity_number="555666777",
        project_ids=[p["A1"].pk],
    )
    person = make_verified_resident(community, email="both@example.org")
    verification_grant(
        user=person,
        community=community,
        method="test",
        basis="idp",
        birth_date=date(1980, 1, 1),
        person_key=services.paper_person_key("id_card", "555666777"),
    )
    result = services.ballot_cast(cycle=voting_cycle, user=person, project_ids=[p["A2"].pk])
    assert result.ballot.status == BallotStatus.FLAGGED


def test_double_entry_reports_mismatches(voting_cycle: BudgetCycle, official: Any, administrator: Any) -> None:
    p = projects_by_title(voting_cycle)
    batch = services.paper_batch_create(cycle=voting_cycle, actor=official, number="2", place="ЦНАП")
    for position, ids in ((1, [p["A1"].pk]), (2, [p["A2"].pk])):
        services.paper_ballot_enter(
            batch=batch,
            actor=official,
            position=position,
            identity_kind="id_card",
            identity_number=f"22233344{position}",
            project_ids=ids,
        )
    with pytest.raises(BudgetError):
        services.paper_check_enter(batch=batch, actor=official, position=1, project_ids=[p["A1"].pk])
    services.paper_check_enter(batch=batch, actor=administrator, position=1, project_ids=[p["A1"].pk])
    services.paper_check_enter(batch=batch, actor=administrator, position=2, project_ids=[p["A3"].pk])
    services.paper_check_enter(batch=batch, actor=administrator, position=5, project_ids=[p["A3"].pk])
    mismatches = selectors.paper_mismatches(batch)
    assert [(m.position, m.problem) for m in mismatches] == [(2, "differ"), (5, "no_first")]
    # Agreeing entries leave no digest behind; disagreeing ones keep theirs until settled.
    assert Ballot.objects.get(batch=batch, batch_position=1).check_digest == ""
    assert Ballot.objects.get(batch=batch, batch_position=2).check_digest != ""
    with pytest.raises(BudgetError) as error:
        services.paper_mismatch_resolve(
            batch=batch, actor=administrator, position=2, project_ids=[p["A3"].pk], reason=" "
        )
    assert error.value.code == "reason_required"
    with pytest.raises(BudgetError) as error:
        services.paper_mismatch_resolve(
            batch=batch, actor=administrator, position=5, project_ids=[p["A3"].pk], reason="Порожня позиція"
        )
    assert error.value.code == "no_first_entry"
    with pytest.raises(BudgetError) as error:
        services.paper_mismatch_resolve(
            batch=batch, actor=administrator, position=1, project_ids=[p["A1"].pk], reason="Ще раз"
        )
    assert error.value.code == "nothing_to_resolve"
    # The paper at position 2 says A3: the first entry was wrong; position 5 holds no ballot.
    services.paper_mismatch_resolve(
        batch=batch, actor=administrator, position=2, project_ids=[p["A3"].pk], reason="Перевірено за бюлетенем"
    )
    services.paper_mismatch_resolve(batch=batch, actor=administrator, position=5, project_ids=[], reason="Порожня")
    assert selectors.paper_mismatches(batch) == []
    assert opened(Ballot.objects.get(batch=batch, batch_position=2)) == {p["A3"].pk}
    entry = AuditEntry.objects.filter(action="budget.paper_mismatch_resolved").order_by("sequence").first()
    assert entry is not None and entry.summary == {"position": 2, "reason": "Перевірено за бюлетенем"}


def test_voting_dates_gate(voting_cycle: BudgetCycle, voter: Any) -> None:
    p = projects_by_title(voting_cycle)
    _refused(
        "voting_closed",
        voting_cycle,
        voter,
        [p["A1"].pk],
        now=voting_cycle.voting_opens - timezone.timedelta(seconds=1),
    )


def test_personal_data_export_lists_cycles_voted_without_choices(voting_cycle: BudgetCycle, voter: Any) -> None:
    from uchast.budget.selectors import personal_data

    assert personal_data(voter) == {"projects": [], "voted_in": [], "supported": [], "coauthored": []}
    p = projects_by_title(voting_cycle)
    services.ballot_cast(cycle=voting_cycle, user=voter, project_ids=[p["A1"].pk])
    assert personal_data(voter)["voted_in"] == [voting_cycle.title]
