"""Object predicates for appeals (django-rules).

Who sees a private appeal: the person, the co-signers who confirmed and have not withdrawn, and the
officials of the department handling it (the registry's while it is not routed). Nobody else, not
even an administrator: the law on personal data needs a purpose, and routing is the registry's."""

from __future__ import annotations

from typing import Any

import rules

from uchast.accounts.predicates import is_official
from uchast.appeals.models import Appeal, CoSigner, Department, ProblemReport, ReportStatus, Status


@rules.predicate
def is_appeal_author(user: Any, appeal: Appeal | None) -> bool:
    return appeal is not None and getattr(user, "pk", None) == appeal.author_id


@rules.predicate
def is_active_cosigner(user: Any, appeal: Appeal | None) -> bool:
    if appeal is None or not getattr(user, "is_authenticated", False):
        return False
    return CoSigner.objects.filter(
        appeal=appeal, user=user, confirmed_at__isnull=False, withdrawn_at__isnull=True
    ).exists()


@rules.predicate
def is_invited(user: Any, appeal: Appeal | None) -> bool:
    """Asked to co-sign (or co-signing) and not withdrawn: may read the appeal to decide. A withdrawal
    is final, so a withdrawn co-signer no longer sees a private appeal."""
    if appeal is None or not getattr(user, "is_authenticated", False):
        return False
    return CoSigner.objects.filter(appeal=appeal, user=user, withdrawn_at__isnull=True).exists()


def _department(appeal: Appeal) -> Department | None:
    if appeal.department_id:
        return appeal.department
    return Department.objects.filter(community_id=appeal.community_id, is_registry=True).order_by("pk").first()


@rules.predicate
def is_in_handling_department(user: Any, appeal: Appeal | None) -> bool:
    if appeal is None or not getattr(user, "is_authenticated", False):
        return False
    department = _department(appeal)
    if department is None:
        return False
    return department.head_id == user.pk or department.members.filter(pk=user.pk).exists()


@rules.predicate
def is_published(user: Any, appeal: Appeal | None) -> bool:
    return appeal is not None and appeal.is_published


@rules.predicate
def is_answered(user: Any, appeal: Appeal | None) -> bool:
    return appeal is not None and appeal.status == Status.ANSWERED


@rules.predicate
def is_open_report(user: Any, report: ProblemReport | None) -> bool:
    return report is not None and report.status not in (ReportStatus.RESOLVED, ReportStatus.REJECTED)


is_party = is_appeal_author | is_active_cosigner
is_handler = is_official & is_in_handling_department
