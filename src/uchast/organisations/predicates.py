"""Object predicates for organisations and competitions (django-rules)."""

from __future__ import annotations

from typing import Any

import rules

from uchast.accounts.predicates import is_administrator, is_moderator, is_official
from uchast.organisations.models import (
    Application,
    ApplicationStatus,
    Competition,
    MemberRole,
    Membership,
    Organisation,
    OrganisationStatus,
    Phase,
    Report,
    ReportStatus,
)

is_org_staff = is_official | is_administrator
can_view_queue = is_official | is_moderator | is_administrator


def _organisation_of(obj: Any) -> Organisation | None:
    if isinstance(obj, Organisation):
        return obj
    if isinstance(obj, Application):
        return obj.organisation
    if isinstance(obj, Report):
        return obj.application.organisation
    return None


@rules.predicate
def is_confirmed(user: Any, obj: Any) -> bool:
    org = _organisation_of(obj)
    return org is not None and org.status == OrganisationStatus.CONFIRMED


@rules.predicate
def is_member(user: Any, obj: Any) -> bool:
    org = _organisation_of(obj)
    if org is None or not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(organisation=org, user=user).exists()


@rules.predicate
def is_head(user: Any, obj: Any) -> bool:
    org = _organisation_of(obj)
    if org is None or not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(organisation=org, user=user, role=MemberRole.HEAD).exists()


@rules.predicate
def is_commission_member(user: Any, obj: Any) -> bool:
    competition = obj.competition if isinstance(obj, Application) else obj
    if not isinstance(competition, Competition) or not getattr(user, "is_authenticated", False):
        return False
    return competition.commission.filter(user=user).exists()


@rules.predicate
def is_in_review(user: Any, obj: Any) -> bool:
    competition = obj.competition if isinstance(obj, Application) else obj
    return isinstance(competition, Competition) and competition.status == Phase.REVIEW


@rules.predicate
def is_winner(user: Any, obj: Any) -> bool:
    return isinstance(obj, Application) and obj.status == ApplicationStatus.WINNER


@rules.predicate
def is_results_published(user: Any, obj: Any) -> bool:
    competition = obj.competition if isinstance(obj, Application) else obj
    return isinstance(competition, Competition) and competition.results_published_at is not None


@rules.predicate
def is_report_accepted(user: Any, obj: Any) -> bool:
    return isinstance(obj, Report) and obj.status == ReportStatus.ACCEPTED


@rules.predicate
def is_public_text(user: Any, obj: Any) -> bool:
    """What residents can read, so may report to the moderators: a confirmed organisation's
    profile, an application once results are published, an accepted report on one."""
    if isinstance(obj, Organisation):
        return obj.status == OrganisationStatus.CONFIRMED
    if isinstance(obj, Report):
        return obj.status == ReportStatus.ACCEPTED and obj.application.competition.results_published_at is not None
    if isinstance(obj, Application):
        return obj.competition.results_published_at is not None
    return False
