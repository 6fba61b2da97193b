"""Staff forms of an existing cycle: editing a category, setting the support collection; the support
rules shown on the public cycle page and in the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from uchast.budget import selectors, services
from uchast.budget.models import BudgetCycle, Category, Phase
from uchast.budget.services import BudgetError
from uchast.core.models import AuditEntry
from uchast.testing.factories import make_verified_resident

from .conftest import dates_around, make_category, submitted_project

pytestmark = pytest.mark.django_db


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _refused(code: str, call: Any) -> None:
    with pytest.raises(BudgetError) as caught:
        call()
    assert caught.value.code == code, caught.value.code


def _cycle(community: Any, administrator: Any, phase: str = "submission", **kwargs: Any) -> BudgetCycle:
    cycle = services.cycle_create(
        community=community,
        actor=administrator,
        title="ГБ 2027",
        year=2027,
        dates=dates_around(timezone.now(), phase),
        **kwargs,
    )
    services.cycle_advance(cycle=cycle)
    return cycle


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


# ---- category edit ---------------------------------------------------------------------------


def test_staff_edit_a_category_from_the_manage_page(community: Any, administrator: Any, resident: Any) -> None:
    cycle = _cycle(community, administrator)
    category = make_category(cycle, administrator, name="Загальні")
    staff = _client(administrator)
    url = reverse("budget:category_edit", args=[cycle.pk, category.pk])
    assert url in staff.get(reverse("budget:manage", args=[cycle.pk])).content.decode()

    page = staff.get(url).content.decode()
    assert 'value="Загальні"' in page and 'value="1000000"' in page  # money shown in hryvnias

    data = {
        "name": "Загальноміські проєкти",
        "budget": "1500000",
        "min_cost": "20000",
        "max_cost": "700000",
        "ballot_rule": "knapsack",
        "min_selected": 0,
        "max_selected": 5,
        "counting_rule": "mes",
        "districts": [community.districts.first().code],
    }
    # Refusals of the service come back on the form, nothing changes.
    bad = dict(data, max_cost="2000000")
    response = staff.post(url, bad)
    assert response.status_code == 400 and response.context["form"].non_field_errors()
    assert Category.objects.get(pk=category.pk).name == "Загальні"

    response = staff.post(url, data)
    assert response.status_code == 302 and response["Location"] == reverse("budget:manage", args=[cycle.pk])
    category.refresh_from_db()
    assert (category.name, category.budget, category.max_cost) == ("Загальноміські проєкти", 150_000_000, 70_000_000)
    assert category.ballot_rule == "knapsack" and category.counting_rule == "mes" and category.min_selected == 0
    assert [d.code for d in category.districts.all()] == [community.districts.first().code]
    assert AuditEntry.objects.filter(action="budget.category_changed").count() == 1

    # Residents may not; another cycle's category is not reachable through this cycle's URL.
    assert _client(resident).get(url).status_code == 403
    other = _cycle(community, administrator)
    assert staff.get(reverse("budget:category_edit", args=[other.pk, category.pk])).status_code == 404


def test_category_edit_after_voting_opens_is_refused_with_a_message(
    voting_cycle: BudgetCycle, administrator: Any
) -> None:
    staff = _client(administrator)
    category = voting_cycle.categories.get(name="A")
    url = reverse("budget:category_edit", args=[voting_cycle.pk, category.pk])
    manage = staff.get(reverse("budget:manage", args=[voting_cycle.pk])).content.decode()
    assert url not in manage  # no edit link once the rules are frozen
    for response, status in (
        (staff.get(url), 200),
        (
            staff.post(
                url,
                {
                    "name": "Змінена",
                    "budget": "1000000",
                    "min_cost": "0",
                    "max_cost": "600000",
                    "ballot_rule": "up_to_n",
                    "min_selected": 1,
                    "max_selected": 3,
                    "counting_rule": "greedy",
                },
            ),
            400,
        ),
    ):
        assert response.status_code == status
        assert "Голосування розпочалося" in response.content.decode()
    assert Category.objects.get(pk=category.pk).name == "A"
    assert not AuditEntry.objects.filter(action="budget.category_changed").exists()


# ---- support collection of an existing cycle -------------------------------------------------


def test_set_supports_before_and_during_submission(community: Any, administrator: Any, author: Any) -> None:
    now = timezone.now()
    draft = _cycle(community, administrator, phase="draft")
    assert draft.status == Phase.DRAFT
    services.cycle_set_supports(
        cycle=draft,
        actor=administrator,
        threshold=25,
        opens=draft.submission_opens + timedelta(days=1),
        closes=draft.review_opens - timedelta(days=1),
    )
    assert draft.support_threshold == 25 and draft.support_opens is not None
    entry = AuditEntry.objects.get(action="budget.supports_set")
    assert entry.summary["before"]["support_threshold"] == 0 and entry.summary["support_threshold"] == 25

    # The window stays inside the submission dates, both dates or neither, only with a threshold.
    for threshold, opens, closes in (
        (25, draft.submission_opens - timedelta(days=1), draft.review_opens),
        (25, draft.submission_opens, draft.review_opens + timedelta(days=1)),
        (25, draft.submission_opens, None),
        (0, draft.submission_opens, draft.review_opens),
    ):
        _refused(
            "support_window",
            lambda threshold=threshold, opens=opens, closes=closes: services.cycle_set_supports(
                cycle=draft, actor=administrator, threshold=threshold, opens=opens, closes=closes
            ),
        )
    _refused("support_threshold", lambda: services.cycle_set_supports(cycle=draft, actor=administrator, threshold=-1))

    # In submission: the window cannot close in the past.
    cycle = _cycle(community, administrator)
    assert cycle.status == Phase.SUBMISSION
    _refused(
        "support_window",
        lambda: services.cycle_set_supports(
            cycle=cycle, actor=administrator, threshold=2, opens=cycle.submission_opens, closes=now - timedelta(hours=1)
        ),
    )
    services.cycle_set_supports(
        cycle=cycle, actor=administrator, threshold=2, opens=now - timedelta(hours=12), closes=now + timedelta(days=3)
    )
    assert selectors.supports_open(cycle)

    # Once supports are given: the threshold is fixed, the start cannot move later, the end can move on.
    project = submitted_project(cycle, author, make_category(cycle, administrator), "Сквер", 50_000)
    services.project_support(project=project, user=make_verified_resident(community, email="s@example.org"))
    _refused(
        "supports_given",
        lambda: services.cycle_set_supports(
            cycle=cycle, actor=administrator, threshold=3, opens=cycle.support_opens, closes=cycle.support_closes
        ),
    )
    _refused(
        "support_window",
        lambda: services.cycle_set_supports(
            cycle=cycle, actor=administrator, threshold=2, opens=now + timedelta(hours=1), closes=cycle.support_closes
        ),
    )
    services.cycle_set_supports(
        cycle=cycle,
        actor=administrator,
        threshold=2,
        opens=cycle.support_opens,
        closes=cycle.review_opens - timedelta(hours=1),
    )
    assert cycle.support_closes == cycle.review_opens - timedelta(hours=1)
    assert cycle.support_threshold == 2

    # Review has started: the collection is decided, nothing can change (suspended there too).
    services.cycle_set_phase(cycle=cycle, phase=Phase.REVIEW, actor=administrator)
    _refused("supports_decided", lambda: services.cycle_set_supports(cycle=cycle, actor=administrator, threshold=2))
    services.cycle_suspend(cycle=cycle, actor=administrator, reason="Воєнний стан")
    _refused("supports_decided", lambda: services.cycle_set_supports(cycle=cycle, actor=administrator, threshold=2))
    assert AuditEntry.objects.filter(action="budget.supports_set").count() == 3


def test_set_supports_while_suspended_in_submission(community: Any, administrator: Any) -> None:
    cycle = _cycle(community, administrator)
    services.cycle_suspend(cycle=cycle, actor=administrator, reason="Відключення світла")
    services.cycle_set_supports(cycle=cycle, actor=administrator, threshold=5)
    assert BudgetCycle.objects.get(pk=cycle.pk).support_threshold == 5


def test_supports_form(community: Any, administrator: Any, resident: Any) -> None:
    cycle = _cycle(community, administrator)
    staff = _client(administrator)
    url = reverse("budget:cycle_supports", args=[cycle.pk])
    assert url in staff.get(reverse("budget:manage", args=[cycle.pk])).content.decode()
    assert _client(resident).get(url).status_code == 403
    assert _client(resident).post(url, {"support_threshold": 1}).status_code == 403
    assert staff.get(url).status_code == 200

    bad = {"support_threshold": 10, "support_opens": _local(cycle.submission_opens)}
    response = staff.post(url, bad)
    assert response.status_code == 400 and response.context["form"].non_field_errors()
    assert BudgetCycle.objects.get(pk=cycle.pk).support_threshold == 0

    opens = timezone.now() - timedelta(hours=2)
    closes = cycle.review_opens - timedelta(days=1)
    response = staff.post(
        url, {"support_threshold": 10, "support_opens": _local(opens), "support_closes": _local(closes)}
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.support_threshold == 10
    assert _local(cycle.support_opens) == _local(opens) and _local(cycle.support_closes) == _local(closes)
    # The form shows the saved values again, in the datetime-local format browsers fill in.
    assert f'value="{_local(closes)}"' in staff.get(url).content.decode()

    # Public cycle page and API show the threshold and the window.
    page = _client().get(reverse("budget:cycle", args=[cycle.pk])).content.decode()
    assert "щонайменше 10" in page and "Підтримки збираються з" in page
    data = _client().get(f"/api/budget/cycles/{cycle.pk}").json()
    assert data["support_threshold"] == 10
    assert data["support_opens"] is not None and data["support_closes"] is not None
    listed = {c["id"]: c for c in _client().get("/api/budget/cycles").json()}
    assert listed[cycle.pk]["support_threshold"] == 10

    # After review starts: the page says so and offers no form; a POST changes nothing.
    services.cycle_set_phase(cycle=cycle, phase=Phase.REVIEW, actor=administrator)
    assert url not in staff.get(reverse("budget:manage", args=[cycle.pk])).content.decode()
    for response, status in ((staff.get(url), 200), (staff.post(url, {"support_threshold": 3}), 400)):
        assert response.status_code == status
        assert "Збір підтримок завершується з початком розгляду" in response.content.decode()
    assert BudgetCycle.objects.get(pk=cycle.pk).support_threshold == 10


def test_cycle_without_supports_says_so_and_api_is_null(voting_cycle: BudgetCycle, administrator: Any) -> None:
    page = _client().get(reverse("budget:cycle", args=[voting_cycle.pk])).content.decode()
    assert "щонайменше" not in page
    manage = _client(administrator).get(reverse("budget:manage", args=[voting_cycle.pk])).content.decode()
    assert "Збір підтримок не проводиться" in manage
    data = _client().get(f"/api/budget/cycles/{voting_cycle.pk}").json()
    assert data["support_threshold"] == 0 and data["support_opens"] is None and data["support_closes"] is None


def test_cycle_page_whole_submission_collection(community: Any, administrator: Any) -> None:
    cycle = _cycle(community, administrator, support_threshold=1)
    client = _client()
    client.cookies["uchast_language"] = "en"
    page = client.get(reverse("budget:cycle", args=[cycle.pk])).content.decode()
    assert "at least 1 support from residents" in page
    assert "Supports are collected during the whole submission phase." in page
