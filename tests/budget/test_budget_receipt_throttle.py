"""Receipt checks are limited per address (issue 13): receipts cannot be collected by trying codes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from uchast.budget import services
from uchast.budget.models import BudgetCycle, Phase
from uchast.testing.factories import make_verified_resident

from .conftest import projects_by_title

pytestmark = pytest.mark.django_db


def test_receipt_lookups_are_limited_per_address(
    settings: Any, voting_cycle: BudgetCycle, community: Any, administrator: Any
) -> None:
    settings.UCHAST_THROTTLES = {"receipt_check": {"ip": "3/5m"}}
    voter = make_verified_resident(community, email="r@example.org")
    receipt = services.ballot_cast(
        cycle=voting_cycle, user=voter, project_ids=[projects_by_title(voting_cycle)["A1"].pk]
    ).ballot.receipt_code
    services.cycle_set_phase(cycle=voting_cycle, phase=Phase.RESULTS, actor=administrator)
    services.cycle_count(cycle=voting_cycle, actor=administrator)
    services.cycle_publish(cycle=voting_cycle, actor=administrator)
    url = reverse("budget:receipt", args=[voting_cycle.pk])
    public = Client()
    for guess in ("AAAA-BBBB-CCCC", "AAAA-BBBB-CCCD"):
        assert public.post(url, {"receipt": guess}).context["found"] is None
    assert public.post(url, {"receipt": receipt}).context["found"] is not None
    refused = public.post(url, {"receipt": receipt})
    assert refused.status_code == 429 and refused.context["found"] is None
    assert "Забагато спроб" in refused.content.decode()
    assert public.get(url).status_code == 200  # the page itself still opens
    elsewhere = Client(REMOTE_ADDR="10.9.9.9")
    assert elsewhere.post(url, {"receipt": receipt}).context["found"] is not None
