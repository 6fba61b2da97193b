"""Statistics per process and month (issue 18) and the one pagination every list shares."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from uchast.accounts.demo import load_demo
from uchast.budget.models import Ballot, BallotStatus
from uchast.petitions.models import PUBLIC_STATUSES, Petition

pytestmark = pytest.mark.django_db


def test_statistics_and_pagination_over_the_demo() -> None:
    load_demo()
    client = Client()
    rows = client.get("/api/v1/statistics?limit=200").json()
    assert {r["module"] for r in rows} == {"budget", "consultations", "petitions"}
    counted = Ballot.objects.filter(status=BallotStatus.COUNTED)
    online = sum(r["value"] for r in rows if r["measure"] == "votes_online")
    paper = sum(r["value"] for r in rows if r["measure"] == "votes_paper")
    assert online == counted.filter(is_paper=False).count() and paper == counted.filter(is_paper=True).count()
    assert all(len(r["month"]) in (0, 7) for r in rows)
    by_state = {r["measure"]: r["value"] for r in rows if r["measure"].startswith("state:")}
    for status in PUBLIC_STATUSES:
        assert by_state.get(f"state:{status}", 0) == Petition.objects.filter(status=status).count()
    only = client.get("/api/v1/statistics?module=petitions&limit=200").json()
    assert only and {r["module"] for r in only} == {"petitions"}
    # One pagination: limit and offset, bounded at 200, everywhere.
    first, second = (client.get(f"/api/v1/statistics?limit=2&offset={o}").json() for o in (0, 2))
    assert first == rows[:2] and second == rows[2:4]
    for url in ("/api/v1/statistics", "/api/v1/petitions/", "/api/v1/budget/cycles", "/api/v1/consultations/"):
        refused = client.get(url + "?limit=201")
        assert refused.status_code == 422, url
        assert refused.json()["error"]["code"] == "invalid_input"
        assert len(client.get(url + "?limit=1").json()) <= 1


def test_statistics_without_community_is_404(client: Any) -> None:
    response = client.get("/api/v1/statistics")
    assert response.status_code == 404 and response.json()["error"]["code"] == "no_community"
