"""The report that answers every proposal."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from uchast.consultations.models import Consultation, Phase
from uchast.consultations.services.common import clean_text
from uchast.core import audit
from uchast.core.errors import ActionRefused


def report_publish(*, actor: Any, consultation: Consultation, summary: str) -> Consultation:
    """Publish the report. Precondition: the analysis phase and every visible proposal answered."""
    text = clean_text(summary, limit=20000, empty_message=_("Write the summary of the report."))
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if locked.phase != Phase.ANALYSIS:
            raise ActionRefused(
                "phase", _("The report is published after the consultation closes for analysis."), status=409
            )
        unanswered = locked.proposals.filter(is_hidden=False, answer_status="").count()
        if unanswered:
            raise ActionRefused(
                "unanswered",
                _("Answer every proposal first: %(count)d still without an answer.") % {"count": unanswered},
                status=409,
            )
        locked.phase = Phase.REPORTED
        locked.report_summary = text
        locked.report_published_at = timezone.now()
        locked.save(update_fields=["phase", "report_summary", "report_published_at", "updated_at"])
        audit.record(
            action="consultations.report_published", actor=actor, obj=locked, community=locked.community, summary={}
        )
    return locked
