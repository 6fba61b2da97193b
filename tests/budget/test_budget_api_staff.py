"""Staff run a cycle through the API (issue 18, item 3): create it and its categories, set support
collection, move, suspend and resume it, count and publish, assign reviewers and keep milestones —
each through the page's service, permission and audit, with the token's ``staff`` scope."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from uchast.budget import services
from uchast.budget.models import BudgetCycle, CategoryResult, Milestone, Phase, ProjectStatus
from uchast.testing.factories import make_user, make_verified_resident

from .conftest import (
    bearer,
    dates_around,
    last_audit,
    make_category,
    projects_by_title,
    refusal,
    submitted_project,
)

pytestmark = pytest.mark.django_db

API = "/api/budget"


def _iso(dates: dict[str, Any]) -> dict[str, str]:
    return {name: value.isoformat() for name, value in dates.items()}


def _cycle_body(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Бюджет участі 2027",
        "year": 2027,
        **_iso(dates_around(timezone.now(), "submission")),
        **overrides,
    }


def _category_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "name": "Малі проєкти",
        "budget_kopiykas": 50_000_000,
        "min_cost_kopiykas": 1_000_000,
        "max_cost_kopiykas": 20_000_000,
        "ballot_rule": "up_to_n",
        "min_selected": 1,
        "max_selected": 3,
        "counting_rule": "mes",
        "districts": ["center"],
    }
    return {**body, **overrides}


def _submission_cycle(community: Any, administrator: Any) -> BudgetCycle:
    cycle = services.cycle_create(
        community=community,
        actor=administrator,
        title="ГБ",
        year=2026,
        dates=dates_around(timezone.now(), "submission"),
    )
    services.cycle_advance(cycle=cycle)
    return cycle


def test_staff_create_a_cycle(client: Client, community: Any, administrator: Any, resident: Any) -> None:
    staff = bearer(administrator, staff=True)
    response = client.post(f"{API}/cycles", _cycle_body(support_threshold=5), "application/json", **staff)
    assert response.status_code == 201, response.content
    cycle = BudgetCycle.objects.get(pk=response.json()["id"])
    assert cycle.title == "Бюджет участі 2027" and cycle.support_threshold == 5
    assert response.json()["phase"] == cycle.status == Phase.SUBMISSION  # moved on by its dates, as on the page
    entry = last_audit("budget.cycle_created")
    assert entry.actor == administrator and entry.object_id == str(cycle.pk)

    body = _cycle_body()
    assert refusal(client.post(f"{API}/cycles", body, "application/json")) == (401, "not_authenticated")
    # A resident's token lacks the staff scope; a moderator's staff token lacks the permission.
    assert refusal(client.post(f"{API}/cycles", body, "application/json", **bearer(resident))) == (
        403,
        "insufficient_scope",
    )
    moderator = make_user("moderator", email="mod@example.org")
    assert refusal(client.post(f"{API}/cycles", body, "application/json", **bearer(moderator, staff=True))) == (
        403,
        "forbidden",
    )
    # Bad input: a year out of range at the edge; dates out of order in the service.
    assert client.post(f"{API}/cycles", {**body, "year": 1999}, "application/json", **staff).status_code == 422
    swapped = {**body, "review_opens": body["voting_closes"]}
    assert refusal(client.post(f"{API}/cycles", swapped, "application/json", **staff)) == (400, "dates_out_of_order")
    assert BudgetCycle.objects.count() == 1


def test_staff_add_and_change_categories(client: Client, community: Any, administrator: Any, voting_cycle: Any) -> None:
    staff = bearer(administrator, staff=True)
    cycle = _submission_cycle(community, administrator)
    url = f"{API}/cycles/{cycle.pk}/categories"
    response = client.post(url, _category_body(), "application/json", **staff)
    assert response.status_code == 201, response.content
    category = cycle.categories.get(pk=response.json()["id"])
    assert (category.budget, category.counting_rule) == (50_000_000, "mes")
    assert [d.code for d in category.districts.all()] == ["center"]
    assert last_audit("budget.category_created").actor == administrator

    changed = client.put(
        f"{url}/{category.pk}", _category_body(name="Великі", districts=[]), "application/json", **staff
    )
    assert changed.status_code == 200 and changed.json()["name"] == "Великі"
    category.refresh_from_db()
    assert category.name == "Великі" and not category.districts.exists()
    assert last_audit("budget.category_changed").object_id == str(category.pk)

    for field, value in (("ballot_rule", "lottery"), ("counting_rule", "dhondt"), ("districts", ["atlantis"])):
        refused = client.post(url, _category_body(**{field: value}), "application/json", **staff)
        assert refusal(refused) == (422, "invalid_input") and refused.json()["error"]["details"] == [{"field": field}]
    limits = _category_body(min_cost_kopiykas=30_000_000)
    assert refusal(client.post(url, limits, "application/json", **staff)) == (400, "cost_limits")
    assert refusal(client.put(f"{url}/999999", _category_body(), "application/json", **staff)) == (404, "not_found")
    # Voting has opened: the rules are frozen.
    frozen = voting_cycle.categories.first()
    response = client.put(
        f"{API}/cycles/{voting_cycle.pk}/categories/{frozen.pk}", _category_body(), "application/json", **staff
    )
    assert refusal(response) == (409, "rules_frozen")
    assert cycle.categories.count() == 1


def test_staff_set_support_collection(client: Client, community: Any, administrator: Any, official: Any) -> None:
    staff = bearer(official, staff=True)
    cycle = _submission_cycle(community, administrator)
    url = f"{API}/cycles/{cycle.pk}/supports"
    closes = cycle.review_opens - timedelta(days=1)
    body = {
        "support_threshold": 10,
        "support_opens": cycle.submission_opens.isoformat(),
        "support_closes": closes.isoformat(),
    }
    response = client.put(url, body, "application/json", **staff)
    assert response.status_code == 200, response.content
    assert response.json()["support_threshold"] == 10
    cycle.refresh_from_db()
    assert cycle.support_threshold == 10 and cycle.support_closes == closes
    entry = last_audit("budget.supports_set")
    assert entry.actor == official and entry.summary["before"]["support_threshold"] == 0

    one_date = {"support_threshold": 10, "support_opens": body["support_opens"]}
    assert refusal(client.put(url, one_date, "application/json", **staff)) == (400, "support_window")
    assert client.put(url, {"support_threshold": -1}, "application/json", **staff).status_code == 422
    services.cycle_set_phase(cycle=cycle, phase=Phase.REVIEW, actor=administrator)
    assert refusal(client.put(url, {"support_threshold": 3}, "application/json", **staff)) == (409, "supports_decided")
    assert BudgetCycle.objects.get(pk=cycle.pk).support_threshold == 10


def test_staff_move_suspend_and_resume_a_cycle(
    client: Client, community: Any, administrator: Any, resident: Any
) -> None:
    staff = bearer(administrator, staff=True)
    cycle = _submission_cycle(community, administrator)
    base = f"{API}/cycles/{cycle.pk}"

    response = client.post(f"{base}/phase", {"phase": "review"}, "application/json", **staff)
    assert response.status_code == 200 and response.json()["phase"] == "review"
    entry = last_audit("budget.phase_changed")
    assert entry.actor == administrator and entry.summary == {"from": "submission", "to": "review", "by": "staff"}
    assert refusal(client.post(f"{base}/phase", {"phase": "review"}, "application/json", **staff)) == (
        409,
        "same_phase",
    )
    assert refusal(client.post(f"{base}/phase", {"phase": "someday"}, "application/json", **staff)) == (
        422,
        "bad_phase",
    )
    resident_key = bearer(resident)
    assert refusal(client.post(f"{base}/phase", {"phase": "revision"}, "application/json", **resident_key)) == (
        403,
        "insufficient_scope",
    )

    assert refusal(client.post(f"{base}/suspend", {"reason": "  "}, "application/json", **staff)) == (
        400,
        "reason_required",
    )
    response = client.post(f"{base}/suspend", {"reason": "Воєнний стан"}, "application/json", **staff)
    assert response.status_code == 200 and response.json()["suspended"] is True
    assert response.json()["suspension_reason"] == "Воєнний стан"
    assert last_audit("budget.cycle_suspended").summary == {"phase": "review", "reason": "Воєнний стан"}
    assert refusal(client.post(f"{base}/suspend", {"reason": "Ще раз"}, "application/json", **staff)) == (
        409,
        "already_suspended",
    )
    assert refusal(client.post(f"{base}/phase", {"phase": "revision"}, "application/json", **staff)) == (
        409,
        "suspended",
    )

    dates = _iso(dates_around(timezone.now(), "revision"))
    assert (
        client.post(f"{base}/resume", {**dates, "voting_opens": "soon"}, "application/json", **staff).status_code == 422
    )
    response = client.post(f"{base}/resume", dates, "application/json", **staff)
    assert response.status_code == 200 and response.json()["phase"] == "revision"
    assert last_audit("budget.cycle_resumed").actor == administrator
    assert refusal(client.post(f"{base}/resume", dates, "application/json", **staff)) == (409, "not_suspended")
    assert refusal(client.post(f"{API}/cycles/999999/suspend", {"reason": "x"}, "application/json", **staff)) == (
        404,
        "not_found",
    )


def _vote(cycle: BudgetCycle, community: Any) -> None:
    p = projects_by_title(cycle)
    for i, chosen in enumerate(([p["A1"].pk], [p["A1"].pk, p["A2"].pk], [p["A3"].pk, p["B3"].pk])):
        voter = make_verified_resident(community, email=f"v{i}@example.org")
        services.ballot_cast(cycle=cycle, user=voter, project_ids=chosen)


def test_staff_count_and_publish(client: Client, community: Any, administrator: Any, voting_cycle: Any) -> None:
    staff = bearer(administrator, staff=True)
    base = f"{API}/cycles/{voting_cycle.pk}"
    _vote(voting_cycle, community)
    assert refusal(client.post(f"{base}/count", **staff)) == (409, "not_countable")
    assert refusal(client.post(f"{base}/publish", **staff)) == (409, "not_publishable")
    services.cycle_set_phase(cycle=voting_cycle, phase=Phase.RESULTS, actor=administrator)

    response = client.post(f"{base}/count", **staff)
    assert response.status_code == 200, response.content
    by_category = {r["category_id"]: r for r in response.json()}
    assert set(by_category) == set(voting_cycle.categories.values_list("pk", flat=True))
    stored = CategoryResult.objects.get(category__cycle=voting_cycle, category__name="A")
    assert by_category[stored.category_id]["pabulib_sha256"] == stored.sha256
    entry = last_audit("budget.counted")
    assert entry.actor == administrator and entry.summary["ballots"] == 3
    assert client.get(f"{base}/results").status_code == 404  # counted, not published yet

    response = client.post(f"{base}/publish", **staff)
    assert response.status_code == 200 and response.json()["phase"] == "implementation"
    assert response.json()["results_published"] is True
    assert last_audit("budget.results_published").actor == administrator
    assert projects_by_title(voting_cycle)["A1"].status == ProjectStatus.WINNER
    assert refusal(client.post(f"{base}/publish", **staff)) == (409, "not_publishable")
    assert refusal(client.post(f"{base}/count", **staff)) == (409, "not_countable")


def test_a_commission_key_count_is_refused_as_on_the_page_without_shares(
    client: Client, community: Any, administrator: Any, commission_cycle: Any
) -> None:
    """The shares are typed on the manage page only: the API refuses with the page's own code."""
    cycle, _shares = commission_cycle
    _vote(cycle, community)
    services.cycle_set_phase(cycle=cycle, phase=Phase.RESULTS, actor=administrator)
    response = client.post(f"{API}/cycles/{cycle.pk}/count", **bearer(administrator, staff=True))
    assert refusal(response) == (400, "too_few_shares")
    page = Client()
    page.force_login(administrator)
    posted = page.post(reverse("budget:cycle_count", args=[cycle.pk]), {})
    assert posted.status_code == 400
    assert posted.context["unseal_form"].non_field_errors() == [response.json()["error"]["message"]]
    assert not CategoryResult.objects.filter(category__cycle=cycle).exists()


def test_staff_assign_a_reviewer(
    client: Client, community: Any, administrator: Any, official: Any, author: Any
) -> None:
    cycle = _submission_cycle(community, administrator)
    project = submitted_project(cycle, author, make_category(cycle, administrator), "Сквер", 50_000)
    url = f"{API}/projects/{project.pk}/reviewer"
    staff = bearer(administrator, staff=True)
    response = client.post(url, {"reviewer_id": official.pk, "department": "ЖКГ"}, "application/json", **staff)
    assert response.status_code == 200, response.content
    project.refresh_from_db()
    assert project.reviewer == official and project.department == "ЖКГ"
    entry = last_audit("budget.project_assigned")
    assert entry.actor == administrator and entry.summary == {"reviewer": official.pk, "department": "ЖКГ"}

    not_official = {"reviewer_id": author.pk, "department": "ЖКГ"}
    assert refusal(client.post(url, not_official, "application/json", **staff)) == (422, "invalid_input")
    body = {"reviewer_id": official.pk, "department": "x"}
    assert refusal(client.post(url, body, "application/json", **bearer(author))) == (403, "insufficient_scope")
    assert refusal(client.post(f"{API}/projects/999999/reviewer", body, "application/json", **staff)) == (
        404,
        "not_found",
    )


def _milestone(**overrides: Any) -> dict[str, Any]:
    body = {
        "title": "Закупівля",
        "status": "in_progress",
        "progress": 40,
        "contracted_kopiykas": 45_000_000,
        "spent_kopiykas": 12_345_67,
        "update": "Договір підписано",
    }
    return {**body, **overrides}


def test_staff_keep_milestones_of_a_winner(
    client: Client, community: Any, administrator: Any, voting_cycle: Any
) -> None:
    _vote(voting_cycle, community)
    services.cycle_set_phase(cycle=voting_cycle, phase=Phase.RESULTS, actor=administrator)
    services.cycle_count(cycle=voting_cycle, actor=administrator)
    services.cycle_publish(cycle=voting_cycle, actor=administrator)
    projects = projects_by_title(voting_cycle)
    winner = projects["A1"]
    staff = bearer(administrator, staff=True)
    url = f"{API}/projects/{winner.pk}/milestones"

    response = client.post(url, _milestone(), "application/json", **staff)
    assert response.status_code == 201, response.content
    milestone = Milestone.objects.get(pk=response.json()["id"])
    assert (milestone.progress, milestone.contracted, milestone.spent) == (40, 45_000_000, 12_345_67)
    entry = last_audit("budget.milestone_saved")
    assert entry.actor == administrator and entry.object_id == str(winner.pk)

    response = client.put(f"{url}/{milestone.pk}", _milestone(status="done", progress=100), "application/json", **staff)
    assert response.status_code == 200 and response.json()["progress"] == 100
    milestone.refresh_from_db()
    assert milestone.status == "done"
    assert last_audit("budget.milestone_saved").summary["progress"] == 100

    assert refusal(client.post(url, _milestone(status="lost"), "application/json", **staff)) == (422, "invalid_input")
    assert client.post(url, _milestone(progress=101), "application/json", **staff).status_code == 422
    assert refusal(client.put(f"{url}/999999", _milestone(), "application/json", **staff)) == (404, "not_found")
    not_winner = next(p for p in projects.values() if p.status == ProjectStatus.NOT_SELECTED)
    response = client.post(f"{API}/projects/{not_winner.pk}/milestones", _milestone(), "application/json", **staff)
    assert refusal(response) == (409, "not_winner")
    resident = make_verified_resident(community, email="r@example.org")
    assert refusal(client.post(url, _milestone(), "application/json", **bearer(resident))) == (
        403,
        "insufficient_scope",
    )
    assert Milestone.objects.count() == 1
