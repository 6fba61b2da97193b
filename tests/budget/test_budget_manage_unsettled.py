"""The manage page in the results phase names the paper batches that hold the count up
(``views.manage``): at most ``UNSETTLED_SHOWN`` of them, found in the database, with the same
queries at any number of batches."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from uchast.budget import selectors
from uchast.budget.models import BudgetCycle, PaperBatch, PaperCheckEntry, Phase
from uchast.budget.views import manage
from uchast.testing.factories import sign_in_reauthenticated
from uchast.testing.pages import read

pytestmark = pytest.mark.django_db


def _unsettled(cycle: BudgetCycle, staff: Any, start: int, count: int) -> None:
    batches = PaperBatch.objects.bulk_create(
        PaperBatch(cycle=cycle, number=f"П-{n:02d}", place="ЦНАП", entered_by=staff)
        for n in range(start, start + count)
    )
    PaperCheckEntry.objects.bulk_create(  # a second entry with no first one: unsettled
        PaperCheckEntry(batch=b, batch_position=1, digest="x" * 64, entered_by=staff) for b in batches
    )


def test_unsettled_batches_are_capped_with_constant_queries(
    client: Client, voting_cycle: BudgetCycle, administrator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(manage, "UNSETTLED_SHOWN", 3)
    BudgetCycle.objects.filter(pk=voting_cycle.pk).update(status=Phase.RESULTS)
    url = reverse("budget:manage", args=[voting_cycle.pk])
    sign_in_reauthenticated(client, administrator)
    _unsettled(voting_cycle, administrator, 0, 2)
    client.get(url)
    small, response = read(client, url)
    assert [b.number for b in response.context["unsettled"]] == ["П-00", "П-01"]
    assert not response.context["more_unsettled"]
    _unsettled(voting_cycle, administrator, 2, 12)
    large, response = read(client, url)
    assert large == small
    assert [b.number for b in response.context["unsettled"]] == ["П-00", "П-01", "П-02"]
    assert response.context["more_unsettled"]
    assert len(selectors.unsettled_paper(voting_cycle)) == 14  # counting still names every one
