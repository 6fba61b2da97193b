from __future__ import annotations

from typing import Any

import pytest

from uchast.appeals.models import Department, Kind, Topic
from uchast.appeals.services import AppealDraft
from uchast.testing.factories import make_user


@pytest.fixture
def departments(community: Any, official: Any) -> dict[str, Department]:
    """The registry (general department), social protection (aid, documents) and housing."""
    registry = Department.objects.create(community=community, name="Загальний відділ", is_registry=True)
    registry.members.add(official)
    social = Department.objects.create(
        community=community, name="Відділ соцзахисту", topics=[Topic.AID, Topic.DOCUMENTS], parent=registry
    )
    housing = Department.objects.create(community=community, name="Відділ ЖКГ", topics=[Topic.HOUSING])
    return {"registry": registry, "social": social, "housing": housing}


@pytest.fixture
def social_official(departments: dict[str, Department]) -> Any:
    user = make_user("official", full_name="Марія Гнатюк", email="social@example.org")
    departments["social"].members.add(user)
    head = make_user("official", full_name="Петро Савчук", email="head@example.org")
    departments["social"].head = head
    departments["social"].save()
    return user


@pytest.fixture
def housing_official(departments: dict[str, Department]) -> Any:
    user = make_user("official", full_name="Ігор Левчук", email="housing@example.org")
    departments["housing"].members.add(user)
    return user


def make_draft(**overrides: Any) -> AppealDraft:
    values: dict[str, Any] = {
        "kind": Kind.APPLICATION,
        "topic": Topic.AID,
        "subject": "Затримка виплати допомоги на проживання",
        "text": "Допомогу на проживання за жовтень не нараховано, хоча документи подано вчасно.",
        "full_name": "Олена Шевчук",
        "residence": "с. Калинівка, вул. Садова, 3",
        "displaced": True,
        "current_address": "м. Дніпро, вул. Робоча, 18, кв. 40",
        "contact": "olena@example.org",
    }
    values.update(overrides)
    return AppealDraft(**values)


@pytest.fixture
def draft() -> AppealDraft:
    return make_draft()
