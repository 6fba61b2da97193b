"""Officials' consultation work through the API (issue 18): each operation does what its page does,
through the same service, with the same audit entry, and is refused with its code."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from uchast.accounts.services import api_token_create
from uchast.consultations import services
from uchast.consultations.models import Consultation, Meeting, Phase, Proposal, Question, Survey
from uchast.core.files import attachments_for
from uchast.core.models import AuditEntry

from .conftest import make_consultation

pytestmark = pytest.mark.django_db

BASE = "/api/v1/consultations"


def staff_key(user: Any) -> str:
    return api_token_create(user=user, name="test", scopes=("read", "staff"), second_factor_recent=True)[1]


def resident_key(user: Any) -> str:
    return api_token_create(user=user, name="test")[1]


def call(path: str, key: str | None, body: Any = None, method: str = "post") -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    send = getattr(Client(), method)
    return send(BASE + path, json.dumps(body if body is not None else {}), content_type="application/json", **headers)


def refused(response: Any, status: int, code: str) -> bool:
    return response.status_code == status and response.json()["error"]["code"] == code


def audited(action: str, actor: Any, **summary: Any) -> AuditEntry:
    entry = AuditEntry.objects.filter(action=action, actor=actor).latest("sequence")
    assert summary.items() <= entry.summary.items(), entry.summary
    return entry


def new_consultation(**changes: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "title": "Про благоустрій парку Шевченка",
        "summary": "Проєкт рішення про благоустрій парку.",
        "starts_at": (now + timedelta(days=1)).isoformat(),
        "ends_at": (now + timedelta(days=20)).isoformat(),
        "responsible_name": "Андрій Мельник",
        "responsible_contacts": "rada@example.org",
        **changes,
    }


def test_create_consultation(community: Any, official: Any, resident: Any, moderator: Any) -> None:
    response = call("/", staff_key(official), new_consultation(audience="district", audience_district=None))
    assert refused(response, 422, "district")
    response = call("/", staff_key(official), new_consultation())
    assert response.status_code == 201, response.content
    created = Consultation.objects.get(pk=response.json()["id"])
    assert created.phase == Phase.DRAFT and created.title == "Про благоустрій парку Шевченка"
    assert created.created_by == official
    assert audited("consultations.created", official).object_id == str(created.pk)


def test_create_consultation_refusals(community: Any, official: Any, resident: Any, moderator: Any) -> None:
    assert call("/", None, new_consultation()).status_code == 401
    # A moderator does not manage consultations; neither does a resident signed in on the site.
    assert refused(call("/", staff_key(moderator), new_consultation()), 403, "forbidden")
    signed_in = Client()
    signed_in.force_login(resident)
    response = signed_in.post(f"{BASE}/", json.dumps(new_consultation()), content_type="application/json")
    assert refused(response, 403, "forbidden")
    # A token without the staff scope may not act as staff, whoever holds it.
    assert refused(call("/", resident_key(resident), new_consultation()), 403, "insufficient_scope")
    assert refused(call("/", resident_key(official), new_consultation()), 403, "insufficient_scope")
    now = timezone.now()
    backwards = new_consultation(ends_at=(now - timedelta(days=3)).isoformat())
    assert refused(call("/", staff_key(official), backwards), 422, "dates")
    assert refused(
        call("/", staff_key(official), new_consultation(starts_at="1800-01-01T00:00:00")), 422, "invalid_input"
    )
    assert refused(call("/", staff_key(official), new_consultation(audience_district=999999)), 422, "district")
    assert refused(call("/", staff_key(official), new_consultation(title="")), 422, "invalid_input")
    assert not Consultation.objects.exists()


def test_publish_draft_version(community: Any, official: Any, resident: Any, moderator: Any) -> None:
    consultation = make_consultation(community, official, phase="draft")
    text = "# Рішення\n\n## Мета\nОблаштувати парк.\n\n## Кошти\nЗ бюджету громади.\n"
    response = call(f"/{consultation.pk}/draft", staff_key(official), {"text": text, "note": "Додано кошти"})
    assert response.status_code == 201, response.content
    assert response.json() == {"consultation_id": consultation.pk, "number": 2, "note": "Додано кошти", "sections": 2}
    assert [s.heading for s in consultation.versions.get(number=2).sections.all()] == ["Мета", "Кошти"]
    audited("consultations.draft_published", official, version=2, sections=2)
    assert refused(call(f"/{consultation.pk}/draft", staff_key(official), {"text": "  "}), 422, "empty_draft")
    assert refused(call(f"/{consultation.pk}/draft", staff_key(moderator), {"text": text}), 403, "forbidden")
    assert refused(call("/999999/draft", staff_key(official), {"text": text}), 404, "not_found")
    closed = make_consultation(community, official, phase="analysis", title="Закрита")
    assert refused(call(f"/{closed.pk}/draft", staff_key(official), {"text": text}), 409, "phase")


def test_attach_a_file(community: Any, official: Any, resident: Any, moderator: Any) -> None:
    consultation = make_consultation(community, official, phase="draft")

    def attach(key: str, name: str, content: bytes) -> Any:
        upload = SimpleUploadedFile(name, content, content_type="application/pdf")
        return Client().post(
            f"{BASE}/{consultation.pk}/attachments",
            {"title": "Повний текст", "file": upload},
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )

    response = attach(staff_key(official), "proekt.pdf", b"%PDF-1.4\n%test\n")
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "Повний текст" and response.json()["kind"]
    assert [a.title for a in attachments_for(consultation)] == ["Повний текст"]
    audited("consultations.attachment_added", official, title="Повний текст")
    assert refused(attach(staff_key(official), "virus.exe", b"MZ\x90\x00binary"), 422, "bad_file")
    assert refused(attach(staff_key(moderator), "proekt.pdf", b"%PDF-1.4\n%test\n"), 403, "forbidden")
    assert attachments_for(consultation).count() == 1


def test_advance_the_phase(community: Any, official: Any, resident: Any, moderator: Any) -> None:
    consultation = make_consultation(community, official, phase="draft")
    response = call(f"/{consultation.pk}/advance", staff_key(official))
    assert response.status_code == 200 and response.json()["phase"] == Phase.ANNOUNCED
    consultation.refresh_from_db()
    assert consultation.phase == Phase.ANNOUNCED
    audited("consultations.phase_changed", official, to=Phase.ANNOUNCED)
    assert refused(call(f"/{consultation.pk}/advance", staff_key(moderator)), 403, "forbidden")
    analysis = make_consultation(community, official, phase="analysis", title="На аналізі")
    assert refused(call(f"/{analysis.pk}/advance", staff_key(official)), 409, "phase")
    empty = services.consultation_create(
        actor=official,
        community=community,
        title="Без тексту",
        summary="Ще без проєкту.",
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(days=5),
        responsible_name="А. Мельник",
        responsible_contacts="rada@example.org",
    )
    assert refused(call(f"/{empty.pk}/advance", staff_key(official)), 409, "no_draft")
    empty.refresh_from_db()
    assert empty.phase == Phase.DRAFT


def test_answer_proposals_and_publish_the_report(community: Any, official: Any, resident: Any, moderator: Any) -> None:
    consultation = make_consultation(community, official)
    section = consultation.versions.get().sections.first()
    proposal = services.proposal_create(author=resident, section=section, body="Додати лавки вздовж алей.")
    key = staff_key(official)
    early = call(f"/{consultation.pk}/report", key, {"summary": "Підсумок."})
    assert refused(early, 409, "phase")
    answer = {"status": "accepted", "reason": "Лавки додано до проєкту."}
    assert refused(call(f"/proposals/{proposal.pk}/answer", staff_key(moderator), answer), 403, "forbidden")
    assert refused(call(f"/proposals/{proposal.pk}/answer", key, {**answer, "status": "maybe"}), 422, "invalid_input")
    assert refused(call("/proposals/999999/answer", key, answer), 404, "not_found")
    services.consultation_advance(actor=official, consultation=consultation)  # → analysis
    assert refused(call(f"/{consultation.pk}/report", key, {"summary": "Підсумок."}), 409, "unanswered")

    response = call(f"/proposals/{proposal.pk}/answer", key, answer)
    assert response.status_code == 200 and response.json()["answer"] == "accepted"
    proposal.refresh_from_db()
    assert proposal.answer_status == "accepted" and proposal.answered_by == official
    audited("consultations.proposal_answered", official, status="accepted")

    assert refused(call(f"/{consultation.pk}/report", key, {"summary": ""}), 422, "invalid_input")
    response = call(f"/{consultation.pk}/report", key, {"summary": "Усі пропозиції розглянуто."})
    assert response.status_code == 200 and response.json()["phase"] == Phase.REPORTED
    consultation.refresh_from_db()
    assert consultation.report_summary == "Усі пропозиції розглянуто." and consultation.report_published_at
    audited("consultations.report_published", official)
    # Once reported, the answers are final.
    assert refused(call(f"/proposals/{proposal.pk}/answer", key, answer), 409, "phase")


def test_prepare_a_survey(community: Any, official: Any, resident: Any, moderator: Any) -> None:
    consultation = make_consultation(community, official, phase="announced")
    key = staff_key(official)
    response = call(f"/{consultation.pk}/surveys", key, {"title": "Що додати в парк?", "binding": True})
    assert response.status_code == 201, response.content
    survey = Survey.objects.get(pk=response.json()["id"])
    assert survey.binding and survey.consultation == consultation
    audited("consultations.survey_created", official, survey=survey.pk, binding=True)

    response = call(f"/surveys/{survey.pk}/binding", key, {"binding": False}, method="put")
    assert response.status_code == 200 and response.json()["binding"] is False
    audited("consultations.survey_binding_changed", official, survey=survey.pk, binding=False)

    question = {"kind": "single", "text": "Що важливіше?", "options": ["Лавки", "Освітлення"]}
    response = call(f"/surveys/{survey.pk}/questions", key, question)
    assert response.status_code == 201 and response.json()["options"] == ["Лавки", "Освітлення"]
    assert Question.objects.get(survey=survey).position == 1
    audited("consultations.question_added", official, survey=survey.pk, kind="single")
    assert refused(call(f"/surveys/{survey.pk}/questions", key, {**question, "options": ["Одна"]}), 422, "options")
    assert refused(call(f"/surveys/{survey.pk}/questions", key, {**question, "kind": "essay"}), 422, "invalid_input")
    assert refused(call(f"/surveys/{survey.pk}/questions", staff_key(moderator), question), 403, "forbidden")

    services.consultation_advance(actor=official, consultation=consultation)  # → open: binding is frozen
    frozen = call(f"/surveys/{survey.pk}/binding", key, {"binding": True}, method="put")
    assert refused(frozen, 409, "binding_frozen")
    late = call(f"/{consultation.pk}/surveys", key, {"title": "Пізно", "binding": True})
    assert refused(late, 409, "binding_frozen")
    assert refused(call(f"/{consultation.pk}/surveys", staff_key(moderator), {"title": "Моє"}), 403, "forbidden")
    assert Survey.objects.count() == 1


def test_plan_a_meeting_and_record_its_minutes(community: Any, official: Any, resident: Any, moderator: Any) -> None:
    consultation = make_consultation(community, official)
    key = staff_key(official)
    starts = (timezone.now() + timedelta(days=3)).isoformat()
    meeting_in = {"title": "Зустріч у парку", "kind": "in_person", "starts_at": starts, "capacity": 30}
    assert refused(call(f"/{consultation.pk}/meetings", key, meeting_in), 422, "place")
    assert refused(call(f"/{consultation.pk}/meetings", key, {**meeting_in, "capacity": 0}), 422, "invalid_input")
    response = call(f"/{consultation.pk}/meetings", key, {**meeting_in, "place": "вул. Паркова, 1"})
    assert response.status_code == 201, response.content
    meeting = Meeting.objects.get(pk=response.json()["id"])
    assert meeting.place == "вул. Паркова, 1" and meeting.capacity == 30
    audited("consultations.meeting_planned", official, kind="in_person", capacity=30)
    assert refused(call(f"/{consultation.pk}/meetings", staff_key(moderator), meeting_in), 403, "forbidden")

    minutes = {
        "minutes": "Обговорили проєкт.",
        "attended": 12,
        "proposals": [{"raised_by": "Мешканка з вул. Паркової", "text": "Додати дитячий майданчик."}],
    }
    response = call(f"/meetings/{meeting.pk}/minutes", key, minutes)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["meeting"]["attended_count"] == 12 and body["meeting"]["minutes"] == "Обговорили проєкт."
    assert [p["text"] for p in body["proposals"]] == ["Додати дитячий майданчик."]
    assert Proposal.objects.get(meeting=meeting).author_label == "Мешканка з вул. Паркової"
    audited("consultations.minutes_recorded", official, attended=12, proposals=1)
    assert refused(call(f"/meetings/{meeting.pk}/minutes", key, {**minutes, "attended": -1}), 422, "invalid_input")
    assert refused(call(f"/meetings/{meeting.pk}/minutes", staff_key(moderator), minutes), 403, "forbidden")
    assert refused(call("/meetings/999999/minutes", key, minutes), 404, "not_found")
