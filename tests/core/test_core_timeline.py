"""The dated phases every module builds on (``uchast.core.timeline``): plain values in and out, so
these run without a database. The phases here are a petition-like process, not the budget's, to
keep the timeline general: any str enum, any date field names, an undated phase at the end."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from uchast.core.errors import ActionRefused
from uchast.core.timeline import STATE_FIELDS, PhaseState, Timeline

pytestmark = pytest.mark.pure


class Stage(StrEnum):
    DRAFT = "draft"
    COLLECTING = "collecting"
    CONSIDERING = "considering"
    ANSWERED = "answered"
    PAUSED = "paused"


class ProcessRefused(ActionRefused):
    default_status = 400


TIMELINE = Timeline(
    order=(Stage.DRAFT, Stage.COLLECTING, Stage.CONSIDERING, Stage.ANSWERED),
    starts=((Stage.COLLECTING, "collection_opens"), (Stage.CONSIDERING, "collection_closes")),
    suspended=Stage.PAUSED,
    refusal=ProcessRefused,
    messages={"not_suspended": "The petition is not paused."},
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DATES = {"collection_opens": T0, "collection_closes": T0 + timedelta(days=30)}


def _refused(code: str, call: Callable[[], object]) -> ProcessRefused:
    with pytest.raises(ProcessRefused) as caught:
        call()
    assert caught.value.code == code and caught.value.message
    assert caught.value.status == 400  # the module's own refusal class
    return caught.value


def test_date_fields_follow_the_dated_phases() -> None:
    assert TIMELINE.date_fields == ("collection_opens", "collection_closes")
    process = SimpleNamespace(collection_opens=T0, collection_closes=T0 + timedelta(days=1), other=1)
    assert TIMELINE.dates_of(process) == {"collection_opens": T0, "collection_closes": T0 + timedelta(days=1)}


def test_dates_must_increase_strictly() -> None:
    TIMELINE.check_dates(DATES)
    _refused("dates_out_of_order", lambda: TIMELINE.check_dates({**DATES, "collection_closes": T0}))
    _refused("dates_out_of_order", lambda: TIMELINE.check_dates({**DATES, "collection_closes": T0 - timedelta(1)}))


def test_phase_by_dates() -> None:
    assert TIMELINE.phase_at(DATES, T0 - timedelta(seconds=1)) is Stage.DRAFT
    assert TIMELINE.phase_at(DATES, T0) is Stage.COLLECTING  # a phase starts at its date
    assert TIMELINE.phase_at(DATES, T0 + timedelta(days=29)) is Stage.COLLECTING
    assert TIMELINE.phase_at(DATES, T0 + timedelta(days=30)) is Stage.CONSIDERING
    # Dates never lead into the undated phase after them.
    assert TIMELINE.phase_at(DATES, T0 + timedelta(days=3000)) is Stage.CONSIDERING


def test_dates_move_forward_only_and_never_while_suspended() -> None:
    later = T0 + timedelta(days=31)
    assert TIMELINE.due_phase(PhaseState("draft"), DATES, later) is Stage.CONSIDERING
    assert TIMELINE.due_phase(PhaseState("collecting"), DATES, later) is Stage.CONSIDERING
    assert TIMELINE.due_phase(PhaseState("considering"), DATES, later) is None  # already there
    assert TIMELINE.due_phase(PhaseState("considering"), DATES, T0) is None  # never backward
    assert TIMELINE.due_phase(PhaseState("answered"), DATES, later) is None  # past the dated phases
    assert TIMELINE.due_phase(PhaseState("paused", "draft", "reason", T0), DATES, later) is None


def test_entering_a_phase_early_pulls_its_dates_back_in_order() -> None:
    now = T0 - timedelta(days=5)  # both dates still ahead
    moved = TIMELINE.pulled_back(DATES, Stage.CONSIDERING, now)
    assert list(moved) == ["collection_opens", "collection_closes"]
    assert moved["collection_closes"] == now and moved["collection_opens"] == now - timedelta(microseconds=1)
    dates = {**DATES, **moved}
    TIMELINE.check_dates(dates)
    assert TIMELINE.phase_at(dates, now) is Stage.CONSIDERING
    # Only dates still in the future move; later dates never do.
    assert TIMELINE.pulled_back(DATES, Stage.COLLECTING, now) == {"collection_opens": now}
    assert TIMELINE.pulled_back(DATES, Stage.CONSIDERING, T0 + timedelta(days=1)) == {
        "collection_closes": T0 + timedelta(days=1)
    }
    assert TIMELINE.pulled_back(DATES, Stage.COLLECTING, T0 + timedelta(days=1)) == {}
    # An undated phase has no date to move.
    assert TIMELINE.pulled_back(DATES, Stage.ANSWERED, now) == {}
    assert TIMELINE.pulled_back(DATES, Stage.DRAFT, now) == {}


@settings(max_examples=200, deadline=None)
@given(
    gaps=st.lists(st.integers(min_value=1, max_value=10**9), min_size=2, max_size=2),
    now_offset=st.integers(min_value=-(10**9), max_value=3 * 10**9),
    phase=st.sampled_from([Stage.COLLECTING, Stage.CONSIDERING]),
)
def test_pulled_back_dates_stay_in_order_and_put_the_process_in_the_phase(
    gaps: list[int], now_offset: int, phase: Stage
) -> None:
    opens = T0 + timedelta(microseconds=gaps[0])
    dates = {"collection_opens": opens, "collection_closes": opens + timedelta(microseconds=gaps[1])}
    now = T0 + timedelta(microseconds=now_offset)
    moved = {**dates, **TIMELINE.pulled_back(dates, phase, now)}
    TIMELINE.check_dates(moved)
    assert TIMELINE.position(TIMELINE.phase_at(moved, now)) >= TIMELINE.position(phase)
    assert all(moved[name] <= dates[name] for name in dates)  # dates only ever move earlier


def test_suspension_with_a_public_reason() -> None:
    running = PhaseState("collecting")
    _refused("reason_required", lambda: TIMELINE.suspend(running, reason="  ", now=T0))
    paused = TIMELINE.suspend(running, reason="  Воєнний стан ", now=T0)
    assert paused == PhaseState("paused", "collecting", "Воєнний стан", T0)
    _refused("already_suspended", lambda: TIMELINE.suspend(paused, reason="again", now=T0))
    assert TIMELINE.effective_phase(paused) is Stage.COLLECTING
    assert TIMELINE.effective_phase(running) is Stage.COLLECTING
    assert TIMELINE.effective_phase(PhaseState("paused")) is Stage.DRAFT  # paused before any phase was recorded


def test_resumption_with_new_dates() -> None:
    paused = PhaseState("paused", "considering", "Воєнний стан", T0)
    new = {"collection_opens": T0 + timedelta(days=60), "collection_closes": T0 + timedelta(days=90)}
    # Dates are checked first, then the state.
    _refused("dates_out_of_order", lambda: TIMELINE.resume(paused, {**new, "collection_closes": T0}, T0))
    refusal = _refused("not_suspended", lambda: TIMELINE.resume(PhaseState("collecting"), new, T0))
    assert refusal.message == "The petition is not paused."  # the module's wording
    resumed = TIMELINE.resume(paused, new, T0 + timedelta(days=61))
    # The phase follows the new dates (here: back to collection; whether that is allowed is the
    # module's rule); the reason and time of the suspension stay on record.
    assert resumed == PhaseState("collecting", "", "Воєнний стан", T0)
    assert TIMELINE.resume(paused, new, T0).status is Stage.DRAFT


def test_state_is_read_from_and_written_to_the_model_fields() -> None:
    row = SimpleNamespace(status="collecting", suspended_from="", suspension_reason="", suspended_at=None, title="x")
    state = PhaseState.of(row)
    assert state == PhaseState("collecting")
    paused = TIMELINE.suspend(state, reason="Тривога", now=T0)
    assert paused.apply_to(row) == ["status", "suspended_from", "suspension_reason", "suspended_at"]
    assert (row.status, row.suspended_from, row.suspension_reason, row.suspended_at) == (
        "paused",
        "collecting",
        "Тривога",
        T0,
    )
    assert paused.apply_to(row) == []  # nothing left to change
    assert tuple(STATE_FIELDS) == ("status", "suspended_from", "suspension_reason", "suspended_at")


def test_default_wording_and_the_shared_refusal() -> None:
    plain = Timeline(
        order=(Stage.DRAFT, Stage.COLLECTING),
        starts=((Stage.COLLECTING, "opens"),),
        suspended=Stage.PAUSED,
    )
    with pytest.raises(ActionRefused) as caught:
        plain.resume(PhaseState("draft"), {"opens": T0}, T0)
    assert type(caught.value) is ActionRefused and caught.value.code == "not_suspended"
    assert caught.value.message and caught.value.status == 422


@pytest.mark.parametrize(
    ("order", "starts"),
    [
        ((Stage.DRAFT, Stage.PAUSED), ()),  # the suspended state is not a phase
        ((Stage.DRAFT,), ((Stage.COLLECTING, "opens"),)),  # a dated phase must be a phase
        (
            (Stage.DRAFT, Stage.COLLECTING, Stage.CONSIDERING),
            ((Stage.CONSIDERING, "closes"), (Stage.COLLECTING, "opens")),
        ),  # dated phases in the order of phases
        ((Stage.DRAFT, Stage.COLLECTING, Stage.CONSIDERING), ((Stage.COLLECTING, "d"), (Stage.CONSIDERING, "d"))),
    ],
)
def test_a_timeline_is_declared_consistently(order: tuple[Stage, ...], starts: tuple[tuple[Stage, str], ...]) -> None:
    with pytest.raises(ValueError):
        Timeline(order=order, starts=starts, suspended=Stage.PAUSED)


def test_unknown_phase_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        TIMELINE.position("paused")
    with pytest.raises(ValueError):
        TIMELINE.phase("nonsense")
