"""Open data: the public tables of the registry and the competitions, as rows (the header first),
served as CSV (through ``core.exports``, formula-safe) and JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from uchast.core.models import Community
from uchast.organisations.models import (
    Application,
    Competition,
    Organisation,
    OrganisationStatus,
    Score,
)
from uchast.organisations.moderation import public_text
from uchast.organisations.selectors import public_reports

Rows = list[list[Any]]


def organisations(community: Community) -> Rows:
    qs = Organisation.objects.filter(community=community, status=OrganisationStatus.CONFIRMED)
    header = ["id", "name", "edrpou", "legal_form", "registered_on", "areas", "works_with_idps", "website"]
    return [header] + [
        [
            o.pk,
            o.name,
            o.edrpou,
            o.legal_form,
            o.registered_on.isoformat(),
            public_text(o, o.areas),
            o.works_with_idps,
            o.website,
        ]  # fmt: skip
        for o in qs
    ]


def competitions(community: Community) -> Rows:
    header = ["id", "title", "status", "budget_kop", "max_per_programme_kop", "min_own_percent", "aggregation",
              "applications_open_at", "applications_close_at", "results_published_at"]  # fmt: skip
    return [header] + [
        [
            c.pk,
            c.title,
            c.status,
            c.budget,
            c.max_per_programme,
            c.min_own_percent,
            c.aggregation,
            c.applications_open_at.isoformat(),
            c.applications_close_at.isoformat(),
            c.results_published_at.isoformat() if c.results_published_at else "",
        ]  # fmt: skip
        for c in Competition.objects.filter(community=community)
    ]


def _published(community: Community) -> Any:
    return Application.objects.filter(
        competition__community=community, competition__results_published_at__isnull=False
    ).select_related("organisation")


def applications(community: Community) -> Rows:
    header = ["id", "competition", "organisation", "edrpou", "title", "own_kop", "requested_kop", "status",
              "ineligibility_reason", "final_score", "rank"]  # fmt: skip
    return [header] + [
        [
            a.pk,
            a.competition_id,
            a.organisation.name,
            a.organisation.edrpou,
            a.title,
            a.own_total,
            a.requested_total,
            a.status,
            a.ineligibility_reason,
            str(a.final_score or ""),
            a.rank or "",
        ]  # fmt: skip
        for a in _published(community)
    ]


def scores(community: Community) -> Rows:
    qs = Score.objects.filter(
        application__competition__community=community, application__competition__results_published_at__isnull=False
    ).select_related("member__user", "criterion")
    header = ["application", "member", "member_kind", "criterion", "max_score", "value"]
    return [header] + [
        [s.application_id, s.member.user.display_name, s.member.kind, s.criterion.title, s.criterion.max_score, s.value]
        for s in qs
    ]


def reports(community: Community) -> Rows:
    """Accepted reports only (those under review or returned are not public), as the catalogue's
    ``organisations-report-spending``."""
    qs = public_reports(community).prefetch_related("spending").order_by("application_id", "kind")
    header = ["application", "kind", "status", "spent_kop", "submitted_at"]
    return [header] + [
        [r.application_id, r.kind, r.status, sum(s.spent for s in r.spending.all()), r.submitted_at.isoformat()]
        for r in qs
    ]


TABLES: dict[str, Callable[[Community], Rows]] = {
    "organisations": organisations,
    "competitions": competitions,
    "applications": applications,
    "scores": scores,
    "reports": reports,
}
