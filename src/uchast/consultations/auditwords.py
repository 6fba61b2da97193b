"""The consultations' words for the public audit page (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

LABELS: dict[str, Any] = {
    "consultations.created": _("Consultation created"),
    "consultations.draft_published": _("Draft decision published"),
    "consultations.attachment_added": _("Document added to a consultation"),
    "consultations.phase_changed": _("Consultation moved to its next phase"),
    "consultations.meeting_planned": _("Public meeting planned"),
    "consultations.minutes_recorded": _("Meeting minutes recorded"),
    "consultations.meeting_proposed": _("Meeting proposed on behalf of an organisation"),
    "consultations.meeting_proposal_accepted": _("Proposed meeting accepted"),
    "consultations.meeting_proposal_declined": _("Proposed meeting declined"),
    "consultations.proposal_created": _("Proposal made"),
    "consultations.proposal_answered": _("Proposal answered"),
    "consultations.statement_created": _("Statement added"),
    "consultations.report_published": _("Consultation report published"),
    "consultations.survey_binding_changed": _("Survey marked binding or not binding"),
    "consultations.survey_created": _("Survey created"),
    "consultations.question_added": _("Question added to a survey"),
}


def public_consultations(ids: list[str]) -> dict[str, tuple[str, str]]:
    from uchast.consultations.models import Consultation, Phase

    found = Consultation.objects.filter(pk__in=[i for i in ids if i.isdigit()]).exclude(phase=Phase.DRAFT)
    return {str(c.pk): (c.title, c.get_absolute_url()) for c in found}


def public_meetings(ids: list[str]) -> dict[str, tuple[str, str]]:
    """Meetings are public (a proposed one is a ``MeetingProposal`` until accepted, and stays unnamed
    here), except those of a consultation still in preparation."""
    from uchast.consultations.models import Meeting, Phase

    found = Meeting.objects.filter(pk__in=[i for i in ids if i.isdigit()]).exclude(consultation__phase=Phase.DRAFT)
    return {str(m.pk): (m.title, m.get_absolute_url()) for m in found}


OBJECTS = {"consultations.consultation": public_consultations, "consultations.meeting": public_meetings}
