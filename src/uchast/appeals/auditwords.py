"""The appeals' words for the public audit page. Residents' own acts are recorded without the actor
(the public log must not tell who appeals to the council); officials' acts name the official."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

LABELS: dict[str, Any] = {
    "appeal.filed": _("Appeal registered"),
    "appeal.cosigned": _("Co-signer joined an appeal"),
    "appeal.cosign_withdrawn": _("Co-signer withdrew from an appeal"),
    "appeal.routed": _("Appeal routed to a department"),
    "appeal.priority_checked": _("Priority category checked"),
    "appeal.forwarded": _("Appeal passed on to another body"),
    "appeal.extended": _("Term of an appeal extended"),
    "appeal.answered": _("Appeal answered"),
    "appeal.rated": _("Answer rated"),
    "appeal.complained": _("Complaint about an answer"),
    "appeal.anonymised": _("Personal data of an appeal erased"),
    "report.created": _("Problem reported"),
    "report.metoo": _("Someone has the same problem"),
    "report.status": _("Problem report updated"),
    "moderation.problemreport_hidden": _("Problem report hidden by a moderator"),
    "moderation.problemreport_restored": _("Problem report shown again"),
}


def published_appeals(ids: list[str]) -> dict[str, tuple[str, str]]:
    """Subjects and links of published answers only; private appeals stay unnamed."""
    from uchast.appeals.models import Appeal, Status

    found = Appeal.objects.filter(pk__in=[i for i in ids if i.isdigit()], publish=True, status=Status.ANSWERED)
    return {str(a.pk): (a.subject, a.get_absolute_url()) for a in found}


def reports(ids: list[str]) -> dict[str, tuple[str, str]]:
    from uchast.appeals.models import ProblemReport

    found = ProblemReport.objects.filter(pk__in=[i for i in ids if i.isdigit()])
    # A hidden report's title is what the moderator hid: the log names it neutrally.
    return {
        str(r.pk): (str(_("hidden problem report")) if r.is_hidden else r.title, r.get_absolute_url()) for r in found
    }


OBJECTS = {"appeals.appeal": published_appeals, "appeals.problemreport": reports}
