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


def test_demo_shows_supports_and_coauthors() -> None:
    from django.test import Client
    from django.urls import reverse

    from uchast.accounts.demo import load_demo
    from uchast.budget.models import CoauthorInvitation, ProjectStatus, ProjectSupport

    context = load_demo()
    cycles = {c.year: c for c in BudgetCycle.objects.all()}
    current, upcoming = cycles[2026], cycles[2027]

    # 2026: projects needed supports before review; one fell short and says why in public.
    assert current.support_threshold == 3
    short = current.projects.get(status=ProjectStatus.NOT_SUPPORTED)
    assert short.supports == 1 < current.support_threshold
    assert all(p.supports >= 3 for p in current.projects.filter(status=ProjectStatus.ADMITTED))
    page = Client().get(reverse("budget:project", args=[short.pk])).content.decode()
    assert "Проєкт зібрав 1 з 3 підтримок" in page

    # 2027: collecting supports now, inside a window; supports counted as rows.
    assert upcoming.status == Phase.SUBMISSION and upcoming.support_threshold == 3
    assert upcoming.support_opens is not None and upcoming.support_closes is not None
    collecting = upcoming.projects.filter(status=ProjectStatus.SUBMITTED)
    assert sorted(p.supports for p in collecting) == [1, 2]
    assert ProjectSupport.objects.filter(project__cycle=upcoming).count() == 3
    page = Client().get(reverse("budget:cycle", args=[upcoming.pk])).content.decode()
    assert "щонайменше 3" in page and "Підтримки збираються з" in page

    # A draft with an accepted co-author and one invitation still waiting.
    draft = upcoming.projects.get(status=ProjectStatus.DRAFT)
    assert list(draft.coauthors.all()) == [context.residents[1]]
    pending = CoauthorInvitation.objects.filter(project=draft, accepted_at__isnull=True, revoked_at__isnull=True)
    assert [i.email for i in pending] == ["hanna.melnyk@example.org"]
    author = Client()
    author.force_login(context.residents[0])
    page = author.get(reverse("budget:project", args=[draft.pk])).content.decode()
    assert "hanna.melnyk@example.org" in page and context.residents[1].display_name in page
