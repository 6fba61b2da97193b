"""Journeys of the participatory budget: a whole cycle end to end, and a cycle suspended and resumed.
Selectors use element ids and names so the journey does not depend on the interface language."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from uchast.budget import services
from uchast.budget.models import Ballot, BallotRule, BudgetCycle, CountingRule, Phase, Project
from uchast.budget.services import CostLine
from uchast.testing.browser import assert_accessible
from uchast.testing.factories import make_verified_resident

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = {"within_powers": True, "community_property": True, "realistic_cost": True, "no_duplicate": True}


def _cycle(community: Any, admin: Any) -> BudgetCycle:
    now = timezone.now()
    start = now - timedelta(days=1)
    cycle = services.cycle_create(
        community=community,
        actor=admin,
        title="Громадський бюджет 2026",
        year=2026,
        dates={
            "submission_opens": start,
            "review_opens": start + timedelta(days=30),
            "revision_opens": start + timedelta(days=40),
            "voting_opens": start + timedelta(days=50),
            "voting_closes": start + timedelta(days=60),
        },
    )
    services.cycle_advance(cycle=cycle)
    services.category_save(
        cycle=cycle,
        actor=admin,
        values={
            "name": "Загальні проєкти",
            "budget": 1_000_000_00,
            "min_cost": 10_000_00,
            "max_cost": 600_000_00,
            "ballot_rule": BallotRule.UP_TO_N,
            "max_selected": 2,
            "min_selected": 1,
            "counting_rule": CountingRule.GREEDY,
        },
    )
    return cycle


def _phase(page: Any, cycle: BudgetCycle, phase: str) -> None:
    page.goto(f"/budget/{cycle.pk}/manage/")
    page.select_option("#phase", phase)
    page.locator("form:has(#phase) button[type=submit]").click()
    page.wait_for_load_state()
    cycle.refresh_from_db()
    assert cycle.status == phase, page.content()[:2000]


def test_whole_cycle_end_to_end(page: Any, login_as: Any, community: Any, administrator: Any, official: Any) -> None:
    cycle = _cycle(community, administrator)
    category = cycle.categories.get()
    author = make_verified_resident(community, email="author@example.org", full_name="Олена Автор")
    other = make_verified_resident(community, email="other@example.org")
    rivals = []
    for title, cost in (("Генератор для амбулаторії", 400_000_00), ("Психологічна підтримка ВПО", 300_000_00)):
        draft = services.project_save_draft(
            cycle=cycle,
            author=other,
            category=category,
            district=None,
            values={"title": title, "summary": "s", "description": "d", "expected_result": "e", "beneficiaries": "b"},
            costs=[CostLine("Роботи", 1, cost)],
        )
        rivals.append(services.project_submit(project=draft, author=other, accept_rules=True))

    # 1. The author proposes and submits a project.
    login_as(author)
    page.goto(f"/budget/{cycle.pk}/")
    assert_accessible(page)
    page.goto(f"/budget/{cycle.pk}/propose/")
    assert_accessible(page)
    page.fill("#id_title", "Укриття для ліцею")
    page.select_option("#id_category", str(category.pk))
    page.fill("#id_summary", "Найпростіше укриття на 120 осіб")
    page.fill("#id_description", "Облаштування підвалу ліцею")
    page.fill("#id_expected_result", "Діти навчаються офлайн")
    page.fill("#id_beneficiaries", "Учні та вчителі")
    page.fill("#id_item_0", "Двері протирадіаційні")
    page.fill("#id_quantity_0", "2")
    page.fill("#id_price_0", "1000000")  # 2 000 000 UAH: above the category's maximum
    page.check("#id_accept_rules")
    page.locator("button[name=submit]").click()
    page.wait_for_load_state()
    assert_accessible(page)  # the draft is saved, the submission refused with the reason
    project = Project.objects.get(title="Укриття для ліцею")
    assert project.status == "draft"
    page.goto(f"/budget/projects/{project.pk}/edit/")
    page.fill("#id_price_0", "100000")
    page.check("#id_accept_rules")
    page.locator("button[name=submit]").click()
    page.wait_for_url(re.compile(rf"/budget/projects/{project.pk}/$"))
    assert_accessible(page)
    project.refresh_from_db()
    assert project.status == "submitted" and project.total_cost == 200_000_00

    # 2. Review with revision.
    login_as(administrator)
    _phase(page, cycle, "review")
    assert_accessible(page)
    page.goto(f"/budget/projects/{project.pk}/review/")
    assert_accessible(page)
    page.select_option("#id_r-conclusion", "needs_revision")
    page.fill("#id_r-public_reason", "Додайте вентиляцію до кошторису")
    page.locator("form:has(#id_r-conclusion) button[type=submit]").click()
    page.wait_for_url(re.compile(r"/manage/$"))
    for rival in rivals:
        services.review_record(
            project=rival, reviewer=official, conclusion="admitted", public_reason="Так", checklist=CHECKS
        )
    _phase(page, cycle, "revision")
    login_as(author)
    page.goto(f"/budget/projects/{project.pk}/")
    assert_accessible(page)
    page.goto(f"/budget/projects/{project.pk}/edit/")
    assert_accessible(page)
    page.fill("#id_item_1", "Вентиляція")
    page.fill("#id_quantity_1", "1")
    page.fill("#id_price_1", "50000")
    page.locator("button[name=revise]").click()
    page.wait_for_url(re.compile(rf"/budget/projects/{project.pk}/$"))
    project.refresh_from_db()
    assert project.status == "submitted" and project.total_cost == 250_000_00
    login_as(official)
    page.goto(f"/budget/projects/{project.pk}/review/")
    for check in ("within_powers", "community_property", "realistic_cost", "no_duplicate"):
        page.check(f"#id_r-{check}")
    page.select_option("#id_r-conclusion", "admitted")
    page.fill("#id_r-public_reason", "Кошторис виправлено")
    page.locator("form:has(#id_r-conclusion) button[type=submit]").click()
    page.wait_for_url(re.compile(r"/manage/$"))
    _phase(page, cycle, "voting")

    # 3. Three residents vote; one changes the ballot.
    voters = [make_verified_resident(community, email=f"voter{i}@example.org") for i in range(3)]
    receipts = []
    for index, voter in enumerate(voters):
        login_as(voter)
        page.goto(f"/budget/{cycle.pk}/vote/")
        assert_accessible(page)
        page.check(f"#project-{project.pk}")
        if index == 2:
            page.check(f"#project-{rivals[0].pk}")
            page.check(f"#project-{rivals[1].pk}")
            page.locator("form button[type=submit]:not([name=recalculate])").last.click()
            expect(page.locator(".form-errors")).to_have_count(1)  # three projects where two are allowed
            assert_accessible(page)
            page.uncheck(f"#project-{rivals[1].pk}")
        page.locator("form button[type=submit]:not([name=recalculate])").last.click()
        page.wait_for_url(re.compile(r"/vote/done/\?r=[\w-]+$"))
        assert_accessible(page)
        receipts.append(page.locator(".budget-receipt").inner_text())
    login_as(voters[0])
    page.goto(f"/budget/{cycle.pk}/vote/")
    page.uncheck(f"#project-{project.pk}")
    page.check(f"#project-{rivals[1].pk}")
    page.locator("form button[type=submit]:not([name=recalculate])").last.click()
    page.wait_for_url(re.compile(r"/vote/done/\?r=[\w-]+$"))
    receipts[0] = page.locator(".budget-receipt").inner_text()
    assert Ballot.objects.count() == 3

    # 4. Paper batch at a ЦНАП.
    login_as(official)
    page.goto(f"/budget/{cycle.pk}/manage/")
    assert_accessible(page)
    page.fill("#id_b-number", "ЦНАП-1")
    page.fill("#id_b-place", "ЦНАП у Дніпрі")
    page.locator("form:has(#id_b-number) button[type=submit]").click()
    page.wait_for_url(re.compile(r"/budget/paper/\d+/$"))
    assert_accessible(page)
    page.fill("#id_e-position", "1")
    page.select_option("#id_e-identity_kind", "id_card")
    page.fill("#id_e-identity_number", "123456789")
    page.check(f"#e-project-{project.pk}")
    page.locator("form:has(#id_e-position) button[type=submit]").click()
    page.wait_for_load_state()
    assert Ballot.objects.filter(is_paper=True).count() == 1
    # The second, independent entry by another staff member (counting waits for it).
    login_as(administrator)
    page.goto(page.url)
    page.fill("#id_k-position", "1")
    page.check(f"#k-project-{project.pk}")
    page.locator("form:has(#id_k-position) button[type=submit]").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert not Ballot.objects.filter(is_paper=True).exclude(check_digest="").exists()

    # 5. Close, count, publish.
    login_as(administrator)
    _phase(page, cycle, "results")
    page.locator("form[action$='/manage/count/'] button").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.locator("form[action$='/manage/publish/'] button").click()
    page.wait_for_load_state()
    cycle.refresh_from_db()
    assert cycle.results_published_at is not None
    project.refresh_from_db()
    assert project.status == "winner" and project.votes == 3  # two online + one paper

    # 6. Anyone checks the results and a receipt.
    page.context.clear_cookies()
    page.goto(f"/budget/{cycle.pk}/results/")
    assert_accessible(page)
    expect(page.locator("svg title")).to_have_count(2)
    page.goto(f"/budget/{cycle.pk}/receipt/")
    page.fill("#id_receipt", receipts[0])
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.locator("#found-title").count() == 1 and page.locator("main code").count() >= 2

    # 7. A milestone update on the winning project.
    login_as(official)
    page.goto(f"/budget/projects/{project.pk}/milestones/")
    assert_accessible(page)
    page.fill("#id_title", "Закупівля через Prozorro")
    page.select_option("#id_status", "in_progress")
    page.fill("#id_progress", "40")
    page.fill("#id_contracted", "250000")
    page.fill("#id_spent", "0")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/budget/projects/{project.pk}/$"))
    assert_accessible(page)
    expect(page.locator("progress")).to_have_count(1)


def test_cycle_suspended_and_resumed(page: Any, login_as: Any, community: Any, administrator: Any) -> None:
    cycle = _cycle(community, administrator)
    login_as(administrator)
    page.goto(f"/budget/{cycle.pk}/manage/")
    page.fill("#id_s-reason", "У зв'язку з введенням воєнного стану")
    page.locator("form:has(#id_s-reason) button[type=submit]").click()
    page.wait_for_load_state()
    assert_accessible(page)
    cycle.refresh_from_db()
    assert cycle.status == Phase.SUSPENDED
    resident = make_verified_resident(community, email="res@example.org")
    login_as(resident)
    page.goto(f"/budget/{cycle.pk}/")
    assert_accessible(page)
    expect(page.locator(".notice").first).to_contain_text("воєнного стану", use_inner_text=True)
    page.goto(f"/budget/{cycle.pk}/propose/")
    assert_accessible(page)
    expect(page.locator("[role=alert]").first).to_contain_text("воєнного стану", use_inner_text=True)
    expect(page.locator("#id_title")).to_have_count(0)
    assert not Project.objects.exists()
    login_as(administrator)
    page.goto(f"/budget/{cycle.pk}/manage/")
    now = timezone.localtime()
    for index, name in enumerate(
        ("submission_opens", "review_opens", "revision_opens", "voting_opens", "voting_closes")
    ):
        when = now + timedelta(days=index * 10) - timedelta(hours=1 if index == 0 else 0)
        page.fill(f"#id_d-{name}", when.strftime("%Y-%m-%dT%H:%M"))
    page.locator("form:has(#id_d-voting_closes) button[type=submit]").click()
    page.wait_for_load_state()
    assert_accessible(page)
    cycle.refresh_from_db()
    assert cycle.status == Phase.SUBMISSION and not cycle.suspension_reason == ""


def test_support_collection(page: Any, login_as: Any, community: Any, administrator: Any) -> None:
    cycle = _cycle(community, administrator)
    BudgetCycle.objects.filter(pk=cycle.pk).update(support_threshold=2)
    cycle.refresh_from_db()
    author = make_verified_resident(community, email="author@example.org")
    draft = services.project_save_draft(
        cycle=cycle,
        author=author,
        category=cycle.categories.get(),
        district=None,
        values={
            "title": "Лавки в сквері",
            "summary": "Нові лавки",
            "description": "Десять лавок",
            "expected_result": "Є де відпочити",
            "beneficiaries": "Мешканці",
        },
        costs=[CostLine("Лавка", 10, 2_000_00)],
    )
    project = services.project_submit(project=draft, author=author, accept_rules=True)
    login_as(make_verified_resident(community, email="supporter@example.org"))
    page.goto(f"/budget/projects/{project.pk}/")
    assert_accessible(page)
    expect(page.locator("#support-heading + p")).to_contain_text("0 з 2", use_inner_text=True)
    page.locator("form[action$='/support/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.locator("#support-heading + p")).to_contain_text("1 з 2", use_inner_text=True)
    expect(page.locator("form[action$='/support/'] input[name=support]")).to_have_attribute("value", "0")
    assert Project.objects.get(pk=project.pk).supports == 1


def test_coauthor_invitation(page: Any, login_as: Any, community: Any, administrator: Any) -> None:
    from allauth.account.models import EmailAddress

    from uchast.budget.models import CoauthorInvitation

    cycle = _cycle(community, administrator)
    author = make_verified_resident(community, email="author@example.org")
    draft = services.project_save_draft(
        cycle=cycle,
        author=author,
        category=cycle.categories.get(),
        district=None,
        values={"title": "Дитячий майданчик", "summary": "Гойдалки"},
        costs=[CostLine("Гойдалка", 2, 30_000_00)],
    )
    login_as(author)
    page.goto(f"/budget/projects/{draft.pk}/coauthors/")
    assert_accessible(page)
    page.fill("#id_email", "friend@example.org")
    page.locator("form:has(#id_email) button[type=submit]").click()
    page.wait_for_load_state()
    assert CoauthorInvitation.objects.get().email == "friend@example.org"
    # The link of the e-mail holds a token the database does not keep; make a second one to follow.
    friend = make_verified_resident(community, email="friend2@example.org")
    EmailAddress.objects.update_or_create(user=friend, email="friend2@example.org", defaults={"verified": True})
    _invitation, token = services.coauthor_invite(project=draft, author=author, email="friend2@example.org")
    login_as(friend)
    page.goto(f"/budget/invitations/{token}/")
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/budget/projects/{draft.pk}/")
    assert_accessible(page)
    assert list(draft.coauthors.all()) == [friend]


def _admitted_cycle(community: Any, admin: Any, official: Any) -> tuple[BudgetCycle, list[Project]]:
    cycle = _cycle(community, admin)
    category = cycle.categories.get()
    author = make_verified_resident(community, email="author@example.org")
    projects = []
    for title, cost in (("Укриття для ліцею", 250_000_00), ("Генератор для амбулаторії", 400_000_00)):
        draft = services.project_save_draft(
            cycle=cycle,
            author=author,
            category=category,
            district=None,
            values={"title": title, "summary": "s", "description": "d", "expected_result": "e", "beneficiaries": "b"},
            costs=[CostLine("Роботи", 1, cost)],
        )
        projects.append(services.project_submit(project=draft, author=author, accept_rules=True))
    services.cycle_set_phase(cycle=cycle, phase=Phase.REVIEW, actor=admin)
    for project in projects:
        services.review_record(
            project=project, reviewer=official, conclusion="admitted", public_reason="Так", checklist=CHECKS
        )
    return cycle, projects


def test_commission_key_journey_at_360_px(
    page: Any, login_as: Any, community: Any, administrator: Any, official: Any
) -> None:
    """Open voting with a 3-of-5 commission key (shares shown once), vote, replace, close, three
    members enter their shares, results published, the voter finds the ballot with the receipt."""
    page.set_viewport_size({"width": 360, "height": 780})
    cycle, (shelter, generator) = _admitted_cycle(community, administrator, official)

    # 1. The commission key, made before voting opens; the shares are shown this once.
    login_as(administrator)
    page.goto(f"/budget/{cycle.pk}/manage/")
    assert_accessible(page)
    members = ["Олена Ковальчук", "Ігор Савченко", "Наталія Бондар", "Віктор Ткаченко", "Марія Лисенко"]
    page.fill("#id_k-members", "\n".join(members))
    page.fill("#id_k-threshold", "3")
    page.locator("form:has(#id_k-members) button[type=submit]").click()
    page.wait_for_load_state()
    assert_accessible(page)
    shares = page.locator(".budget-share-text").all_inner_texts()
    assert len(shares) == 5
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _phase(page, cycle, "voting")
    assert cycle.custody == "commission" and cycle.seal_threshold == 3

    # 2. A resident votes, then replaces the ballot.
    voter = make_verified_resident(community, email="voter@example.org")
    login_as(voter)
    for chosen in (generator, shelter):
        page.goto(f"/budget/{cycle.pk}/vote/")
        assert_accessible(page)
        page.check(f"#project-{chosen.pk}")
        page.locator("form button[type=submit]:not([name=recalculate])").last.click()
        page.wait_for_url(re.compile(r"/vote/done/\?r=[\w-]+$"))
        assert_accessible(page)
        receipt = page.locator(".budget-receipt").inner_text()
    assert Ballot.objects.count() == 1 and Ballot.objects.get().receipt_code == receipt

    # 3. Close; three members enter their shares (one typed twice first: refused, nothing counted).
    login_as(administrator)
    _phase(page, cycle, "results")
    for number, share in enumerate((shares[4], shares[4], shares[1]), start=1):
        page.fill(f"#id_u-share_{number}", share)
    page.locator("form[action$='/manage/count/'] button").click()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.locator("[role=alert]").first).to_be_attached()
    assert not cycle.categories.filter(result__isnull=False).exists()
    for number, share in enumerate((shares[4], shares[0], shares[1]), start=1):
        page.fill(f"#id_u-share_{number}", share)
    page.locator("form[action$='/manage/count/'] button").click()
    page.wait_for_url(re.compile(r"/manage/$"))
    assert_accessible(page)
    page.locator("form[action$='/manage/publish/'] button").click()
    page.wait_for_load_state()
    cycle.refresh_from_db()
    assert cycle.results_published_at is not None
    shelter.refresh_from_db()
    generator.refresh_from_db()
    assert (shelter.votes, generator.votes) == (1, 0)  # the replacement counted, not the first ballot

    # 4. The results show the files' checksums; the voter finds the ballot with the receipt.
    page.context.clear_cookies()
    page.goto(f"/budget/{cycle.pk}/results/")
    assert_accessible(page)
    assert page.locator("#check-title").count() == 1 and page.locator("code.budget-hash").count() >= 1
    page.goto(f"/budget/{cycle.pk}/receipt/")
    page.fill("#id_receipt", receipt)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.locator("#found-title")).to_have_count(1)
    assert shelter.title in page.locator("main").inner_text()
