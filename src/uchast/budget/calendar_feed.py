"""The participatory budget's phase dates for the iCalendar feeds (``core.registry.add_calendar``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from uchast.budget.models import TIMELINE, BudgetCycle, Phase
from uchast.core.models import Community
from uchast.core.notifications import followed_ids
from uchast.core.registry import CalendarEvent


def events(community: Community, user: Any | None) -> list[CalendarEvent]:
    """Each phase of every cycle out of preparation, as one event from its start to the next
    phase's; a person sees the cycles they follow."""
    cycles = BudgetCycle.objects.filter(community=community).exclude(status=Phase.DRAFT)
    if user is not None:
        cycles = cycles.filter(pk__in=followed_ids(user, BudgetCycle))
    result = []
    for cycle in cycles.order_by("pk")[:50]:
        fields = list(TIMELINE.date_fields)
        for index, field_name in enumerate(fields):
            start = getattr(cycle, field_name)
            end = getattr(cycle, fields[index + 1]) if index + 1 < len(fields) else None
            label = getattr(BudgetCycle._meta.get_field(field_name), "verbose_name", field_name)
            result.append(
                CalendarEvent(
                    uid=f"budget-{cycle.pk}-{field_name}",
                    title=f"{cycle.title}: {label}",
                    start=start,
                    end=end,
                    url=reverse("budget:cycle", args=[cycle.pk]),
                    deadline=start if field_name == "voting_closes" and cycle.status == Phase.VOTING else None,
                    target=cycle,
                )
            )
    return result
