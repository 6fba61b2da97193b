"""Statistics per process and month (issue 18) and the one pagination every list shares."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from uchast.accounts.demo import load_demo
from uchast.appeals.models import Appeal
from uchast.budget.models import Ballot, BallotStatus
from uchast.petitions.models import PUBLIC_STATUSES, Petition

pytestmark = pytest.mark.django_db


def _every_row(client: Client, query: str = "") -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    while page := client.get(f"/api/v1/statistics?limit=200&offset={len(rows)}{query}").json():
        rows += page
    return rows


def test_statistics_and_pagination_over_the_demo() -> None:
    load_demo()
    client = Client()
    rows = _every_row(client)
    assert {r["module"] for r in rows} == {"budget", "consultations", "petitions", "appeals"}
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
    # Appeals answered on time, per month of registration, add up to the register's own flags.
    appeals = _every_row(client, "&module=appeals")
    for measure, on_time in (("answered_on_time", True), ("answered_late", False)):
        total = sum(r["value"] for r in appeals if r["measure"] == measure)
        assert total == Appeal.objects.filter(answered_on_time=on_time).count(), measure
    assert sum(r["value"] for r in appeals if r["measure"] == "received") == Appeal.objects.count()
    overdue = [r for r in appeals if r["measure"] == "overdue_open"]
    assert len(overdue) == 1 and overdue[0]["value"] >= 1  # the demo has an overdue appeal
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
