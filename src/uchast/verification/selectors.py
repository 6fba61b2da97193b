"""Reads of verification state, and the one function every module asks: may this person do this?"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from uchast.core.errors import ActionRefused
from uchast.core.models import Community
from uchast.core.registry import registry
from uchast.eligibility import ConditionSet, Decision, Evidence, evaluate
from uchast.verification.identity import NUMBER_KINDS
from uchast.verification.messages import describe_decision
from uchast.verification.models import (
    CensusEntry,
    CensusImport,
    CodeBatch,
    DocumentSubmission,
    OidcProvider,
    Participation,
    Verification,
    VerificationStatus,
)


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
        evidence = _evidence(None, None, None, None)
    else:
        district = verification.district.code if verification.district else None
        evidence = _evidence(verification.basis, verification.birth_date, district, verification.expires_on)
    cache[community.pk] = evidence
    return evidence


#: Where :func:`person_key_of` keeps a user's person key for the request, by community id (the
#: ballot cast path's voter lookup fills it in the same statement as the evidence).
PERSON_KEY_CACHE = "_uchast_person_key"


def person_key_of(user: Any, community: Community) -> str:
    """The person key of the user's active verification in ``community``; "" when there is none
    (not verified, or verified by a method that proved no person number). Cached per request."""
    if not getattr(user, "is_authenticated", False):
        return ""
    cache: dict[int, str] = user.__dict__.setdefault(PERSON_KEY_CACHE, {})
    if community.pk not in cache:
        cache[community.pk] = (
            Verification.objects.filter(user=user, community=community, status=VerificationStatus.ACTIVE)
            .values_list("person_key", flat=True)
            .first()
            or ""
        )
    return cache[community.pk]


def process_key(action: str, process_id: int | str) -> str:
    """The participation register's name of one process: the participation action and the
    process's id, e.g. ``"budget.vote:12"`` (a cycle), ``"budget.support:40"`` (a project),
    ``"petition.sign:7"``."""
    return f"{action}:{process_id}"


def has_participated(user: Any, community: Community, action: str, process_id: int | str) -> bool:
    """Whether the person of ``user`` is in the register of the process (pages, personal data)."""
    key = person_key_of(user, community)
    return bool(key) and Participation.objects.filter(process=process_key(action, process_id), person_key=key).exists()


def _evidence(basis: str | None, birth_date: date | None, district: str | None, expires_on: date | None) -> Evidence:
    """What an active verification (``basis`` given) or its absence (``basis`` None) proves."""
    verified = basis is not None
    return Evidence(verified=verified, basis=basis, birth_date=birth_date, district=district, expires_on=expires_on)


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
        condition_set = registry.actions.conditions_for(action, conditions)
    today = today or timezone.localdate()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        evidence = Evidence(verified=False, basis=None, birth_date=None, district=None, expires_on=None)
    else:
        evidence = evidence_for(user, community)
    return evaluate(condition_set, evidence, today)


def require_eligible(
    user: Any,
    community: Community,
    action: str,
    *,
    conditions: ConditionSet | str | None = None,
    message: str = "",
) -> Decision:
    """Refuse (``not_eligible``) unless ``user`` meets the conditions of ``action``: the one check
    services make before a participation action. The refusal says what is missing, unless the
    service gives its own ``message``. Returns the (allowed) decision."""
    decision = participation_decision(user, community, action, conditions=conditions)
    if not decision.allowed:
        raise ActionRefused("not_eligible", message or " ".join(str(r) for r in describe_decision(decision)))
    return decision


def verification_history(user: Any, community: Community) -> list[Verification]:
    return list(
        Verification.objects.filter(user_id=user.pk, community=community).select_related("district", "document")
    )


def staff_verifications(
    community: Community, *, status: str = "", basis: str = "", method: str = ""
) -> QuerySet[Verification]:
    """What staff see: who is verified, how and on what basis — never a document number."""
    qs = Verification.objects.filter(community=community).select_related("user", "district")
    if status:
        qs = qs.filter(status=status)
    if basis:
        qs = qs.filter(basis=basis)
    if method:
        qs = qs.filter(method__startswith=method)
    return qs.order_by("-created_at")


def pending_documents(community: Community) -> QuerySet[DocumentSubmission]:
    return (
        DocumentSubmission.objects.filter(
            verification__community=community, verification__status=VerificationStatus.PENDING
        )
        .select_related("verification", "verification__user", "verification__district")
        .order_by("verification__created_at")
    )


def access_submission(user: Any, community: Community, pk: int) -> DocumentSubmission:
    """A document request for a reviewer; 404 for anyone else and for other communities."""
    if not user.has_perm("verification.review"):
        raise Http404
    return get_object_or_404(
        DocumentSubmission.objects.select_related("verification", "verification__user", "verification__district"),
        pk=pk,
        verification__community=community,
    )


def oidc_providers(community: Community) -> QuerySet[OidcProvider]:
    """Every identity provider of the community, switched off ones too (for staff)."""
    return OidcProvider.objects.filter(community=community).order_by("name", "slug")


def provider_rows(community: Community) -> list[tuple[OidcProvider, bool, Any]]:
    """Each provider, whether its client-secret environment variable is set (never its value), and
    the label of its kind of document number."""
    kinds = dict(NUMBER_KINDS)
    return [
        (p, bool(os.environ.get(p.client_secret_env, "")), kinds.get(p.identity_kind, p.identity_kind))
        for p in oidc_providers(community)
    ]


def access_provider(user: Any, community: Community, pk: int) -> OidcProvider:
    """An identity provider for someone who may configure providers; 404 for anyone else and for
    other communities."""
    if not user.has_perm("verification.configure_providers"):
        raise Http404
    return get_object_or_404(OidcProvider, pk=pk, community=community)


def access_verification(user: Any, community: Community, pk: int) -> Verification:
    if not user.has_perm("verification.review"):
        raise Http404
    return get_object_or_404(Verification.objects.select_related("user", "district"), pk=pk, community=community)


def last_census_import(community: Community) -> CensusImport | None:
    return CensusImport.objects.filter(community=community).first()


def census_size(community: Community) -> int:
    return CensusEntry.objects.filter(community=community).count()


def locked_census_entries(community: Community) -> QuerySet[CensusEntry]:
    """Entries locked after failed claims, oldest first; ``claimed`` says whether someone is
    confirmed through the entry (they were e-mailed; otherwise only this list tells anyone)."""
    confirmed = Verification.objects.filter(
        community=community, identity_key=OuterRef("identity_key"), status=VerificationStatus.ACTIVE
    )
    return (
        CensusEntry.objects.filter(community=community, locked_at__isnull=False)
        .select_related("district")
        .annotate(claimed=Exists(confirmed))
        .order_by("locked_at")
    )


def access_census_entry(user: Any, community: Community, pk: int) -> CensusEntry:
    if not user.has_perm("verification.import_census"):
        raise Http404
    return get_object_or_404(CensusEntry, pk=pk, community=community)


def code_batches(community: Community) -> QuerySet[CodeBatch]:
    return CodeBatch.objects.filter(community=community).annotate(
        redeemed=Count("codes", filter=Q(codes__redeemed_at__isnull=False))
    )


def personal_data(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "community": v.community.slug,
            "method": v.method,
            "basis": v.basis,
            "status": v.status,
            "birth_date": v.birth_date.isoformat() if v.birth_date else None,
            "district": v.district.code if v.district else None,
            "requested": v.created_at.isoformat(),
            "decided": v.decided_at.isoformat() if v.decided_at else None,
            "expires_on": v.expires_on.isoformat() if v.expires_on else None,
            "reason": v.decision_reason,
        }
        for v in Verification.objects.filter(user=user).select_related("community", "district")
    ]


def verified_user_ids(community: Community, district_code: str = "", basis: str = "") -> Any:
    """Ids of people with a verification in force in ``community``, in the district and of the
    basis given (empty = any): the audience of a staff announcement."""
    rows = Verification.objects.filter(community=community, status=VerificationStatus.ACTIVE).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=timezone.localdate())
    )
    if district_code:
        rows = rows.filter(district__code=district_code)
    if basis:
        rows = rows.filter(basis=basis)
    return rows.values("user_id")
