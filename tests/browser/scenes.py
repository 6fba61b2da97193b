"""Data for the phone journeys and the screenshots (issue 14): a petition collecting signatures, a
budget vote, published results and an open consultation, made through the services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from uchast.testing.factories import make_verified_resident

CHECKS = {"within_powers": True, "community_property": True, "realistic_cost": True, "no_duplicate": True}
DRAFT = """# Проєкт рішення

## Загальні положення
Програма підтримує внутрішньо переміщених осіб, які мешкають у громаді.

## Житло
Компенсація оренди житла протягом шести місяців для сімей з дітьми.
"""


def petition(community: Any, moderator: Any) -> Any:
    from uchast.petitions import services

    community.statute = {"petition_threshold": 100, "petition_collection_days": 30}
    community.save()
    author = make_verified_resident(community, email="petition-author@example.org", full_name="Олена Шевчук")
    created = services.petition_create(
        author=author,
        community=community,
        title="Відкрити пункт видачі гуманітарної допомоги для ВПО",
        text="Просимо відкрити постійний пункт видачі допомоги з графіком роботи у вихідні дні. " * 3,
    )
    return services.petition_publish(petition=services.petition_submit(petition=created, actor=author), actor=moderator)


def voting_cycle(community: Any, admin: Any, official: Any) -> Any:
    from uchast.budget import services
    from uchast.budget.models import BallotRule, CountingRule, Phase
    from uchast.budget.services import CostLine

    now = timezone.now()
    start = now - timedelta(days=1)
    dates = {
        "submission_opens": start,
        "review_opens": start + timedelta(days=30),
        "revision_opens": start + timedelta(days=40),
        "voting_opens": start + timedelta(days=50),
        "voting_closes": start + timedelta(days=60),
    }
    cycle = services.cycle_create(community=community, actor=admin, title="Бюджет участі 2026", year=2026, dates=dates)
    services.cycle_advance(cycle=cycle)
    category = services.category_save(
        cycle=cycle,
        actor=admin,
        values={
            "name": "Загальні проєкти",
            "budget": 1_000_000_00,
            "min_cost": 10_000_00,
            "max_cost": 600_000_00,
            "ballot_rule": BallotRule.UP_TO_N,
            "max_selected": 2,
            "min_selected": 1,
            "counting_rule": CountingRule.GREEDY,
        },
    )
    author = make_verified_resident(community, email=f"budget-author-{cycle.pk}@example.org")
    projects = []
    for title, cost in (
        ("Генератор для амбулаторії", 400_000_00),
        ("Психологічна підтримка ВПО", 300_000_00),
        ("Укриття для школи №2", 500_000_00),
    ):
        draft = services.project_save_draft(
            cycle=cycle,
            author=author,
            category=category,
            district=None,
            values={
                "title": title,
                "summary": "Коротко",
                "description": "Опис",
                "expected_result": "Результат",
                "beneficiaries": "Мешканці",
            },
            costs=[CostLine("Роботи", 1, cost)],
        )
        projects.append(services.project_submit(project=draft, author=author, accept_rules=True))
    services.cycle_set_phase(cycle=cycle, phase=Phase.REVIEW, actor=admin)
    for project in projects:
        services.review_record(
            project=project,
            reviewer=official,
            conclusion="admitted",
            public_reason="Відповідає вимогам",
            checklist=CHECKS,
        )
    services.cycle_set_phase(cycle=cycle, phase=Phase.VOTING, actor=admin)
    cycle.refresh_from_db()
    return cycle


def published_results(community: Any, admin: Any, official: Any) -> Any:
    from uchast.budget import services
    from uchast.budget.models import Phase

    cycle = voting_cycle(community, admin, official)
    ids = {p.title: p.pk for p in cycle.projects.all()}
    choices = [["Укриття для школи №2", "Генератор для амбулаторії"]] * 3 + [["Психологічна підтримка ВПО"]] * 2
    for i, titles in enumerate(choices):
        voter = make_verified_resident(community, email=f"voter{i}@example.org")
        services.ballot_cast(cycle=cycle, user=voter, project_ids=[ids[t] for t in titles])
    services.cycle_set_phase(cycle=cycle, phase=Phase.RESULTS, actor=admin)
    services.cycle_count(cycle=cycle, actor=admin)
    services.cycle_publish(cycle=cycle, actor=admin)
    return cycle


def open_consultation(community: Any, official: Any) -> Any:
    from uchast.consultations import services
    from uchast.consultations.drafts import sections_from_markdown

    now = timezone.now()
    consultation = services.consultation_create(
        actor=official,
        community=community,
        title="Про Програму підтримки внутрішньо переміщених осіб",
        summary="Громада пропонує компенсувати оренду житла сім'ям з дітьми протягом шести місяців.",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=14),
        responsible_name="Андрій Мельник",
        responsible_contacts="rada@example.org",
    )
    services.draft_version_publish(actor=official, consultation=consultation, sections=sections_from_markdown(DRAFT))
    for _ in range(2):
        consultation = services.consultation_advance(actor=official, consultation=consultation)
    return consultation
