from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from uchast.consultations import services
from uchast.consultations.models import Proposal, QuestionKind, StatementVote, SurveyResponse
from uchast.testing.factories import make_verified_resident

from .conftest import make_consultation

pytestmark = pytest.mark.django_db


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_draft_consultation_is_404_for_residents(community, official, resident):
    hidden = make_consultation(community, official, phase="draft")
    assert client_for(resident).get(f"/consultations/{hidden.pk}/").status_code == 404
    assert client_for().get(f"/api/consultations/{hidden.pk}").status_code == 404
    section = hidden.versions.get().sections.first()
    assert client_for(resident).get(f"/consultations/sections/{section.pk}/").status_code == 404


def test_public_pages_render(consultation, official, community):
    survey = services.survey_create(actor=official, consultation=consultation, title="Опитування")
    services.question_add(actor=official, survey=survey, kind=QuestionKind.SCALE, text="Оцінка")
    meeting = services.meeting_create(
        actor=official,
        consultation=consultation,
        title="Зустріч",
        kind="online",
        starts_at=timezone.now() + timedelta(days=2),
        capacity=5,
        link="https://meet.example.org/x",
    )
    client = client_for()
    section = consultation.versions.get().sections.first()
    for url in [
        "/consultations/",
        f"/consultations/{consultation.pk}/",
        f"/consultations/{consultation.pk}/statements/",
        f"/consultations/sections/{section.pk}/",
        f"/consultations/surveys/{survey.pk}/",
        f"/consultations/surveys/{survey.pk}/results/",
        f"/consultations/meetings/{meeting.pk}/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    # the online link is for registered people only
    assert b"meet.example.org" not in client.get(f"/consultations/meetings/{meeting.pk}/").content


def test_wording_proposal_through_the_form_shows_a_diff(consultation, resident):
    section = consultation.versions.get().sections.get(position=2)
    client = client_for(resident)
    response = client.post(
        f"/consultations/sections/{section.pk}/propose/",
        {"body": "Подовжити строк.", "proposed_text": section.body.replace("шести", "дев'яти")},
    )
    assert response.status_code == 302
    page = client.get(f"/consultations/sections/{section.pk}/").content.decode()
    assert "<del>" in page and "<ins>" in page and "дев&#x27;яти" in page


def test_empty_proposal_via_form_gives_message_and_changes_nothing(consultation, resident):
    section = consultation.versions.get().sections.first()
    client = client_for(resident)
    response = client.post(f"/consultations/sections/{section.pk}/propose/", {"body": ""}, follow=True)
    assert response.status_code == 200
    assert "Поясніть" in response.content.decode() or "Explain" in response.content.decode()
    assert not Proposal.objects.exists()


def test_statement_page_shows_next_unvoted_and_vote_form_works(consultation, official, voter):
    first = services.statement_create(
        author=official, by_council=True, consultation=consultation, text="Перше твердження"
    )
    second = services.statement_create(
        author=official, by_council=True, consultation=consultation, text="Друге твердження"
    )
    client = client_for(voter)
    assert "Перше твердження" in client.get(f"/consultations/{consultation.pk}/statements/").content.decode()
    client.post(f"/consultations/statements/{first.pk}/vote/", {"value": "1"})
    page = client.get(f"/consultations/{consultation.pk}/statements/").content.decode()
    assert f"/consultations/statements/{second.pk}/vote/" in page
    client.post(f"/consultations/statements/{second.pk}/vote/", {"value": "nonsense"})
    assert StatementVote.objects.count() == 1


def test_ineligible_statement_via_form_is_refused_with_message(consultation, resident):
    client = client_for(resident)
    response = client.post(f"/consultations/{consultation.pk}/statements/", {"text": "Моє твердження"})
    assert response.status_code in (400, 403)
    assert not consultation.statements.exists()


def test_survey_form_wrong_answer_shows_field_error(consultation, official, voter):
    survey = services.survey_create(actor=official, consultation=consultation, title="Опитування")
    q = services.question_add(actor=official, survey=survey, kind=QuestionKind.SCALE, text="Оцінка")
    client = client_for(voter)
    response = client.post(f"/consultations/surveys/{survey.pk}/", {f"q{q.pk}": "99"})
    assert response.status_code == 400
    assert f'id="id_q{q.pk}_error"' in response.content.decode()
    assert not SurveyResponse.objects.exists()
    assert client.post(f"/consultations/surveys/{survey.pk}/", {f"q{q.pk}": "4"}).status_code == 302
    assert SurveyResponse.objects.count() == 1


def test_staff_pages_need_the_role(consultation, resident, official):
    assert client_for(resident).get(f"/consultations/{consultation.pk}/answers/").status_code in (302, 403)
    assert client_for(resident).post(f"/consultations/{consultation.pk}/advance/").status_code in (302, 403)
    staff = client_for(official)
    assert staff.get(f"/consultations/{consultation.pk}/answers/").status_code == 200
    assert staff.post(f"/consultations/{consultation.pk}/advance/").status_code == 302
    consultation.refresh_from_db()
    assert consultation.phase == "analysis"


def test_report_open_data(community, official, resident):
    c = make_consultation(community, official)
    section = c.versions.get().sections.first()
    proposal = services.proposal_create(author=resident, section=section, body="Пропозиція щодо житла.")
    c = services.consultation_advance(actor=official, consultation=c)
    assert client_for().get(f"/consultations/{c.pk}/report/").status_code == 404
    services.proposal_answer(actor=official, proposal=proposal, status="accepted", reason="Враховано.")
    services.report_publish(actor=official, consultation=c, summary="Підсумок.")
    client = client_for()
    data = json.loads(client.get(f"/consultations/{c.pk}/report.json").content)
    assert data["proposals"][0]["answer"] == "accepted"
    assert data["participation"]["proposals_online"] == 1
    csv_text = client.get(f"/consultations/{c.pk}/report.csv").content.decode("utf-8-sig")
    assert "Пропозиція щодо житла." in csv_text and "accepted" in csv_text
    assert "Враховано." in client.get(f"/consultations/{c.pk}/report/").content.decode()


# --- API -----------------------------------------------------------------------------------------


def test_api_reads(consultation, official, resident):
    section = consultation.versions.get().sections.first()
    services.proposal_create(author=resident, section=section, body="Пропозиція.")
    client = client_for()
    assert client.get("/api/consultations/").json()[0]["id"] == consultation.pk
    assert len(client.get(f"/api/consultations/{consultation.pk}/sections").json()) == 2
    assert client.get(f"/api/consultations/{consultation.pk}/proposals").json()[0]["text"] == "Пропозиція."
    assert client.get(f"/api/consultations/{consultation.pk}/statements").status_code == 200
    assert client.get(f"/api/consultations/{consultation.pk}/surveys").status_code == 200


def test_api_vote_comment_and_survey(consultation, official, voter, resident):
    statement = services.statement_create(author=official, by_council=True, consultation=consultation, text="Т")
    survey = services.survey_create(actor=official, consultation=consultation, title="О")
    q = services.question_add(actor=official, survey=survey, kind=QuestionKind.SINGLE, text="?", options=["a", "b"])
    api = client_for(voter)
    ok = api.post(f"/api/consultations/statements/{statement.pk}/vote", {"value": 1}, content_type="application/json")
    assert ok.status_code == 200
    bad = api.post(f"/api/consultations/statements/{statement.pk}/vote", {"value": 5}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "value"
    refused = client_for(resident).post(
        f"/api/consultations/statements/{statement.pk}/vote", {"value": 1}, content_type="application/json"
    )
    assert refused.status_code == 403
    wrong = api.post(
        f"/api/consultations/surveys/{survey.pk}/answers",
        {"answers": {str(q.pk): "five"}},
        content_type="application/json",
    )
    assert wrong.status_code == 422 and wrong.json()["error"]["details"][0]["field"] == str(q.pk)
    assert not SurveyResponse.objects.exists()
    good = api.post(
        f"/api/consultations/surveys/{survey.pk}/answers",
        {"answers": {str(q.pk): 1}},
        content_type="application/json",
    )
    assert good.status_code == 201
    again = api.post(
        f"/api/consultations/surveys/{survey.pk}/answers",
        {"answers": {str(q.pk): 1}},
        content_type="application/json",
    )
    assert again.status_code == 409
    section = consultation.versions.get().sections.first()
    empty = api.post(
        f"/api/consultations/sections/{section.pk}/comments", {"body": ""}, content_type="application/json"
    )
    assert empty.status_code == 422
    made = api.post(
        f"/api/consultations/sections/{section.pk}/comments", {"body": "Добре"}, content_type="application/json"
    )
    assert made.status_code == 201
    assert (
        client_for()
        .post(f"/api/consultations/statements/{statement.pk}/vote", {"value": 1}, content_type="application/json")
        .status_code
        == 401
    )


def test_demo_loader_builds_an_open_consultation_with_two_groups():
    from uchast.accounts.demo import load_demo
    from uchast.consultations.models import Consultation

    load_demo()
    open_one = Consultation.objects.get(phase="open")
    assert len(open_one.opinion.data["groups"]) >= 2
    sections = list(open_one.versions.get().sections.all())
    assert len(sections) == 5
    assert all(s.heading and s.body and "\n" not in s.body for s in sections)
    wording = open_one.proposals.get(kind="wording")
    assert "дев'яти" in wording.proposed_text and wording.section.body != wording.proposed_text
    council, co_organised = open_one.meetings.order_by("starts_at")
    assert council.place.startswith("м. Дніпро") and council.co_organiser is None
    # The organisation of displaced people: one meeting accepted (public), one awaiting the council.
    assert co_organised.co_organiser.name == "ГО «Зоряни разом»" and co_organised.proposed_by is not None
    assert list(open_one.meeting_proposals.values_list("status", flat=True)) == ["accepted", "pending"]
    assert Consultation.objects.filter(phase="reported").count() == 1


def test_verified_district_user_can_vote_in_district_consultation(community, official):
    district = community.districts.get(code="center")
    c = make_consultation(community, official, audience="district", audience_district=district)
    statement = services.statement_create(author=official, by_council=True, consultation=c, text="Т")
    insider = make_verified_resident(community, district=district)
    client_for(insider).post(f"/consultations/statements/{statement.pk}/vote/", {"value": "-1"})
    assert StatementVote.objects.get().value == -1


def test_public_pages_have_a_constant_query_count(community, official, django_assert_max_num_queries):
    """Query counts do not grow with the number of consultations, proposals or statements."""
    consultations = [make_consultation(community, official, title=f"Консультація {n}") for n in range(2)]
    c = consultations[0]
    for n in range(2):
        services.statement_create(author=official, by_council=True, consultation=c, text=f"Твердження {n}")
    client = client_for()

    def counts() -> list[int]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        result = []
        for url in ["/consultations/", f"/consultations/{c.pk}/", f"/consultations/{c.pk}/statements/"]:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            result.append(len(captured))
        return result

    counts()  # warm the content-type cache
    before = counts()
    for n in range(5):
        make_consultation(community, official, title=f"Ще {n}")
        services.statement_create(author=official, by_council=True, consultation=c, text=f"Ще твердження {n}")
    section = c.versions.get().sections.first()
    for n in range(5):
        services.proposal_create(author=make_verified_resident(community), section=section, body=f"Пропозиція {n}")
    assert counts() == before
    with django_assert_max_num_queries(25):
        client.get(f"/consultations/{c.pk}/")


def test_staff_actions_need_the_role(consultation, resident, official, settings, tmp_path):
    """Officials' services do not check roles; the views do (moved from the service tests)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from uchast.consultations.models import Consultation
    from uchast.core.files import attachments_for

    settings.MEDIA_ROOT = tmp_path
    client = client_for(resident)
    now = timezone.now()
    created = client.post(
        "/consultations/new/",
        {
            "title": "x",
            "summary": "x",
            "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "responsible_name": "x",
            "responsible_contacts": "x",
            "audience": "anyone",
        },
    )
    assert created.status_code == 403
    assert Consultation.objects.count() == 1
    section = consultation.versions.get().sections.first()
    proposal = services.proposal_create(author=resident, section=section, body="Пропозиція.")
    answered = client.post(
        f"/consultations/{consultation.pk}/answers/",
        {"proposal": proposal.pk, "status": "accepted", "reason": "так"},
    )
    assert answered.status_code == 403
    proposal.refresh_from_db()
    assert proposal.answer_status == ""
    pdf = SimpleUploadedFile("proekt.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    attached = client.post(f"/consultations/{consultation.pk}/attachments/", {"title": "x", "file": pdf})
    assert attached.status_code == 403
    assert not attachments_for(consultation).exists()


def test_moderation_actions_through_their_urls(consultation, official, resident, voter, moderator):
    """Reporting, hiding and restoring a section comment, a proposal and a statement, each through its URL."""
    from uchast.core.models import ModerationReport

    section = consultation.versions.get().sections.first()
    proposal = services.proposal_create(author=resident, section=section, body="Образливий текст.")
    statement = services.statement_create(author=official, by_council=True, consultation=consultation, text="Т")
    comment = services.section_comment(author=resident, section=section, body="Образливий коментар.")
    section_url = f"/consultations/sections/{section.pk}/"
    for target, kind, page in (
        (comment, "core.comment", section_url),
        (proposal, "consultations.proposal", section_url),
        (statement, "consultations.statement", f"/consultations/{consultation.pk}/statements/"),
    ):
        base = f"/moderation/{kind}/{target.pk}"
        assert client_for().post(f"{base}/report/", {"reason": "Образа"}).status_code == 302  # to sign in
        reported = client_for(voter).post(f"{base}/report/", {"reason": "Образа"})
        location = reported["Location"]
        if kind == "core.comment":  # back through the comment's permalink, which finds its page of comments
            assert location == f"/comments/{target.pk}/"
            location = client_for(voter).get(location)["Location"]
        assert reported.status_code == 302 and location.startswith(page)
        assert ModerationReport.objects.filter(target_id=str(target.pk), resolved_at__isnull=True).count() == 1
        # Only moderators hide (the service does not check roles: the view does).
        assert client_for(voter).post(f"{base}/hide/", {"reason": "ні"}).status_code == 403
        target.refresh_from_db()
        assert not target.is_hidden
        moderating = client_for(moderator)
        assert moderating.post(f"{base}/hide/", {"reason": "Мова ворожнечі"}).status_code == 302
        target.refresh_from_db()
        assert target.is_hidden and target.hidden_by == moderator
        assert "Мова ворожнечі" in client_for().get(page).content.decode()
        assert not ModerationReport.objects.filter(target_id=str(target.pk), resolved_at__isnull=True).exists()
        assert moderating.post(f"{base}/restore/").status_code == 302
        target.refresh_from_db()
        assert not target.is_hidden
    # A kind that is not registered for moderation is not found.
    assert client_for(moderator).post(f"/moderation/consultations.survey/{proposal.pk}/hide/").status_code == 404


def test_home_lists_open_consultations_with_a_call_to_act_not_announced_ones(community: Any, official: Any) -> None:
    from django.urls import reverse

    make_consultation(community, official, title="Відкрита консультація")
    make_consultation(community, official, phase="announced", title="Оголошена консультація")
    page = Client().get(reverse("core:home")).content.decode()
    assert "Відкрита консультація" in page and "Оголошена консультація" not in page
    assert "Висловіться до " in page


def test_content_carries_its_language_and_the_english_version_shows_under_english(
    community: Any, official: Any
) -> None:
    from django.urls import reverse

    c = make_consultation(community, official, title="Про сквер біля школи")
    english = Client()
    english.cookies["uchast_language"] = "en"
    url = reverse("consultations:detail", args=[c.pk])
    page = english.get(url).content.decode()
    assert '<html lang="en">' in page and '<h1 lang="uk">Про сквер біля школи</h1>' in page
    c.title_en = "On the square by the school"
    c.summary_en = "A new square."
    c.save()
    page = english.get(url).content.decode()
    assert '<h1 lang="en">On the square by the school</h1>' in page and '<dd lang="en">A new square.</dd>' in page
    # Under Ukrainian the original stays.
    assert '<h1 lang="uk">Про сквер біля школи</h1>' in Client().get(url).content.decode()
    home = english.get(reverse("core:home")).content.decode()
    assert 'lang="en">On the square by the school</a>' in home
