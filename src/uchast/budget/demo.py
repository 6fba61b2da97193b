"""Demo content: a past cycle (2025) with published results and implementation, a cycle suspended
under martial law (2022), the current cycle open for voting (2026: projects needed supports before
review, one did not collect enough) and next year's cycle collecting proposals and supports (2027,
with a co-authored draft and a pending invitation) — for a displaced community."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from uchast.budget import services
from uchast.budget.models import BallotRule, BudgetCycle, Category, CountingRule, MilestoneStatus, Phase, Project
from uchast.budget.services import CostLine

UAH = 100  # kopiykas
KYIV = ZoneInfo("Europe/Kyiv")

PROJECTS_2025 = [
    ("Укриття для ліцею № 2", "zoriansk", "Облаштування найпростішого укриття на 120 осіб у підвалі ліцею.", 1_400_000),
    (
        "Генератори для ЦНАП і амбулаторії",
        None,
        "Два генератори по 30 кВт, щоб приймати людей під час відключень.",
        900_000,
    ),
    (
        "Психологічна підтримка ВПО",
        None,
        "Групи підтримки та консультації для внутрішньо переміщених мешканців у Дніпрі.",
        450_000,
    ),
    (
        "Шкільний автобус для Степового",
        "stepove",
        "Автобус на 30 місць для підвезення дітей до опорної школи.",
        1_900_000,
    ),
    ("Відновлення водогону на вул. Центральній", "zoriansk", "Заміна 800 м зношених труб водогону.", 2_300_000),
]

PROJECTS_2026 = [
    (
        "Мобільний пункт незламності",
        None,
        "Причіп з генератором, Starlink і обігрівом для виїзних прийомів.",
        1_200_000,
    ),
    (
        "Сенсорна кімната для дітей ВПО",
        None,
        "Кімната психологічного розвантаження у центрі для переселенців.",
        380_000,
    ),
    ("Ремонт даху амбулаторії", "zoriansk", "Заміна покрівлі сільської амбулаторії після обстрілу.", 1_650_000),
    ("Вуличне освітлення на сонячних панелях", "stepove", "40 автономних ліхтарів на маршрутах до школи.", 980_000),
    ("Курси цифрової грамотності для старших людей", None, "Навчання держпослуг онлайн для людей 60+.", 210_000),
]


#: 2026: proposed in submission, did not collect the supports needed for review.
#: The counting commission of 2025; any three of them open the count.
COMMISSION_2025 = [
    "Олена Ковальчук (голова комісії)",
    "Ігор Савченко",
    "Наталія Бондар",
    "Віктор Ткаченко",
    "Марія Лисенко",
]

NOT_SUPPORTED_2026 = (
    "Лавки та урни у сквері біля ЦНАП",
    "zoriansk",
    "Десять лавок і урн у сквері, де мешканці чекають на прийом.",
    160_000,
)

PROJECTS_2027 = [
    (
        "Пандус і тактильна плитка в амбулаторії",
        "zoriansk",
        "Безбар'єрний вхід до сільської амбулаторії для людей на візках і з порушеннями зору.",
        350_000,
    ),
    (
        "Обладнання пункту незламності у Степовому",
        "stepove",
        "Генератор, обігрівачі, питна вода та зарядні станції для пункту в будинку культури.",
        640_000,
    ),
]

DRAFT_2027 = (
    "Спортивний майданчик для дітей ВПО у Дніпрі",
    None,
    "Вуличні тренажери та покриття біля гуртожитку, де живуть переселені родини громади.",
    450_000,
)


def _ensure_verified(context: Any, user: Any) -> None:
    from uchast.verification.demo import demo_person_key
    from uchast.verification.selectors import active_verification
    from uchast.verification.services import verification_grant

    if active_verification(user, context.community) is None:
        verification_grant(
            user=user,
            community=context.community,
            method="in_person",
            basis="idp",
            birth_date=date(1985, 3, 12),
            person_key=demo_person_key(user),
            district=context.districts.get("zoriansk"),
            verified_by_label="demo",
        )


def _dates(start: datetime) -> dict[str, datetime]:
    return {
        "submission_opens": start,
        "review_opens": start + timedelta(days=30),
        "revision_opens": start + timedelta(days=50),
        "voting_opens": start + timedelta(days=60),
        "voting_closes": start + timedelta(days=75),
    }


def _categories(
    cycle: BudgetCycle, staff: Any, context: Any, small_rule: str = CountingRule.MES
) -> tuple[Category, Category]:
    big = services.category_save(
        cycle=cycle,
        actor=staff,
        values={
            "name": "Загальноміські проєкти",
            "budget": 4_000_000 * UAH,
            "min_cost": 100_000 * UAH,
            "max_cost": 2_500_000 * UAH,
            "ballot_rule": BallotRule.UP_TO_N,
            "max_selected": 3,
            "min_selected": 1,
            "counting_rule": CountingRule.GREEDY,
            "position": 1,
        },
    )
    small = services.category_save(
        cycle=cycle,
        actor=staff,
        values={
            "name": "Малі проєкти для ВПО",
            "budget": 1_000_000 * UAH,
            "min_cost": 50_000 * UAH,
            "max_cost": 500_000 * UAH,
            "ballot_rule": BallotRule.KNAPSACK,
            "max_selected": 10,
            "min_selected": 0,
            "counting_rule": small_rule,
            "position": 2,
        },
    )
    return big, small


def _draft(cycle: BudgetCycle, author: Any, item: Any, context: Any, big: Category, small: Category) -> Project:
    title, district, summary, cost = item
    return services.project_save_draft(
        cycle=cycle,
        author=author,
        category=small if cost * UAH <= small.max_cost else big,
        district=context.districts.get(district) if district else None,
        values={
            "title": title,
            "summary": summary,
            "description": summary + " Проєкт підготовлено разом з ініціативною групою мешканців.",
            "expected_result": "Мешканці громади отримують послугу, якої зараз бракує.",
            "beneficiaries": "Мешканці громади, зокрема внутрішньо переміщені особи",
            "address": "",
        },
        costs=[
            CostLine("Роботи та обладнання", 1, cost * UAH * 9 // 10),
            CostLine("Проєктна документація", 1, cost * UAH // 10),
        ],
    )


def _propose(
    context: Any, cycle: BudgetCycle, items: list[Any], big: Category, small: Category, first_author: int = 0
) -> list[Project]:
    projects = []
    for index, item in enumerate(items):
        author = context.residents[(first_author + index) % len(context.residents)]
        project = _draft(cycle, author, item, context, big, small)
        services.project_submit(project=project, author=author, accept_rules=True)
        projects.append(project)
    return projects


def _support(context: Any, project: Project, count: int) -> None:
    """``count`` residents other than the author support the project."""
    supporters = [r for r in context.residents if r.pk != project.author_id][:count]
    for resident in supporters:
        services.project_support(project=project, user=resident)


def _admit(projects: list[Project], official: Any) -> None:
    for project in projects:
        services.review_record(
            project=project,
            reviewer=official,
            conclusion="admitted",
            public_reason="Проєкт відповідає повноваженням ради, кошторис реалістичний.",
            checklist={"within_powers": True, "community_property": True, "realistic_cost": True, "no_duplicate": True},
        )


def load_budget_demo(context: Any) -> None:
    official = context.staff.get("official")
    admin = context.staff.get("administrator") or official
    for resident in context.residents:
        _ensure_verified(context, resident)
    now = timezone.now()

    # 2022: suspended when martial law was introduced.
    suspended = services.cycle_create(
        community=context.community,
        actor=admin,
        title="Громадський бюджет 2022",
        year=2022,
        dates=_dates(datetime(2022, 2, 1, 9, 0, tzinfo=KYIV)),
    )
    _categories(suspended, admin, context)
    services.cycle_set_phase(cycle=suspended, phase=Phase.SUBMISSION, actor=admin)
    services.cycle_suspend(
        cycle=suspended, actor=admin, reason="У зв'язку з введенням воєнного стану (Указ Президента України № 64/2022)."
    )

    # 2025: a whole cycle, counted and published, with implementation under way.
    past = services.cycle_create(
        community=context.community,
        actor=admin,
        title="Громадський бюджет 2025",
        year=2025,
        dates=_dates(datetime(2025, 3, 1, 9, 0, tzinfo=KYIV)),
        description="Перший бюджет участі після відновлення роботи ради в Дніпрі.",
    )
    big, small = _categories(past, admin, context)  # the small projects counted by Equal Shares
    services.cycle_set_phase(cycle=past, phase=Phase.SUBMISSION, actor=admin)
    projects = _propose(context, past, PROJECTS_2025, big, small)
    services.cycle_set_phase(cycle=past, phase=Phase.REVIEW, actor=admin)
    _admit(projects, official)
    # Counted with a commission key: 3 of 5 members open it. The demo keeps the shares only while
    # it loads (a real commission prints them once and keeps them on paper).
    key = services.cycle_commission_key(cycle=past, actor=admin, threshold=3, members=COMMISSION_2025)
    services.cycle_set_phase(cycle=past, phase=Phase.VOTING, actor=admin)
    voting_day = past.voting_opens + timedelta(days=2)
    for index, resident in enumerate(context.residents):
        choice = [projects[index % 3].pk, projects[3 + index % 2].pk, projects[2].pk]
        services.ballot_cast(cycle=past, user=resident, project_ids=choice, now=voting_day)
    batch = services.paper_batch_create(cycle=past, actor=official, number="ЦНАП-Дніпро-1", place="ЦНАП у Дніпрі")
    for position in range(1, 25):
        choice = [projects[position % 5].pk] if position % 5 != 2 else [projects[2].pk, projects[0].pk]
        services.paper_ballot_enter(
            batch=batch,
            actor=official,
            position=position,
            identity_kind="id_card",
            identity_number=str(100_200_300 + position),
            project_ids=choice,
        )
        # Double entry by another staff member; position 7 was typed wrong the second time and
        # settled by reading the paper again.
        checked = [projects[0].pk] if position == 7 else choice
        services.paper_check_enter(batch=batch, actor=admin, position=position, project_ids=checked)
    services.paper_mismatch_resolve(
        batch=batch,
        actor=admin,
        position=7,
        project_ids=[projects[2].pk, projects[0].pk],
        reason="Звірено з паперовим бюлетенем.",
    )
    services.cycle_set_phase(cycle=past, phase=Phase.RESULTS, actor=admin)
    shares = [share.text for share in key.shares[1:4]]
    services.cycle_count(cycle=past, actor=admin, shares=shares)
    services.cycle_publish(cycle=past, actor=admin)
    for project in Project.objects.filter(cycle=past, status="winner"):
        services.milestone_save(
            project=project,
            actor=official,
            values={
                "title": "Закупівля через Prozorro",
                "status": MilestoneStatus.DONE,
                "progress": 100,
                "contracted": project.total_cost,
                "spent": 0,
                "update": "Договір підписано.",
            },
        )
        services.milestone_save(
            project=project,
            actor=official,
            values={
                "title": "Виконання робіт",
                "status": MilestoneStatus.IN_PROGRESS,
                "progress": 60,
                "contracted": project.total_cost,
                "spent": project.total_cost * 6 // 10,
                "update": "",
            },
        )

    # 2026: voting is open now, on a server key (the private key is derived from BUDGET_SEAL_KEY).
    # Projects needed 3 supports before review; one collected only 1.
    current = services.cycle_create(
        community=context.community,
        actor=admin,
        title="Громадський бюджет 2026",
        year=2026,
        dates=_dates(now - timedelta(days=65)),
        description="Голосують мешканці громади, де б вони зараз не жили.",
        support_threshold=3,
    )
    big, small = _categories(current, admin, context)
    services.cycle_set_phase(cycle=current, phase=Phase.SUBMISSION, actor=admin)
    projects = _propose(context, current, PROJECTS_2026, big, small)
    (unsupported,) = _propose(context, current, [NOT_SUPPORTED_2026], big, small, first_author=len(PROJECTS_2026))
    for index, project in enumerate(projects):
        _support(context, project, 3 + index % 2)
    _support(context, unsupported, 1)
    services.cycle_set_phase(cycle=current, phase=Phase.REVIEW, actor=admin)
    _admit(projects, official)
    services.cycle_set_phase(cycle=current, phase=Phase.VOTING, actor=admin)
    for index, resident in enumerate(context.residents[2:]):
        services.ballot_cast(cycle=current, user=resident, project_ids=[projects[index % 4].pk, projects[4].pk])

    # 2027: proposals for next year are being submitted, with supports collected inside a window set
    # after the cycle was created; a draft written by two residents, a third one invited by e-mail.
    upcoming = services.cycle_create(
        community=context.community,
        actor=admin,
        title="Громадський бюджет 2027",
        year=2027,
        dates=_dates(now - timedelta(days=10)),
        description="Подання проєктів на наступний рік: спершу зберіть підтримки мешканців.",
    )
    services.cycle_set_supports(
        cycle=upcoming,
        actor=admin,
        threshold=3,
        opens=upcoming.submission_opens + timedelta(days=2),
        closes=upcoming.review_opens - timedelta(days=2),
    )
    big, small = _categories(upcoming, admin, context)
    services.cycle_set_phase(cycle=upcoming, phase=Phase.SUBMISSION, actor=admin)
    collecting = _propose(context, upcoming, PROJECTS_2027, big, small)
    _support(context, collecting[0], 2)
    _support(context, collecting[1], 1)
    author, coauthor = context.residents[0], context.residents[1]
    draft = _draft(upcoming, author, DRAFT_2027, context, big, small)
    _invitation, token = services.coauthor_invite(project=draft, author=author, email=coauthor.email)
    services.coauthor_accept(token=token, user=coauthor)
    services.coauthor_invite(project=draft, author=author, email="hanna.melnyk@example.org")
