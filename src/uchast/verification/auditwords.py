"""Verification's words for the public audit page (registered in apps.py). Its objects (a person's
verification, a code batch) are never public, so only the labels are given."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

LABELS: dict[str, Any] = {
    "verification.granted": _("Resident verified"),
    "verification.revoked": _("Verification withdrawn"),
    "verification.document_submitted": _("Document submitted for checking"),
    "verification.document_rejected": _("Document not accepted"),
    "verification.document_expired": _("Document deleted after its retention period"),
    "verification.codes_issued": _("Verification codes issued"),
    "verification.codes_expired": _("Unused verification codes expired"),
    "verification.census_imported": _("Resident register imported"),
    "verification.method_switched": _("Verification method switched"),
    "verification.provider_added": _("Identity provider added"),
    "verification.provider_changed": _("Identity provider changed"),
    "verification.provider_switched": _("Identity provider switched on or off"),
}
