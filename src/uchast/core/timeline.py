"""Dated phases, built once: the order of a process's phases, the date each one starts at, and the
suspended state (paused with a public reason, resumed with new dates).

A module declares its phases once as a :class:`Timeline` (the participatory budget does in
``budget/models.py``) and keeps on its process model one date field per dated phase plus the four
fields of :class:`PhaseState` (``status``, ``suspended_from``, ``suspension_reason``,
``suspended_at``). Phases are any ``str`` enum (``TextChoices`` included), dates any field names.

Everything here works on plain values (dates by field name, a ``PhaseState``) and returns plain
values; nothing is saved. The module's service locks its row, asks the timeline, applies the
answer, writes its audit entry and adds its own rules (the budget freezes its categories when
voting opens and closes support collection when submission ends). Refusals are raised as the
timeline's ``refusal`` class (the module's own ``ActionRefused`` subclass) with the module's wording
where it gave one (``messages``), before anything changes.

Invariants (kept here, relied on by every module that uses a timeline):

- **Dates are strictly increasing** in the order of ``starts`` (:meth:`Timeline.check_dates`,
  refusal ``dates_out_of_order``); every date is checked before any is stored.
- **The dates' phase** is the last dated phase whose start has passed, or the first phase of
  ``order`` before any date (:meth:`Timeline.phase_at`). Phases after the last date (e.g. the
  budget's implementation) are entered by people only.
- **Dates move a process forward only**, and never while it is suspended (:meth:`Timeline.due_phase`).
- **Entering a phase early** (by staff) pulls its start date, and every earlier date still in the
  future, back to just before now, keeping them strictly increasing, so the dates keep telling the
  truth (:meth:`Timeline.pulled_back`). Later dates do not move.
- **Suspended** means ``status == timeline.suspended``; then ``suspended_from`` is the phase it paused
  and ``suspension_reason`` is public and not blank (:meth:`Timeline.suspend`). Resuming needs a
  complete set of new dates; the status becomes the phase they give and ``suspended_from`` is
  cleared, while the reason and time of the last suspension stay on record
  (:meth:`Timeline.resume`). Whether a module accepts a resumption that goes back to an earlier
  phase is its own rule (:meth:`Timeline.effective_phase` says where it was).

Core sits below the modules: this file imports no module app and no model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Generic, NoReturn, TypeVar

from django.utils.translation import gettext_lazy as _

from uchast.core.errors import ActionRefused

P = TypeVar("P", bound=str)

#: The fields of the phase state, on the model as on :class:`PhaseState`.
STATE_FIELDS = ("status", "suspended_from", "suspension_reason", "suspended_at")

#: Wording used when the module gives none (``Timeline.messages`` overrides it per code).
DEFAULT_MESSAGES: Mapping[str, Any] = {
    "dates_out_of_order": _("Phase dates must follow each other in order."),
    "reason_required": _("Give the public reason for the suspension."),
    "already_suspended": _("This process is already suspended."),
    "not_suspended": _("This process is not suspended."),
}


@dataclass(frozen=True)
class PhaseState:
    """Where a process is: its ``status`` (a phase, or the suspended state) and, while suspended,
    the phase it paused. The reason and time of the last suspension stay after resumption."""

    status: str
    suspended_from: str = ""
    suspension_reason: str = ""
    suspended_at: datetime | None = None

    @classmethod
    def of(cls, obj: Any) -> PhaseState:
        """The state as the object (a model row) holds it in its :data:`STATE_FIELDS`."""
        return cls(*(getattr(obj, name) for name in STATE_FIELDS))

    def apply_to(self, obj: Any) -> list[str]:
        """Set this state on ``obj``; returns the names of the fields that changed."""
        changed = []
        for name in STATE_FIELDS:
            value = getattr(self, name)
            if getattr(obj, name) != value:
                setattr(obj, name, value)
                changed.append(name)
        return changed


@dataclass(frozen=True)
class Timeline(Generic[P]):
    """The phases of one kind of process.

    ``order``: every phase but the suspended state, in the order a process moves through them.
    ``starts``: the dated phases, each with the name of the date field it starts at, in ``order``.
    ``suspended``: the paused state. ``refusal``: the class refusals are raised as.
    ``messages``: the module's wording per refusal code (``DEFAULT_MESSAGES`` for the rest).
    """

    order: tuple[P, ...]
    starts: tuple[tuple[P, str], ...]
    suspended: P
    refusal: type[ActionRefused] = ActionRefused
    messages: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        dated = [phase for phase, _name in self.starts]
        if self.suspended in self.order or any(phase not in self.order for phase in dated):
            raise ValueError("Timeline: the suspended state is not a phase; every dated phase is one.")
        if [self.order.index(phase) for phase in dated] != sorted(self.order.index(phase) for phase in dated):
            raise ValueError("Timeline: dated phases must follow the order of phases.")
        if len(set(self.date_fields)) != len(self.date_fields):
            raise ValueError("Timeline: each dated phase starts at its own date field.")

    # ---- dates ---------------------------------------------------------------------------------

    @property
    def date_fields(self) -> tuple[str, ...]:
        """The names of the start dates, in order."""
        return tuple(name for _phase, name in self.starts)

    def dates_of(self, obj: Any) -> dict[str, datetime]:
        """The start dates as ``obj`` holds them, by field name."""
        return {name: getattr(obj, name) for name in self.date_fields}

    def check_dates(self, dates: Mapping[str, datetime]) -> None:
        """Refuse (``dates_out_of_order``) unless every start date is later than the one before."""
        values = [dates[name] for name in self.date_fields]
        if any(later <= earlier for earlier, later in zip(values, values[1:], strict=False)):
            self.refuse("dates_out_of_order")

    def position(self, phase: str) -> int:
        """Where ``phase`` comes in ``order`` (0 = first). The suspended state has no position."""
        return self.order.index(self.phase(phase))

    def phase(self, value: str) -> P:
        """The phase member equal to ``value`` (a row holds plain strings)."""
        for phase in self.order:
            if phase == value:
                return phase
        raise ValueError(f"Timeline: {value!r} is not a phase.")

    def phase_at(self, dates: Mapping[str, datetime], now: datetime) -> P:
        """The phase the dates put a process in at ``now``."""
        current = self.order[0]
        for phase, name in self.starts:
            if dates[name] > now:
                break
            current = phase
        return current

    def due_phase(self, state: PhaseState, dates: Mapping[str, datetime], now: datetime) -> P | None:
        """The phase the dates move the process to now, or None: never backward, never while
        suspended, never out of a phase after the dated ones."""
        if state.status == self.suspended:
            return None
        target = self.phase_at(dates, now)
        return target if self.position(target) > self.position(state.status) else None

    def pulled_back(self, dates: Mapping[str, datetime], phase: str, now: datetime) -> dict[str, datetime]:
        """The start dates that move when ``phase`` is entered at ``now`` (by staff, early): its own
        start and every earlier one still later than now, each set just before now, one
        microsecond apart so they stay in order. Empty for an undated phase or dates already past."""
        names = list(self.date_fields)
        start = dict(self.starts).get(self.phase(phase))
        if start is None:
            return {}
        last = names.index(start)
        moved = {}
        for position, name in enumerate(names[: last + 1]):
            latest = now - timedelta(microseconds=last - position)
            if dates[name] > latest:
                moved[name] = latest
        return moved

    # ---- suspension ----------------------------------------------------------------------------

    def effective_phase(self, state: PhaseState) -> P:
        """The current phase, or the one a suspension paused."""
        if state.status == self.suspended:
            return self.phase(state.suspended_from) if state.suspended_from else self.order[0]
        return self.phase(state.status)

    def suspend(self, state: PhaseState, *, reason: str, now: datetime) -> PhaseState:
        """The state after pausing with the public ``reason`` (stripped; refused when blank, and
        when already suspended)."""
        reason = reason.strip()
        if not reason:
            self.refuse("reason_required")
        if state.status == self.suspended:
            self.refuse("already_suspended")
        return PhaseState(
            status=self.suspended, suspended_from=state.status, suspension_reason=reason, suspended_at=now
        )

    def resume(self, state: PhaseState, dates: Mapping[str, datetime], now: datetime) -> PhaseState:
        """The state after resuming with new ``dates`` (checked; refused unless suspended): the
        phase the dates give at ``now``. The reason and time of the suspension stay on record."""
        self.check_dates(dates)
        if state.status != self.suspended:
            self.refuse("not_suspended")
        return replace(state, status=self.phase_at(dates, now), suspended_from="")

    def refuse(self, code: str) -> NoReturn:
        """Raise the refusal ``code`` in the module's wording (or the default)."""
        raise self.refusal(code, str(self.messages.get(code) or DEFAULT_MESSAGES[code]))
