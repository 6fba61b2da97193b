"""Proposals on draft sections: a resident's remark or new wording, support, and the council's answer."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from uchast.consultations.actions import ConsultationAction
from uchast.consultations.models import AnswerStatus, Phase, Proposal, ProposalKind, ProposalSupport, Section
from uchast.consultations.predicates import is_latest_section
from uchast.consultations.services.common import (
    MAX_PROPOSAL_LENGTH,
    MAX_WORDING_LENGTH,
    clean_text,
    require_open,
    require_participant,
)
from uchast.core import audit
from uchast.core.errors import ActionRefused
from uchast.core.notifications import notify
from uchast.organisations.selectors import require_acting_as


def proposal_create(
    *, author: Any, section: Section, body: str, proposed_text: str = "", on_behalf_of: int | None = None
) -> Proposal:
    """A remark, or new wording when ``proposed_text`` is given (shown as a diff against the section);
    sent on behalf of the organisation ``on_behalf_of`` (its id) when the author may act for it."""
    consultation = section.version.consultation
    require_open(
        consultation, _("You cannot make proposals here: the consultation is not open or you are not eligible.")
    )
    if not is_latest_section(section):
        raise ActionRefused(
            "old_version", _("This is an earlier version of the draft. Make your proposal on the current version.")
        )
    require_participant(author, consultation, ConsultationAction.PROPOSE)
    text = clean_text(body, limit=MAX_PROPOSAL_LENGTH, empty_message=_("Explain your proposal before sending."))
    wording = (proposed_text or "").strip()
    if len(wording) > MAX_WORDING_LENGTH:
        raise ActionRefused("too_long", _("The proposed wording is too long."))
    if wording and wording == section.body.strip():
        raise ActionRefused("same_wording", _("The proposed wording is the same as the current text."))
    with transaction.atomic():
        organisation = require_acting_as(author, consultation.community, on_behalf_of)
        proposal = Proposal.objects.create(
            consultation=consultation,
            section=section,
            kind=ProposalKind.WORDING if wording else ProposalKind.REMARK,
            author=author,
            on_behalf_of=organisation,
            body=text,
            proposed_text=wording,
        )
        audit.record(
            action="consultations.proposal_created",
            actor=author,
            obj=proposal,
            community=consultation.community,
            summary={"kind": proposal.kind, "section": section.pk, "on_behalf_of": on_behalf_of},
        )
    return proposal


def proposal_support(*, user: Any, proposal: Proposal) -> bool:
    """Support a proposal once; False if already supported. Supporting is proposing's kin: the same
    phase and conditions."""
    if proposal.is_hidden:
        raise ActionRefused("hidden", _("You cannot support proposals here."))
    consultation = proposal.consultation
    require_open(consultation, _("You cannot support proposals here."))
    require_participant(user, consultation, ConsultationAction.PROPOSE)
    if proposal.author_id == user.pk:
        raise ActionRefused("own", _("You cannot support your own proposal."))
    try:
        with transaction.atomic():
            ProposalSupport.objects.create(proposal=proposal, user=user)
            Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") + 1)
    except IntegrityError:
        return False
    return True


def proposal_answer(*, actor: Any, proposal: Proposal, status: str, reason: str) -> Proposal:
    """The council's answer; the proposer is told (topic "answers")."""
    if status not in AnswerStatus.values:
        raise ActionRefused("status", _("Choose an answer."))
    text = clean_text(reason, limit=3000, empty_message=_("Give the reason for the answer."))
    consultation = proposal.consultation
    if consultation.phase not in (Phase.OPEN, Phase.ANALYSIS):
        raise ActionRefused(
            "phase", _("Proposals are answered while the consultation is open or under analysis."), status=409
        )
    with transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(
            answer_status=status, answer_reason=text, answered_at=timezone.now(), answered_by=actor
        )
        proposal.refresh_from_db()
        audit.record(
            action="consultations.proposal_answered",
            actor=actor,
            obj=proposal,
            community=consultation.community,
            summary={"status": status},
        )
        if proposal.author is not None:
            notify(
                recipients=[proposal.author],
                topic="answers",
                subject=gettext_noop("Your proposal to «%(title)s» was answered"),
                template="consultations/email/proposal_answered.txt",
                context={
                    "title": consultation.title,
                    "proposal": proposal.body[:500],
                    "status": status,
                    "reason": text,
                },
                url=f"/consultations/{consultation.pk}/report/#proposal-{proposal.pk}",
            )
    return proposal
