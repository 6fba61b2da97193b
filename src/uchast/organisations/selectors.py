"""Reads of organisations and competitions; ``access_*`` fetch what a person may see (404 otherwise).

The public surface for the participation modules (budget, petitions, consultations), which may act
on behalf of an organisation: :func:`acting_allowed`, :func:`acting_as_choices`,
:func:`require_acting_as` and the template ``organisations/includes/byline.html``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from uchast.core.errors import ActionRefused
from uchast.core.models import Community
from uchast.core.timeline import PhaseState
from uchast.organisations import edrpou
from uchast.organisations.models import (
    TIMELINE,
    Application,
    ApplicationDocument,
    ApplicationStatus,
    Competition,
    Membership,
    Organisation,
    OrganisationStatus,
    Phase,
    Report,
    ReportKind,
    ReportPhoto,
    ReportStatus,
    Score,
)
from uchast.organisations.predicates import is_commission_member, is_member, is_org_staff

#: ``Community.statute`` key: may members act on behalf of their organisation (default: yes).
STATUTE_KEY = "organisations_act_on_behalf"


# ---- acting on behalf (the surface other modules use) ---------------------------------------


def acting_allowed(community: Community) -> bool:
    return bool((community.statute or {}).get(STATUTE_KEY, True))


def acting_as_choices(user: Any, community: Community) -> list[Organisation]:
    """The confirmed organisations ``user`` may act for in ``community`` (empty where not allowed)."""
    if not getattr(user, "is_authenticated", False) or not acting_allowed(community):
        return []
    return list(
        Organisation.objects.filter(
            community=community, status=OrganisationStatus.CONFIRMED, memberships__user=user
        ).order_by("name")
    )


def require_acting_as(user: Any, community: Community, organisation_id: int | None) -> Organisation | None:
    """The organisation to act for (None: personally), refused (``not_member``) unless ``user`` may
    act for it now. Services call it inside their transaction."""
    if organisation_id is None:
        return None
    for organisation in acting_as_choices(user, community):
        if organisation.pk == organisation_id:
            return organisation
    raise ActionRefused(
        "not_member",
        _("You can act only for a confirmed organisation you are a member of, where the community allows it."),
        status=403,
    )


# ---- registry ------------------------------------------------------------------------------------


def public_organisations(community: Community, *, query: str = "") -> QuerySet[Organisation]:
    qs = Organisation.objects.filter(community=community, status=OrganisationStatus.CONFIRMED)
    if query:
        qs = qs.filter(name__icontains=query[:100])
    return qs.prefetch_related("districts")


def confirmed_organisation(community: Community, text: str) -> Organisation:
    """The confirmed organisation of ``community`` that ``text`` names: its EDRPOU code (eight
    digits, spaces allowed) or else its exact name. What staff type where a form once offered the
    whole registry in a list (a body's seat, a meeting's co-organiser).

    One query reading at most two rows, by an index: the code by the unique (community, code), a
    name by (community, status, name). Refuses ``organisation_not_found`` when nothing matches
    (a pending or refused organisation neither) and ``organisation_ambiguous`` when two confirmed
    organisations share the name (their codes tell them apart)."""
    text = text.strip()
    code = "".join(text.split())
    found = Organisation.objects.filter(community=community, status=OrganisationStatus.CONFIRMED)
    if len(code) == edrpou.LENGTH and code.isascii() and code.isdigit():
        found = found.filter(edrpou=code)
    else:
        found = found.filter(name=text)
    matches = list(found.order_by("pk")[:2])
    if not matches:
        raise ActionRefused(
            "organisation_not_found",
            _("No confirmed organisation has this EDRPOU code or name. Find it in the registry of organisations."),
        )
    if len(matches) > 1:
        raise ActionRefused(
            "organisation_ambiguous",
            _("Several confirmed organisations have this name: give the EDRPOU code of the one you mean."),
        )
    return matches[0]


#: Registrations waiting for staff, oldest first: the staff queue shows a keyset page in this order.
PENDING_ORDER = ("created_at", "pk")


def pending_organisations(community: Community) -> QuerySet[Organisation]:
    return Organisation.objects.filter(community=community, status=OrganisationStatus.PENDING).order_by(*PENDING_ORDER)


def organisations_of(user: Any, community: Community) -> QuerySet[Organisation]:
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(community=community, memberships__user=user)


def access_organisation(user: Any, community: Community, pk: int) -> Organisation:
    organisation = Organisation.objects.filter(community=community, pk=pk).first()
    if organisation is None or not user.has_perm("organisations.view_organisation", organisation):
        raise Http404
    return organisation


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user")


# ---- competitions --------------------------------------------------------------------------------


def public_competitions(community: Community) -> QuerySet[Competition]:
    return Competition.objects.filter(community=community)


def access_competition(user: Any, community: Community, pk: int) -> Competition:
    competition = Competition.objects.filter(community=community, pk=pk).first()
    if competition is None:
        raise Http404
    return competition


def access_application(user: Any, community: Community, pk: int) -> Application:
    application = (
        Application.objects.select_related("competition", "organisation")
        .filter(competition__community=community, pk=pk)
        .first()
    )
    if application is None or not user.has_perm("organisations.view_application", application):
        raise Http404
    return application


def competition_as_dated(competition: Competition, now: datetime | None = None) -> Competition:
    """The competition in the phase its dates give now, computed without writing (permissions are
    checked on it before ``services.competition_sync_phase`` records the move)."""
    due = TIMELINE.due_phase(PhaseState.of(competition), TIMELINE.dates_of(competition), now or timezone.now())
    if due is not None:
        competition.status = due
    return competition


def applications_of(competition: Competition) -> QuerySet[Application]:
    return competition.applications.select_related("organisation").prefetch_related("lines")


def visible_applications(user: Any, competition: Competition) -> QuerySet[Application]:
    """The applications ``user`` may see: the rule ``organisations.view_application`` read as one
    filter (so a competition's hundreds of applications are paged in the database, not checked one by
    one). Every application once the results are published, and for staff and the commission; before
    that a member sees their own organisations' applications."""
    applications = applications_of(competition)
    if competition.results_published_at is not None or is_org_staff(user) or is_commission_member(user, competition):
        return applications
    if not getattr(user, "is_authenticated", False):
        return applications.none()
    return applications.filter(organisation__memberships__user=user)


def commission_seat(user: Any, competition: Competition) -> Any:
    if not getattr(user, "is_authenticated", False):
        return None
    return competition.commission.filter(user=user).first()


def score_table(application: Application) -> list[tuple[Any, list[Score], int]]:
    """Per member: the scores per criterion and their total (published with the results)."""
    rows: dict[int, tuple[Any, list[Score]]] = {}
    scores = Score.objects.filter(application=application).select_related("member__user", "criterion")
    for score in scores:
        rows.setdefault(score.member_id, (score.member, []))[1].append(score)
    return [(member, items, sum(s.value for s in items)) for member, items in rows.values()]


def winners(competition: Competition) -> QuerySet[Application]:
    return competition.applications.filter(status=ApplicationStatus.WINNER).prefetch_related(
        Prefetch("reports", queryset=Report.objects.prefetch_related("spending"))
    )


def public_reports(community: Community) -> QuerySet[Report]:
    """The reports anyone may read: accepted by staff, on a competition whose results are published.
    The open data (the catalogue's ``organisations-report-spending``) and the public pages use this
    one filter."""
    return Report.objects.filter(
        status=ReportStatus.ACCEPTED,
        application__competition__community=community,
        application__competition__results_published_at__isnull=False,
    )


def may_read_report_notes(user: Any, application: Application) -> bool:
    """Staff's notes on reports (what to change) are for staff and the organisation's members only."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_perm("organisations.decide_report"):
        return True
    return Membership.objects.filter(organisation_id=application.organisation_id, user=user).exists()


def reports_visible_to(user: Any, application: Application) -> QuerySet[Report]:
    """Every report of the application for staff and the organisation's members; the accepted ones
    (once the results are published) for everyone else."""
    reports = application.reports.prefetch_related("spending__line")
    if may_read_report_notes(user, application):
        return reports
    if application.competition.results_published_at is None:
        return reports.none()
    return reports.filter(status=ReportStatus.ACCEPTED)


#: A report counts as filed while it awaits review or is accepted (a returned one must be filed again).
FILED_REPORTS = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


def unfiled(applications: QuerySet[Application], kind: str) -> QuerySet[Application]:
    """Those of ``applications`` whose ``kind`` report is not filed."""
    filed = Report.objects.filter(kind=kind, status__in=FILED_REPORTS).values("application_id")
    return applications.exclude(pk__in=filed)


def overdue_reports(competition: Competition, today: date | None = None) -> list[dict[str, Any]]:
    """The winners' reports past their due date and not filed (the competition's staff section)."""
    today = today or timezone.localdate()
    rows: list[dict[str, Any]] = []
    for kind in ReportKind.values:
        due = competition.report_due(kind)
        if due is None or due >= today:
            continue
        late = unfiled(competition.applications.filter(status=ApplicationStatus.WINNER), kind)
        rows.extend(
            {"application": a, "kind": ReportKind(kind).label, "due": due} for a in late.select_related("organisation")
        )
    return rows


def is_accepting(competition: Competition) -> bool:
    return competition.status == Phase.APPLICATIONS


# ---- files ---------------------------------------------------------------------------------------


def reads_documents_as_party(user: Any, application: Application) -> bool:
    """Whether ``user`` reads the application's documents as a party to it (a member of the
    applying organisation, a member of the competition's commission) rather than only as staff."""
    return bool(is_member(user, application) or is_commission_member(user, application))


def documents_of(user: Any, application: Application) -> list[ApplicationDocument]:
    """An application's documents for ``user``: never public (members, staff, the commission)."""
    if not user.has_perm("organisations.view_documents", application):
        return []
    return list(application.documents.all())


def access_document(user: Any, community: Community, application_pk: int, pk: int) -> ApplicationDocument:
    """A document ``user`` may read, else 404 (neither the application nor the document is revealed)."""
    application = access_application(user, community, application_pk)
    document = ApplicationDocument.objects.filter(application=application, pk=pk).first()
    if document is None or not user.has_perm("organisations.view_documents", application):
        raise Http404
    document.application = application
    return document


def photos_of(user: Any, report: Report) -> list[ReportPhoto]:
    """A report's photos for ``user``: everyone's once staff accepted it, else members' and staff's."""
    if not user.has_perm("organisations.view_report_photos", report):
        return []
    return list(report.photos.all())


def access_report(user: Any, community: Community, pk: int) -> Report:
    report = (
        Report.objects.select_related("application__competition", "application__organisation")
        .filter(application__competition__community=community, pk=pk)
        .first()
    )
    if report is None or not user.has_perm("organisations.view_application", report.application):
        raise Http404
    return report


def access_report_photo(user: Any, community: Community, report_pk: int, pk: int) -> ReportPhoto:
    """A photo ``user`` may see, else 404."""
    report = access_report(user, community, report_pk)
    photo = ReportPhoto.objects.filter(report=report, pk=pk).first()
    if photo is None or not user.has_perm("organisations.view_report_photos", report):
        raise Http404
    photo.report = report
    return photo
