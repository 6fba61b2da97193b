"""Real parallel requests on PostgreSQL: capacity and one-vote-per-statement hold."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from uchast.consultations import services
from uchast.consultations.models import Meeting, MeetingRegistration, StatementVote
from uchast.core.errors import ActionRefused
from uchast.testing.factories import make_user, make_verified_resident

from .conftest import make_consultation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_parallel(functions):
    barrier = threading.Barrier(len(functions))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(fn):
        try:
            barrier.wait()
            fn()
            result = "ok"
        except ActionRefused as error:
            result = error.code
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(fn,)) for fn in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_meeting_capacity_holds_under_parallel_registration(community, official):
    consultation = make_consultation(community, official)
    meeting = services.meeting_create(
        actor=official,
        consultation=consultation,
        title="Зустріч",
        kind="in_person",
        starts_at=timezone.now() + timedelta(days=2),
        capacity=3,
        place="Дніпро",
    )
    people = [make_user() for _ in range(8)]
    outcomes = _run_parallel(
        [lambda p=p: services.meeting_register(user=p, meeting=Meeting.objects.get(pk=meeting.pk)) for p in people]
    )
    assert outcomes.count("ok") == 3
    assert MeetingRegistration.objects.filter(meeting=meeting).count() == 3
    assert Meeting.objects.get(pk=meeting.pk).registered_count == 3


def test_parallel_votes_by_one_person_leave_one_vote(community, official):
    consultation = make_consultation(community, official)
    statement = services.statement_create(
        author=official, by_council=True, consultation=consultation, text="Твердження"
    )
    voter = make_verified_resident(community)
    outcomes = _run_parallel(
        [lambda v=v: services.statement_vote(user=voter, statement=statement, value=v) for v in (1, -1, 0, 1, -1, 1)]
    )
    assert StatementVote.objects.filter(statement=statement, user=voter).count() == 1
    consultation.refresh_from_db()
    assert consultation.vote_count == 1
    assert len(outcomes) == 6


def test_parallel_answers_of_one_person_over_two_accounts_count_once(community, official):
    """16 real parallel form posts, alternating between two accounts of one person, to a binding
    survey: exactly one counted answer and one register row."""
    from django.test import Client

    from uchast.consultations.models import Answer, Survey, SurveyResponse
    from uchast.verification.models import Participation

    from .test_consultations_binding_surveys import binding_survey, two_accounts

    survey = binding_survey(community, official)
    question = survey.questions.get()
    accounts = two_accounts(community)
    clients = []
    for i in range(16):
        client = Client()
        client.force_login(accounts[i % 2])
        clients.append(client)
    statuses: list[int] = []

    def post(client):
        statuses.append(client.post(f"/consultations/surveys/{survey.pk}/", {f"q{question.pk}": "1"}).status_code)

    outcomes = _run_parallel([lambda c=c: post(c) for c in clients])
    assert outcomes == ["ok"] * 16
    assert sorted(statuses) == [302] + [400] * 15, statuses
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    assert Answer.objects.filter(question=question).count() == 1
    assert Survey.objects.get(pk=survey.pk).response_count == 1
    assert Participation.objects.filter(process=f"consultation.answer_survey:{survey.pk}").count() == 1


def test_parallel_decisions_on_a_proposed_meeting_make_one_meeting(community, official):
    """Six officials decide one proposed meeting at once (accept or decline): the row lock lets one
    decision through, the others are told ``already_decided``, and at most one meeting exists."""
    from tests.organisations.conftest import register
    from uchast.consultations.models import MeetingProposal
    from uchast.organisations import services as org_services

    consultation = make_consultation(community, official)
    member = make_verified_resident(community, email="olena@example.org")
    organisation = org_services.organisation_confirm(organisation=register(community, member), actor=official)
    proposal = services.meeting_propose(
        proposer=member,
        consultation=consultation,
        organisation=organisation.pk,
        title="Зустріч",
        kind="in_person",
        starts_at=timezone.now() + timedelta(days=2),
        capacity=10,
        place="Запоріжжя",
    )

    def accept():
        services.meeting_proposal_accept(actor=official, proposal=MeetingProposal.objects.get(pk=proposal.pk))

    def decline():
        services.meeting_proposal_decline(
            actor=official, proposal=MeetingProposal.objects.get(pk=proposal.pk), reason="Зала зайнята."
        )

    outcomes = _run_parallel([accept, decline, accept, decline, accept, accept])
    assert outcomes.count("ok") == 1 and outcomes.count("already_decided") == 5
    decided = MeetingProposal.objects.get(pk=proposal.pk)
    assert Meeting.objects.count() == (1 if decided.status == "accepted" else 0)
