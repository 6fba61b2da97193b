"""The organisations' open data (issues 15 and 18) in the catalogue at /open-data/: the registry,
the partnership competitions, their published results (applications, every member's scores per
criterion, winners), the spending of accepted reports, and the advisory bodies with their
decisions. Registered from ``OrganisationsConfig.ready()``. Only what the public pages show: no
pending or refused organisations, no phone numbers, results only once published. Money is in
kopiykas."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from uchast.core.registry import Dataset, DataTable
from uchast.organisations.bodies import AdvisoryBody, Decision
from uchast.organisations.models import (
    Application,
    ApplicationStatus,
    Competition,
    Organisation,
    OrganisationStatus,
    ReportSpending,
    Score,
)
from uchast.organisations.moderation import public_text
from uchast.organisations.selectors import public_reports


def _organisations(community: Any) -> DataTable:
    columns = ("organisation_id", "name", "edrpou", "legal_form", "registered_on", "areas", "districts",
               "works_with_idps", "email", "website", "description")  # fmt: skip
    rows = (
        [
            o.pk,
            o.name,
            o.edrpou,
            o.legal_form,
            o.registered_on,
            public_text(o, o.areas),
            "; ".join(d.code for d in o.districts.all()),
            o.works_with_idps,
            o.email,
            o.website,
            public_text(o, o.description),
        ]  # fmt: skip
        for o in Organisation.objects.filter(community=community, status=OrganisationStatus.CONFIRMED)
        .prefetch_related("districts")
        .order_by("pk")
    )
    return DataTable(columns, rows)


def _competitions(community: Any) -> DataTable:
    columns = ("competition_id", "title", "priorities", "status", "budget_kopiykas", "max_per_programme_kopiykas",
               "min_own_percent", "min_registered_months", "aggregation", "criteria", "applications_open_at",
               "applications_close_at", "results_published_at", "suspension_reason")  # fmt: skip
    rows = (
        [
            c.pk,
            c.title,
            c.priorities,
            c.status,
            c.budget,
            c.max_per_programme,
            c.min_own_percent,
            c.min_registered_months,
            c.aggregation,
            "; ".join(f"{k.title} (0-{k.max_score})" for k in c.criteria.all()),
            c.applications_open_at,
            c.applications_close_at,
            c.results_published_at,
            c.suspension_reason,
        ]  # fmt: skip
        for c in Competition.objects.filter(community=community).prefetch_related("criteria").order_by("pk")
    )
    return DataTable(columns, rows)


def _published(community: Any) -> Any:
    return Application.objects.filter(
        competition__community=community, competition__results_published_at__isnull=False
    ).select_related("organisation")


def _applications(community: Any) -> DataTable:
    columns = ("competition_id", "application_id", "organisation_id", "organisation", "edrpou", "title",
               "own_kopiykas", "requested_kopiykas", "status", "ineligibility_reason", "final_score", "rank",
               "winner")  # fmt: skip
    rows = (
        [
            a.competition_id,
            a.pk,
            a.organisation_id,
            a.organisation.name,
            a.organisation.edrpou,
            a.title,
            a.own_total,
            a.requested_total,
            a.status,
            a.ineligibility_reason,
            a.final_score,
            a.rank,
            a.status == ApplicationStatus.WINNER,
        ]  # fmt: skip
        for a in _published(community).order_by("competition_id", "rank", "pk")
    )
    return DataTable(columns, rows)


def _scores(community: Any) -> DataTable:
    columns = ("competition_id", "application_id", "member", "member_kind", "criterion", "max_score", "value")
    rows = (
        [
            s.application.competition_id,
            s.application_id,
            s.member.user.display_name,
            s.member.kind,
            s.criterion.title,
            s.criterion.max_score,
            s.value,
        ]  # fmt: skip
        for s in Score.objects.filter(application__in=_published(community))
        .select_related("application", "member__user", "criterion")
        .order_by("application__competition_id", "application_id", "member_id", "criterion__position")
    )
    return DataTable(columns, rows)


def _report_spending(community: Any) -> DataTable:
    columns = ("competition_id", "application_id", "organisation", "report_id", "report_kind", "budget_line",
               "own_planned_kopiykas", "requested_planned_kopiykas", "spent_kopiykas", "submitted_at")  # fmt: skip

    def rows() -> Iterator[list[Any]]:
        spending = (
            ReportSpending.objects.filter(report__in=public_reports(community))
            .select_related("report__application__organisation", "line")
            .order_by("report__application__competition_id", "report__application_id", "report_id", "line_id")
        )
        for s in spending:
            application = s.report.application
            yield [application.competition_id, application.pk, application.organisation.name, s.report_id,
                   s.report.kind, s.line.item, s.line.own_amount, s.line.requested_amount, s.spent,
                   s.report.submitted_at]  # fmt: skip

    return DataTable(columns, rows())


def _bodies(community: Any) -> DataTable:
    columns = ("body_id", "name", "kind", "description", "members", "meetings", "decisions")
    rows = (
        [
            b.pk,
            b.name,
            b.kind,
            b.description,
            "; ".join(m.label for m in b.members.all()),
            b.meetings.count(),
            Decision.objects.filter(meeting__body=b).count(),
        ]  # fmt: skip
        for b in AdvisoryBody.objects.filter(community=community)
        .prefetch_related("members__user", "members__organisation")
        .order_by("pk")
    )
    return DataTable(columns, rows)


def _decisions(community: Any) -> DataTable:
    columns = ("body_id", "body", "meeting_id", "meeting_starts_at", "place", "decision_id", "decision",
               "sent_to_council_at")  # fmt: skip
    rows = (
        [
            d.meeting.body_id,
            d.meeting.body.name,
            d.meeting_id,
            d.meeting.starts_at,
            d.meeting.place,
            d.pk,
            d.text,
            d.sent_to_council_at,
        ]  # fmt: skip
        for d in Decision.objects.filter(meeting__body__community=community)
        .exclude(meeting__minutes_published_at=None)
        .select_related("meeting__body")
        .order_by("meeting__body_id", "meeting__starts_at", "pk")
    )
    return DataTable(columns, rows)


DATASETS = (
    Dataset(
        slug="organisations",
        title=_("Civil-society organisations"),
        description=_(
            "The registry of civil-society organisations confirmed by the council: name, EDRPOU code, "
            "legal form, date of registration, areas of work, districts served and public contacts."
        ),
        frequency="daily",
        table=_organisations,
        keywords=("civil society", "organisations"),
    ),
    Dataset(
        slug="organisations-competitions",
        title=_("Partnership competitions for organisations"),
        description=_(
            "Every competition financing organisations' programmes: priorities, budget and limit per "
            "programme, conditions, published criteria with their maximum scores, dates and state."
        ),
        frequency="daily",
        table=_competitions,
        keywords=("civil society", "competitions", "grants"),
    ),
    Dataset(
        slug="organisations-applications",
        title=_("Partnership competitions: applications and winners"),
        description=_(
            "Once a competition's results are published, every application with its budget, eligibility "
            "decision, final score, rank and whether it won financing."
        ),
        frequency="daily",
        table=_applications,
        keywords=("civil society", "competitions", "results"),
    ),
    Dataset(
        slug="organisations-scores",
        title=_("Partnership competitions: scores of the commission"),
        description=_(
            "Once a competition's results are published, every score each member of the commission "
            "gave each eligible application, per criterion."
        ),
        frequency="daily",
        table=_scores,
        keywords=("civil society", "competitions", "scores"),
    ),
    Dataset(
        slug="organisations-report-spending",
        title=_("Partnership competitions: spending reported"),
        description=_(
            "The spending of financed programmes by line of their budget, from the reports the council "
            "accepted, beside the amounts planned."
        ),
        frequency="daily",
        table=_report_spending,
        keywords=("civil society", "competitions", "spending"),
    ),
    Dataset(
        slug="advisory-bodies",
        title=_("Advisory bodies"),
        description=_(
            "The council's advisory bodies (public council, council on displaced persons, youth council, "
            "working groups) with their members and the number of meetings and decisions."
        ),
        frequency="daily",
        table=_bodies,
        keywords=("advisory bodies", "public council"),
    ),
    Dataset(
        slug="advisory-body-decisions",
        title=_("Advisory bodies: decisions"),
        description=_(
            "Every decision in the published minutes of advisory bodies' meetings, and when it was sent "
            "to the council as a proposal."
        ),
        frequency="daily",
        table=_decisions,
        keywords=("advisory bodies", "decisions"),
    ),
)
