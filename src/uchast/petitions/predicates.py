"""Object predicates for petitions (django-rules)."""

from __future__ import annotations

from typing import Any

import rules

from uchast.accounts.predicates import is_administrator, is_moderator, is_official
from uchast.petitions.models import PUBLIC_STATUSES, Petition, PetitionStatus

is_petition_staff = is_official | is_moderator | is_administrator
can_moderate = is_moderator | is_administrator
can_answer = is_official | is_administrator


@rules.predicate
def is_author(user: Any, petition: Petition | None) -> bool:
    return petition is not None and getattr(user, "pk", None) == petition.author_id


@rules.predicate
def is_public_petition(user: Any, petition: Petition | None) -> bool:
    return petition is not None and petition.status in PUBLIC_STATUSES


@rules.predicate
def is_draft(user: Any, petition: Petition | None) -> bool:
    return petition is not None and petition.status == PetitionStatus.DRAFT
