"""A budget project proposed on behalf of an organisation; a co-author outside it keeps the choice."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.organisations.conftest import register
from uchast.budget import services
from uchast.budget.models import BudgetCycle, Project
from uchast.budget.services import CostLine
from uchast.core.errors import ActionRefused
from uchast.organisations import services as org_services
from uchast.testing.factories import make_verified_resident

from .conftest import dates_around, make_category, project_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(community: Any, administrator: Any) -> BudgetCycle:
    cycle = services.cycle_create(
        community=community,
        actor=administrator,
        title="ГБ",
        year=2026,
        dates=dates_around(timezone.now(), "submission"),
    )
    services.cycle_advance(cycle=cycle)
    return cycle


@pytest.fixture
def organisation(community: Any, author: Any, official: Any) -> Any:
    return org_services.organisation_confirm(organisation=register(community, author), actor=official)


def test_project_proposed_for_the_organisation_through_the_form(
    client: Any, cycle: BudgetCycle, administrator: Any, author: Any, organisation: Any
) -> None:
    category = make_category(cycle, administrator)
    client.force_login(author)
    url = reverse("budget:project_new", args=[cycle.pk])
    assert "ГО «Зорянські переселенці»" in client.get(url).content.decode()
    data = {
        **project_values(),
        "category": category.pk,
        "district": "",
        "on_behalf_of": organisation.pk,
        "item_0": "Двері",
        "quantity_0": 1,
        "price_0": "20000",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    project = Project.objects.get()
    assert project.on_behalf_of == organisation
    services.project_submit(project=project, author=author, accept_rules=True)
    client.logout()
    page = client.get(reverse("budget:project", args=[project.pk])).content.decode()
    assert "ГО «Зорянські переселенці»" in page and author.display_name in page
    assert project.title in client.get(organisation.get_absolute_url()).content.decode()


def test_outsider_cannot_propose_for_the_organisation(
    cycle: BudgetCycle, administrator: Any, community: Any, organisation: Any
) -> None:
    outsider = make_verified_resident(community, email="outsider@example.org")
    with pytest.raises(ActionRefused) as error:
        services.project_save_draft(
            cycle=cycle,
            author=outsider,
            category=make_category(cycle, administrator),
            district=None,
            values=project_values(),
            costs=[CostLine("Двері", 1, 20_000_00)],
            on_behalf_of=organisation.pk,
        )
    assert error.value.code == "not_member"
    assert not Project.objects.exists()


def test_editing_without_the_choice_keeps_the_organisation(
    cycle: BudgetCycle, administrator: Any, author: Any, organisation: Any
) -> None:
    category = make_category(cycle, administrator)
    project = services.project_save_draft(
        cycle=cycle, author=author, category=category, district=None, values=project_values(),
        costs=[CostLine("Двері", 1, 20_000_00)], on_behalf_of=organisation.pk,
    )  # fmt: skip
    project = services.project_save_draft(
        cycle=cycle, author=author, category=category, district=None, values=project_values("Нова назва"),
        costs=[CostLine("Двері", 1, 20_000_00)], project=project,
    )  # fmt: skip
    assert project.on_behalf_of == organisation
