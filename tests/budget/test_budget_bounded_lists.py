"""The staff and results lists of a cycle are bounded (issue 19): the manage page's review list and
batches are keyset pages, the paper batch page takes project numbers instead of listing every
project once a category is bigger than a page of the ballot, and the results page shows the funded
projects and then one page of the others. Each runs the same queries at two sizes."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from uchast.budget import ballotpage, services
from uchast.budget.models import Ballot, BudgetCycle, CategoryResult, Phase, Project, ProjectStatus
from uchast.budget.views import manage, results
from uchast.testing.factories import make_verified_resident

from .conftest import projects_by_title

pytestmark = pytest.mark.django_db


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _grow(cycle: BudgetCycle, count: int, *, start: int = 0) -> None:
    a = cycle.categories.get(name="A")
    Project.objects.bulk_create(
        Project(cycle=cycle, category=a, title=f"Проєкт {n}", summary="s", description="d", expected_result="e",
                beneficiaries="b", total_cost=100_000_00, status=ProjectStatus.ADMITTED)
        for n in range(start, start + count)
    )  # fmt: skip


def _read(client: Client, url: str) -> tuple[int, Any]:
    """Queries of a second read (the first warms caches), and the response."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response


def _next(response: Any) -> str:
    body = response.content.decode()
    assert 'rel="next"' in body
    return body.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&").split("#")[0]


def test_manage_page_lists_a_page_of_projects_and_batches(
    voting_cycle: BudgetCycle, administrator: Any, official: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(manage, "PROJECTS_PAGE", 4)
    client, url = _client(administrator), reverse("budget:manage", args=[voting_cycle.pk])
    for n in range(5):
        services.paper_batch_create(cycle=voting_cycle, actor=official, number=f"K-{n}", place="ЦНАП")
    small, response = _read(client, url)
    assert len(response.context["projects"]) == 4 and len(response.context["batches"]) == 4
    _grow(voting_cycle, 30)
    for n in range(5, 15):
        services.paper_batch_create(cycle=voting_cycle, actor=official, number=f"K-{n}", place="ЦНАП")
    large, response = _read(client, url)
    assert large == small and len(response.context["projects"]) == 4
    following = _next(response)
    assert following.startswith(url + "?after=")
    count, second = _read(client, following)
    assert count == large and "Перша сторінка" in second.content.decode()
    first = {p.pk for p in response.context["projects"]}
    assert first.isdisjoint(p.pk for p in second.context["projects"])
    # The batches page on their own parameter, the projects' page kept.
    batches = [
        link.split('"')[0].replace("&amp;", "&")
        for link in second.content.decode().split('href="')
        if "batches=" in link.split('"')[0]
    ]
    assert batches and "after=" in batches[0]
    # A refused action's page (posted to its own URL) links to the manage page.
    refused = client.post(reverse("budget:batch_new", args=[voting_cycle.pk]), {"b-number": "K-1", "b-place": "x"})
    assert refused.status_code == 400 and refused.context["projects_page"].next_url.startswith(url + "?after=")


def test_small_cycle_manage_page_is_one_page(voting_cycle: BudgetCycle, administrator: Any) -> None:
    response = _client(administrator).get(reverse("budget:manage", args=[voting_cycle.pk]))
    assert len(response.context["projects"]) == 6 and 'rel="next"' not in response.content.decode()


def test_paper_batch_takes_numbers_at_city_scale(voting_cycle: BudgetCycle, official: Any, administrator: Any) -> None:
    batch = services.paper_batch_create(cycle=voting_cycle, actor=official, number="K-1", place="ЦНАП")
    client, url = _client(official), reverse("budget:batch", args=[batch.pk])
    _count, response = _read(client, url)
    assert not response.context["numbered"] and 'name="project"' in response.content.decode()
    _grow(voting_cycle, ballotpage.PAGE_SIZE + 1)
    small, response = _read(client, url)
    page = response.content.decode()
    assert response.context["numbered"] and 'name="project"' not in page and page.count('name="numbers"') == 2
    _grow(voting_cycle, 100, start=100)
    large, response = _read(client, url)
    assert large == small and page.count("Проєкт") == response.content.decode().count("Проєкт")
    # The lookup: by number or by words, at most a bounded list.
    a1 = projects_by_title(voting_cycle)["A1"]
    found = client.get(url, {"find": str(a1.pk)}).context["found"]
    assert a1 in found
    words = client.get(url, {"find": "Проєкт"})
    assert len(words.context["found"]) == 20 and words.context["more_found"]
    # A ballot entered by its numbers; a number that is not a number is refused.
    entry = {"e-position": 1, "e-identity_kind": "id_card", "e-identity_number": "555666777"}
    b1 = projects_by_title(voting_cycle)["B1"]
    assert client.post(url, {**entry, "numbers": f"{a1.pk}, x"}).status_code == 400
    assert client.post(url, {**entry, "numbers": f" {a1.pk},{b1.pk} "}).status_code == 302
    assert Ballot.objects.filter(is_paper=True).count() == 1


def _counted(cycle: BudgetCycle, community: Any, administrator: Any) -> None:
    p = projects_by_title(cycle)
    for i, choice in enumerate([["A3", "A1"], ["A3"], ["A2"]]):
        voter = make_verified_resident(community, email=f"r{i}@example.org")
        services.ballot_cast(cycle=cycle, user=voter, project_ids=[p[t].pk for t in choice])
    services.cycle_set_phase(cycle=cycle, phase=Phase.RESULTS, actor=administrator)
    services.cycle_count(cycle=cycle, actor=administrator)
    services.cycle_publish(cycle=cycle, actor=administrator)


def test_results_list_the_funded_then_the_others_in_bounded_pages(
    voting_cycle: BudgetCycle, community: Any, administrator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _grow(voting_cycle, 30)
    _counted(voting_cycle, community, administrator)
    monkeypatch.setattr(results, "RESULTS_PAGE", 10)
    client, url = _client(), reverse("budget:results", args=[voting_cycle.pk])
    small, response = _read(client, url)
    a = next(row for row in response.context["rows"] if row["result"].category.name == "A")
    lines, w = a["lines"], a["shown"].funded
    assert 0 < w < 10 and len(lines) == 10 and lines[0].project["name"] == "A3"
    # The funded ones first, by place; then the others by place (a project the greedy rule skipped
    # keeps its place between funded ones, and its reason says why).
    assert all(line.project["selected"] for line in lines[:w])
    assert not any(line.project["selected"] for line in lines[w:])
    places = [line.place for line in lines]
    assert places[:w] == sorted(places[:w]) and places[w:] == sorted(places[w:])
    rest = sorted(set(range(1, 36)) - set(places[:w]))
    # The next page of A: the others' places going on; B's page unchanged.
    count, second = _read(client, url + _next(response))
    assert count == small and "Перша сторінка" in second.content.decode()
    a2 = next(row for row in second.context["rows"] if row["result"].category.name == "A")
    assert places[w:] == rest[: 10 - w] and [line.place for line in a2["lines"]] == rest[10 - w : 20 - w]
    # Many more funded and other projects in the count: the same queries, the same bounded page.
    result = CategoryResult.objects.get(category__name="A", category__cycle=voting_cycle)
    result.outcome["projects"] = result.outcome["projects"] * 10
    result.save()
    large, response = _read(client, url)
    assert large == small
    a = next(row for row in response.context["rows"] if row["result"].category.name == "A")
    assert len(a["lines"]) == 10 and a["next_url"] and a["shown"].funded == 10 * w
    # The totals as published: funded money from the count, not summed over the rows shown.
    assert a["shown"].spent == result.outcome["spent"]
