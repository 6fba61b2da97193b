"""Every staff action performed through its own URL (one view per action): the manage page's
buttons and forms, review and assignment, the second entry of a paper batch. Refused forms come
back with their errors (status 400); refused buttons redirect with the refusal as a message."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.messages import constants
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from uchast.budget import services
from uchast.budget.models import Ballot, BallotStatus, BudgetCycle, Phase
from uchast.testing.factories import make_verified_resident

from .conftest import CHECKS, dates_around, make_category, projects_by_title, submitted_project

pytestmark = pytest.mark.django_db


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _levels(response: Any) -> list[int]:
    return [m.level for m in response.context["messages"]]


def _local(when: Any) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


def test_actions_are_posts_to_their_own_urls_for_staff_only(voting_cycle: BudgetCycle, resident: Any) -> None:
    pk = voting_cycle.pk
    urls = [
        reverse(name, args=[pk])
        for name in (
            "budget:cycle_phase",
            "budget:cycle_suspend",
            "budget:cycle_resume",
            "budget:cycle_count",
            "budget:cycle_publish",
            "budget:batch_new",
        )
    ]
    urls.append(reverse("budget:ballot_resolve", args=[pk, "00000000-0000-4000-8000-000000000001"]))
    for url in urls:
        assert _client(resident).post(url).status_code == 403, url
        assert _client(resident).get(url).status_code == 405, url
    # The page itself only shows; its forms post elsewhere.
    assert _client(resident).post(reverse("budget:manage", args=[pk])).status_code == 405
    assert voting_cycle.status == BudgetCycle.objects.get(pk=pk).status


def test_phase_suspend_and_resume(voting_cycle: BudgetCycle, administrator: Any) -> None:
    staff = _client(administrator)
    pk = voting_cycle.pk
    manage = reverse("budget:manage", args=[pk])

    response = staff.post(reverse("budget:cycle_phase", args=[pk]), {"phase": "nonsense"}, follow=True)
    assert response.redirect_chain[-1][0] == manage and _levels(response) == [constants.ERROR]
    response = staff.post(reverse("budget:cycle_phase", args=[pk]), {"phase": Phase.REVISION}, follow=True)
    assert _levels(response) == [constants.ERROR]  # voting has started: never back before it
    assert BudgetCycle.objects.get(pk=pk).status == Phase.VOTING

    # A blank reason: the page again, with the form's error, and nothing changed.
    response = staff.post(reverse("budget:cycle_suspend", args=[pk]), {"s-reason": ""})
    assert response.status_code == 400 and response.context["suspend_form"].errors
    assert BudgetCycle.objects.get(pk=pk).status == Phase.VOTING
    response = staff.post(reverse("budget:cycle_suspend", args=[pk]), {"s-reason": "Повітряна тривога"})
    assert response.status_code == 302 and response["Location"] == manage
    assert BudgetCycle.objects.get(pk=pk).status == Phase.SUSPENDED

    dates = dates_around(timezone.now(), "voting")
    resume = reverse("budget:cycle_resume", args=[pk])
    wrong = {f"d-{name}": _local(value) for name, value in dates.items()}
    wrong["d-voting_closes"] = wrong["d-submission_opens"]
    response = staff.post(resume, wrong)
    assert response.status_code == 400 and response.context["dates_form"].non_field_errors()
    assert BudgetCycle.objects.get(pk=pk).status == Phase.SUSPENDED
    response = staff.post(resume, {f"d-{name}": _local(value) for name, value in dates.items()})
    assert response.status_code == 302 and response["Location"] == manage
    resumed = BudgetCycle.objects.get(pk=pk)
    assert resumed.status == Phase.VOTING and resumed.suspension_reason == "Повітряна тривога"


def test_paper_batch_flagged_ballot_and_second_entry(
    voting_cycle: BudgetCycle, community: Any, administrator: Any, official: Any
) -> None:
    from uchast.verification.services import verification_grant

    pk = voting_cycle.pk
    p = projects_by_title(voting_cycle)
    entering = _client(official)
    response = entering.post(reverse("budget:batch_new", args=[pk]), {"b-number": "K-1", "b-place": "ЦНАП"})
    batch = voting_cycle.paper_batches.get()
    assert response.status_code == 302 and response["Location"] == reverse("budget:batch", args=[batch.pk])
    again = entering.post(reverse("budget:batch_new", args=[pk]), {"b-number": "K-1", "b-place": "ЦНАП"})
    assert again.status_code == 400 and again.context["batch_form"].non_field_errors()

    # A paper ballot of a person who already voted online is flagged.
    online = make_verified_resident(community, email="online@example.org")
    key = services.paper_person_key("id_card", "123456789")
    verification_grant(
        user=online, community=community, method="test", basis="idp", birth_date=date(1980, 1, 1), person_key=key
    )
    services.ballot_cast(cycle=voting_cycle, user=online, project_ids=[p["A1"].pk])
    batch_url = reverse("budget:batch", args=[batch.pk])
    entry = {"e-position": 1, "e-identity_kind": "id_card", "e-identity_number": "123456789"}
    forged = entering.post(batch_url, {**entry, "project": ["x"]})
    assert forged.status_code == 400 and forged.context["entry"].non_field_errors()
    response = entering.post(batch_url, {**entry, "project": [p["A2"].pk]}, follow=True)
    assert _levels(response) == [constants.WARNING]
    flagged = Ballot.objects.get(is_paper=True)
    assert flagged.status == BallotStatus.FLAGGED

    # The second entry: by another staff member, through its own URL.
    check = reverse("budget:batch_check", args=[batch.pk])
    same = entering.post(check, {"k-position": 1, "project": [p["A2"].pk]})
    assert same.status_code == 400 and same.context["check"].non_field_errors()
    response = _client(administrator).post(check, {"k-position": 1, "project": [p["A3"].pk]})
    assert response.status_code == 302 and response["Location"] == batch_url
    assert [m.position for m in _client(administrator).get(batch_url).context["mismatches"]] == [1]
    # Settled through its own URL by reading the paper again; a missing reason is refused.
    settle = reverse("budget:batch_resolve", args=[batch.pk])
    refused = entering.post(settle, {"r-position": 1, "r-reason": "", "project": [p["A2"].pk]})
    assert refused.status_code == 400 and refused.context["resolve"].errors
    response = entering.post(settle, {"r-position": 1, "r-reason": "Бюлетень: A2", "project": [p["A2"].pk]})
    assert response.status_code == 302 and response["Location"] == batch_url
    assert _client(administrator).get(batch_url).context["mismatches"] == []

    resolve = reverse("budget:ballot_resolve", args=[pk, flagged.pk])
    response = _client(administrator).post(resolve, {"decision": "count", "reason": ""}, follow=True)
    assert _levels(response) == [constants.ERROR]
    assert Ballot.objects.get(pk=flagged.pk).status == BallotStatus.FLAGGED
    response = _client(administrator).post(resolve, {"decision": "reject", "reason": "Голосував онлайн"})
    assert response.status_code == 302 and response["Location"] == reverse("budget:manage", args=[pk])
    assert Ballot.objects.get(pk=flagged.pk).status == BallotStatus.REJECTED
    other = services.cycle_create(
        community=community, actor=administrator, title="Інший", year=2027, dates=dates_around(timezone.now())
    )
    assert _client(administrator).post(reverse("budget:ballot_resolve", args=[other.pk, flagged.pk])).status_code == 404


def test_count_before_voting_closes_is_refused_with_a_message(voting_cycle: BudgetCycle, administrator: Any) -> None:
    response = _client(administrator).post(reverse("budget:cycle_count", args=[voting_cycle.pk]))
    assert response.status_code == 400
    errors = response.context["unseal_form"].non_field_errors()
    assert errors and errors[0] in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert not voting_cycle.categories.filter(result__isnull=False).exists()


def test_assign_and_review_through_their_urls(community: Any, administrator: Any, official: Any, author: Any) -> None:
    cycle = services.cycle_create(
        community=community,
        actor=administrator,
        title="ГБ",
        year=2026,
        dates=dates_around(timezone.now(), "submission"),
    )
    services.cycle_advance(cycle=cycle)
    project = submitted_project(cycle, author, make_category(cycle, administrator), "Сквер", 50_000)
    services.cycle_set_phase(cycle=cycle, phase=Phase.REVIEW, actor=administrator)
    staff = _client(administrator)
    page = reverse("budget:review", args=[project.pk])
    assign = reverse("budget:review_assign", args=[project.pk])
    assert assign in staff.get(page).content.decode()

    response = staff.post(assign, {"a-reviewer": "", "a-department": "ЖКГ"})
    assert response.status_code == 400 and response.context["assign"].errors
    response = staff.post(assign, {"a-reviewer": str(official.pk), "a-department": "ЖКГ"})
    assert response.status_code == 302 and response["Location"] == page
    project.refresh_from_db()
    assert project.reviewer == official and project.department == "ЖКГ"

    conclusion = {"r-conclusion": "admitted", "r-public_reason": "Відповідає вимогам"}
    response = staff.post(page, conclusion)  # the checklist is not complete
    assert response.status_code == 400 and response.context["form"].non_field_errors()
    checks = {f"r-{name}": "on" for name in CHECKS}
    response = staff.post(page, {**conclusion, **checks, "c-item_0": "Лавки"})  # half a cost line
    assert response.status_code == 400 and response.context["form"].non_field_errors()
    assert response.context["costs"].errors
    project.refresh_from_db()
    assert project.status == "submitted" and not project.reviews.exists()
    corrected = {"c-item_0": "Лавки", "c-quantity_0": "2", "c-price_0": "20000"}
    response = staff.post(page, {**conclusion, **checks, **corrected})
    assert response.status_code == 302 and response["Location"] == reverse("budget:manage", args=[cycle.pk])
    project.refresh_from_db()
    assert project.status == "admitted" and project.total_cost == 40_000_00
    assert _client(author).post(assign, {"a-reviewer": str(official.pk), "a-department": "x"}).status_code == 403
    assert project.reviews.get().corrected_cost == 40_000_00


def test_review_form_fits_the_phase_with_no_preselected_conclusion_and_no_blank_rows(
    community: Any, administrator: Any, author: Any
) -> None:
    cycle = services.cycle_create(
        community=community,
        actor=administrator,
        title="ГБ",
        year=2026,
        dates=dates_around(timezone.now(), "submission"),
    )
    services.cycle_advance(cycle=cycle)
    project = submitted_project(cycle, author, make_category(cycle, administrator), "Сквер", 50_000)
    staff = _client(administrator)
    page = reverse("budget:review", args=[project.pk])
    # Submission: a review would be refused, so no conclusion form is offered; the reason is.
    html = staff.get(page).content.decode()
    assert "id_r-conclusion" not in html and "Висновки експертизи вносять на етапах" in html
    manage = staff.get(reverse("budget:manage", args=[cycle.pk])).content.decode()
    assert '<option value="review" selected>' in manage and 'value="submission"' not in manage
    assert 'value="implementation"' not in manage  # results not published
    services.cycle_set_phase(cycle=cycle, phase=Phase.REVIEW, actor=administrator)
    response = staff.get(page)
    html = response.content.decode()
    assert '<option value="" selected>' in html and 'value="admitted" selected' not in html
    assert "c-item_0" in html and "c-item_1" in html and "c-item_2" not in html
    assert 'value="Роботи"' in html  # the author's line to correct, not an empty table
    # Sent back with the author's line as it was: no correction is recorded.
    checks = {f"r-{name}": "on" for name in CHECKS}
    unchanged = {"c-item_0": "Роботи", "c-quantity_0": "1", "c-price_0": "50000"}
    response = staff.post(page, {"r-conclusion": "admitted", "r-public_reason": "Так", **checks, **unchanged})
    assert response.status_code == 302
    assert project.reviews.get().corrected_cost is None
    # Admitted: nothing left to review here.
    assert "id_r-conclusion" not in staff.get(page).content.decode()
