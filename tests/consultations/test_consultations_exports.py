"""Consultations' CSV files are safe to open in a spreadsheet: a resident's text that starts a
formula (``=HYPERLINK(...)``) is written with a leading apostrophe, in the report and survey files."""

from __future__ import annotations

import csv
import io

from django.test import Client

from uchast.consultations import selectors, services
from uchast.consultations.models import QuestionKind
from uchast.testing.factories import make_verified_resident

from .conftest import make_consultation

FORMULA = '=HYPERLINK("http://evil.example","x")'


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


def test_report_csv_neutralises_a_formula(community, official, resident) -> None:
    consultation = make_consultation(community, official)
    section = consultation.versions.get().sections.first()
    proposal = services.proposal_create(author=resident, section=section, body=FORMULA)
    consultation = services.consultation_advance(actor=official, consultation=consultation)
    services.proposal_answer(actor=official, proposal=proposal, status="rejected", reason="@SUM(A1)")
    services.report_publish(actor=official, consultation=consultation, summary="Підсумок.")
    response = Client().get(f"/consultations/{consultation.pk}/report.csv")
    cells = _cells(response.content.decode("utf-8"))
    assert "'" + FORMULA in cells and "'@SUM(A1)" in cells and FORMULA not in cells
    assert response.content.decode("utf-8").startswith("\ufeff")


def test_survey_csv_files_neutralise_formulas(community, official) -> None:
    consultation = make_consultation(community, official)
    survey = services.survey_create(actor=official, consultation=consultation, title="Опитування")
    services.question_add(actor=official, survey=survey, kind=QuestionKind.TEXT, text="-Побажання", required=False)
    question = survey.questions.get()
    services.survey_answer(user=make_verified_resident(community), survey=survey, answers={question.pk: FORMULA})
    texts = _cells(selectors.survey_texts_csv(survey))
    assert "'" + FORMULA in texts and "'-Побажання" in texts and FORMULA not in texts
    assert "'-Побажання" in _cells(selectors.survey_results_csv(survey))
