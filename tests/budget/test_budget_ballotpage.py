"""The ballot form at city scale (``budget.ballotpage``): a category with more projects than a page
shows the voter's choice, always and checked, then one page of the others in the voter's own order,
filtered by title and district; paging and filtering are submits of the form, so the ticked boxes
travel with them and nothing is cast before "vote". Small categories render as before (the tests
of ``test_budget_views`` cover them)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from uchast.budget.ballotpage import PAGE_SIZE
from uchast.budget.models import Ballot, BudgetCycle, Project, ProjectStatus
from uchast.testing.factories import make_verified_resident

from .conftest import opened, projects_by_title

pytestmark = pytest.mark.django_db


def _grow(cycle: BudgetCycle, count: int, *, start: int = 0) -> None:
    """``count`` more admitted projects in category A: every tenth in the centre, every seventh
    with "Сквер" in its title."""
    a = cycle.categories.get(name="A")
    centre = cycle.community.districts.get(code="center")
    Project.objects.bulk_create(
        Project(cycle=cycle, category=a, title=f"{'Сквер' if n % 7 == 0 else 'Проєкт'} {n}", summary="s",
                description="d", expected_result="e", beneficiaries="b", total_cost=100_000_00,
                district=centre if n % 10 == 0 else None, status=ProjectStatus.ADMITTED)
        for n in range(start, start + count)
    )  # fmt: skip


def _voter(cycle: BudgetCycle, email: str = "city@example.org") -> Client:
    client = Client()
    client.force_login(make_verified_resident(cycle.community, email=email))
    return client


def _a(response: Any) -> Any:
    """The ballot's category A as the form shows it (``CategoryPage``)."""
    return next(c.shown for c in response.context["categories"] if c.name == "A")


def _browse(client: Client, url: str, shown: Any, chosen: list[int], **fields: Any) -> Any:
    """Post the form as a browser would from the page ``shown``: the ticked boxes, the category's
    filter and page as shown, plus ``fields`` (a submit, a changed filter)."""
    pk = shown.category.pk
    data = {
        "project": chosen,
        "current": "",
        f"page-{pk}": shown.page,
        f"q-{pk}": shown.view.search,
        f"was-q-{pk}": shown.view.search,
        f"district-{pk}": shown.view.district,
        f"was-district-{pk}": shown.view.district,
    }
    data.update({name.replace("_", "-"): value for name, value in fields.items()})
    response = client.post(url, data)
    assert response.status_code == 200
    return response


def _checked(response: Any, project: Project) -> bool:
    return f'value="{project.pk}" id="project-{project.pk}" data-cost="{project.total_cost}" checked' in (
        response.content.decode()
    )


def test_a_big_category_shows_one_page_and_the_small_one_shows_all(voting_cycle: BudgetCycle) -> None:
    _grow(voting_cycle, 70)
    url = reverse("budget:vote", args=[voting_cycle.pk])
    response = _voter(voting_cycle).get(url)
    assert response.status_code == 200
    a = _a(response)
    assert a.paged and a.page == 1 and a.pages == 3 and a.matching == 73 and len(a.projects) == PAGE_SIZE
    assert a.chosen == []
    b = next(c.shown for c in response.context["categories"] if c.name == "B")
    assert not b.paged and sorted(p.title for p in b.projects) == ["B1", "B2", "B3"]
    page = response.content.decode()
    assert page.count('name="project"') == PAGE_SIZE + 3
    assert "Наступна сторінка" in page and "Попередня сторінка" not in page and 'name="q-' in page
    # The voter's own order: another voter's first page differs; the counter is as before.
    assert [p.pk for p in _a(_voter(voting_cycle, "other@example.org").get(url)).projects] != [p.pk for p in a.projects]
    assert "Залишилося місць із урахуванням поточного вибору: 2." in page


def _vote_queries(client: Client, url: str, data: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, data) if data else client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_form_runs_the_same_queries_at_70_and_140_projects(voting_cycle: BudgetCycle) -> None:
    _grow(voting_cycle, 70)
    client, url = _voter(voting_cycle), reverse("budget:vote", args=[voting_cycle.pk])
    client.get(url)  # the session's order seed
    a = voting_cycle.categories.get(name="A")
    some = list(Project.objects.filter(category=a).order_by("pk").values_list("pk", flat=True)[:2])
    browse = {"project": some, "current": "", f"page-{a.pk}": "2", "next": str(a.pk), f"q-{a.pk}": "Сквер"}
    small = (_vote_queries(client, url), _vote_queries(client, url, browse))
    _grow(voting_cycle, 70, start=70)
    response = client.get(url)
    assert _a(response).matching == 143 and len(_a(response).projects) == PAGE_SIZE
    assert (_vote_queries(client, url), _vote_queries(client, url, browse)) == small


def test_next_page_keeps_the_boxes_ticked_on_page_one(voting_cycle: BudgetCycle) -> None:
    _grow(voting_cycle, 70)
    client, url = _voter(voting_cycle), reverse("budget:vote", args=[voting_cycle.pk])
    first = _a(client.get(url))
    ticked = first.projects[3]
    response = _browse(client, url, first, [ticked.pk], next=first.category.pk)
    second = _a(response)
    assert second.page == 2 and [p.pk for p in second.chosen] == [ticked.pk]
    assert not {p.pk for p in second.projects} & {p.pk for p in first.projects}
    assert _checked(response, ticked) and "ще не подано" in response.content.decode()
    assert "Залишилося місць із урахуванням поточного вибору: 1." in response.content.decode()
    assert not Ballot.objects.exists()
    # And back: page one again, the chosen project above the page, not in it.
    back = _a(_browse(client, url, second, [ticked.pk], previous=first.category.pk))
    assert back.page == 1 and [p.pk for p in back.projects] == [p.pk for p in first.projects if p != ticked]


def test_a_chosen_project_stays_shown_and_ticked_on_every_page(voting_cycle: BudgetCycle) -> None:
    _grow(voting_cycle, 70)
    client, url = _voter(voting_cycle), reverse("budget:vote", args=[voting_cycle.pk])
    shown = _a(client.get(url))
    ticked = shown.projects[0]
    seen = {p.pk for p in shown.projects}
    for _page in range(shown.pages + 1):  # one more than there are: the last page stays
        response = _browse(client, url, shown, [ticked.pk], next=shown.category.pk)
        shown = _a(response)
        assert [p.pk for p in shown.chosen] == [ticked.pk] and _checked(response, ticked)
        assert ticked.pk not in {p.pk for p in shown.projects}
        seen |= {p.pk for p in shown.projects}
    assert shown.page == shown.pages == 3
    # Every project of the category was on some page.
    assert seen == set(Project.objects.filter(category=shown.category).values_list("pk", flat=True))


def test_search_and_district_narrow_the_pages(voting_cycle: BudgetCycle) -> None:
    _grow(voting_cycle, 70)
    client, url = _voter(voting_cycle), reverse("budget:vote", args=[voting_cycle.pk])
    shown = _a(client.get(url))
    pk = shown.category.pk
    second = _a(_browse(client, url, shown, [], next=pk))
    # A new search starts at its first page, even when "next" was pressed (Enter in the field).
    found = _a(_browse(client, url, second, [], **{f"q_{pk}": "Сквер", "next": pk}))
    assert found.page == 1 and found.matching == 10 and len(found.projects) == 10
    assert all("Сквер" in p.title for p in found.projects)
    centre = _a(_browse(client, url, found, [], **{f"q_{pk}": "", f"district_{pk}": "center", "next": pk}))
    assert centre.page == 1 and centre.matching == 7 and all(p.district_id for p in centre.projects)
    both = _a(_browse(client, url, centre, [], **{f"q_{pk}": "Сквер", "show": pk}))
    assert [p.title for p in both.projects] == ["Сквер 0"]
    nothing = _browse(client, url, both, [], **{f"q_{pk}": "Немає такого", "show": pk})
    assert _a(nothing).matching == 0 and "Жоден проєкт не відповідає" in nothing.content.decode()
    # Forged paging fields show the first page, not an error.
    forged = client.post(url, {"project": [], f"page-{pk}": "abc", "next": "x", f"district-{pk}": "nowhere"})
    assert forged.status_code == 200 and _a(forged).page == 1


def test_a_choice_spread_over_pages_is_cast_whole(voting_cycle: BudgetCycle) -> None:
    _grow(voting_cycle, 70)
    client, url = _voter(voting_cycle), reverse("budget:vote", args=[voting_cycle.pk])
    shown = _a(client.get(url))
    first = shown.projects[5]
    shown = _a(_browse(client, url, shown, [first.pk], next=shown.category.pk))
    second = shown.projects[-1]
    b1 = projects_by_title(voting_cycle)["B1"]
    response = _browse(client, url, shown, [first.pk, second.pk, b1.pk], next=shown.category.pk)
    assert {p.pk for p in _a(response).chosen} == {first.pk, second.pk} and not Ballot.objects.exists()
    # "Vote" is the form's own submit: no browsing field named, the ballot is cast from the boxes.
    cast = client.post(url, {"project": [first.pk, second.pk, b1.pk], "current": "", f"page-{shown.category.pk}": 3})
    assert cast.status_code == 302
    assert opened(Ballot.objects.get()) == {first.pk, second.pk, b1.pk}
    # A refused ballot comes back with its boxes ticked, on the page it was sent from.
    third = _a(response).projects[0]
    again = _voter(voting_cycle, "again@example.org")
    refused = again.post(
        url, {"project": [first.pk, second.pk, third.pk], "current": "", f"page-{shown.category.pk}": 2}
    )
    assert refused.status_code == 400 and _a(refused).page == 2
    assert {p.pk for p in _a(refused).chosen} == {first.pk, second.pk, third.pk}
