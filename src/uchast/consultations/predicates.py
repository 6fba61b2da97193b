"""Who may do what in a consultation (django-rules predicates)."""

from __future__ import annotations

from typing import Any

import rules

from uchast.accounts.predicates import is_administrator, is_official, is_resident
from uchast.consultations.actions import ConsultationAction
from uchast.consultations.models import Audience, Consultation, Phase, Section
from uchast.core.moderation import is_blocked
from uchast.core.registry import registry
from uchast.eligibility import Decision, format_conditions
from uchast.verification.selectors import participation_decision

is_manager = is_official | is_administrator


def conditions_text(consultation: Consultation, action: str) -> str:
    """The participation conditions of ``action`` in ``consultation`` (its audience on top of the
    platform default for the action)."""
    clauses = [c for c in format_conditions(registry.actions.default_conditions(action)).split("; ") if c]
    if consultation.audience in (Audience.VERIFIED, Audience.DISTRICT) and "verified" not in clauses:
        clauses.insert(0, "verified")
    if consultation.audience == Audience.DISTRICT and consultation.audience_district is not None:
        clauses.append("district in {" + consultation.audience_district.code + "}")
    return "; ".join(clauses)


def decision_for(user: Any, consultation: Consultation, action: str) -> Decision:
    return participation_decision(
        user, consultation.community, action, conditions=conditions_text(consultation, action)
    )


def _consultation(obj: Any) -> Consultation | None:
    if isinstance(obj, Consultation):
        return obj
    if isinstance(obj, Section):
        return obj.version.consultation
    return getattr(obj, "consultation", None)


def _may(user: Any, obj: Any, action: str) -> bool:
    consultation = _consultation(obj)
    if consultation is None or consultation.phase != Phase.OPEN or not is_resident(user):
        return False
    if is_blocked(user, consultation.community):
        return False
    return bool(decision_for(user, consultation, action).allowed)


@rules.predicate
def can_view(user: Any, obj: Any) -> bool:
    consultation = _consultation(obj)
    if consultation is None:
        return True
    return consultation.phase != Phase.DRAFT or bool(is_manager(user))


def is_latest_section(section: Section) -> bool:
    """New comments and proposals go to the current version; older ones stay readable."""
    latest = section.version.consultation.versions.order_by("-number").values_list("pk", flat=True).first()
    return latest == section.version_id


@rules.predicate
def can_comment(user: Any, obj: Any) -> bool:
    if isinstance(obj, Section) and not is_latest_section(obj):
        return False
    return _may(user, obj, ConsultationAction.COMMENT)


@rules.predicate
def can_propose(user: Any, obj: Any) -> bool:
    return _may(user, obj, ConsultationAction.PROPOSE)


@rules.predicate
def can_vote_statement(user: Any, obj: Any) -> bool:
    return _may(user, obj, ConsultationAction.VOTE_STATEMENT)


@rules.predicate
def can_answer_survey(user: Any, obj: Any) -> bool:
    return _may(user, obj, ConsultationAction.ANSWER_SURVEY)


@rules.predicate
def can_add_statement(user: Any, obj: Any) -> bool:
    consultation = _consultation(obj)
    if consultation is not None and consultation.phase == Phase.OPEN and is_manager(user):
        return True
    return _may(user, obj, ConsultationAction.VOTE_STATEMENT)


@rules.predicate
def can_register_meeting(user: Any, obj: Any) -> bool:
    consultation = _consultation(obj)
    if consultation is None or consultation.phase not in (Phase.ANNOUNCED, Phase.OPEN) or not is_resident(user):
        return False
    return not is_blocked(user, consultation.community)


@rules.predicate
def can_propose_meeting(user: Any, obj: Any) -> bool:
    """Proposing a meeting on behalf of an organisation: an open consultation, a person signed in and
    not blocked. Whether they may act for the organisation is the service's check (it says which
    rule refuses: the statute, membership, confirmation)."""
    consultation = _consultation(obj)
    if consultation is None or consultation.phase != Phase.OPEN or not is_resident(user):
        return False
    return not is_blocked(user, consultation.community)


@rules.predicate
def can_report(user: Any, obj: Any) -> bool:
    consultation = _consultation(obj)
    return bool(is_resident(user)) and consultation is not None and consultation.phase != Phase.DRAFT
