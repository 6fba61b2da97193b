"""What every consultation service shares: text limits and the checks a resident's action makes.

Services do not check permissions (views and API endpoints do, before calling them). A resident's
action checks what belongs to the action itself: the phase, a moderator's block, and eligibility
under the consultation's own conditions (``require_participant``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from uchast.consultations.actions import ConsultationAction
from uchast.consultations.models import Consultation, Phase
from uchast.consultations.predicates import conditions_text
from uchast.core.errors import ActionRefused
from uchast.core.moderation import require_not_blocked
from uchast.verification.selectors import require_eligible

MAX_PROPOSAL_LENGTH = 3000
MAX_WORDING_LENGTH = 10000
MAX_STATEMENT_LENGTH = 280
MAX_TEXT_ANSWER_LENGTH = 2000


def clean_text(text: str | None, *, limit: int, empty_message: str) -> str:
    """``text`` stripped; refused when empty (``empty``) or over ``limit`` characters (``too_long``)."""
    value = (text or "").strip()
    if not value:
        raise ActionRefused("empty", empty_message)
    if len(value) > limit:
        raise ActionRefused(
            "too_long",
            _("The text is too long: at most %(limit)d characters, you wrote %(length)d.")
            % {"limit": limit, "length": len(value)},
        )
    return value


def require_open(consultation: Consultation, message: str) -> None:
    """Residents take part only while the consultation is open (``phase`` refusal)."""
    if consultation.phase != Phase.OPEN:
        raise ActionRefused("phase", message, status=409)


def require_participant(user: Any, consultation: Consultation, action: ConsultationAction) -> None:
    """``user`` may take part in ``consultation`` by ``action``: not blocked by a moderator
    (``blocked``), and eligible under the consultation's audience on top of the action's default
    conditions (``not_eligible``, saying what is missing)."""
    community = consultation.community
    require_not_blocked(user, community)
    require_eligible(user, community, action, conditions=conditions_text(consultation, action))
