"""A person's consultation data: what "download my data" includes, and what account deletion removes."""

from __future__ import annotations

from typing import Any

from uchast.consultations.models import (
    Answer,
    MeetingProposal,
    MeetingRegistration,
    Proposal,
    QuestionKind,
    Statement,
    StatementVote,
    SurveyResponse,
)


def personal_data(user: Any) -> dict[str, Any]:
    return {
        "proposals": [
            {"consultation": p.consultation_id, "text": p.body, "wording": p.proposed_text, "answer": p.answer_status}
            for p in Proposal.objects.filter(author=user)
        ],
        "statements": list(Statement.objects.filter(author=user).values("consultation_id", "text")),
        "statement_votes": list(StatementVote.objects.filter(user=user).values("statement_id", "value")),
        "survey_responses": [
            {"survey": r.survey_id, "answers": {str(a.question_id): a.value for a in r.answers.all()}}
            for r in SurveyResponse.objects.filter(user=user).prefetch_related("answers")
        ],
        "meeting_registrations": list(
            MeetingRegistration.objects.filter(user=user).values_list("meeting_id", flat=True)
        ),
        "meeting_proposals": [
            {
                "consultation": p.consultation_id,
                "organisation": p.organisation_id,
                "title": p.title,
                "starts_at": p.starts_at.isoformat(),
                "status": p.status,
                "decline_reason": p.decline_reason,
                "meeting": p.meeting_id,
            }
            for p in MeetingProposal.objects.filter(proposed_by=user)
        ],
    }


def anonymise_user(user: Any) -> None:
    """Contributions stay (the report answers them); the name goes with the account. Free-text survey
    answers could identify a person, so they are removed; choices stay in the counts.
    Registrations stay so the meetings' counts remain right."""
    Answer.objects.filter(response__user=user, question__kind=QuestionKind.TEXT).delete()
