"""Reads of verification state, and the one function every module asks: may this person do this?"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from uchast.core.models import Community
from uchast.eligibility import ConditionSet, Decision, Evidence, conditions_for, evaluate
from uchast.verification.models import Verification, VerificationStatus


def active_verification(user: Any, community: Community) -> Verification | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Verification.objects.select_related("district")
        .filter(user=user, community=community, status=VerificationStatus.ACTIVE)
        .first()
    )


def evidence_for(user: Any, community: Community) -> Evidence:
    """The plain facts ``uchast.eligibility`` evaluates. Cached on the user object per request."""
    cache: dict[int, Evidence] = user.__dict__.setdefault("_uchast_evidence", {}) if user.is_authenticated else {}
    if community.pk in cache:
        return cache[community.pk]
    verification = active_verification(user, community)
    if verification is None:
        evidence = Evidence(verified=False, basis=None, birth_date=None, district=None, expires_on=None)
    else:
        evidence = Evidence(
            verified=True,
            basis=verification.basis,
            birth_date=verification.birth_date,
            district=verification.district.code if verification.district else None,
            expires_on=verification.expires_on,
        )
    cache[community.pk] = evidence
    return evidence


def participation_decision(
    user: Any,
    community: Community,
    action: str,
    *,
    conditions: ConditionSet | str | None = None,
    today: date | None = None,
) -> Decision:
    """Whether ``user`` meets the conditions of ``action`` in ``community``, and what is missing.

    ``conditions``: a process's own conditions (a ``ConditionSet`` or condition text such as
    ``"verified; min_age(14)"``) or None for the action's default. Anonymous users get a Decision
    listing ``not_verified`` when any condition applies (views ask them to sign in first).
    """
    if isinstance(conditions, ConditionSet):
        condition_set = conditions
    else:
        condition_set = conditions_for(action, conditions)
    today = today or timezone.localdate()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        evidence = Evidence(verified=False, basis=None, birth_date=None, district=None, expires_on=None)
    else:
        evidence = evidence_for(user, community)
    return evaluate(condition_set, evidence, today)
