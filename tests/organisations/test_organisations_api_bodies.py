"""Advisory bodies through the API (issues 15 and 18): public reads of bodies, meetings, decisions
and elections; staff keep the record and organisations' heads vote, with the same services,
permissions, refusal codes and audit as the pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.organisations.conftest import audited, bearer, refusal
from uchast.organisations import bodies

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def council(community: Any, official: Any) -> bodies.AdvisoryBody:
    return bodies.body_create(actor=official, community=community, name="Рада ВПО", kind="idp_council")


def test_staff_create_a_body_and_anyone_reads_it(client: Any, community: Any, official: Any, resident: Any) -> None:
    payload = {"name": "Громадська рада", "kind": "public_council", "description": "При виконкомі"}
    assert refusal(client.post("/api/organisations/bodies", payload, content_type=JSON)) == (401, "not_authenticated")
    assert refusal(client.post("/api/organisations/bodies", payload, content_type=JSON, **bearer(resident))) == (
        403,
        "insufficient_scope",
    )
    bad = client.post("/api/organisations/bodies", {**payload, "kind": "club"}, content_type=JSON,
                      **bearer(official, staff=True))  # fmt: skip
    assert refusal(bad) == (422, "bad_kind")
    response = client.post("/api/organisations/bodies", payload, content_type=JSON, **bearer(official, staff=True))
    assert response.status_code == 201, response.content
    body_id = response.json()["id"]
    assert audited("body.created", official).object_id == str(body_id)
    assert [b["name"] for b in client.get("/api/organisations/bodies").json()] == ["Громадська рада"]
    detail = client.get(f"/api/organisations/bodies/{body_id}").json()
    assert detail["kind"] == "public_council" and detail["members"] == [] and detail["meetings"] == []
    assert refusal(client.get("/api/organisations/bodies/999999")) == (404, "not_found")


def test_meeting_minutes_and_decision_sent(client: Any, council: Any, official: Any) -> None:
    staff = bearer(official, staff=True)
    soon = timezone.now() + timedelta(hours=2)
    meeting = {"starts_at": soon.isoformat(), "place": "Зала 2", "agenda": "1. Житло для ВПО"}
    response = client.post(f"/api/organisations/bodies/{council.pk}/meetings", meeting, content_type=JSON, **staff)
    assert response.status_code == 201, response.content
    meeting_id = response.json()["id"]
    assert audited("body.meeting_scheduled", official).object_id == str(council.pk)
    minutes = {"minutes": "Обговорили житло.", "decisions": ["Просити раду виділити гуртожиток", " "]}
    url = f"/api/organisations/meetings/{meeting_id}/minutes"
    assert refusal(client.post(url, minutes, content_type=JSON, **staff)) == (409, "not_held_yet")
    bodies.Meeting.objects.filter(pk=meeting_id).update(starts_at=timezone.now() - timedelta(hours=1))
    assert refusal(client.post(url, {"minutes": " "}, content_type=JSON, **staff)) == (422, "minutes_required")
    response = client.post(url, minutes, content_type=JSON, **staff)
    assert response.status_code == 200 and response.json()["minutes_published_at"]
    assert [d["text"] for d in response.json()["decisions"]] == ["Просити раду виділити гуртожиток"]
    assert audited("body.minutes_published", official)
    assert refusal(client.post(url, minutes, content_type=JSON, **staff)) == (409, "already_published")

    decision_id = response.json()["decisions"][0]["id"]
    send = f"/api/organisations/decisions/{decision_id}/send"
    assert refusal(client.post(send, **bearer(official))) == (403, "insufficient_scope")
    response = client.post(send, **staff)
    assert response.status_code == 200 and response.json()["sent_to_council_at"]
    assert audited("body.decision_sent", official).summary == {"decision": decision_id}
    assert refusal(client.post(send, **staff)) == (409, "already_sent")
    assert refusal(client.post("/api/organisations/decisions/999999/send", **staff)) == (404, "not_found")

    public = client.get(f"/api/organisations/meetings/{meeting_id}").json()
    assert public["minutes"] == "Обговорили житло." and public["decisions"][0]["sent_to_council_at"]
    decisions = client.get(f"/api/organisations/bodies/{council.pk}/decisions").json()
    assert [d["meeting"] for d in decisions] == [meeting_id]
    assert refusal(client.get("/api/organisations/meetings/999999")) == (404, "not_found")


def test_election_by_organisations(
    client: Any, council: Any, official: Any, organisation: Any, head: Any, resident: Any, commission: list[Any]
) -> None:
    staff = bearer(official, staff=True)
    url = f"/api/organisations/bodies/{council.pk}/elections"
    election = {
        "title": "Вибори до ради ВПО",
        "seats": 1,
        "closes_at": (timezone.now() + timedelta(days=3)).isoformat(),
        "candidates": [commission[1].email, commission[2].email],
    }
    unknown = {**election, "candidates": ["nobody@example.org"]}
    assert refusal(client.post(url, unknown, content_type=JSON, **staff)) == (422, "bad_election")
    assert refusal(client.post(url, {**election, "seats": 3}, content_type=JSON, **staff)) == (422, "bad_election")
    response = client.post(url, election, content_type=JSON, **staff)
    assert response.status_code == 201, response.content
    data = response.json()
    assert audited("body.election_opened", official).object_id == str(council.pk)
    assert [c["votes"] for c in data["candidates"]] == [None, None]  # not known before the count
    first, second = (c["id"] for c in data["candidates"])

    vote = f"/api/organisations/elections/{data['id']}/votes"
    choice = {"organisation": organisation.pk, "candidate": second}
    assert refusal(client.post(vote, choice, content_type=JSON, **bearer(resident))) == (403, "not_delegate")
    assert refusal(client.post(vote, {**choice, "candidate": 999999}, content_type=JSON, **bearer(head))) == (
        422,
        "bad_candidate",
    )
    response = client.post(vote, choice, content_type=JSON, **bearer(head))
    assert response.status_code == 201 and response.json() == {
        "election": data["id"],
        "organisation": organisation.pk,
        "candidate": second,
    }
    assert audited("body.election_vote", head).summary["candidate"] == second
    assert refusal(client.post(vote, {**choice, "candidate": first}, content_type=JSON, **bearer(head))) == (
        409,
        "already_voted",
    )

    count = f"/api/organisations/elections/{data['id']}/count"
    assert refusal(client.post(count, **staff)) == (409, "not_closed")
    bodies.Election.objects.filter(pk=data["id"]).update(closes_at=timezone.now() - timedelta(minutes=1))
    response = client.post(count, **staff)
    assert response.status_code == 200 and response.json()["counted_at"]
    assert {c["id"]: (c["votes"], c["elected"]) for c in response.json()["candidates"]} == {
        first: (0, False),
        second: (1, True),
    }
    assert audited("body.election_counted", official).summary["elected"] == [commission[2].pk]
    bodies.body_member_add(body=council, actor=official, organisation=organisation, role="chair")
    members = client.get(f"/api/organisations/bodies/{council.pk}").json()["members"]
    assert [(m["name"], m["role"], m["organisation"]) for m in members] == [
        (organisation.name, "chair", organisation.pk),
        (commission[2].display_name, "member", None),
    ]
    assert refusal(client.post("/api/organisations/elections/999999/count", **staff)) == (404, "not_found")
