"""The receipt check through the API (issue 18): the page's lookup as a GET, under the page's
attempt limit (``receipt_check``), changing nothing and kept out of caches."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from uchast.accounts.services import api_token_create
from uchast.budget import services
from uchast.budget.models import BudgetCycle, Phase
from uchast.testing.factories import make_verified_resident

from .conftest import projects_by_title

pytestmark = pytest.mark.django_db


def _published_with_ballot(cycle: BudgetCycle, community: Any, administrator: Any) -> tuple[str, list[int]]:
    voter = make_verified_resident(community, email="r@example.org")
    chosen = [projects_by_title(cycle)["A1"].pk, projects_by_title(cycle)["B3"].pk]
    receipt = services.ballot_cast(cycle=cycle, user=voter, project_ids=chosen).ballot.receipt_code
    services.cycle_set_phase(cycle=cycle, phase=Phase.RESULTS, actor=administrator)
    services.cycle_count(cycle=cycle, actor=administrator)
    services.cycle_publish(cycle=cycle, actor=administrator)
    return receipt, chosen


def test_receipt_found_in_the_published_file(voting_cycle: BudgetCycle, community: Any, administrator: Any) -> None:
    receipt, chosen = _published_with_ballot(voting_cycle, community, administrator)
    url = f"/api/v1/budget/cycles/{voting_cycle.pk}/receipt"
    response = Client().get(url, {"code": receipt.lower().replace("-", "")})  # typed as on the page: any case
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["in_published_file"] is True and len(body["voter_id"]) == 20
    assert {p["id"] for p in body["projects"]} == set(chosen)
    assert all(line["line"].startswith(body["voter_id"] + ";") for line in body["lines"])
    # Signed in with a token, the same answer (a staff member's token needs the staff scope here,
    # as on every public read).
    _token, key = api_token_create(user=make_verified_resident(community, email="t@example.org"), name="t")
    signed_in = Client().get(url, {"code": receipt}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert signed_in.json() == body
    _token, staff = api_token_create(
        user=administrator, name="desk", scopes=("read", "staff"), second_factor_recent=True
    )
    assert Client().get(url, {"code": receipt}, HTTP_AUTHORIZATION=f"Bearer {staff}").json() == body


def test_receipt_refusals(voting_cycle: BudgetCycle, community: Any, administrator: Any, settings: Any) -> None:
    url = f"/api/v1/budget/cycles/{voting_cycle.pk}/receipt"
    # Before publication the results (and so the receipts) are not public.
    assert Client().get(url, {"code": "AAAA-BBBB-CCCC"}).status_code == 404
    receipt, _chosen = _published_with_ballot(voting_cycle, community, administrator)
    public = Client()
    unknown = public.get(url, {"code": "AAAA-BBBB-CCCC"})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "receipt_not_found"
    assert public.get(url).json()["error"]["code"] == "invalid_input"
    assert public.get(url, {"code": "x" * 21}).status_code == 422
    assert public.get("/api/v1/budget/cycles/999999/receipt", {"code": receipt}).status_code == 404


def test_receipt_lookups_share_the_pages_attempt_limit(
    voting_cycle: BudgetCycle, community: Any, administrator: Any, settings: Any
) -> None:
    settings.UCHAST_THROTTLES = {"receipt_check": {"ip": "3/5m"}}
    receipt, _chosen = _published_with_ballot(voting_cycle, community, administrator)
    url = f"/api/v1/budget/cycles/{voting_cycle.pk}/receipt"
    public = Client()
    assert public.post(f"/budget/{voting_cycle.pk}/receipt/", {"receipt": "AAAA-BBBB-CCCC"}).status_code == 200
    assert public.get(url, {"code": "AAAA-BBBB-CCCD"}).status_code == 404
    assert public.get(url, {"code": receipt}).status_code == 200
    refused = public.get(url, {"code": receipt})
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "throttled"
    assert Client(REMOTE_ADDR="10.9.9.9").get(url, {"code": receipt}).status_code == 200
