from __future__ import annotations

from typing import Any

import pytest

from tests.organisations.conftest import apply, close_applications
from uchast.accounts.services import api_token_create
from uchast.organisations import services
from uchast.organisations.models import Application, Report

pytestmark = pytest.mark.django_db


def bearer(user: Any) -> dict[str, str]:
    _token, secret = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def payload(organisation: Any, own: int = 10_000_00, requested: int = 50_000_00) -> dict[str, Any]:
    return {
        "organisation": organisation.pk,
        "title": "Юридичний супровід ВПО",
        "goals": "Консультації",
        "activities": "Щотижня",
        "schedule": "2027",
        "own_total": own,
        "requested_total": requested,
        "lines": [{"item": "Оренда", "own": own, "requested": 0}, {"item": "Юристи", "own": 0, "requested": requested}],
    }


def test_public_reads(client: Any, organisation: Any, competition: Any) -> None:
    rows = client.get("/api/organisations/").json()
    assert [r["edrpou"] for r in rows] == ["43005393"]
    assert client.get(f"/api/organisations/{organisation.pk}").json()["name"] == organisation.name
    data = client.get(f"/api/organisations/competitions/{competition.pk}").json()
    assert data["status"] == "applications" and len(data["criteria"]) == 2
    assert client.get("/api/organisations/999999").status_code == 404


def test_member_applies_through_the_api(client: Any, organisation: Any, competition: Any, head: Any) -> None:
    url = f"/api/organisations/competitions/{competition.pk}/applications"
    response = client.post(url, payload(organisation), content_type="application/json", **bearer(head))
    assert response.status_code == 201, response.content
    assert response.json()["requested_total"] == 50_000_00
    again = client.post(url, payload(organisation), content_type="application/json", **bearer(head))
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_applied"


def test_shares_not_adding_up_through_the_api(client: Any, organisation: Any, competition: Any, head: Any) -> None:
    body = payload(organisation)
    body["requested_total"] = 40_000_00
    response = client.post(
        f"/api/organisations/competitions/{competition.pk}/applications",
        body,
        content_type="application/json",
        **bearer(head),
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "table_requested_mismatch"
    assert not Application.objects.exists()


def test_outsider_cannot_apply(client: Any, organisation: Any, competition: Any) -> None:
    from uchast.testing.factories import make_user

    response = client.post(
        f"/api/organisations/competitions/{competition.pk}/applications",
        payload(organisation),
        content_type="application/json",
        **bearer(make_user()),
    )
    assert response.status_code == 403


def test_winner_reports_through_the_api_and_results_are_public(
    client: Any, organisation: Any, competition: Any, head: Any, official: Any
) -> None:
    application = apply(competition, organisation, head)
    competition = close_applications(competition)
    services.application_set_eligibility(application=application, actor=official, eligible=True)
    criteria = list(competition.criteria.all())
    services.scores_submit(application=application, member_user=official, values={c.pk: 7 for c in criteria})
    assert client.get(f"/api/organisations/applications/{application.pk}").status_code == 404  # not yet public
    services.results_publish(competition=competition, actor=official)
    public = client.get(f"/api/organisations/applications/{application.pk}").json()
    assert public["status"] == "winner" and {s["value"] for s in public["scores"]} == {7}
    line = application.lines.first()
    response = client.post(
        f"/api/organisations/applications/{application.pk}/reports",
        {"kind": "interim", "text": "Проведено 40 консультацій", "spending": [{"line": line.pk, "spent": 1500_00}]},
        content_type="application/json",
        **bearer(head),
    )
    assert response.status_code == 201, response.content
    assert response.json()["spent"] == 1500_00
    assert Report.objects.get().status == "submitted"


def test_a_token_reads_what_its_owner_may_see(
    client: Any, community: Any, head: Any, official: Any, competition: Any
) -> None:
    """Public reads honour a token: the head reads their organisation still waiting for confirmation
    and its application before the results; staff (a staff-scoped token) see the queue's organisation."""
    from tests.organisations.conftest import bearer as scoped_bearer
    from tests.organisations.conftest import register

    pending = register(community, head)
    assert client.get(f"/api/v1/organisations/{pending.pk}").status_code == 404
    mine = client.get(f"/api/v1/organisations/{pending.pk}", **bearer(head))
    assert mine.status_code == 200 and mine.json()["status"] == pending.status
    seen = client.get(f"/api/v1/organisations/{pending.pk}", **scoped_bearer(official, staff=True))
    assert seen.status_code == 200
    confirmed = services.organisation_confirm(organisation=pending, actor=official)
    application = apply(competition, confirmed, head)
    assert client.get(f"/api/v1/organisations/applications/{application.pk}").status_code == 404
    own = client.get(f"/api/v1/organisations/applications/{application.pk}", **bearer(head))
    assert own.status_code == 200 and own.json()["id"] == application.pk
    wrong = client.get(f"/api/v1/organisations/applications/{application.pk}", HTTP_AUTHORIZATION="Bearer uch_x")
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "not_authenticated"
