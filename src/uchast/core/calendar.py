"""The community's working-day calendar: shipped Ukrainian holidays plus the community's own days."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from uchast.core.models import Community
from uchast.eligibility import WorkingCalendar, ukrainian_holidays


def _dates(values: object) -> tuple[date, ...]:
    if not isinstance(values, list):
        return ()
    return tuple(sorted(date.fromisoformat(str(v)) for v in values))


@lru_cache(maxsize=64)
def _calendar(
    holidays_are_working_days: bool, days_off: tuple[date, ...], working: tuple[date, ...]
) -> WorkingCalendar:
    return WorkingCalendar(
        ukrainian_holidays(),
        holidays_are_working_days=holidays_are_working_days,
        extra_days_off=days_off,
        extra_working_days=working,
    )


def calendar_for(community: Community) -> WorkingCalendar:
    """Deadlines in working days for ``community`` (statute keys ``extra_days_off`` and
    ``extra_working_days``: lists of ISO dates; martial-law switch ``holidays_are_working_days``)."""
    return _calendar(
        community.holidays_are_working_days,
        _dates(community.statute.get("extra_days_off")),
        _dates(community.statute.get("extra_working_days")),
    )
