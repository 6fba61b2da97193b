"""Residents' actions on projects through the API (issue 18, item 3): the author edits, submits,
revises and appeals; co-authors are invited, withdrawn and accept; residents support and follow —
the pages' services, permissions and audit."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from uchast.budget import services
from uchast.budget.models import BudgetCycle, CoauthorInvitation, Phase, Project, ProjectStatus, ProjectSupport
from uchast.budget.services import CostLine
from uchast.core import notifications
from uchast.testing.factories import make_user, make_verified_resident

from .conftest import (
    CHECKS,
    bearer,
    dates_around,
    last_audit,
    make_category,
    project_values,
    projects_by_title,
    refusal,
    submitted_project,
)

pytestmark = pytest.mark.django_db

API = "/api/budget"


def _cycle(community: Any, administrator: Any, **options: Any) -> BudgetCycle:
    cycle = services.cycle_create(
        community=community,
        actor=administrator,
        title="ГБ",
        year=2026,
        dates=dates_around(timezone.now(), "submission"),
        **options,
    )
    services.cycle_advance(cycle=cycle)
    return cycle


def _draft(cycle: BudgetCycle, author: Any, title: str = "Спільний проєкт") -> Project:
    return services.project_save_draft(
        cycle=cycle,
        author=author,
        category=cycle.categories.get(),
        district=None,
        values=project_values(title),
        costs=[CostLine("Роботи", 1, 50_000_00)],
    )


def _body(project: Project, **overrides: Any) -> dict[str, Any]:
    body = {
        "category_id": project.category_id,
        "district": "center",
        **project_values("Укриття для школи № 3"),
        "costs": [{"description": "Лави", "quantity": 4, "unit_price_kopiykas": 5_000_000}],
    }
    body.pop("address")
    return {**body, **overrides}


@pytest.fixture
def cycle(community: Any, administrator: Any) -> BudgetCycle:
    found = _cycle(community, administrator)
    make_category(found, administrator)
    return found


def test_the_author_edits_and_submits_a_draft(client: Client, cycle: BudgetCycle, author: Any, resident: Any) -> None:
    project = _draft(cycle, author)
    url = f"{API}/projects/{project.pk}"
    mine = bearer(author)
    response = client.put(url, _body(project), "application/json", **mine)
    assert response.status_code == 200, response.content
    project.refresh_from_db()
    assert (project.title, project.status, project.total_cost) == ("Укриття для школи № 3", "draft", 20_000_000)
    assert project.district is not None and project.district.code == "center"

    assert refusal(client.put(url, _body(project, submit=True), "application/json", **mine)) == (
        400,
        "rules_not_accepted",
    )
    response = client.put(url, _body(project, submit=True, accept_rules=True), "application/json", **mine)
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    entry = last_audit("budget.project_submitted")
    assert entry.actor == author and entry.object_id == str(project.pk)

    # Submitted: no longer editable by its author; others may see it but not change it.
    assert refusal(client.put(url, _body(project), "application/json", **mine)) == (409, "not_editable")
    assert refusal(client.put(url, _body(project), "application/json", **bearer(resident))) == (403, "forbidden")
    assert refusal(client.put(url, _body(project), "application/json")) == (401, "not_authenticated")
    other = _draft(cycle, author, "Чернетка")
    hidden = f"{API}/projects/{other.pk}"
    assert refusal(client.put(hidden, _body(other), "application/json", **bearer(resident))) == (404, "not_found")
    assert refusal(client.put(hidden, _body(other, district="atlantis"), "application/json", **mine)) == (
        422,
        "invalid_input",
    )
    assert client.put(hidden, _body(other, costs=[{"description": "x"}]), "application/json", **mine).status_code == 422


def _rejected(cycle: BudgetCycle, author: Any, official: Any, administrator: Any, conclusion: str) -> Project:
    project = submitted_project(cycle, author, cycle.categories.get(), "Сквер", 50_000)
    services.cycle_set_phase(cycle=cycle, phase=Phase.REVIEW, actor=administrator)
    services.review_record(
        project=project, reviewer=official, conclusion=conclusion, public_reason="Причина", checklist=CHECKS
    )
    project.refresh_from_db()
    return project


def test_the_author_revises_a_project(
    client: Client, cycle: BudgetCycle, author: Any, official: Any, administrator: Any
) -> None:
    project = _rejected(cycle, author, official, administrator, "needs_revision")
    url = f"{API}/projects/{project.pk}"
    assert refusal(client.put(url, _body(project), "application/json", **bearer(author))) == (409, "phase_closed")
    services.cycle_set_phase(cycle=cycle, phase=Phase.REVISION, actor=administrator)
    response = client.put(url, _body(project), "application/json", **bearer(author))
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert response.json()["total_cost_kopiykas"] == 20_000_000
    entry = last_audit("budget.project_revised")
    assert entry.actor == author and entry.summary == {"total_cost": 20_000_000}


def test_the_author_appeals_a_rejection(
    client: Client, cycle: BudgetCycle, author: Any, official: Any, administrator: Any, resident: Any
) -> None:
    project = _rejected(cycle, author, official, administrator, "rejected")
    url = f"{API}/projects/{project.pk}/appeal"
    text = {"text": "Ділянка належить громаді: витяг додаю."}
    assert refusal(client.post(url, text, "application/json", **bearer(author))) == (409, "phase_closed")
    services.cycle_set_phase(cycle=cycle, phase=Phase.REVISION, actor=administrator)
    assert refusal(client.post(url, text, "application/json", **bearer(resident))) == (403, "forbidden")
    assert refusal(client.post(url, {"text": " "}, "application/json", **bearer(author))) == (400, "reason_required")
    assert client.post(url, {}, "application/json", **bearer(author)).status_code == 422
    response = client.post(url, text, "application/json", **bearer(author))
    assert response.status_code == 200 and response.json()["status"] == ProjectStatus.APPEALED
    project.refresh_from_db()
    assert project.appeal_used and project.appeal_text == text["text"]
    assert last_audit("budget.project_appealed").actor == author
    assert refusal(client.post(url, text, "application/json", **bearer(author))) == (409, "not_appealable")


def test_residents_support_a_project_and_withdraw(
    client: Client, community: Any, administrator: Any, author: Any
) -> None:
    cycle = _cycle(community, administrator, support_threshold=2)
    project = submitted_project(cycle, author, make_category(cycle, administrator), "Популярний", 50_000)
    url = f"{API}/projects/{project.pk}/support"
    anna = bearer(make_verified_resident(community, email="anna@example.org"))
    response = client.post(url, {"support": True}, "application/json", **anna)
    assert response.status_code == 200
    assert response.json() == {"project_id": project.pk, "supports": 1, "supporting": True}
    assert ProjectSupport.objects.filter(project=project).count() == 1
    assert refusal(client.post(url, {}, "application/json", **anna)) == (409, "already_supported")
    assert refusal(client.post(url, {}, "application/json", **bearer(author))) == (400, "own_project")
    unverified = bearer(make_user(email="x@example.org"))
    assert refusal(client.post(url, {}, "application/json", **unverified)) == (403, "not_eligible")
    assert client.post(url, {"support": "maybe"}, "application/json", **anna).status_code == 422

    response = client.post(url, {"support": False}, "application/json", **anna)
    assert response.status_code == 200 and response.json()["supports"] == 0
    assert refusal(client.post(url, {"support": False}, "application/json", **anna)) == (409, "not_supported")
    services.cycle_set_phase(cycle=cycle, phase=Phase.REVIEW, actor=administrator)
    assert refusal(client.post(url, {}, "application/json", **anna)) == (409, "supports_closed")


def test_coauthors_invited_listed_withdrawn_and_accepted(
    client: Client, cycle: BudgetCycle, author: Any, resident: Any
) -> None:
    project = _draft(cycle, author)
    url = f"{API}/projects/{project.pk}/coauthors"
    mine = bearer(author)
    response = client.post(url, {"email": "Olena@Example.org"}, "application/json", **mine)
    assert response.status_code == 201, response.content
    invitation = CoauthorInvitation.objects.get(pk=response.json()["id"])
    assert invitation.email == "olena@example.org" and "token" not in response.json()
    entry = last_audit("budget.coauthor_invited")
    assert entry.actor == author and entry.summary == {"invitation": invitation.pk, "existing_account": True}
    assert [i["id"] for i in client.get(url, **mine).json()] == [invitation.pk]

    assert refusal(client.post(url, {"email": "olena@example.org"}, "application/json", **mine)) == (
        409,
        "already_invited",
    )
    assert refusal(client.post(url, {"email": "not an address"}, "application/json", **mine)) == (400, "bad_email")
    assert refusal(client.get(url, **bearer(resident))) == (404, "not_found")  # a draft is the authors' own

    revoke = f"{url}/{invitation.pk}/revoke"
    response = client.post(revoke, **mine)
    assert response.status_code == 200 and response.json()["revoked"] is True
    assert last_audit("budget.coauthor_invitation_revoked").summary == {"invitation": invitation.pk}
    assert refusal(client.post(revoke, **mine)) == (409, "revoked_token")
    assert refusal(client.post(f"{url}/999999/revoke", **mine)) == (404, "not_found")

    # A fresh invitation (its token comes by e-mail) is accepted by the invited account only.
    _fresh, token = services.coauthor_invite(project=project, author=author, email=resident.email)
    accept = f"{API}/invitations/accept"
    stranger = bearer(make_user(email="stranger@example.org"))
    assert refusal(client.post(accept, {"token": token}, "application/json", **stranger)) == (400, "wrong_account")
    assert refusal(client.post(accept, {"token": "nothing"}, "application/json", **stranger)) == (
        400,
        "invalid_token",
    )
    assert refusal(client.post(accept, {"token": token}, "application/json")) == (401, "not_authenticated")
    response = client.post(accept, {"token": token}, "application/json", **bearer(resident))
    assert response.status_code == 200 and response.json()["id"] == project.pk
    assert list(project.coauthors.all()) == [resident]
    assert last_audit("budget.coauthor_joined").actor == resident
    assert refusal(client.post(accept, {"token": token}, "application/json", **bearer(resident))) == (
        409,
        "used_token",
    )
    # A co-author edits the draft but may not invite.
    assert (
        client.put(f"{API}/projects/{project.pk}", _body(project), "application/json", **bearer(resident)).status_code
        == 200
    )
    assert refusal(client.post(url, {"email": "a@example.org"}, "application/json", **bearer(resident))) == (
        403,
        "forbidden",
    )


def test_residents_follow_a_winner(
    client: Client, voting_cycle: BudgetCycle, community: Any, administrator: Any
) -> None:
    p = projects_by_title(voting_cycle)
    voter = make_verified_resident(community, email="voter@example.org")
    services.ballot_cast(cycle=voting_cycle, user=voter, project_ids=[p["A1"].pk])
    services.cycle_set_phase(cycle=voting_cycle, phase=Phase.RESULTS, actor=administrator)
    services.cycle_count(cycle=voting_cycle, actor=administrator)
    services.cycle_publish(cycle=voting_cycle, actor=administrator)
    winner = Project.objects.get(pk=p["A1"].pk)
    assert winner.status == ProjectStatus.WINNER
    url = f"{API}/projects/{winner.pk}/follow"
    key = bearer(voter)

    response = client.post(url, {"follow": True}, "application/json", **key)
    assert response.status_code == 200 and response.json() == {"project_id": winner.pk, "following": True}
    assert voter in notifications.followers(winner)
    response = client.post(url, {"follow": False}, "application/json", **key)
    assert response.status_code == 200 and voter not in notifications.followers(winner)
    loser = Project.objects.get(pk=p["A2"].pk)
    assert refusal(client.post(f"{API}/projects/{loser.pk}/follow", {}, "application/json", **key)) == (
        403,
        "forbidden",
    )
    assert refusal(client.post(url, {}, "application/json")) == (401, "not_authenticated")
    assert refusal(client.post(f"{API}/projects/999999/follow", {}, "application/json", **key)) == (404, "not_found")


def test_a_token_reads_the_authors_draft(client: Client, cycle: BudgetCycle, author: Any, official: Any) -> None:
    """A public read honours a token: the author's draft is theirs to read (and budget staff's with a
    staff-scoped token), not the public's."""
    draft = _draft(cycle, author)
    assert refusal(client.get(f"{API}/projects/{draft.pk}")) == (404, "not_found")
    own = client.get(f"{API}/projects/{draft.pk}", **bearer(author))
    assert own.status_code == 200 and own.json()["status"] == ProjectStatus.DRAFT
    assert client.get(f"{API}/projects/{draft.pk}", **bearer(official, staff=True)).status_code == 200
    assert refusal(client.get(f"{API}/projects/{draft.pk}", HTTP_AUTHORIZATION="Bearer uch_x")) == (
        401,
        "not_authenticated",
    )
