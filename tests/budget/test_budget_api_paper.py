"""Paper ballots through the API (issue 18, item 3): a batch, the first entry, the second entry by
another staff member, settling a disagreement, and the decision on a flagged ballot — the pages'
services, permissions and audit. A disagreement blocks the count with the page's code."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from uchast.budget import services
from uchast.budget.models import Ballot, BallotStatus, BudgetCycle, CategoryResult, PaperBatch, Phase
from uchast.core.errors import ActionRefused
from uchast.testing.factories import make_verified_resident

from .conftest import bearer, last_audit, projects_by_title, refusal

pytestmark = pytest.mark.django_db

API = "/api/budget"


def _batch(client: Client, cycle: BudgetCycle, headers: dict[str, str], number: str = "K-1") -> Any:
    return client.post(
        f"{API}/cycles/{cycle.pk}/paper", {"number": number, "place": "ЦНАП"}, "application/json", **headers
    )


def _entry(position: int, projects: list[int], number: str = "123456789") -> dict[str, Any]:
    return {"position": position, "identity_kind": "id_card", "identity_number": number, "projects": projects}


def test_staff_open_a_batch(client: Client, voting_cycle: BudgetCycle, official: Any, resident: Any) -> None:
    staff = bearer(official, staff=True)
    response = _batch(client, voting_cycle, staff)
    assert response.status_code == 201, response.content
    batch = PaperBatch.objects.get(pk=response.json()["id"])
    assert (batch.number, batch.place, batch.entered_by) == ("K-1", "ЦНАП", official)
    assert response.json()["entered"] == 0 and response.json()["mismatches"] == []
    entry = last_audit("budget.paper_batch_created")
    assert entry.actor == official and entry.summary == {"number": "K-1", "place": "ЦНАП"}

    assert refusal(_batch(client, voting_cycle, staff)) == (409, "batch_exists")
    assert refusal(_batch(client, voting_cycle, {})) == (401, "not_authenticated")
    assert refusal(_batch(client, voting_cycle, bearer(resident))) == (403, "insufficient_scope")
    empty = client.post(
        f"{API}/cycles/{voting_cycle.pk}/paper", {"number": "", "place": "x"}, "application/json", **staff
    )
    assert empty.status_code == 422
    services.cycle_set_phase(cycle=voting_cycle, phase=Phase.RESULTS, actor=official)
    assert refusal(_batch(client, voting_cycle, staff, "K-2")) == (409, "phase_closed")
    assert PaperBatch.objects.count() == 1


def test_double_entry_through_the_api_and_a_disagreement_blocks_the_count(
    client: Client, voting_cycle: BudgetCycle, official: Any, administrator: Any
) -> None:
    p = projects_by_title(voting_cycle)
    first, second = bearer(official, staff=True), bearer(administrator, staff=True)
    batch_id = _batch(client, voting_cycle, first).json()["id"]
    base = f"{API}/paper/{batch_id}"

    response = client.post(f"{base}/ballots", _entry(1, [p["A1"].pk]), "application/json", **first)
    assert response.status_code == 201 and response.json() == {"position": 1, "flagged": False}
    assert Ballot.objects.get(batch_id=batch_id, batch_position=1).status == BallotStatus.COUNTED
    assert last_audit("budget.paper_ballot_entered").actor == official
    response = client.post(f"{base}/ballots", _entry(2, [p["A2"].pk], "987654321"), "application/json", **first)
    assert response.status_code == 201

    # Refusals of the first entry.
    again = _entry(1, [p["A2"].pk], "111222333")
    assert refusal(client.post(f"{base}/ballots", again, "application/json", **first)) == (409, "position_taken")
    too_many = _entry(3, [p["A1"].pk, p["A2"].pk, p["A3"].pk], "444555666")
    assert refusal(client.post(f"{base}/ballots", too_many, "application/json", **first)) == (400, "too_many")
    kind = {**_entry(3, [p["A1"].pk], "444555666"), "identity_kind": "idp_certificate"}
    assert refusal(client.post(f"{base}/ballots", kind, "application/json", **first)) == (422, "invalid_input")
    number = _entry(3, [p["A1"].pk], "12")
    assert refusal(client.post(f"{base}/ballots", number, "application/json", **first)) == (400, "identity_number")
    assert refusal(client.post(f"{API}/paper/999999/ballots", _entry(3, []), "application/json", **first)) == (
        404,
        "not_found",
    )

    # The second entry: not by the person who made the first; one agrees, one does not.
    check = {"position": 1, "projects": [p["A1"].pk]}
    assert refusal(client.post(f"{base}/checks", check, "application/json", **first)) == (400, "same_person")
    response = client.post(f"{base}/checks", check, "application/json", **second)
    assert response.status_code == 201 and response.json() == {"position": 1, "matched": True}
    response = client.post(f"{base}/checks", {"position": 2, "projects": [p["A3"].pk]}, "application/json", **second)
    assert response.status_code == 201 and response.json() == {"position": 2, "matched": False}
    assert refusal(client.post(f"{base}/checks", check, "application/json", **second)) == (409, "position_taken")
    state = client.get(base, **second).json()
    assert state["entered"] == 2 and state["mismatches"] == [{"position": 2, "problem": "differ"}]

    # The count is refused while the position is unsettled: the page's code, through the API.
    services.cycle_set_phase(cycle=voting_cycle, phase=Phase.RESULTS, actor=administrator)
    with pytest.raises(ActionRefused) as page_refusal:
        services.cycle_count(cycle=BudgetCycle.objects.get(pk=voting_cycle.pk), actor=administrator)
    count = client.post(f"{API}/cycles/{voting_cycle.pk}/count", **second)
    assert refusal(count) == (409, page_refusal.value.code) == (409, "paper_unsettled")

    # Settled by reading the paper again (a reason is needed), then the count goes through.
    settle = {"position": 2, "projects": [p["A2"].pk], "reason": ""}
    assert refusal(client.post(f"{base}/resolve", settle, "application/json", **first)) == (400, "reason_required")
    response = client.post(f"{base}/resolve", {**settle, "reason": "На папері: A2"}, "application/json", **first)
    assert response.status_code == 200 and response.json()["mismatches"] == []
    entry = last_audit("budget.paper_mismatch_resolved")
    assert entry.actor == official and entry.summary == {"position": 2, "reason": "На папері: A2"}
    again = {**settle, "reason": "Ще раз"}
    assert refusal(client.post(f"{base}/resolve", again, "application/json", **first)) == (409, "nothing_to_resolve")
    assert client.post(f"{API}/cycles/{voting_cycle.pk}/count", **second).status_code == 200
    assert CategoryResult.objects.filter(category__cycle=voting_cycle).count() == 2
    assert refusal(client.post(f"{base}/checks", check, "application/json", **second)) == (409, "check_closed")


def test_a_flagged_ballot_is_decided_through_the_api(
    client: Client, voting_cycle: BudgetCycle, community: Any, official: Any, administrator: Any, resident: Any
) -> None:
    from uchast.verification.services import verification_grant

    p = projects_by_title(voting_cycle)
    online = make_verified_resident(community, email="online@example.org")
    key = services.paper_person_key("id_card", "123456789")
    verification_grant(
        user=online, community=community, method="test", basis="idp", birth_date=date(1980, 1, 1), person_key=key
    )
    services.ballot_cast(cycle=voting_cycle, user=online, project_ids=[p["A1"].pk])
    staff = bearer(administrator, staff=True)
    batch_id = _batch(client, voting_cycle, bearer(official, staff=True)).json()["id"]
    response = client.post(
        f"{API}/paper/{batch_id}/ballots", _entry(1, [p["A2"].pk]), "application/json", **bearer(official, staff=True)
    )
    assert response.status_code == 201 and response.json()["flagged"] is True
    assert last_audit("budget.paper_ballot_entered").summary == {"flagged": True}

    listed = client.get(f"{API}/cycles/{voting_cycle.pk}/flagged", **staff)
    assert listed.status_code == 200
    [flagged] = listed.json()
    assert flagged["is_paper"] and flagged["batch"] == "K-1" and flagged["batch_position"] == 1
    assert refusal(client.get(f"{API}/cycles/{voting_cycle.pk}/flagged", **bearer(resident))) == (
        403,
        "insufficient_scope",
    )

    url = f"{API}/cycles/{voting_cycle.pk}/ballots/{flagged['id']}/resolve"
    assert refusal(client.post(url, {"count": True, "reason": " "}, "application/json", **staff)) == (
        400,
        "reason_required",
    )
    assert client.post(url, {"reason": "x"}, "application/json", **staff).status_code == 422
    response = client.post(url, {"count": False, "reason": "Голосував онлайн"}, "application/json", **staff)
    assert response.status_code == 200 and response.json()["status"] == BallotStatus.REJECTED
    assert Ballot.objects.get(pk=flagged["id"]).status == BallotStatus.REJECTED
    entry = last_audit("budget.ballot_resolved")
    assert entry.actor == administrator and entry.summary["counted"] is False
    assert refusal(client.post(url, {"count": True, "reason": "Ще раз"}, "application/json", **staff)) == (
        409,
        "not_flagged",
    )
    unknown = f"{API}/cycles/{voting_cycle.pk}/ballots/00000000-0000-4000-8000-000000000001/resolve"
    assert refusal(client.post(unknown, {"count": True, "reason": "x"}, "application/json", **staff)) == (
        404,
        "not_found",
    )
