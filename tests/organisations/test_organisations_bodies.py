from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from tests.organisations.conftest import register
from uchast.core.errors import ActionRefused
from uchast.organisations import bodies
from uchast.testing.factories import sign_in_reauthenticated

pytestmark = pytest.mark.django_db


def test_body_members_meetings_minutes_and_decisions_through_the_urls(
    client: Any, community: Any, official: Any, organisation: Any, resident: Any
) -> None:
    sign_in_reauthenticated(client, official)
    client.post(reverse("organisations:body_new"), {"name": "Рада з питань ВПО", "kind": "idp_council"})
    body = bodies.AdvisoryBody.objects.get()
    bodies.body_member_add(body=body, actor=official, organisation=organisation, role="chair")
    bodies.body_member_add(body=body, actor=official, user=resident, role="member")
    past = timezone.localtime() - timedelta(days=1)
    client.post(
        reverse("organisations:meeting_new", args=[body.pk]),
        {"starts_at": past.strftime("%Y-%m-%dT%H:%M"), "place": "Дніпро, вул. Європейська, 8", "agenda": "1. Житло"},
    )
    meeting = bodies.Meeting.objects.get()
    client.post(
        reverse("organisations:minutes", args=[meeting.pk]),
        {"minutes": "Присутні 7 членів.", "decisions": "Звернутися до ради щодо житла\n\nПровести опитування"},
    )
    meeting.refresh_from_db()
    assert meeting.minutes_published_at is not None and meeting.decisions.count() == 2
    decision = meeting.decisions.first()
    client.post(reverse("organisations:decision_send", args=[decision.pk]))
    decision.refresh_from_db()
    assert decision.sent_to_council_at is not None
    client.logout()
    page = client.get(body.get_absolute_url()).content.decode()
    assert organisation.name in page and resident.display_name in page
    assert "Звернутися до ради щодо житла" in client.get(meeting.get_absolute_url()).content.decode()


def test_refusals(community: Any, official: Any, head: Any, resident: Any) -> None:
    body = bodies.body_create(actor=official, community=community, name="Молодіжна рада", kind="youth_council")
    pending = register(community, head)
    with pytest.raises(ActionRefused) as error:
        bodies.body_member_add(body=body, actor=official, organisation=pending, role="member")
    assert error.value.code == "not_confirmed"
    with pytest.raises(ActionRefused) as error:
        bodies.body_member_add(body=body, actor=official, role="member")
    assert error.value.code == "bad_member"
    bodies.body_member_add(body=body, actor=official, user=resident, role="member")
    with pytest.raises(ActionRefused) as error:
        bodies.body_member_add(body=body, actor=official, user=resident, role="member")
    assert error.value.code == "already_member"
    future = bodies.meeting_schedule(
        body=body, actor=official, starts_at=timezone.now() + timedelta(days=3), place="Онлайн", agenda="Порядок"
    )
    with pytest.raises(ActionRefused) as error:
        bodies.minutes_publish(meeting=future, actor=official, minutes="Протокол", decisions=[])
    assert error.value.code == "not_held_yet"


def test_a_seat_is_a_person_or_an_organisation_in_the_database(
    community: Any, official: Any, organisation: Any, resident: Any
) -> None:
    body = bodies.body_create(actor=official, community=community, name="Громадська рада", kind="public_council")
    with pytest.raises(IntegrityError):
        bodies.BodyMember.objects.create(body=body, user=resident, organisation=organisation)


def test_staff_only(client: Any, resident: Any) -> None:
    client.force_login(resident)
    assert client.post(reverse("organisations:body_new"), {"name": "x", "kind": "idp_council"}).status_code == 403


def test_election_by_organisations_through_the_urls(
    client: Any, community: Any, official: Any, organisation: Any, head: Any, resident: Any
) -> None:
    from uchast.testing.factories import make_user, make_verified_resident

    body = bodies.body_create(actor=official, community=community, name="Громадська рада", kind="public_council")
    candidates = [resident, make_user(email="cand2@example.org", full_name="Марко Левченко")]
    sign_in_reauthenticated(client, official)
    closes = (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        reverse("organisations:election_new", args=[body.pk]),
        {
            "title": "Вибори до громадської ради",
            "seats": "1",
            "closes_at": closes,
            "candidates": "\n".join(c.email for c in candidates),
        },
    )
    election = bodies.Election.objects.get()
    first, second = election.candidates.all()
    other_head = make_verified_resident(community, email="head2@example.org")
    other = register(community, other_head, name="БО «Світанок»", edrpou="14360570")
    from uchast.organisations import services

    other = services.organisation_confirm(organisation=other, actor=official)
    client.force_login(head)
    page = client.get(body.get_absolute_url()).content.decode()
    assert "Вибори до громадської ради" in page
    vote_url = reverse("organisations:election_vote", args=[election.pk])
    client.post(vote_url, {"organisation": organisation.pk, "candidate": second.pk})
    client.post(vote_url, {"organisation": organisation.pk, "candidate": first.pk})  # a second vote: refused
    client.post(vote_url, {"organisation": other.pk, "candidate": first.pk})  # not its head: refused
    assert bodies.ElectionVote.objects.count() == 1
    with pytest.raises(ActionRefused) as error:
        bodies.election_vote(election=election, delegate=head, organisation=organisation, candidate=first)
    assert error.value.code == "already_voted"
    with pytest.raises(ActionRefused) as error:
        bodies.election_vote(election=election, delegate=head, organisation=other, candidate=first)
    assert error.value.code == "not_delegate"
    bodies.election_vote(election=election, delegate=other_head, organisation=other, candidate=second)
    bodies.Election.objects.filter(pk=election.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    sign_in_reauthenticated(client, official)
    client.post(reverse("organisations:election_count", args=[election.pk]))
    second.refresh_from_db()
    assert second.elected and second.votes == 2
    assert body.members.filter(user=second.user).exists()
