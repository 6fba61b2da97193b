"""Draft text by version, and comments on its sections."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from uchast.consultations.actions import ConsultationAction
from uchast.consultations.drafts import ParsedSection, section_key
from uchast.consultations.models import Consultation, DraftVersion, Phase, Section
from uchast.consultations.predicates import is_latest_section
from uchast.consultations.services.common import require_open, require_participant
from uchast.core import audit
from uchast.core.comments import comment_create
from uchast.core.errors import ActionRefused
from uchast.core.models import Comment


def draft_version_publish(
    *, actor: Any, consultation: Consultation, sections: list[ParsedSection], note: str = "", source_name: str = ""
) -> DraftVersion:
    """A new version with new section versions; old versions and what was said on them stay."""
    if not sections:
        raise ActionRefused("empty_draft", _("The draft has no text. Paste it or upload a Markdown or .docx file."))
    if consultation.phase in (Phase.ANALYSIS, Phase.REPORTED):
        raise ActionRefused("phase", _("The draft cannot change after the consultation has closed."), status=409)
    with transaction.atomic():
        Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
        number = (consultation.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        version = DraftVersion.objects.create(
            consultation=consultation,
            number=number,
            note=note.strip()[:300],
            source_name=source_name[:200],
            created_by=actor,
        )
        used: set[str] = set()
        rows = []
        for position, parsed in enumerate(sections, start=1):
            heading = parsed.heading or _("Preamble")
            key = section_key(heading, position)
            while key in used:
                key = f"{key}-{position}"[:80]
            used.add(key)
            rows.append(Section(version=version, position=position, key=key, heading=heading[:300], body=parsed.body))
        Section.objects.bulk_create(rows)
        audit.record(
            action="consultations.draft_published",
            actor=actor,
            obj=consultation,
            community=consultation.community,
            summary={"version": number, "sections": len(rows)},
        )
    return version


def section_comment(*, author: Any, section: Section, body: str) -> Comment:
    """A plain comment on a section version (core comments: moderation, blocks, reports). Comments
    go to the current version of an open consultation, from those its conditions admit."""
    consultation = section.version.consultation
    require_open(consultation, _("You cannot comment here."))
    if not is_latest_section(section):
        raise ActionRefused("old_version", _("You cannot comment here."))
    require_participant(author, consultation, ConsultationAction.COMMENT)
    return comment_create(author=author, target=section, body=body)
