"""The organisations' public texts under core moderation (``uchast.core.moderation``): a confirmed
organisation's profile (areas of work, description), a published application (goals, activities,
timeline) and an accepted report (its text). Residents report them; moderators hide them with a
public reason, shown in their place on every page, API read and open-data table (``public_text``),
and restore them. Names, titles and figures stay: they are the record staff checked."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from uchast.core.models import Moderated
from uchast.core.moderation import register_moderated
from uchast.organisations.models import Application, Organisation, Report

REPORT_PERMISSION = "organisations.report_public_text"


def public_text(obj: Moderated, value: str) -> str:
    """``value`` as the public may read it: the moderator's reason in its place once hidden."""
    if obj.is_hidden:
        return _("Hidden by a moderator: %(reason)s") % {"reason": obj.hidden_reason}
    return value


def _texts(*values: str) -> str:
    return "\n\n".join(v for v in values if v).strip()


def register() -> None:
    """Called from ``OrganisationsConfig.ready()``."""
    register_moderated(
        Organisation,
        report_permission=REPORT_PERMISSION,
        url=Organisation.get_absolute_url,
        text=lambda o: _texts(o.name, o.areas, o.description),
        author=lambda o: o.registered_by,
        related=("community", "registered_by"),
    )
    register_moderated(
        Application,
        report_permission=REPORT_PERMISSION,
        url=Application.get_absolute_url,
        text=lambda a: _texts(a.title, a.goals, a.activities, a.schedule),
        community=lambda a: a.competition.community,
        author=lambda a: a.submitted_by,
        related=("competition__community", "submitted_by"),
    )
    register_moderated(
        Report,
        report_permission=REPORT_PERMISSION,
        url=Report.get_absolute_url,
        text=lambda r: r.text,
        community=_report_community,
        author=lambda r: r.submitted_by,
        related=("application__competition__community", "submitted_by"),
    )


def _report_community(report: Report) -> Any:
    return report.application.competition.community
