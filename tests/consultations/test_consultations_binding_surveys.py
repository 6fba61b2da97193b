"""Binding surveys (issue 12): one counted answer per person through the participation register,
whichever account; marking frozen once the consultation opens; the register forgets at close."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from uchast.accounts.services import account_delete
from uchast.consultations import services
from uchast.consultations.models import Answer, QuestionKind, Survey, SurveyResponse
from uchast.core.errors import ActionRefused
from uchast.core.models import AuditEntry
from uchast.testing.factories import make_verified_resident
from uchast.verification.models import Participation

from .conftest import make_consultation

pytestmark = pytest.mark.django_db

KEY = "b" * 64


def binding_survey(community: Any, official: Any, *, binding: bool = True) -> Survey:
    """An open consultation with a survey marked (or not) binding while it was announced."""
    consultation = make_consultation(community, official, phase="announced")
    survey = services.survey_create(actor=official, consultation=consultation, title="Опитування", binding=binding)
    services.question_add(actor=official, survey=survey, kind=QuestionKind.SINGLE, text="Де?", options=["А", "Б"])
    services.consultation_advance(actor=official, consultation=consultation)
    return Survey.objects.get(pk=survey.pk)


def two_accounts(community: Any, key: str = KEY) -> tuple[Any, Any]:
    return (
        make_verified_resident(community, email="first@example.org", person_key=key),
        make_verified_resident(community, email="second@example.org", person_key=key),
    )


def answer(user: Any, survey: Survey, choice: int = 0) -> SurveyResponse:
    question = survey.questions.get()
    return services.survey_answer(user=user, survey=survey, answers={question.pk: choice})


def refusal(call: Any) -> str:
    with pytest.raises(ActionRefused) as refused:
        call()
    return refused.value.code


def counted(survey: Survey) -> tuple[int, int, int]:
    survey.refresh_from_db()
    return survey.response_count, SurveyResponse.objects.filter(survey=survey).count(), Answer.objects.count()


def test_marking_binding_only_before_the_consultation_opens(community: Any, official: Any) -> None:
    consultation = make_consultation(community, official, phase="announced")
    survey = services.survey_create(actor=official, consultation=consultation, title="Опитування")
    assert not survey.binding
    survey = services.survey_set_binding(actor=official, survey=survey, binding=True)
    assert survey.binding
    entry = AuditEntry.objects.filter(action="consultations.survey_binding_changed").get()
    assert entry.summary == {"survey": survey.pk, "binding": True}
    consultation = services.consultation_advance(actor=official, consultation=consultation)
    assert refusal(lambda: services.survey_set_binding(actor=official, survey=survey, binding=False)) == (
        "binding_frozen"
    )
    assert refusal(
        lambda: services.survey_create(actor=official, consultation=consultation, title="Пізно", binding=True)
    ) == ("binding_frozen")
    assert Survey.objects.get(pk=survey.pk).binding
    assert not Survey.objects.filter(title="Пізно").exists()
    # A non-binding survey may still be added to an open consultation, as before.
    assert not services.survey_create(actor=official, consultation=consultation, title="Ще одне").binding


def test_two_accounts_of_one_person_answer_once(community: Any, official: Any) -> None:
    survey = binding_survey(community, official)
    first, second = two_accounts(community)
    answer(first, survey)
    assert refusal(lambda: answer(second, survey, 1)) == "already_participated"
    assert refusal(lambda: answer(first, survey, 1)) == "already_answered"
    assert counted(survey) == (1, 1, 1)
    assert Answer.objects.get().value == 0
    assert list(Participation.objects.values_list("process", "person_key")) == [
        (f"consultation.answer_survey:{survey.pk}", KEY)
    ]


def test_deletion_and_return_do_not_give_a_second_answer(community: Any, official: Any) -> None:
    survey = binding_survey(community, official)
    leaving = make_verified_resident(community, email="leaving@example.org", person_key=KEY)
    answer(leaving, survey, 1)
    account_delete(user=leaving)
    back = make_verified_resident(community, email="back@example.org", person_key=KEY)
    assert refusal(lambda: answer(back, survey, 0)) == "already_participated"
    assert counted(survey) == (1, 1, 1)  # the answer of the deleted account still counts, once
    assert Answer.objects.get().value == 1


def test_binding_answer_needs_a_person_key(community: Any, official: Any) -> None:
    survey = binding_survey(community, official)
    nobody = make_verified_resident(community, email="nokey@example.org", person_key="")
    assert refusal(lambda: answer(nobody, survey)) == "no_person_key"
    assert counted(survey) == (0, 0, 0)
    assert not Participation.objects.exists()


def test_non_binding_surveys_count_per_account_as_before(community: Any, official: Any) -> None:
    survey = binding_survey(community, official, binding=False)
    first, second = two_accounts(community)
    answer(first, survey)
    answer(second, survey)
    assert counted(survey) == (2, 2, 2)
    assert not Participation.objects.exists()
    nobody = make_verified_resident(community, email="nokey@example.org", person_key="")
    answer(nobody, survey)  # no person number needed where nothing is binding


def test_answers_carry_no_person_key_and_the_register_forgets_at_close(community: Any, official: Any) -> None:
    survey = binding_survey(community, official)
    other = binding_survey(community, official, binding=False)
    first, _second = two_accounts(community)
    answer(first, survey)
    answer(first, other)
    from uchast.verification.services import participation_record

    participation_record(user=first, community=community, action="petition.sign", process_id=99)
    stored = json.dumps(
        [list(SurveyResponse.objects.values()), list(Answer.objects.values())], default=str, ensure_ascii=False
    )
    assert KEY not in stored
    services.consultation_advance(actor=official, consultation=survey.consultation)  # open → analysis
    assert list(Participation.objects.values_list("process", flat=True)) == ["petition.sign:99"]
    assert counted(survey)[:2] == (1, 1)  # the counted answer stays, linked to no person key


def test_binding_through_urls(community: Any, official: Any, resident: Any) -> None:
    consultation = make_consultation(community, official, phase="announced")
    survey = services.survey_create(actor=official, consultation=consultation, title="Опитування")
    question = services.question_add(
        actor=official, survey=survey, kind=QuestionKind.SINGLE, text="Де?", options=["А", "Б"]
    )
    staff = Client()
    staff.force_login(official)
    page = staff.get(f"/consultations/surveys/{survey.pk}/")
    assert f'action="/consultations/surveys/{survey.pk}/binding/"' in page.content.decode()
    outsider = Client()
    outsider.force_login(resident)
    assert outsider.post(f"/consultations/surveys/{survey.pk}/binding/", {"binding": "1"}).status_code in (302, 403)
    assert not Survey.objects.get(pk=survey.pk).binding
    assert staff.post(f"/consultations/surveys/{survey.pk}/binding/", {"binding": "1"}).status_code == 302
    assert Survey.objects.get(pk=survey.pk).binding
    services.consultation_advance(actor=official, consultation=consultation)
    frozen = staff.post(f"/consultations/surveys/{survey.pk}/binding/", {"binding": "0"}, follow=True)
    assert frozen.status_code in (200, 409)
    assert Survey.objects.get(pk=survey.pk).binding

    first, second = two_accounts(community)
    one, two = Client(), Client()
    one.force_login(first)
    two.force_login(second)
    assert one.post(f"/consultations/surveys/{survey.pk}/", {f"q{question.pk}": "0"}).status_code == 302
    page = two.get(f"/consultations/surveys/{survey.pk}/").content.decode()
    assert '<form method="post" class="stack" novalidate>' not in page  # answered, as a person
    refused = two.post(f"/consultations/surveys/{survey.pk}/", {f"q{question.pk}": "1"})
    assert refused.status_code == 400
    api = two.post(
        f"/api/consultations/surveys/{survey.pk}/answers",
        json.dumps({"answers": {str(question.pk): 1}}),
        content_type="application/json",
    )
    assert api.status_code == 409 and api.json()["error"]["code"] == "already_participated"
    assert counted(Survey.objects.get(pk=survey.pk)) == (1, 1, 1)
