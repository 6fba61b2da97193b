"""Every public list page runs the same number of queries whatever the data's size, and shows one
bounded page with a link to the next (``core.pagination``).

The demo is loaded and each page measured; then every list grows past several pages and each page
is measured again, and its next page too. Page size is 3 here so that a few rows make many pages.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from uchast.accounts.demo import load_demo
from uchast.accounts.models import User
from uchast.appeals.models import Appeal, Kind, ProblemReport
from uchast.appeals.models import Status as AppealStatus
from uchast.budget.models import Ballot, BallotStatus, BudgetCycle, CategoryResult, Phase, Project, ProjectStatus
from uchast.budget.views import results as budget_results
from uchast.consultations.models import Consultation, Proposal, Section
from uchast.consultations.models import Phase as ConsultationPhase
from uchast.core import audit, pagination
from uchast.core.models import AuditEntry
from uchast.organisations.models import LegalForm, Organisation, OrganisationStatus
from uchast.petitions.models import Petition, PetitionStatus, Signature

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
GROWTH = 12


def _queries(url: str) -> tuple[int, str]:
    """Queries of an anonymous visitor's second request (the first warms caches and may start a
    session: the projects list keeps a visitor's random order in it)."""
    client = Client()
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response.content.decode()


def _pages(demo: Any) -> dict[str, str]:
    collecting = Petition.objects.filter(status=PetitionStatus.COLLECTING).order_by("pk").first()
    voting = BudgetCycle.objects.get(status=Phase.VOTING, community=demo.community)
    published = BudgetCycle.objects.filter(results_published_at__isnull=False).order_by("pk").first()
    section = Section.objects.filter(version__consultation__phase=ConsultationPhase.OPEN).order_by("pk").first()
    assert collecting and published and section
    return {
        "home": "/",
        "petitions": "/petitions/",
        "signatories": f"/petitions/{collecting.pk}/",
        "cycles": "/budget/",
        "projects": f"/budget/{voting.pk}/projects/",
        "results": f"/budget/{published.pk}/results/",
        "consultations": "/consultations/",
        "proposals": f"/consultations/sections/{section.pk}/",
        "audit": "/audit/",
        "organisations": "/organisations/",
        "appeal answers": "/appeals/",
        "problem reports": "/appeals/problems/",
    }


def _grow(demo: Any, pages: dict[str, str]) -> None:
    """Every list gets GROWTH more rows (several pages at the page size of 3)."""
    community, now = demo.community, timezone.now()
    people = User.objects.bulk_create(
        User(email=f"grown{n}@example.org", full_name=f"Мешканець {n}") for n in range(GROWTH)
    )
    Petition.objects.bulk_create(
        Petition(
            community=community,
            author=people[n],
            title=f"Петиція {n}",
            text="Текст.",
            status=PetitionStatus.COLLECTING,
            published_at=now - timedelta(minutes=n),
            threshold=150,
        )
        for n in range(GROWTH)
    )
    collecting = Petition.objects.get(pk=int(pages["signatories"].split("/")[2]))
    Signature.objects.bulk_create(Signature(petition=collecting, signer=person) for person in people)
    dates = {"submission_opens": now, "review_opens": now, "revision_opens": now, "voting_opens": now}
    BudgetCycle.objects.bulk_create(
        BudgetCycle(
            community=community, title=f"Цикл {n}", year=2000 + n, status=Phase.SUBMISSION, voting_closes=now, **dates
        )
        for n in range(GROWTH)
    )
    voting = BudgetCycle.objects.get(pk=int(pages["projects"].split("/")[2]))
    template = Project.objects.filter(cycle=voting).first()
    assert template is not None
    Project.objects.bulk_create(
        Project(cycle=voting, category=template.category, title=f"Проєкт {n}", summary="Коротко.", description="Опис.",
                expected_result="Результат.", beneficiaries="Мешканці", status=ProjectStatus.ADMITTED, total_cost=100)
        for n in range(GROWTH)
    )  # fmt: skip
    published = BudgetCycle.objects.get(pk=int(pages["results"].split("/")[2]))
    # The count of a bigger cycle: its first category ranks GROWTH more projects not funded.
    result = CategoryResult.objects.filter(category__cycle=published).order_by("category__position").first()
    assert result is not None
    losing = next(p for p in result.outcome["projects"] if not p.get("selected"))
    result.outcome["projects"] += [losing] * GROWTH
    result.save()
    Ballot.objects.bulk_create(
        Ballot(cycle=published, receipt_code=f"GROW-{n:04d}", status=BallotStatus.COUNTED, age_band="18-34",
               district_code="stepove", cast_on=now.date())
        for n in range(GROWTH)
    )  # fmt: skip
    Consultation.objects.bulk_create(
        Consultation(community=community, title=f"Консультація {n}", summary="Проєкт рішення.",
                     starts_at=now - timedelta(days=1, minutes=n), ends_at=now + timedelta(days=9),
                     responsible_name="Посадова особа", responsible_contacts="rada@example.org",
                     phase=ConsultationPhase.OPEN)
        for n in range(GROWTH)
    )  # fmt: skip
    section = Section.objects.select_related("version").get(pk=int(pages["proposals"].split("/")[3]))
    Proposal.objects.bulk_create(
        Proposal(consultation_id=section.version.consultation_id, section=section, author=person, body="Пропозиція.")
        for person in people
    )
    Organisation.objects.bulk_create(
        Organisation(community=community, name=f"ГО «Громада {n}»", edrpou=f"{n:08d}",
                     legal_form=LegalForm.PUBLIC_ORGANISATION, registered_on=now.date(),
                     areas="Допомога переселенцям", email=f"go{n}@example.org",
                     status=OrganisationStatus.CONFIRMED)
        for n in range(GROWTH)
    )  # fmt: skip
    today = now.date()
    Appeal.objects.bulk_create(
        Appeal(community=community, author=people[n], kind=Kind.PROPOSAL, subject=f"Звернення {n}", text="Текст.",
               full_name=f"Мешканець {n}", residence="Громада", contact=f"grown{n}@example.org", publish=True,
               status=AppealStatus.ANSWERED, reg_number=f"GROW-{n}", received_on=today, due_date=today,
               forward_due=today, ceiling_date=today, answer_text="Відповідь.", answered_at=now - timedelta(minutes=n))
        for n in range(GROWTH)
    )  # fmt: skip
    ProblemReport.objects.bulk_create(
        ProblemReport(community=community, author=people[n], title=f"Яма {n}", address=f"вул. Садова, {n}")
        for n in range(GROWTH)
    )
    # The audit page asks once per kind of object it names: the new entries name what the latest did.
    latest = list(AuditEntry.objects.filter(community=community).order_by("-sequence")[:100])
    audit.record_many(
        audit.PendingEntry(
            action=e.action, community_id=community.pk, object_type=e.object_type, object_id=e.object_id, summary={}
        )
        for e in reversed(latest * 3)
    )
    cache.clear()


def test_list_pages_run_constant_queries_and_are_paginated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    monkeypatch.setattr(budget_results, "RESULTS_PAGE", 3)  # rows of a category: the funded, then the others
    demo = load_demo()
    pages = _pages(demo)
    small = {name: _queries(url)[0] for name, url in pages.items()}
    _grow(demo, pages)
    large, bodies = {}, {}
    for name, url in pages.items():
        large[name], bodies[name] = _queries(url)
    assert large == small

    paged = [name for name in pages if name != "home"]
    for name in paged:
        assert 'rel="next"' in bodies[name], f"{name}: no next page"
        following = bodies[name].split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
        next_url = following if following.startswith("/") else pages[name] + following
        count, body = _queries(next_url)
        assert count == large[name], f"{name}: the next page runs other queries"
        assert "First page" in body or "Перша сторінка" in body
