"""The registry through the API (issues 15 and 18): registering, staff decisions, invitations, with
the same services, permissions and audit as the pages."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.organisations.conftest import audited, bearer, refusal, register
from uchast.organisations import services
from uchast.organisations.models import Invitation, Membership, Organisation

pytestmark = pytest.mark.django_db

JSON = "application/json"


def body(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "ГО «Зорянські переселенці»",
        "edrpou": "43005393",
        "legal_form": "public_organisation",
        "registered_on": "2019-03-01",
        "areas": "допомога ВПО",
        "works_with_idps": True,
        "email": "info@zoriansk-idp.org.ua",
        "website": "https://zoriansk-idp.org.ua",
        **overrides,
    }


def test_a_verified_resident_registers_and_becomes_head(client: Any, community: Any, head: Any) -> None:
    district = community.districts.get(code="center")
    response = client.post("/api/organisations/", body(districts=[district.pk]), content_type=JSON, **bearer(head))
    assert response.status_code == 201, response.content
    organisation = Organisation.objects.get(pk=response.json()["id"])
    assert organisation.status == "pending" and list(organisation.districts.all()) == [district]
    assert Membership.objects.get(organisation=organisation).user == head
    assert audited("organisation.registered", head).object_id == str(organisation.pk)


def test_registering_is_refused_with_the_pages_codes(client: Any, community: Any, head: Any, resident: Any) -> None:
    url = "/api/organisations/"
    assert refusal(client.post(url, body(), content_type=JSON)) == (401, "not_authenticated")
    assert refusal(client.post(url, body(edrpou="43005394"), content_type=JSON, **bearer(head))) == (422, "bad_edrpou")
    assert refusal(client.post(url, body(districts=[999999]), content_type=JSON, **bearer(head))) == (
        422,
        "bad_district",
    )
    assert client.post(url, body(), content_type=JSON, **bearer(head)).status_code == 201
    assert refusal(client.post(url, body(), content_type=JSON, **bearer(head))) == (409, "edrpou_taken")
    # Not verified: the same eligibility refusal as the page.
    status, code = refusal(client.post(url, body(edrpou="00032129"), content_type=JSON, **bearer(resident)))
    assert status == 403 and code == "not_eligible"
    assert Organisation.objects.count() == 1


def test_staff_confirm_and_refuse(client: Any, community: Any, head: Any, official: Any) -> None:
    first = register(community, head)
    second = register(community, head, edrpou="00032129", name="БФ «Світанок»")
    # The registrations' contacts are a staff read: a token needs the staff scope, and gets pages.
    assert refusal(client.get("/api/organisations/pending", **bearer(official))) == (403, "insufficient_scope")
    pending = client.get("/api/organisations/pending", **bearer(official, staff=True)).json()
    assert {o["id"] for o in pending} == {first.pk, second.pk}
    one = client.get("/api/organisations/pending?limit=1", **bearer(official, staff=True)).json()
    after = client.get("/api/organisations/pending?limit=1&offset=1", **bearer(official, staff=True)).json()
    assert [o["id"] for o in one + after] == [first.pk, second.pk]
    response = client.post(f"/api/organisations/{first.pk}/confirm", **bearer(official, staff=True))
    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    assert audited("organisation.confirmed", official).object_id == str(first.pk)
    response = client.post(
        f"/api/organisations/{second.pk}/refuse",
        {"reason": "Статут не подано"},
        content_type=JSON,
        **bearer(official, staff=True),
    )
    assert response.status_code == 200 and response.json()["status"] == "refused"
    assert Organisation.objects.get(pk=second.pk).refusal_reason == "Статут не подано"
    assert audited("organisation.refused", official).summary == {"reason": "Статут не подано"}


def test_decisions_are_refused_with_their_codes(
    client: Any, community: Any, head: Any, official: Any, resident: Any, moderator: Any
) -> None:
    organisation = register(community, head)
    url = f"/api/organisations/{organisation.pk}/confirm"
    assert refusal(client.post(url)) == (401, "not_authenticated")
    assert refusal(client.post(url, **bearer(official))) == (403, "insufficient_scope")  # no staff scope
    assert refusal(client.post(url, **bearer(resident))) == (403, "insufficient_scope")
    assert refusal(client.post(url, **bearer(moderator, staff=True))) == (403, "forbidden")  # staff, not this role
    assert refusal(client.get("/api/organisations/pending", **bearer(resident))) == (403, "forbidden")
    staff = bearer(official, staff=True)
    assert refusal(client.post("/api/organisations/999999/confirm", **staff)) == (404, "not_found")
    refuse = f"/api/organisations/{organisation.pk}/refuse"
    assert refusal(client.post(refuse, {"reason": " "}, content_type=JSON, **staff)) == (422, "reason_required")
    assert client.post(url, **staff).status_code == 200
    assert refusal(client.post(url, **staff)) == (409, "already_decided")


def test_head_invites_and_the_invited_accepts(
    client: Any, organisation: Any, head: Any, resident: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/organisations/{organisation.pk}/invitations",
            {"email": resident.email, "role": "member"},
            content_type=JSON,
            **bearer(head),
        )
    assert response.status_code == 201, response.content
    assert "token" not in response.json()  # the link goes to the invited address only
    assert Invitation.objects.get().email == resident.email
    assert audited("organisation.invited", head).object_id == str(organisation.pk)
    mail = smtp_server.body(smtp_server.wait_for(resident.email)[0])
    token = re.search(r"/organisations/invitations/([^/\s]+)/", mail).group(1)  # type: ignore[union-attr]
    accept = "/api/organisations/invitations/accept"
    response = client.post(accept, {"token": token}, content_type=JSON, **bearer(resident))
    assert response.status_code == 200 and response.json()["id"] == organisation.pk
    assert Membership.objects.filter(organisation=organisation, user=resident, role="member").exists()
    assert audited("organisation.member_joined", resident).object_id == str(organisation.pk)
    members = client.get(f"/api/organisations/{organisation.pk}/members").json()
    assert {m["name"] for m in members} == {head.display_name, resident.display_name}
    assert refusal(client.post(accept, {"token": token}, content_type=JSON, **bearer(resident))) == (409, "used_token")


def test_invitations_are_refused_with_their_codes(
    client: Any, community: Any, organisation: Any, head: Any, resident: Any
) -> None:
    url = f"/api/organisations/{organisation.pk}/invitations"
    invite = {"email": "new@example.org", "role": "member"}
    assert refusal(client.post(url, invite, content_type=JSON, **bearer(resident))) == (403, "forbidden")  # not head
    assert refusal(client.post(url, {**invite, "role": "boss"}, content_type=JSON, **bearer(head))) == (422, "bad_role")
    pending = register(community, head, edrpou="00032129", name="БФ «Світанок»")
    assert refusal(
        client.post(f"/api/organisations/{pending.pk}/invitations", invite, content_type=JSON, **bearer(head))
    ) == (403, "forbidden")  # not confirmed yet
    accept = "/api/organisations/invitations/accept"
    assert refusal(client.post(accept, {"token": "nothing"}, content_type=JSON, **bearer(resident))) == (
        404,
        "invalid_token",
    )
    _invitation, token = services.invitation_send(
        organisation=organisation, actor=head, email="x@example.org", role="member"
    )
    # Sent to another address: the same refusal as the page.
    assert refusal(client.post(accept, {"token": token}, content_type=JSON, **bearer(resident))) == (
        422,
        "wrong_account",
    )
    assert not Invitation.objects.filter(organisation=pending).exists()
