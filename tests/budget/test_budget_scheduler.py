"""Phases move by dates without anyone pressing a button: `uchast scheduler` runs the periodic task."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from uchast.budget import services
from uchast.budget.models import Phase

from .conftest import dates_around

pytestmark = pytest.mark.django_db


def test_scheduler_moves_a_cycle_into_the_phase_its_dates_say(community: Any, administrator: Any) -> None:
    cycle = services.cycle_create(
        community=community,
        actor=administrator,
        title="ГБ 2026",
        year=2026,
        dates=dates_around(timezone.now(), "review"),
    )
    assert cycle.status != Phase.REVIEW
    out = StringIO()
    call_command("scheduler", "--once", stdout=out)
    cycle.refresh_from_db()
    assert cycle.status == Phase.REVIEW
    assert "budget.advance_cycles" in out.getvalue()
    assert "petitions.tick" in out.getvalue() and "verification.purge_expired_documents" in out.getvalue()
