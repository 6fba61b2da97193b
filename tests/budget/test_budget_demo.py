from __future__ import annotations

import pytest

from uchast.budget.models import Ballot, BudgetCycle, Milestone, Phase

pytestmark = pytest.mark.django_db


def test_demo_has_past_suspended_and_current_cycles() -> None:
    from uchast.accounts.demo import load_demo

    load_demo()
    cycles = {c.year: c for c in BudgetCycle.objects.all()}
    assert cycles[2022].status == Phase.SUSPENDED and "воєнного стану" in cycles[2022].suspension_reason
    past = cycles[2025]
    assert past.results_published_at is not None
    assert past.projects.filter(status="winner").exists()
    assert Ballot.objects.filter(cycle=past, is_paper=True).count() == 24
    assert Milestone.objects.filter(project__cycle=past, progress=60).exists()
    assert all(c.result.sha256 for c in past.categories.all())
    assert cycles[2026].status == Phase.VOTING and Ballot.objects.filter(cycle=cycles[2026]).count() == 4


def test_demo_pages_render() -> None:
    from django.test import Client
    from django.urls import reverse

    from uchast.accounts.demo import load_demo

    load_demo()
    client = Client()
    past = BudgetCycle.objects.get(year=2025)
    current = BudgetCycle.objects.get(year=2026)
    suspended = BudgetCycle.objects.get(year=2022)
    winner = past.projects.filter(status="winner").first()
    for url in (
        reverse("budget:index"),
        reverse("budget:cycle", args=[suspended.pk]),
        reverse("budget:results", args=[past.pk]),
        reverse("budget:projects", args=[current.pk]),
        reverse("budget:project", args=[winner.pk]),
        "/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "воєнного стану" in client.get(reverse("budget:cycle", args=[suspended.pk])).content.decode()
