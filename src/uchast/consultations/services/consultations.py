"""Consultations and their phases: create, advance, attach public files (officials' use cases;
views check ``consultations.manage`` before calling them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from uchast.consultations.models import NEXT_PHASE, Audience, Consultation, OpinionSnapshot, Phase
from uchast.consultations.services.statements import enqueue_opinion
from uchast.consultations.services.surveys import forget_binding_answers
from uchast.core import audit
from uchast.core.errors import ActionRefused
from uchast.core.files import atomic_with_files, attachment_add
from uchast.core.models import Attachment, Community, District
from uchast.core.notifications import announce_process_opened


def consultation_create(
    *,
    actor: Any,
    community: Community,
    title: str,
    summary: str,
    starts_at: datetime,
    ends_at: datetime,
    responsible_name: str,
    responsible_contacts: str,
    alternatives: str = "",
    affected_groups: str = "",
    consequences: str = "",
    how_to_take_part: str = "",
    audience: str = Audience.ANYONE,
    audience_district: District | None = None,
    title_en: str = "",
    summary_en: str = "",
) -> Consultation:
    if ends_at <= starts_at:
        raise ActionRefused("dates", _("The consultation must close after it opens."))
    if audience == Audience.DISTRICT and audience_district is None:
        raise ActionRefused("district", _("Choose the district whose residents may take part."))
    if audience_district is not None and audience_district.community_id != community.pk:
        raise ActionRefused("district", _("The district is not in this community."))
    with transaction.atomic():
        consultation = Consultation.objects.create(
            community=community,
            title=title.strip(),
            summary=summary.strip(),
            title_en=title_en.strip(),
            summary_en=summary_en.strip(),
            alternatives=alternatives.strip(),
            affected_groups=affected_groups.strip(),
            consequences=consequences.strip(),
            how_to_take_part=how_to_take_part.strip(),
            starts_at=starts_at,
            ends_at=ends_at,
            responsible_name=responsible_name.strip(),
            responsible_contacts=responsible_contacts.strip(),
            audience=audience,
            audience_district=audience_district if audience == Audience.DISTRICT else None,
            created_by=actor,
        )
        OpinionSnapshot.objects.create(consultation=consultation)
        audit.record(
            action="consultations.created",
            actor=actor,
            obj=consultation,
            community=community,
            summary={"title": consultation.title},
        )
    return consultation


def consultation_advance(*, actor: Any, consultation: Consultation) -> Consultation:
    """Move to the next phase (announced → open → analysis). The report is published by
    ``report_publish``. Announcing needs a draft text. Closing (→ analysis) deletes the
    participation register's rows of the binding surveys (``forget_binding_answers``)."""
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        target = NEXT_PHASE.get(Phase(locked.phase))
        if target is None or target == Phase.REPORTED:
            raise ActionRefused("phase", _("Publish the report to finish the consultation."), status=409)
        if target == Phase.ANNOUNCED and not locked.versions.exists():
            raise ActionRefused("no_draft", _("Add the draft text before announcing the consultation."), status=409)
        old = locked.phase
        locked.phase = target
        locked.save(update_fields=["phase", "updated_at"])
        if target == Phase.ANALYSIS:
            # Answers are closed: who answered the binding surveys is no longer needed.
            forget_binding_answers(locked)
        audit.record(
            action="consultations.phase_changed",
            actor=actor,
            obj=locked,
            community=locked.community,
            summary={"from": old, "to": target},
        )
        if target == Phase.OPEN:
            announce_process_opened(
                kind=gettext_lazy("Consultation"), title=locked.title, url=locked.get_absolute_url()
            )
    if target == Phase.ANALYSIS:
        # The final map: every vote is in.
        transaction.on_commit(lambda: enqueue_opinion(locked.pk, force=True))
    return locked


def consultation_attachment_add(*, actor: Any, consultation: Consultation, upload: Any, title: str) -> Attachment:
    """A public file of the consultation (the full draft as PDF, an analysis, a map). Checked and
    cleaned by core (type sniffing, size limit, image metadata stripped)."""
    try:
        with atomic_with_files():
            attachment = attachment_add(target=consultation, upload=upload, title=title, uploaded_by=actor)
            audit.record(
                action="consultations.attachment_added",
                actor=actor,
                obj=consultation,
                community=consultation.community,
                summary={"title": attachment.title, "kind": attachment.kind},
            )
    except ValidationError as error:
        raise ActionRefused("bad_file", " ".join(error.messages)) from None
    return attachment
