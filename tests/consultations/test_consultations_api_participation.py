"""Taking part in a consultation through the API (issue 18): proposing, supporting, adding a
statement, registering for a meeting — the pages' services and permissions, refused with a code."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from uchast.consultations import services
from uchast.consultations.models import MeetingRegistration, Phase, Proposal, ProposalKind, Statement
from uchast.core.models import AuditEntry

from .conftest import make_consultation
from .test_consultations_api_staff import call, refused, resident_key, staff_key

pytestmark = pytest.mark.django_db


def _meeting(consultation: Any, official: Any, capacity: int = 2) -> Any:
    return services.meeting_create(
        actor=official,
        consultation=consultation,
        title="Зустріч у бібліотеці",
        kind="in_person",
        starts_at=timezone.now() + timedelta(days=2),
        capacity=capacity,
        place="вул. Шкільна, 5",
    )


def test_propose_on_a_section(consultation: Any, official: Any, resident: Any) -> None:
    section = consultation.versions.get().sections.first()
    key = resident_key(resident)
    body = {"body": "Поширити компенсацію на рік.", "proposed_text": "Компенсація оренди протягом року."}
    response = call(f"/sections/{section.pk}/proposals", key, body)
    assert response.status_code == 201, response.content
    assert response.json()["proposed_wording"] == "Компенсація оренди протягом року."
    proposal = Proposal.objects.get(pk=response.json()["id"])
    assert proposal.author == resident and proposal.kind == ProposalKind.WORDING and proposal.section == section
    entry = AuditEntry.objects.get(action="consultations.proposal_created", actor=resident)
    assert entry.object_id == str(proposal.pk) and entry.summary["section"] == section.pk

    assert call(f"/sections/{section.pk}/proposals", None, body).status_code == 401
    same = {"body": "Без змін.", "proposed_text": section.body}
    assert refused(call(f"/sections/{section.pk}/proposals", key, same), 422, "same_wording")
    assert refused(call(f"/sections/{section.pk}/proposals", key, {"body": ""}), 422, "invalid_input")
    assert refused(call("/sections/999999/proposals", key, body), 404, "not_found")
    foreign = {**body, "on_behalf_of": 999999}
    assert refused(call(f"/sections/{section.pk}/proposals", key, foreign), 403, "not_member")
    services.consultation_advance(actor=official, consultation=consultation)  # → analysis
    assert refused(call(f"/sections/{section.pk}/proposals", key, body), 409, "phase")
    assert Proposal.objects.count() == 1


def test_support_a_proposal(consultation: Any, official: Any, resident: Any, voter: Any) -> None:
    section = consultation.versions.get().sections.first()
    proposal = services.proposal_create(author=resident, section=section, body="Додати укриття.")
    response = call(f"/proposals/{proposal.pk}/support", resident_key(voter))
    assert response.status_code == 200
    assert response.json() == {"proposal_id": proposal.pk, "supports": 1, "added": True}
    again = call(f"/proposals/{proposal.pk}/support", resident_key(voter))
    assert again.json() == {"proposal_id": proposal.pk, "supports": 1, "added": False}
    assert refused(call(f"/proposals/{proposal.pk}/support", resident_key(resident)), 422, "own")
    assert call(f"/proposals/{proposal.pk}/support", None).status_code == 401
    assert refused(call("/proposals/999999/support", resident_key(voter)), 404, "not_found")
    services.consultation_advance(actor=official, consultation=consultation)  # → analysis
    assert refused(call(f"/proposals/{proposal.pk}/support", resident_key(official)), 409, "phase")
    proposal.refresh_from_db()
    assert proposal.support_count == 1


def test_add_a_statement(consultation: Any, official: Any, resident: Any, voter: Any) -> None:
    response = call(f"/{consultation.pk}/statements", resident_key(voter), {"text": "Парку потрібне освітлення."})
    assert response.status_code == 201, response.content
    statement = Statement.objects.get(pk=response.json()["id"])
    assert statement.author == voter and statement.text == "Парку потрібне освітлення."
    assert AuditEntry.objects.filter(
        action="consultations.statement_created", actor=voter, object_id=str(statement.pk)
    ).exists()
    duplicate = call(f"/{consultation.pk}/statements", resident_key(voter), {"text": "Парку потрібне освітлення."})
    assert refused(duplicate, 409, "duplicate")
    # Statement voting needs a verified resident; the plain account is told so.
    assert refused(call(f"/{consultation.pk}/statements", resident_key(resident), {"text": "Ні."}), 403, "not_allowed")
    assert refused(
        call(f"/{consultation.pk}/statements", resident_key(voter), {"text": "x" * 281}), 422, "invalid_input"
    )
    # The council seeds statements with a staff token; without the staff scope an official is a resident.
    seeded = call(f"/{consultation.pk}/statements", staff_key(official), {"text": "Міська рада має звітувати."})
    assert seeded.status_code == 201
    assert AuditEntry.objects.filter(action="consultations.statement_created", actor=official).exists()
    plain = call(f"/{consultation.pk}/statements", resident_key(official), {"text": "Ще одна теза ради."})
    assert refused(plain, 403, "not_eligible")
    services.consultation_advance(actor=official, consultation=consultation)  # → analysis
    late = call(f"/{consultation.pk}/statements", resident_key(voter), {"text": "Запізно."})
    assert refused(late, 409, "phase")
    assert Statement.objects.count() == 2


def test_register_for_a_meeting(community: Any, official: Any, resident: Any, voter: Any) -> None:
    consultation = make_consultation(community, official, phase="announced")
    meeting = _meeting(consultation, official, capacity=1)
    response = call(f"/meetings/{meeting.pk}/registration", resident_key(resident))
    assert response.status_code == 201
    assert response.json() == {"meeting_id": meeting.pk, "registered_count": 1, "capacity": 1}
    assert MeetingRegistration.objects.filter(meeting=meeting, user=resident).exists()
    assert refused(call(f"/meetings/{meeting.pk}/registration", resident_key(resident)), 409, "already")
    assert refused(call(f"/meetings/{meeting.pk}/registration", resident_key(voter)), 409, "full")
    assert call(f"/meetings/{meeting.pk}/registration", None).status_code == 401
    assert refused(call("/meetings/999999/registration", resident_key(voter)), 404, "not_found")
    roomy = _meeting(consultation, official, capacity=10)
    for _ in range(2):
        consultation = services.consultation_advance(actor=official, consultation=consultation)
    assert consultation.phase == Phase.ANALYSIS
    assert refused(call(f"/meetings/{roomy.pk}/registration", resident_key(voter)), 409, "closed")
    assert not MeetingRegistration.objects.filter(meeting=roomy).exists()
