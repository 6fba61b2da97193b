"""The organisations' words for the public audit page (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

LABELS: dict[str, Any] = {
    "organisation.registered": _("Organisation registered"),
    "organisation.confirmed": _("Organisation confirmed"),
    "organisation.refused": _("Organisation's registration refused"),
    "organisation.invited": _("Member invited to an organisation"),
    "organisation.member_joined": _("Member joined an organisation"),
    "organisation.files_changed": _("Organisation's logo or statute changed"),
    "competition.announced": _("Competition announced"),
    "competition.phase": _("Competition moved to its next phase"),
    "competition.suspended": _("Competition suspended"),
    "competition.resumed": _("Competition resumed"),
    "competition.applied": _("Application submitted to a competition"),
    "competition.documents_added": _("Documents attached to an application"),
    "competition.document_removed": _("Document removed from an application"),
    "competition.eligibility": _("Application's eligibility checked"),
    "competition.conflict_declared": _("Conflict of interest declared"),
    "competition.scored": _("Application scored by a commission member"),
    "competition.results_published": _("Competition results published"),
    "competition.report_filed": _("Programme report filed"),
    "competition.report_accepted": _("Programme report accepted"),
    "competition.report_returned": _("Programme report returned"),
    "competition.report_photos_added": _("Photos added to a programme report"),
    "competition.report_photo_removed": _("Photo removed from a programme report"),
    "body.created": _("Advisory body created"),
    "body.member_added": _("Member added to an advisory body"),
    "body.member_ended": _("Seat in an advisory body ended"),
    "body.meeting_scheduled": _("Advisory body's meeting scheduled"),
    "body.minutes_published": _("Minutes of an advisory body's meeting published"),
    "body.decision_sent": _("Advisory body's decision sent to the council"),
    "body.election_opened": _("Election to an advisory body opened"),
    "body.election_vote": _("Organisation voted in an advisory body's election"),
    "body.election_counted": _("Election to an advisory body counted"),
}


def public_organisations(ids: list[str]) -> dict[str, tuple[str, str]]:
    from uchast.organisations.models import Organisation, OrganisationStatus

    found = Organisation.objects.filter(pk__in=[i for i in ids if i.isdigit()], status=OrganisationStatus.CONFIRMED)
    return {str(o.pk): (o.name, o.get_absolute_url()) for o in found}


def public_competitions(ids: list[str]) -> dict[str, tuple[str, str]]:
    from uchast.organisations.models import Competition

    found = Competition.objects.filter(pk__in=[i for i in ids if i.isdigit()])
    return {str(c.pk): (c.title, c.get_absolute_url()) for c in found}


def public_applications(ids: list[str]) -> dict[str, tuple[str, str]]:
    from uchast.organisations.models import Application

    found = Application.objects.filter(
        pk__in=[i for i in ids if i.isdigit()], competition__results_published_at__isnull=False
    )
    return {str(a.pk): (a.title, a.get_absolute_url()) for a in found}


def public_bodies(ids: list[str]) -> dict[str, tuple[str, str]]:
    from uchast.organisations.bodies import AdvisoryBody

    found = AdvisoryBody.objects.filter(pk__in=[i for i in ids if i.isdigit()])
    return {str(b.pk): (b.name, b.get_absolute_url()) for b in found}


OBJECTS = {
    "organisations.advisorybody": public_bodies,
    "organisations.organisation": public_organisations,
    "organisations.competition": public_competitions,
    "organisations.application": public_applications,
}
