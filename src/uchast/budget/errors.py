"""The budget's refusal (imported by every layer of the app, so it imports nothing of the app)."""

from __future__ import annotations

from uchast.core.errors import ActionRefused


class BudgetError(ActionRefused):
    """The budget's refusals. The API has always answered an invalid ballot with 400 (clients rely on
    it), so the budget keeps that as its default status; the shared codes map as everywhere."""

    default_status = 400
