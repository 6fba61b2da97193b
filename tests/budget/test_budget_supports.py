"""Optional support collection before review (issue 5, item 1)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from uchast.budget import services
from uchast.budget.models import BudgetCycle, Phase, Project, ProjectStatus, ProjectSupport
from uchast.core.errors import ActionRefused
from uchast.core.models import AuditEntry
from uchast.testing.factories import make_user, make_verified_resident

from .conftest import dates_around, make_category, submitted_project

pytestmark = pytest.mark.django_db


def _cycle(community: Any, administrator: Any, threshold: int = 2, **window: Any) -> BudgetCycle:
    cycle = services.cycle_create(
        community=community,
        actor=administrator,
        title="ГБ з підтримками",
        year=2026,
        dates=dates_around(timezone.now(), "submission"),
        support_threshold=threshold,
        **window,
    )
    services.cycle_advance(cycle=cycle)
    assert cycle.status == Phase.SUBMISSION
    return cycle


@pytest.fixture
def support_cycle(community: Any, administrator: Any, author: Any) -> BudgetCycle:
    cycle = _cycle(community, administrator)
    category = make_category(cycle, administrator)
    submitted_project(cycle, author, category, "Популярний", 50_000)
    submitted_project(cycle, author, category, "Непомітний", 60_000)
    return cycle


def _projects(cycle: BudgetCycle) -> dict[str, Project]:
    return {p.title: p for p in Project.objects.filter(cycle=cycle)}


def _refused(code: str, call: Any) -> None:
    with pytest.raises(ActionRefused) as caught:
        call()
    assert caught.value.code == code, caught.value.code


def test_support_withdraw_and_review_threshold(
    support_cycle: BudgetCycle, community: Any, author: Any, administrator: Any
) -> None:
    popular = _projects(support_cycle)["Популярний"]
    quiet = _projects(support_cycle)["Непомітний"]
    anna = make_verified_resident(community, email="anna@example.org")
    bohdan = make_verified_resident(community, email="bohdan@example.org")
    services.project_support(project=popular, user=anna)
    assert services.project_support(project=popular, user=bohdan).supports == 2
    services.project_support(project=quiet, user=anna)

    _refused("already_supported", lambda: services.project_support(project=popular, user=anna))
    _refused("own_project", lambda: services.project_support(project=popular, user=author))
    _refused("not_eligible", lambda: services.project_support(project=popular, user=make_user(email="x@example.org")))
    assert Project.objects.get(pk=popular.pk).supports == 2
    assert ProjectSupport.objects.filter(project=popular).count() == 2

    # Withdrawing is allowed while supports are collected; twice is refused.
    assert services.project_support_withdraw(project=quiet, user=anna).supports == 0
    _refused("not_supported", lambda: services.project_support_withdraw(project=quiet, user=anna))
    assert Project.objects.get(pk=quiet.pk).supports == 0

    from uchast.budget.selectors import personal_data

    assert personal_data(anna)["supported"] == ["Популярний"]
    services.cycle_set_phase(cycle=support_cycle, phase=Phase.REVIEW, actor=administrator)
    popular.refresh_from_db()
    quiet.refresh_from_db()
    assert popular.status == ProjectStatus.SUBMITTED
    assert quiet.status == ProjectStatus.NOT_SUPPORTED
    entry = AuditEntry.objects.get(action="budget.project_not_supported")
    assert entry.summary["supports"] == 0 and entry.summary["threshold"] == 2
    assert entry.summary["reason"]
    assert AuditEntry.objects.filter(action="budget.supports_closed").count() == 1

    # Review has opened: supports are closed, nothing changes.
    _refused(
        "supports_closed",
        lambda: services.project_support(
            project=popular, user=make_verified_resident(community, email="c@example.org")
        ),
    )
    _refused("supports_closed", lambda: services.project_support_withdraw(project=popular, user=anna))
    assert Project.objects.get(pk=popular.pk).supports == 2


def test_no_threshold_means_no_collection(community: Any, administrator: Any, author: Any) -> None:
    cycle = _cycle(community, administrator, threshold=0)
    project = submitted_project(cycle, author, make_category(cycle, administrator), "Без підтримок", 50_000)
    _refused("no_supports", lambda: services.project_support(project=project, user=make_verified_resident(community)))
    services.cycle_set_phase(cycle=cycle, phase=Phase.REVIEW, actor=administrator)
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    assert not AuditEntry.objects.filter(action="budget.supports_closed").exists()


def test_support_window_and_suspension(community: Any, administrator: Any, author: Any) -> None:
    now = timezone.now()
    dates = dates_around(now, "submission")
    _refused(
        "support_window",
        lambda: services.cycle_create(
            community=community,
            actor=administrator,
            title="x",
            year=2026,
            dates=dates,
            support_threshold=1,
            support_opens=now,
        ),
    )
    _refused(
        "support_window",
        lambda: services.cycle_create(
            community=community,
            actor=administrator,
            title="x",
            year=2026,
            dates=dates,
            support_threshold=1,
            support_opens=now,
            support_closes=dates["review_opens"] + timedelta(days=1),
        ),
    )
    assert not BudgetCycle.objects.exists()
    cycle = _cycle(
        community,
        administrator,
        threshold=1,
        support_opens=now + timedelta(days=1),
        support_closes=now + timedelta(days=5),
    )
    project = submitted_project(cycle, author, make_category(cycle, administrator), "Пізніше", 50_000)
    voter = make_verified_resident(community, email="v@example.org")
    _refused("supports_closed", lambda: services.project_support(project=project, user=voter))
    cycle.support_opens = now - timedelta(days=1)
    cycle.save()
    project.refresh_from_db()
    services.project_support(project=project, user=voter)
    services.cycle_suspend(cycle=cycle, actor=administrator, reason="Воєнний стан")
    project.refresh_from_db()
    _refused("suspended", lambda: services.project_support_withdraw(project=project, user=voter))
    assert Project.objects.get(pk=project.pk).supports == 1


def test_resume_into_review_closes_collection(support_cycle: BudgetCycle, community: Any, administrator: Any) -> None:
    services.cycle_suspend(cycle=support_cycle, actor=administrator, reason="Перерва")
    services.cycle_resume(cycle=support_cycle, actor=administrator, dates=dates_around(timezone.now(), "review"))
    assert support_cycle.status == Phase.REVIEW
    statuses = {p.title: p.status for p in _projects(support_cycle).values()}
    assert statuses == {"Популярний": ProjectStatus.NOT_SUPPORTED, "Непомітний": ProjectStatus.NOT_SUPPORTED}


def test_project_page_support_button(
    support_cycle: BudgetCycle, community: Any, author: Any, administrator: Any
) -> None:
    project = _projects(support_cycle)["Популярний"]
    url = reverse("budget:project", args=[project.pk])
    action = reverse("budget:project_support", args=[project.pk])
    resident = make_verified_resident(community, email="page@example.org")
    client = Client()
    client.force_login(resident)
    page = client.get(url).content.decode()
    assert action in page and 'name="support" value="1"' in page
    response = client.post(action, {"support": "1"})
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).supports == 1
    page = client.get(url).content.decode()
    assert 'name="support" value="0"' in page
    assert "1 з 2" in page or "1 of 2" in page
    # Twice through the form: a clear message, the count unchanged.
    client.post(action, {"support": "1"})
    assert Project.objects.get(pk=project.pk).supports == 1
    client.post(action, {"support": "0"})
    assert Project.objects.get(pk=project.pk).supports == 0

    # An unverified account sees what is missing instead of the button.
    unverified = Client()
    unverified.force_login(make_user(email="nov@example.org"))
    page = unverified.get(url).content.decode()
    assert action not in page
    assert unverified.post(action, {"support": "1"}).status_code == 302
    assert Project.objects.get(pk=project.pk).supports == 0
    # Anonymous: no support, sent to sign in.
    assert Client().post(action, {"support": "1"}).status_code in (302, 403)
    assert Project.objects.get(pk=project.pk).supports == 0

    services.cycle_set_phase(cycle=support_cycle, phase=Phase.REVIEW, actor=administrator)
    page = Client().get(url).content.decode()
    assert action not in page
    assert "0 з 2" in page or "0 of 2" in page
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.NOT_SUPPORTED


def test_staff_create_cycle_with_supports(community: Any, administrator: Any) -> None:
    staff = Client()
    staff.force_login(administrator)
    now = timezone.localtime()
    data: dict[str, Any] = {"title": "ГБ 2027", "year": 2027, "description": "", "support_threshold": "25"}
    names = ("submission_opens", "review_opens", "revision_opens", "voting_opens", "voting_closes")
    for index, name in enumerate(names):
        data[name] = (now + timedelta(days=10 * (index + 1))).strftime("%Y-%m-%dT%H:%M")
    bad = dict(data, support_opens=data["submission_opens"])
    assert staff.post(reverse("budget:cycle_new"), bad).status_code == 400
    assert not BudgetCycle.objects.exists()
    assert staff.post(reverse("budget:cycle_new"), data).status_code == 302
    assert BudgetCycle.objects.get().support_threshold == 25


def test_deleting_an_account_lowers_the_support_count(
    support_cycle: BudgetCycle, community: Any, administrator: Any
) -> None:
    from uchast.accounts.services import account_delete

    popular = _projects(support_cycle)["Популярний"]
    quiet = _projects(support_cycle)["Непомітний"]
    leaving = make_verified_resident(community, email="leaving@example.org")
    staying = make_verified_resident(community, email="staying@example.org")
    services.project_support(project=popular, user=leaving)
    services.project_support(project=quiet, user=leaving)
    services.project_support(project=popular, user=staying)

    account_delete(user=leaving)
    assert Project.objects.get(pk=popular.pk).supports == 1
    assert Project.objects.get(pk=quiet.pk).supports == 0
    assert not ProjectSupport.objects.filter(supporter=leaving).exists()
    assert ProjectSupport.objects.filter(supporter=staying).count() == 1
    # The count and the rows agree, so the threshold is applied to real supports.
    services.cycle_set_phase(cycle=support_cycle, phase=Phase.REVIEW, actor=administrator)
    assert Project.objects.get(pk=popular.pk).status == ProjectStatus.NOT_SUPPORTED


def test_deleting_an_account_while_suspended_in_submission_lowers_the_count(
    support_cycle: BudgetCycle, community: Any, administrator: Any
) -> None:
    from uchast.accounts.services import account_delete

    popular = _projects(support_cycle)["Популярний"]
    leaving = make_verified_resident(community, email="leaving@example.org")
    services.project_support(project=popular, user=leaving)
    services.cycle_suspend(cycle=support_cycle, actor=administrator, reason="Воєнний стан")
    account_delete(user=leaving)
    assert Project.objects.get(pk=popular.pk).supports == 0


def test_after_collection_the_recorded_count_stays(
    support_cycle: BudgetCycle, community: Any, administrator: Any
) -> None:
    """Once review has started the count is the outcome the threshold was applied to (and the public
    reason of projects that fell short): deleting an account removes the person's rows only."""
    from uchast.accounts.services import account_delete

    popular = _projects(support_cycle)["Популярний"]
    supporters = [make_verified_resident(community, email=f"s{i}@example.org") for i in range(2)]
    for supporter in supporters:
        services.project_support(project=popular, user=supporter)
    services.cycle_set_phase(cycle=support_cycle, phase=Phase.REVIEW, actor=administrator)
    account_delete(user=supporters[0])
    popular.refresh_from_db()
    assert popular.status == ProjectStatus.SUBMITTED and popular.supports == 2
    assert not ProjectSupport.objects.filter(supporter=supporters[0]).exists()


def test_anonymiser_lowers_only_for_rows_it_deleted(support_cycle: BudgetCycle, community: Any) -> None:
    """A support already withdrawn (e.g. by a parallel request) is not subtracted a second time."""
    popular = _projects(support_cycle)["Популярний"]
    person = make_verified_resident(community, email="twice@example.org")
    other = make_verified_resident(community, email="other@example.org")
    services.project_support(project=popular, user=person)
    services.project_support(project=popular, user=other)
    services.project_support_withdraw(project=popular, user=person)
    services.anonymise_user(person)
    assert Project.objects.get(pk=popular.pk).supports == 1
