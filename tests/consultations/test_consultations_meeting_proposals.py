"""Meetings co-organised by an organisation (issue 15 item 2): a member proposes one on behalf of a
confirmed organisation, staff accept it (a public meeting, open for registration) or decline it with
a reason the proposer is told; staff may name a co-organiser themselves. Services, pages and API."""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.organisations.conftest import confirmed_in_bulk, register
from uchast.consultations import selectors, services
from uchast.consultations.models import Meeting, MeetingProposal, MeetingProposalStatus
from uchast.core.errors import ActionRefused
from uchast.core.models import AuditEntry, Notification
from uchast.organisations import activity
from uchast.organisations import services as org_services
from uchast.organisations.models import Organisation, OrganisationStatus
from uchast.testing.factories import make_verified_resident
from uchast.testing.pages import assert_reads_none

from .conftest import make_consultation
from .test_consultations_api_staff import BASE, audited, call, refused, resident_key, staff_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(community: Any) -> Any:
    return make_verified_resident(community, email="olena.koval@example.org", full_name="Олена Коваль")


@pytest.fixture
def organisation(community: Any, member: Any, official: Any) -> Any:
    return org_services.organisation_confirm(organisation=register(community, member), actor=official)


def plan(**changes: Any) -> dict[str, Any]:
    return {
        "title": "Зустріч переселенців у Запоріжжі",
        "kind": "in_person",
        "starts_at": timezone.now() + timedelta(days=3),
        "capacity": 2,
        "place": "м. Запоріжжя, вул. Вигадана, 7",
        "agenda": "Житло й робота.",
        **changes,
    }


def propose(member: Any, consultation: Any, organisation: Any, **changes: Any) -> MeetingProposal:
    return services.meeting_propose(
        proposer=member, consultation=consultation, organisation=organisation.pk, **plan(**changes)
    )


def refusal(fn: Any) -> ActionRefused:
    with pytest.raises(ActionRefused) as error:
        fn()
    return error.value


# --- Services ------------------------------------------------------------------------------------


def test_proposed_meeting_is_not_public_until_accepted(
    consultation: Any, member: Any, organisation: Any, official: Any
) -> None:
    proposal = propose(member, consultation, organisation)
    assert proposal.status == MeetingProposalStatus.PENDING
    assert not Meeting.objects.exists()  # a Meeting is always public: nothing to filter out
    audited("consultations.meeting_proposed", member, organisation=organisation.pk, kind="in_person")

    meeting = services.meeting_proposal_accept(actor=official, proposal=proposal)
    assert (meeting.co_organiser, meeting.proposed_by) == (organisation, member)
    assert (meeting.title, meeting.place, meeting.capacity) == ("Зустріч переселенців у Запоріжжі", plan()["place"], 2)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.meeting, proposal.decided_by) == ("accepted", meeting, official)
    audited("consultations.meeting_proposal_accepted", official, proposal=proposal.pk, co_organiser=organisation.pk)
    told = Notification.objects.filter(user=member).latest("pk")
    assert "Зустріч переселенців у Запоріжжі" in told.subject and told.url.endswith(meeting.get_absolute_url())

    resident = make_verified_resident(consultation.community, email="visitor@example.org")
    services.meeting_register(user=resident, meeting=meeting)  # registrable like any meeting
    assert Meeting.objects.get(pk=meeting.pk).registered_count == 1
    assert (
        refusal(lambda: services.meeting_proposal_accept(actor=official, proposal=proposal)).code == "already_decided"
    )
    assert Meeting.objects.count() == 1


def test_decline_tells_the_proposer_the_reason(
    consultation: Any, member: Any, organisation: Any, official: Any
) -> None:
    proposal = propose(member, consultation, organisation)
    assert (
        refusal(lambda: services.meeting_proposal_decline(actor=official, proposal=proposal, reason=" ")).code
        == "empty"
    )
    services.meeting_proposal_decline(actor=official, proposal=proposal, reason="Цього дня в хабі інший захід.")
    assert (proposal.status, proposal.decline_reason) == ("declined", "Цього дня в хабі інший захід.")
    told = Notification.objects.filter(user=member).latest("pk")
    assert "Цього дня в хабі інший захід." in told.body
    assert not Meeting.objects.exists()
    audited("consultations.meeting_proposal_declined", official, organisation=organisation.pk)
    again = refusal(lambda: services.meeting_proposal_accept(actor=official, proposal=proposal))
    assert (again.code, again.status) == ("already_decided", 409)


def test_propose_refusals_say_which_rule(
    community: Any, consultation: Any, member: Any, organisation: Any, official: Any
) -> None:
    outsider = make_verified_resident(community, email="outsider@example.org")
    assert refusal(lambda: propose(outsider, consultation, organisation)).code == "not_member"

    unconfirmed = register(community, member, name="ГО «Нова»", edrpou="00032129")
    not_yet = refusal(lambda: propose(member, consultation, unconfirmed))
    assert (not_yet.code, not_yet.status) == ("not_confirmed", 403)

    closed = make_consultation(community, official, phase="analysis", title="Закрита")
    shut = refusal(lambda: propose(member, closed, organisation))
    assert (shut.code, shut.status) == ("consultation_closed", 409)

    community.statute = {**(community.statute or {}), "organisations_act_on_behalf": False}
    community.save()
    consultation.refresh_from_db()
    statute = refusal(lambda: propose(member, consultation, organisation))
    assert (statute.code, statute.status) == ("not_allowed_by_statute", 403)
    assert not MeetingProposal.objects.exists()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"place": ""}, "place"),
        ({"kind": "online", "place": ""}, "link"),
        ({"kind": "online", "link": "ftp://meet.example.org"}, "link"),
        ({"capacity": 0}, "capacity"),
        ({"starts_at": timezone.now() - timedelta(hours=1)}, "past"),
        ({"starts_at": timezone.now() + timedelta(days=30)}, "dates"),
        ({"title": " "}, "empty"),
    ],
)
def test_a_proposed_meeting_is_validated_as_a_planned_one(
    consultation: Any, member: Any, organisation: Any, official: Any, changes: dict[str, Any], code: str
) -> None:
    assert refusal(lambda: propose(member, consultation, organisation, **changes)).code == code
    staff = refusal(lambda: services.meeting_create(actor=official, consultation=consultation, **plan(**changes)))
    assert staff.code == code


def test_staff_name_a_confirmed_co_organiser(
    community: Any, consultation: Any, member: Any, organisation: Any, official: Any
) -> None:
    meeting = services.meeting_create(actor=official, consultation=consultation, co_organiser=organisation.pk, **plan())
    assert meeting.co_organiser == organisation and meeting.proposed_by is None
    audited("consultations.meeting_planned", official, co_organiser=organisation.pk)
    pending = register(community, member, name="ГО «Нова»", edrpou="00032129")
    assert (
        refusal(
            lambda: services.meeting_create(
                actor=official, consultation=consultation, co_organiser=pending.pk, **plan()
            )
        ).code
        == "co_organiser"
    )


def test_accept_checks_again_when_the_consultation_closed(
    consultation: Any, member: Any, organisation: Any, official: Any
) -> None:
    proposal = propose(member, consultation, organisation)
    services.consultation_advance(actor=official, consultation=consultation)  # open → analysis
    assert (
        refusal(lambda: services.meeting_proposal_accept(actor=official, proposal=proposal)).code
        == "consultation_closed"
    )
    services.meeting_proposal_decline(actor=official, proposal=proposal, reason="Консультацію завершено.")


def test_accept_checks_again_that_the_organisation_is_confirmed(
    consultation: Any, member: Any, organisation: Any, official: Any
) -> None:
    proposal = propose(member, consultation, organisation)
    Organisation.objects.filter(pk=organisation.pk).update(status=OrganisationStatus.REFUSED)
    accept = refusal(lambda: services.meeting_proposal_accept(actor=official, proposal=proposal))
    assert (accept.code, accept.status) == ("co_organiser", 422)
    assert not Meeting.objects.exists() and MeetingProposal.objects.get().status == "pending"


def test_the_organisation_profile_lists_its_meetings(
    consultation: Any, member: Any, organisation: Any, official: Any
) -> None:
    meeting = services.meeting_proposal_accept(actor=official, proposal=propose(member, consultation, organisation))
    propose(member, consultation, organisation, title="Ще не вирішено")
    items = activity.activity_of(organisation)
    assert [i.url for i in items if i.url == meeting.get_absolute_url()]
    assert not [i for i in items if "Ще не вирішено" in i.title]
    page = Client().get(organisation.get_absolute_url()).content.decode()
    assert meeting.get_absolute_url() in page


# --- Pages ---------------------------------------------------------------------------------------


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_propose_accept_and_see_it_public_through_the_pages(
    consultation: Any, member: Any, organisation: Any, official: Any, resident: Any
) -> None:
    proposer = Client()
    proposer.force_login(member)
    detail = f"/consultations/{consultation.pk}/"
    assert f"/consultations/{consultation.pk}/meetings/propose/" in proposer.get(detail).content.decode()
    form = proposer.get(f"{detail}meetings/propose/").content.decode()
    assert organisation.name in form
    data = {**plan(), "starts_at": _local(plan()["starts_at"]), "organisation": organisation.pk}
    response = proposer.post(f"{detail}meetings/propose/", data)
    assert response.status_code == 302, response.content.decode()
    proposal = MeetingProposal.objects.get()
    assert proposal.organisation == organisation

    visitor = Client()
    assert plan()["title"] not in visitor.get(detail).content.decode()  # not public yet
    assert visitor.get(f"/consultations/{consultation.pk}/meeting-proposals/").status_code == 302  # sign in
    other = Client()
    other.force_login(resident)
    assert plan()["title"] not in other.get(f"/consultations/{consultation.pk}/meeting-proposals/").content.decode()
    assert other.post(f"/consultations/meeting-proposals/{proposal.pk}/accept/").status_code == 403
    assert proposer.post(f"/consultations/meeting-proposals/{proposal.pk}/accept/").status_code == 403

    staff = Client()
    staff.force_login(official)
    queue = staff.get(f"/consultations/{consultation.pk}/meeting-proposals/").content.decode()
    assert "Олена Коваль від імені ГО «Зорянські переселенці»" in queue
    assert staff.post(f"/consultations/meeting-proposals/{proposal.pk}/accept/").status_code == 302
    meeting = Meeting.objects.get()

    listing = visitor.get(detail).content.decode()
    assert plan()["title"] in listing and "організатори: рада та" in listing
    page = visitor.get(meeting.get_absolute_url()).content.decode()
    assert f'<a href="{organisation.get_absolute_url()}">ГО «Зорянські переселенці»</a>' in page
    assert "Олена Коваль від імені ГО «Зорянські переселенці»" in page
    other.post(f"/consultations/meetings/{meeting.pk}/register/")
    assert Meeting.objects.get(pk=meeting.pk).registered_count == 1


def test_decline_through_the_page_needs_a_reason(
    consultation: Any, member: Any, organisation: Any, official: Any
) -> None:
    proposal = propose(member, consultation, organisation)
    staff = Client()
    staff.force_login(official)
    staff.post(f"/consultations/meeting-proposals/{proposal.pk}/decline/", {"reason": ""})
    assert MeetingProposal.objects.get().status == "pending"
    staff.post(f"/consultations/meeting-proposals/{proposal.pk}/decline/", {"reason": "Немає вільної зали."})
    assert MeetingProposal.objects.get().status == "declined"
    proposer = Client()
    proposer.force_login(member)
    mine = proposer.get(f"/consultations/{consultation.pk}/meeting-proposals/").content.decode()
    assert "Немає вільної зали." in mine


def test_staff_form_names_a_co_organiser(consultation: Any, organisation: Any, official: Any) -> None:
    """By the organisation's EDRPOU code or exact name (a city's registry is too long for a list);
    one nobody holds is the field's error, the form shown again with what was typed."""
    staff = Client()
    staff.force_login(official)
    url = f"/consultations/{consultation.pk}/meetings/new/"
    assert '<input type="text" name="co_organiser"' in staff.get(url).content.decode()
    data = {**plan(), "starts_at": _local(plan()["starts_at"])}
    unknown = staff.post(url, {**data, "co_organiser": "ГО «Невідома»"})
    assert unknown.status_code == 400 and not Meeting.objects.exists()
    errors = unknown.context["form"].errors.as_data()["co_organiser"]
    assert [e.code for e in errors] == ["organisation_not_found"]
    html = unknown.content.decode()
    assert 'value="ГО «Невідома»"' in html and f'value="{plan()["title"]}"' in html  # nothing typed is lost
    assert staff.post(url, {**data, "co_organiser": organisation.edrpou}).status_code == 302
    assert Meeting.objects.get().co_organiser == organisation
    assert staff.post(url, {**data, "co_organiser": organisation.name}).status_code == 302
    assert staff.post(url, data).status_code == 302  # the council alone
    assert [m.co_organiser for m in Meeting.objects.order_by("pk")] == [organisation, organisation, None]


def test_staff_form_reads_no_organisation_whatever_the_size_of_the_registry(
    community: Any, consultation: Any, official: Any
) -> None:
    staff = Client()
    staff.force_login(official)
    url = f"/consultations/{consultation.pk}/meetings/new/"
    response = assert_reads_none(staff, url, Organisation, grow=functools.partial(confirmed_in_bulk, community))
    assert "ГО 000" not in response.content.decode()


# --- API -----------------------------------------------------------------------------------------


def read(path: str, key: str) -> Any:
    response = Client().get(BASE + path, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200, response.content
    return response.json()


def _payload(organisation: Any, **changes: Any) -> dict[str, Any]:
    body = {**plan(**changes), "organisation": organisation.pk}
    body["starts_at"] = body["starts_at"].isoformat()
    return body


def test_propose_accept_and_decline_through_the_api(
    consultation: Any, member: Any, organisation: Any, official: Any, resident: Any, moderator: Any
) -> None:
    key = resident_key(member)
    url = f"/{consultation.pk}/meeting-proposals"
    assert refused(call(url, resident_key(resident), _payload(organisation)), 403, "not_member")
    assert refused(call(url, key, _payload(organisation, place="")), 422, "place")
    created = call(url, key, _payload(organisation))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "pending" and body["organisation"]["name"] == organisation.name
    assert body["proposed_by"] == "Олена Коваль" and body["meeting_id"] is None

    listed = read(url, key)
    assert [p["id"] for p in listed] == [body["id"]]
    assert read(url, resident_key(resident)) == []

    accept = f"/meeting-proposals/{body['id']}/accept"
    assert refused(call(accept, key), 403, "insufficient_scope")
    assert refused(call(accept, staff_key(moderator)), 403, "forbidden")
    accepted = call(accept, staff_key(official))
    assert accepted.status_code == 200, accepted.content
    meeting = accepted.json()
    assert meeting["co_organiser"] == {"id": organisation.pk, "name": organisation.name}
    assert meeting["proposed_by"] == "Олена Коваль"
    assert refused(call(accept, staff_key(official)), 409, "already_decided")
    registered = call(f"/meetings/{meeting['id']}/registration", resident_key(resident))
    assert registered.status_code == 201

    second = call(url, key, _payload(organisation, title="Друга зустріч")).json()
    decline = f"/meeting-proposals/{second['id']}/decline"
    assert refused(call(decline, staff_key(official), {"reason": ""}), 422, "invalid_input")
    declined = call(decline, staff_key(official), {"reason": "Зала зайнята."})
    assert declined.status_code == 200 and declined.json()["decline_reason"] == "Зала зайнята."
    assert "Зала зайнята." in Notification.objects.filter(user=member).latest("pk").body

    services.consultation_advance(actor=official, consultation=consultation)
    assert refused(call(url, key, _payload(organisation)), 409, "consultation_closed")
    assert refused(call("/999999/meeting-proposals", key, _payload(organisation)), 404, "not_found")


def test_staff_name_a_co_organiser_through_the_api(consultation: Any, organisation: Any, official: Any) -> None:
    body = {**plan(), "starts_at": plan()["starts_at"].isoformat(), "co_organiser": organisation.pk}
    created = call(f"/{consultation.pk}/meetings", staff_key(official), body)
    assert created.status_code == 201, created.content
    assert created.json()["co_organiser"]["id"] == organisation.pk and created.json()["proposed_by"] is None
    assert AuditEntry.objects.filter(action="consultations.meeting_planned").exists()


def test_meeting_lists_do_not_repeat_queries_per_co_organiser(
    consultation: Any, organisation: Any, official: Any, django_assert_num_queries: Any
) -> None:
    for n in range(3):
        services.meeting_create(
            actor=official, consultation=consultation, co_organiser=organisation.pk, **plan(title=f"Зустріч {n}")
        )
    with django_assert_num_queries(1):  # joined, not fetched one by one
        assert [m.co_organiser.name for m in selectors.meetings_of(consultation)] == [organisation.name] * 3
