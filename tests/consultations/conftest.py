from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from uchast.consultations import services
from uchast.consultations.drafts import sections_from_markdown

DRAFT = """# Проєкт рішення

## Загальні положення
Програма підтримує мешканців громади.

## Житло
Компенсація оренди протягом шести місяців.
"""


def make_consultation(community: Any, official: Any, *, phase: str = "open", **kwargs: Any) -> Any:
    now = timezone.now()
    c = services.consultation_create(
        actor=official,
        community=community,
        title=kwargs.pop("title", "Про Програму підтримки ВПО"),
        summary="Коротко про проєкт.",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=10),
        responsible_name="Андрій Мельник",
        responsible_contacts="rada@example.org",
        **kwargs,
    )
    services.draft_version_publish(actor=official, consultation=c, sections=sections_from_markdown(DRAFT))
    order = ["draft", "announced", "open", "analysis"]
    for _ in range(order.index(phase)):
        c = services.consultation_advance(actor=official, consultation=c)
    return c


@pytest.fixture
def consultation(community: Any, official: Any) -> Any:
    return make_consultation(community, official)


@pytest.fixture
def voter(community: Any) -> Any:
    from uchast.testing.factories import make_verified_resident

    return make_verified_resident(community, email="voter@example.org", full_name="Тарас Кравець")
