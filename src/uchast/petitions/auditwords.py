"""The petitions' words for the public audit page (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

LABELS: dict[str, Any] = {
    "petition.created": _("Petition created"),
    "petition.submitted": _("Petition submitted for moderation"),
    "petition.published": _("Petition published"),
    "petition.refused": _("Petition refused"),
    "petition.threshold_reached": _("Petition reached its signature goal"),
    "petition.collection_ended": _("Signature collection ended"),
    "petition.assigned": _("Petition assigned to an official"),
    "petition.reminder_sent": _("Reminder sent about an unanswered petition"),
    "petition.answered": _("Petition answered"),
    "petition.archived": _("Petition archived"),
}


def public_petitions(ids: list[str]) -> dict[str, tuple[str, str]]:
    """Titles and links of the petitions anyone may see (drafts and refused ones stay unnamed)."""
    from uchast.petitions.models import PUBLIC_STATUSES, Petition

    found = Petition.objects.filter(pk__in=[i for i in ids if i.isdigit()], status__in=PUBLIC_STATUSES)
    return {str(p.pk): (p.title, p.get_absolute_url()) for p in found}


OBJECTS = {"petitions.petition": public_petitions}
