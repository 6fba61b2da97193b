"""The budget's refusal (imported by every layer of the app, so it imports nothing of the app)."""

from __future__ import annotations

from typing import Any

from uchast.core.errors import ActionRefused

#: Refusals that conflict with the current state of the cycle, project, batch or invitation (a
#: phase that does not allow the action, an action already taken): the API answers them 409, as
#: the shared conflicts (``core.errors.STATUS_BY_CODE``). Pages show every refusal on the form.
CONFLICTS = frozenset(
    {
        "already_coauthor",
        "already_invited",
        "already_supported",
        "already_suspended",
        "appeal_used",
        "batch_exists",
        "check_closed",
        "count_outdated",
        "expired_token",
        "file_changed",
        "flagged_left",
        "no_first_entry",
        "not_appealable",
        "not_countable",
        "not_counted",
        "not_draft",
        "not_editable",
        "not_flagged",
        "not_publishable",
        "not_published",
        "not_reviewable",
        "not_revisable",
        "not_supportable",
        "not_supported",
        "not_suspended",
        "not_winner",
        "nothing_to_resolve",
        "paper_unsettled",
        "phase_closed",
        "position_taken",
        "revoked_token",
        "rules_frozen",
        "same_phase",
        "seal_fixed",
        "supports_closed",
        "supports_decided",
        "supports_given",
        "used_token",
        "voting_started",
    }
)


class BudgetError(ActionRefused):
    """The budget's refusals. The API has always answered an invalid ballot with 400 (clients rely on
    it), so the budget keeps that as its default status; the shared codes map as everywhere, and
    the budget's own conflicts (:data:`CONFLICTS`) are 409."""

    default_status = 400

    def __init__(self, code: str, message: str, *, status: int | None = None, details: Any = None) -> None:
        super().__init__(code, message, status=status or (409 if code in CONFLICTS else None), details=details)
