from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from uchast.budget import services
from uchast.budget.models import Ballot, BudgetCycle, Phase
from uchast.testing.factories import make_verified_resident

from .conftest import projects_by_title

pytestmark = pytest.mark.django_db


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_public_pages_render(voting_cycle: BudgetCycle) -> None:
    client = _client()
    p = projects_by_title(voting_cycle)
    for url in (
        reverse("budget:index"),
        reverse("budget:cycle", args=[voting_cycle.pk]),
        reverse("budget:projects", args=[voting_cycle.pk]),
        reverse("budget:project", args=[p["A1"].pk]),
        reverse("budget:project_qr", args=[p["A1"].pk]),
    ):
        assert client.get(url).status_code == 200, url
    # Results are not public before publication.
    assert client.get(reverse("budget:results", args=[voting_cycle.pk])).status_code == 404


def test_project_list_filters(voting_cycle: BudgetCycle) -> None:
    client = _client()
    url = reverse("budget:projects", args=[voting_cycle.pk])
    b = voting_cycle.categories.get(name="B")

    def titles(params: dict[str, Any]) -> set[str]:
        # Titles as whole link texts: a bare "B1" can occur inside a random CSRF token.
        body = client.get(url, params).content.decode()
        return {t for t in ("A1", "A2", "A3", "B1", "B2", "B3") if f">{t}</a>" in body}

    assert "B1" in titles({"category": b.pk}) and "A1" not in titles({"category": b.pk})
    assert "A2" in titles({"q": "A2"}) and "A1" not in titles({"q": "A2"})
    assert "B2" in titles({"max_cost": "1500"}) and "B1" not in titles({"max_cost": "1500"})
    assert client.get(url, {"max_cost": "abc", "category": "x", "status": "nonsense"}).status_code == 200


def test_project_list_query_count_is_constant(
    voting_cycle: BudgetCycle, author: Any, django_assert_num_queries: Any
) -> None:
    from uchast.budget.models import Project

    client = _client()
    url = reverse("budget:projects", args=[voting_cycle.pk])
    client.get(url)  # session and order seed
    before = _count_queries(client, url)
    assert before <= 8
    a = voting_cycle.categories.get(name="A")
    district = voting_cycle.community.districts.first()
    for i in range(10):
        Project.objects.create(
            cycle=voting_cycle,
            category=a,
            district=district,
            author=author,
            title=f"Extra {i}",
            summary="s",
            description="d",
            expected_result="e",
            beneficiaries="b",
            total_cost=20_000_00,
            status="admitted",
        )
    with django_assert_num_queries(before):
        client.get(url)


def _count_queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


def test_random_order_is_stable_per_visitor(voting_cycle: BudgetCycle) -> None:
    url = reverse("budget:projects", args=[voting_cycle.pk])

    def order(client: Client) -> list[int]:
        return [p.pk for p in client.get(url).context["projects"]]

    first = _client()
    assert order(first) == order(first)
    orders = {tuple(order(_client())) for _ in range(6)}
    assert len(orders) > 1


def test_vote_form_cast_change_and_replay(voting_cycle: BudgetCycle, community: Any) -> None:
    voter = make_verified_resident(community, email="web@example.org")
    client = _client(voter)
    url = reverse("budget:vote", args=[voting_cycle.pk])
    p = projects_by_title(voting_cycle)
    assert client.get(url).status_code == 200
    response = client.post(url, {"project": [p["A1"].pk], "current": ""})
    assert response.status_code == 302
    receipt = Ballot.objects.get().receipt_code
    done = response["Location"]
    assert done.startswith(reverse("budget:vote_done", args=[voting_cycle.pk]) + "?r=") and receipt not in done
    assert receipt in client.get(done).content.decode()
    # Shown once, and never kept in the session (a session row names its user).
    assert receipt not in client.get(done).content.decode()
    assert receipt not in str(dict(client.session))
    # Replayed first form: refused, nothing changed.
    response = client.post(url, {"project": [p["A2"].pk], "current": ""})
    assert response.status_code == 400
    assert Ballot.objects.get().receipt_code == receipt
    # Too many projects: refused with the rule in the message.
    response = client.post(url, {"project": [p["A1"].pk, p["A2"].pk, p["A3"].pk], "current": receipt})
    assert response.status_code == 400 and "2" in response.context["error"]
    # Forged value.
    assert client.post(url, {"project": ["abc"], "current": receipt}).status_code == 400
    response = client.post(url, {"project": [p["A2"].pk], "current": receipt})
    assert response.status_code == 302
    assert Ballot.objects.count() == 1 and Ballot.objects.get().receipt_code != receipt


def test_anonymous_vote_redirects_to_login_and_staff_pages_are_closed(voting_cycle: BudgetCycle, resident: Any) -> None:
    assert _client().get(reverse("budget:vote", args=[voting_cycle.pk])).status_code == 302
    assert _client(resident).get(reverse("budget:manage", args=[voting_cycle.pk])).status_code == 403
    p = projects_by_title(voting_cycle)
    assert _client(resident).get(reverse("budget:review", args=[p["A1"].pk])).status_code == 403


def test_staff_journey_count_publish_receipt(
    voting_cycle: BudgetCycle, community: Any, administrator: Any, official: Any
) -> None:
    voter = make_verified_resident(community, email="r@example.org")
    p = projects_by_title(voting_cycle)
    receipt = services.ballot_cast(
        cycle=voting_cycle, user=voter, project_ids=[p["A1"].pk, p["B3"].pk]
    ).ballot.receipt_code
    staff = _client(administrator)
    manage = reverse("budget:manage", args=[voting_cycle.pk])
    assert staff.get(manage).status_code == 200
    staff.post(reverse("budget:batch_new", args=[voting_cycle.pk]), {"b-number": "K-1", "b-place": "ЦНАП"})
    batch = voting_cycle.paper_batches.get()
    batch_url = reverse("budget:batch", args=[batch.pk])
    assert staff.get(batch_url).status_code == 200
    staff.post(
        batch_url,
        {
            "e-position": 1,
            "e-identity_kind": "id_card",
            "e-identity_number": "321321321",
            "project": [p["A2"].pk],
        },
    )
    assert batch.ballots.count() == 1
    _client(official).post(reverse("budget:batch_check", args=[batch.pk]), {"k-position": 1, "project": [p["A2"].pk]})
    staff.post(reverse("budget:cycle_phase", args=[voting_cycle.pk]), {"phase": Phase.RESULTS})
    assert staff.post(reverse("budget:cycle_count", args=[voting_cycle.pk])).status_code == 302
    staff.post(reverse("budget:cycle_publish", args=[voting_cycle.pk]))
    voting_cycle.refresh_from_db()
    assert voting_cycle.results_published_at is not None
    public = _client()
    page = public.get(reverse("budget:results", args=[voting_cycle.pk])).content.decode()
    assert "SHA-256" in page and "<svg" in page and "<title" in page
    response = public.post(
        reverse("budget:receipt", args=[voting_cycle.pk]), {"receipt": receipt.lower().replace("-", "")}
    )
    assert response.context["found"].lines, "the ballot is found in the published file"
    assert {x.pk for x in response.context["found"].projects} == {p["A1"].pk, p["B3"].pk}
    response = public.post(reverse("budget:receipt", args=[voting_cycle.pk]), {"receipt": "AAAA-BBBB-CCCC"})
    assert response.context["form"].errors
    category = voting_cycle.categories.first()
    pb = public.get(reverse("budget:pabulib", args=[voting_cycle.pk, category.pk]))
    assert pb.status_code == 200 and b"VOTES" in pb.content
    csv = public.get(reverse("budget:results_csv", args=[voting_cycle.pk])).content.decode()
    assert "A1" in csv


def test_api_reads_and_ballot(voting_cycle: BudgetCycle, community: Any, resident: Any) -> None:
    client = _client()
    cycles = client.get("/api/budget/cycles").json()
    assert cycles[0]["phase"] == "voting"
    assert len(client.get(f"/api/budget/cycles/{voting_cycle.pk}/categories").json()) == 2
    projects = client.get(f"/api/budget/cycles/{voting_cycle.pk}/projects").json()
    assert len(projects) == 6
    assert client.get("/api/budget/cycles/999999").status_code == 404
    assert client.get(f"/api/budget/cycles/{voting_cycle.pk}/results").status_code == 404
    p = projects_by_title(voting_cycle)
    url = f"/api/budget/cycles/{voting_cycle.pk}/ballot"
    body = json.dumps({"projects": [p["A1"].pk]})
    assert client.post(url, body, content_type="application/json").status_code == 401
    refused = _client(resident).post(url, body, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_eligible"
    voter = _client(make_verified_resident(community, email="api@example.org"))
    response = voter.post(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["replaced"] is False
    too_many = json.dumps({"projects": [p["A1"].pk, p["A2"].pk, p["A3"].pk]})
    response = voter.post(url, too_many, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "too_many"
    assert "budget" in client.get("/api/openapi.json").content.decode()


def test_staff_create_cycle_and_category(community: Any, administrator: Any, resident: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    staff = _client(administrator)
    assert _client(resident).get(reverse("budget:cycle_new")).status_code == 403
    now = timezone.localtime()
    data = {"title": "ГБ 2027", "year": 2027, "description": ""}
    names = ("submission_opens", "review_opens", "revision_opens", "voting_opens", "voting_closes")
    for index, name in enumerate(names):
        data[name] = (now + timedelta(days=10 * (index + 1))).strftime("%Y-%m-%dT%H:%M")
    bad = dict(data, voting_closes=data["submission_opens"])
    assert staff.post(reverse("budget:cycle_new"), bad).status_code == 400
    assert not BudgetCycle.objects.exists()
    response = staff.post(reverse("budget:cycle_new"), data)
    cycle = BudgetCycle.objects.get()
    assert response.status_code == 302 and cycle.status == Phase.DRAFT
    assert "ГБ 2027" in staff.get(reverse("budget:index")).content.decode()
    assert "ГБ 2027" not in _client().get(reverse("budget:index")).content.decode()
    url = reverse("budget:category_new", args=[cycle.pk])
    category = {
        "name": "Малі проєкти",
        "budget": "1000000",
        "min_cost": "10000",
        "max_cost": "2000000",
        "ballot_rule": "knapsack",
        "min_selected": 0,
        "max_selected": 5,
        "counting_rule": "mes",
        "districts": ["center"],
    }
    response = staff.post(url, category)
    assert response.status_code == 400 and response.context["form"].non_field_errors()
    response = staff.post(url, dict(category, max_cost="200000"))
    assert response.status_code == 302
    saved = cycle.categories.get()
    assert saved.budget == 100_000_000 and [d.code for d in saved.districts.all()] == ["center"]


def test_recalculate_keeps_the_choice_updates_the_counter_and_casts_nothing(
    voting_cycle: BudgetCycle, community: Any
) -> None:
    client = _client(make_verified_resident(community, email="count@example.org"))
    url = reverse("budget:vote", args=[voting_cycle.pk])
    p = projects_by_title(voting_cycle)
    page = client.get(url).content.decode()
    assert "Залишилося місць із урахуванням поточного вибору: 2." in page and "Recalculate" not in page
    response = client.post(url, {"project": [p["A1"].pk, p["B1"].pk, p["B2"].pk], "current": "", "recalculate": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and not Ballot.objects.exists()
    assert "Залишилося місць із урахуванням поточного вибору: 1." in page
    assert "ще не подано" in page
    # B: 3 000 UAH, chose 2 000 + 1 500: over by 500, said in words.
    assert "на 500 грн більше" in page
    for project in (p["A1"], p["B1"], p["B2"]):
        assert f'value="{project.pk}" id="project-{project.pk}" data-cost="{project.total_cost}" checked' in page
    # A forged value on recalculate: the form again, nothing cast, no error page.
    assert client.post(url, {"project": ["x"], "recalculate": "1"}).status_code == 200
    assert not Ballot.objects.exists()


def test_done_page_lists_the_choice_once(voting_cycle: BudgetCycle, community: Any) -> None:
    client = _client(make_verified_resident(community, email="done@example.org"))
    p = projects_by_title(voting_cycle)
    url = reverse("budget:vote", args=[voting_cycle.pk])
    done = client.post(url, {"project": [p["A2"].pk, p["B3"].pk], "current": ""})["Location"]
    page = client.get(done).content.decode()
    # Titles as list items: a bare "B3" can turn up inside a random CSRF token.
    assert "Ви обрали" in page and "<li>A2 (" in page and "<li>B3 (" in page and "<li>A1 (" not in page
    again = client.get(done).content.decode()
    assert "Ви обрали" not in again and "<li>B3 (" not in again and "<li>A2 (" not in again
    # Never kept with the account: nothing in the session names the chosen projects.
    session = str(dict(client.session))
    assert str(sorted([p["A2"].pk, p["B3"].pk])) not in session and "B3" not in session


def test_results_are_in_rank_order_with_winners_in_words(
    voting_cycle: BudgetCycle, community: Any, administrator: Any
) -> None:
    p = projects_by_title(voting_cycle)
    # A3 gets the most votes, then A1; A2 one vote: the page lists them in that order.
    for i, choice in enumerate([["A3", "A1"], ["A3", "A1"], ["A3"], ["A2"]]):
        voter = make_verified_resident(community, email=f"rank{i}@example.org")
        services.ballot_cast(cycle=voting_cycle, user=voter, project_ids=[p[t].pk for t in choice])
    services.cycle_set_phase(cycle=voting_cycle, phase=Phase.RESULTS, actor=administrator)
    services.cycle_count(cycle=voting_cycle, actor=administrator)
    services.cycle_publish(cycle=voting_cycle, actor=administrator)
    page = _client().get(reverse("budget:results", args=[voting_cycle.pk])).content.decode()
    assert page.index(">A3<") < page.index(">A1<") < page.index(">A2<")
    assert "✓ профінансовано" in page and "не профінансовано" in page
    # B: nobody chose any of its projects: three tied on 0 votes, and the rule that broke the tie.
    assert "(нічия)" in page and "дешевший проєкт" in page


def test_home_card_calls_to_vote_with_the_deadline_and_hides_a_suspended_cycle(
    voting_cycle: BudgetCycle, administrator: Any
) -> None:
    from django.utils import formats, timezone

    last = timezone.localtime(voting_cycle.voting_closes - timedelta(microseconds=1)).date()
    page = _client().get(reverse("core:home")).content.decode()
    vote_url = reverse("budget:vote", args=[voting_cycle.pk])
    assert f'href="{vote_url}">Голосуйте до {formats.date_format(last, "j E")}' in page
    services.cycle_suspend(cycle=voting_cycle, actor=administrator, reason="Воєнний стан")
    page = _client().get(reverse("core:home")).content.decode()
    assert vote_url not in page and "ГБ 2026" not in page


def test_a_project_comments_permalink_lands_on_the_project_page(voting_cycle: BudgetCycle, author: Any) -> None:
    from uchast.core.comments import comment_create, comment_url

    project = projects_by_title(voting_cycle)["A1"]
    comment = comment_create(author=author, target=project, body="Потрібне укриття.")
    client = _client()
    response = client.get(comment_url(comment))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('budget:project', args=[project.pk])}#comment-{comment.pk}"
    assert f'id="comment-{comment.pk}"' in client.get(response["Location"]).content.decode()
