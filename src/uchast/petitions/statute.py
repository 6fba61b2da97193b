"""The community statute's petition parameters, read with documented defaults.

Keys in ``Community.statute`` (all optional):

=================================== ======= ===================================================
key                                 default meaning
=================================== ======= ===================================================
``petition_threshold``              100     signatures needed for consideration by the council
``petition_collection_days``        60      calendar days of collection after publication
``petition_moderation_working_days`` 2      working days to publish or refuse a submitted petition
``petition_answer_working_days``    10      working days to answer after the threshold is reached
``petition_appeal_answer_days``     30      calendar days to answer a petition below threshold as
                                            an ordinary appeal (Law on citizens' appeals, art. 20)
``petition_reminder_working_days``  2       remind the official this many working days before
                                            the answer deadline
``petition_archive_days``           90      calendar days after the answer before archiving
``petition_max_open_per_author``    3       petitions one author may have in moderation or
                                            collection at once
``petition_sign_conditions``        ""      participation conditions for signing (text such as
                                            ``verified; min_age(16)``); empty = the platform
                                            default for ``petition.sign``
``petition_create_conditions``      ""      the same for creating a petition
``petition_signatory_initials``     false   the statute lets signatories show initials only
``petition_max_title_length``       200     (fixed by the model; not configurable)
=================================== ======= ===================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from uchast.core.models import Community


def _positive_int(value: Any, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number >= 1 else default


@dataclass(frozen=True)
class PetitionStatute:
    threshold: int = 100
    collection_days: int = 60
    moderation_working_days: int = 2
    answer_working_days: int = 10
    appeal_answer_days: int = 30
    reminder_working_days: int = 2
    archive_days: int = 90
    max_open_per_author: int = 3
    sign_conditions: str | None = None
    create_conditions: str | None = None
    signatory_initials_allowed: bool = False

    @classmethod
    def from_community(cls, community: Community) -> PetitionStatute:
        """Reads the statute; a missing or invalid (non-positive, non-number) value gives the default."""
        s = community.statute or {}
        d = cls()
        return cls(
            threshold=_positive_int(s.get("petition_threshold"), d.threshold),
            collection_days=_positive_int(s.get("petition_collection_days"), d.collection_days),
            moderation_working_days=_positive_int(s.get("petition_moderation_working_days"), d.moderation_working_days),
            answer_working_days=_positive_int(s.get("petition_answer_working_days"), d.answer_working_days),
            appeal_answer_days=_positive_int(s.get("petition_appeal_answer_days"), d.appeal_answer_days),
            reminder_working_days=_positive_int(s.get("petition_reminder_working_days"), d.reminder_working_days),
            archive_days=_positive_int(s.get("petition_archive_days"), d.archive_days),
            max_open_per_author=_positive_int(s.get("petition_max_open_per_author"), d.max_open_per_author),
            sign_conditions=str(s["petition_sign_conditions"]) if s.get("petition_sign_conditions") else None,
            create_conditions=str(s["petition_create_conditions"]) if s.get("petition_create_conditions") else None,
            signatory_initials_allowed=bool(s.get("petition_signatory_initials", False)),
        )
