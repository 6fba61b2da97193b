from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone


@pytest.fixture
def head(community: Any) -> Any:
    from uchast.testing.factories import make_verified_resident

    return make_verified_resident(community, full_name="Олена Коваль", email="olena.koval@example.org")


def register(community: Any, head: Any, *, logo: Any = None, statute: Any = None, **overrides: Any) -> Any:
    from uchast.organisations import services

    values = {
        "name": "ГО «Зорянські переселенці»",
        "edrpou": "43005393",
        "legal_form": "public_organisation",
        "registered_on": date(2019, 3, 1),
        "areas": "допомога ВПО, юридичні консультації",
        "description": "",
        "works_with_idps": True,
        "email": "info@zoriansk-idp.org.ua",
        "phone": "",
        "website": "",
        "districts": [],
        **overrides,
    }
    return services.organisation_register(author=head, community=community, values=values, logo=logo, statute=statute)


def confirmed_in_bulk(community: Any, start: int, count: int) -> None:
    """``count`` more confirmed organisations (names «ГО 000»…, codes from ``start``): a registry
    grown the way the pages that must not read all of it are measured."""
    from uchast.organisations.models import Organisation, OrganisationStatus

    Organisation.objects.bulk_create(
        Organisation(
            community=community,
            name=f"ГО {n:03d}",
            edrpou=f"{90_000_000 + n}",
            legal_form="public_organisation",
            registered_on=date(2020, 1, 1),
            areas="допомога ВПО",
            email=f"go{n}@example.org",
            status=OrganisationStatus.CONFIRMED,
        )
        for n in range(start, start + count)
    )


@pytest.fixture
def organisation(community: Any, head: Any, official: Any) -> Any:
    from uchast.organisations import services

    return services.organisation_confirm(organisation=register(community, head), actor=official)


@pytest.fixture
def commission(community: Any, official: Any) -> list[Any]:
    from uchast.testing.factories import make_user

    return [
        official,
        make_user(full_name="Ірина Гнатюк", email="hnatiuk@example.org"),
        make_user(full_name="Петро Савчук", email="savchuk@example.org"),
    ]


def announce(community: Any, official: Any, commission: list[Any], *, open_days: int = -1, close_days: int = 10) -> Any:
    from uchast.organisations import services

    now = timezone.now()
    return services.competition_announce(
        actor=official,
        community=community,
        values={
            "title": "Конкурс програм ІГС на 2027 рік",
            "description": "Фінансова підтримка програм громадських організацій.",
            "priorities": "підтримка ВПО; молодь; ветерани",
            "budget": 100_000_00,
            "max_per_programme": 60_000_00,
            "min_own_percent": 10,
            "min_registered_months": 6,
            "eligibility_rules": "",
            "aggregation": "mean",
            "applications_open_at": now + timedelta(days=open_days),
            "applications_close_at": now + timedelta(days=close_days),
        },
        criteria=[("Актуальність", 10), ("Реалістичність бюджету", 10)],
        commission=[(u, "staff" if i == 0 else "public") for i, u in enumerate(commission)],
    )


@pytest.fixture
def competition(community: Any, official: Any, commission: list[Any]) -> Any:
    return announce(community, official, commission)


def apply(
    competition: Any,
    organisation: Any,
    actor: Any,
    *,
    own: int = 10_000_00,
    requested: int = 50_000_00,
    documents: Any = (),
) -> Any:
    from uchast.organisations import services

    return services.application_submit(
        competition=competition,
        organisation=organisation,
        actor=actor,
        values={
            "title": "Юридичний супровід ВПО",
            "goals": "Безоплатні консультації",
            "activities": "Консультації щотижня",
            "schedule": "Березень — грудень 2027",
            "own_total": own,
            "requested_total": requested,
        },
        lines=[("Оренда приміщення", own, 0), ("Оплата юристів", 0, requested)],
        documents=documents,
    )


def close_applications(competition: Any) -> Any:
    """Move the deadline into the past so the dates put the competition under review."""
    from uchast.organisations import services
    from uchast.organisations.models import Competition

    now = timezone.now()
    Competition.objects.filter(pk=competition.pk).update(
        applications_open_at=now - timedelta(days=20), applications_close_at=now - timedelta(seconds=1)
    )
    return services.competition_sync_phase(competition=Competition.objects.get(pk=competition.pk))


def bearer(user: Any, *, staff: bool = False) -> dict[str, str]:
    """Headers of an API token of ``user``; ``staff``: with the staff scope (as after the second factor)."""
    from uchast.accounts.services import api_token_create

    scopes = ("read", "participate", "staff") if staff else ("read", "participate")
    _token, secret = api_token_create(user=user, name="test", scopes=scopes, second_factor_recent=staff)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def audited(action: str, actor: Any) -> Any:
    """The one audit entry of ``action`` by ``actor`` (fails unless exactly one was written)."""
    from uchast.core.models import AuditEntry

    return AuditEntry.objects.get(action=action, actor_id=actor.pk)


def refusal(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]
