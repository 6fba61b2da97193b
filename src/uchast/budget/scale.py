"""Scale data (``uchast demo --scale``): a finished cycle (2024: counted and published by the
services) and a cycle voting now (2026, "районні проєкти"), each with 14 projects per 1,500
residents (1,400 at N = 100, Kyiv's number) proposed, submitted and admitted through the services,
and ballots online and on paper written in bulk.

Bulk ballots keep what ``ballot_cast`` and ``paper_ballot_enter`` keep: one participation-register
row per person and cycle (the channel of the counted ballot), a voter token on online ballots, a
person token on all, receipts unique, choices valid under the categories' rules, and for paper the
batch, its positions and one ``budget.paper_ballot_entered`` audit entry per ballot. Every ballot
row is made by :func:`store_ballots`, the one place to change when ballots are stored differently.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from uchast.budget import services
from uchast.budget.actions import BudgetAction
from uchast.budget.demo import KYIV, UAH, _dates
from uchast.budget.models import (
    Ballot,
    BallotRule,
    BallotStatus,
    BudgetCycle,
    Category,
    CountingRule,
    Phase,
    Project,
)
from uchast.budget.sealing import seal_choices
from uchast.budget.services import CostLine
from uchast.budget.services.voting import age_band
from uchast.budget.tokens import new_receipt_code, person_token, voter_token
from uchast.core import audit
from uchast.eligibility import age_on
from uchast.verification.models import Channel
from uchast.verification.selectors import process_key
from uchast.verification.services import participation_record_many

WHAT = [
    "Ремонт тротуару", "Дитячий майданчик", "Облаштування укриття", "Вуличне освітлення", "Відновлення скверу",
    "Велодоріжка", "Спортивний майданчик", "Генератор і Starlink", "Оновлення бібліотеки", "Пандус і поручні",
    "Зупинка громадського транспорту", "Сенсорна кімната", "Пункт незламності", "Озеленення подвір'я",
]  # fmt: skip
WHERE = [
    "на вул. Шевченка", "біля ліцею № 3", "у мікрорайоні Степовий", "біля амбулаторії", "на вул. Центральній",
    "біля гуртожитку ВПО у Дніпрі", "у Калинівці", "біля будинку культури", "у сквері Героїв", "на вул. Садовій",
]  # fmt: skip
PROJECTS_PER_BASE = 14
ONLINE_TURNOUT = {"past": 0.55, "current": 0.4}
PAPER_SHARE = 0.05  # of the verified residents, among those who did not vote online
PAPER_BATCH = 200


@dataclass(frozen=True)
class PlannedBallot:
    """One ballot to store: who it belongs to (tokens), how it came (paper batch and position), its
    status, statistics fields and choices."""

    cycle_id: int
    voter_token: str | None
    person_token: str
    status: str
    cast_on: date
    age_band: str
    district_code: str
    project_ids: tuple[int, ...]
    batch_id: int | None = None
    batch_position: int | None = None


def store_ballots(planned: Sequence[PlannedBallot]) -> int:
    """Write ballots in bulk, sealed to their cycle's key as every cast ballot is (the one place
    ballot rows are made here)."""
    cycles = {cycle.pk: cycle for cycle in BudgetCycle.objects.filter(pk__in={plan.cycle_id for plan in planned})}
    ballots = [
        Ballot(
            id=uuid.uuid4(),
            cycle_id=plan.cycle_id,
            voter_token=plan.voter_token,
            person_token=plan.person_token,
            receipt_code=new_receipt_code(),
            is_paper=plan.batch_id is not None,
            batch_id=plan.batch_id,
            batch_position=plan.batch_position,
            status=plan.status,
            age_band=plan.age_band,
            district_code=plan.district_code,
            cast_on=plan.cast_on,
            sealed=seal_choices(cycles[plan.cycle_id], plan.project_ids),
        )
        for plan in planned
    ]
    Ballot.objects.bulk_create(ballots, batch_size=5000)
    return len(ballots)


def _categories(cycle: BudgetCycle, admin: Any, money: float) -> tuple[Category, Category]:
    common = {"ballot_rule": BallotRule.UP_TO_N, "max_selected": 3, "min_selected": 1}
    big = services.category_save(
        cycle=cycle,
        actor=admin,
        values={
            **common,
            "name": "Великі проєкти",
            "budget": round(4_000_000 * money) * UAH,
            "min_cost": 100_000 * UAH,
            "max_cost": 2_500_000 * UAH,
            "counting_rule": CountingRule.GREEDY,
            "position": 1,
        },
    )
    small = services.category_save(
        cycle=cycle,
        actor=admin,
        values={
            "name": "Малі проєкти",
            "budget": round(1_000_000 * money) * UAH,
            "min_cost": 50_000 * UAH,
            "max_cost": 500_000 * UAH,
            "ballot_rule": BallotRule.KNAPSACK,
            "max_selected": 10,
            "min_selected": 0,
            # Greedy here too: generating a Kyiv-sized cycle must not wait for Equal Shares over
            # 900 projects (counting speed is measured apart, bench/ and docs/performance.md).
            "counting_rule": CountingRule.GREEDY,
            "position": 2,
        },
    )
    return big, small


def _projects(context: Any, cycle: BudgetCycle, big: Category, small: Category, authors: list[Any]) -> list[Project]:
    """Proposed and submitted by residents, admitted by the official: all through the services."""
    rng, official = context.rng, context.demo.staff["official"]
    districts = list(context.demo.districts.values())
    projects = []
    for n in range(context.count(PROJECTS_PER_BASE, minimum=6)):
        category = small if n % 3 else big
        cost = rng.randrange(category.min_cost // UAH, category.max_cost // UAH, 1000) * UAH
        title = f"{rng.choice(WHAT)} {rng.choice(WHERE)}"
        author = authors[n % len(authors)]
        project = services.project_save_draft(
            cycle=cycle,
            author=author,
            category=category,
            district=rng.choice(districts) if n % 2 else None,
            values={
                "title": title,
                "summary": f"{title}: проєкт ініціативної групи мешканців.",
                "description": "Опис робіт, графік і кошторис підготовлено разом з фахівцями громади.",
                "expected_result": "Мешканці отримують послугу, якої зараз бракує.",
                "beneficiaries": "Мешканці громади, зокрема внутрішньо переміщені особи",
                "address": "",
            },
            costs=[CostLine("Роботи та обладнання", 1, cost * 9 // 10), CostLine("Документація", 1, cost // 10)],
        )
        services.project_submit(project=project, author=author, accept_rules=True)
        projects.append(project)
    services.cycle_set_phase(cycle=cycle, phase=Phase.REVIEW, actor=context.demo.staff["administrator"])
    for project in projects:
        services.review_record(
            project=project,
            reviewer=official,
            conclusion="admitted",
            public_reason="Проєкт відповідає повноваженням ради, кошторис реалістичний.",
            checklist={"within_powers": True, "community_property": True, "realistic_cost": True, "no_duplicate": True},
        )
    return projects


class _Popularity:
    """Projects with popular ones more likely (weight 1/rank: a long tail, as in real votes). The
    cumulative weights are summed once: summing them per ballot made a city-sized build quadratic
    (150,000 ballots x 1,400 projects)."""

    def __init__(self, projects: list[Project]) -> None:
        self.projects = projects
        self.cumulative = list(itertools.accumulate(1 / (i + 1) for i in range(len(projects))))

    def draw(self, rng: Any, k: int) -> list[Project]:
        return rng.choices(self.projects, cum_weights=self.cumulative, k=k) if self.projects and k else []


class _Choices:
    """Valid choices on a cycle's projects: one to three big projects, up to three small ones within
    the small projects' budget, popular ones more often (:class:`_Popularity`)."""

    def __init__(self, projects: list[Project]) -> None:
        self.big = _Popularity([p for p in projects if p.category.ballot_rule == BallotRule.UP_TO_N])
        self.small = _Popularity([p for p in projects if p.category.ballot_rule == BallotRule.KNAPSACK])
        self.small_budget = self.small.projects[0].category.budget if self.small.projects else 0

    def draw(self, rng: Any) -> tuple[int, ...]:
        chosen = {p.pk for p in self.big.draw(rng, rng.randint(1, 3))}
        spent = 0
        for project in self.small.draw(rng, rng.randint(0, 3)):
            if project.pk not in chosen and spent + project.total_cost <= self.small_budget:
                chosen.add(project.pk)
                spent += project.total_cost
        return tuple(sorted(chosen))


def _vote(context: Any, cycle: BudgetCycle, projects: list[Project], turnout: float) -> dict[str, int]:
    """Online and paper ballots of the verified residents, with the register rows and audit entries."""
    rng, official = context.rng, context.demo.staff["official"]
    choices = _Choices(projects)
    voters = context.verified()
    rng.shuffle(voters)
    online = voters[: round(len(voters) * turnout)]
    paper = voters[len(online) : len(online) + max(1, round(len(voters) * PAPER_SHARE))]
    days = max(1, (min(cycle.voting_closes, timezone.now()) - cycle.voting_opens).days)
    planned = []
    for resident in online:
        cast_on = timezone.localdate(cycle.voting_opens + timedelta(days=rng.randrange(days)))
        planned.append(
            PlannedBallot(
                cycle_id=cycle.pk,
                voter_token=voter_token(cycle, SimpleNamespace(pk=resident.user_id)),
                person_token=person_token(cycle, resident.person_key),
                status=BallotStatus.COUNTED,
                cast_on=cast_on,
                age_band=age_band(age_on(resident.birth_date, cast_on)),
                district_code=resident.district_code,
                project_ids=choices.draw(rng),
            )
        )
    batches = [
        services.paper_batch_create(cycle=cycle, actor=official, number=f"ЦНАП-{n + 1}", place="ЦНАП у Дніпрі")
        for n in range(-(-len(paper) // PAPER_BATCH))
    ]
    for index, resident in enumerate(paper):
        planned.append(
            PlannedBallot(
                cycle_id=cycle.pk,
                voter_token=None,
                person_token=person_token(cycle, resident.person_key),
                status=BallotStatus.COUNTED,
                cast_on=timezone.localdate(min(cycle.voting_closes, timezone.now())),
                age_band="",
                district_code="",
                project_ids=choices.draw(rng),
                batch_id=batches[index // PAPER_BATCH].pk,
                batch_position=index % PAPER_BATCH + 1,
            )
        )
    stored = store_ballots(planned)
    participation_record_many(
        process=process_key(BudgetAction.VOTE, cycle.pk),
        people=[(r.person_key, Channel.ONLINE) for r in online] + [(r.person_key, Channel.PAPER) for r in paper],
    )
    audit.record_many(
        audit.PendingEntry(
            action="budget.paper_ballot_entered",
            community_id=cycle.community_id,
            object_type="budget.paperbatch",
            object_id=str(batches[index // PAPER_BATCH].pk),
            actor_id=official.pk,
            summary={"flagged": False},
        )
        for index in range(len(paper))
    )
    return {"online": len(online), "paper": len(paper), "stored": stored}


def ballots_top_up(cycle: BudgetCycle, total: int, seed: int = 19) -> int:
    """Bring a voting cycle to ``total`` ballots with more online ones of valid, popularity-drawn
    choices (``bench/staff_work.py --ballots``: a city's 150,000-ballot count, where the scale
    data of N = 100 give about 64,000). They belong to nobody: random voter and person tokens, no
    register row, which the count never reads. Returns how many were added."""
    import random
    import secrets

    missing = total - Ballot.objects.filter(cycle=cycle).count()
    if missing <= 0:
        return 0
    projects = list(Project.objects.filter(cycle=cycle).select_related("category").order_by("pk"))
    choices = _Choices(projects)
    rng, today = random.Random(seed), timezone.localdate()  # noqa: S311 - benchmark data, not secrets
    return store_ballots(
        [
            PlannedBallot(
                cycle_id=cycle.pk,
                voter_token=secrets.token_hex(16),
                person_token=secrets.token_hex(16),
                status=BallotStatus.COUNTED,
                cast_on=today,
                age_band="",
                district_code="",
                project_ids=choices.draw(rng),
            )
            for _ in range(missing)
        ]
    )


def _cycle(context: Any, title: str, year: int, start: datetime) -> tuple[BudgetCycle, list[Project]]:
    admin = context.demo.staff["administrator"]
    cycle = services.cycle_create(community=context.community, actor=admin, title=title, year=year, dates=_dates(start))
    big, small = _categories(cycle, admin, max(1.0, context.scale))
    services.cycle_set_phase(cycle=cycle, phase=Phase.SUBMISSION, actor=admin)
    author_ids = [r.user_id for r in context.verified()[:200]]
    authors = list(get_user_model().objects.filter(pk__in=author_ids).order_by("pk"))
    projects = _projects(context, cycle, big, small, authors)
    services.cycle_set_phase(cycle=cycle, phase=Phase.VOTING, actor=admin)
    projects = list(Project.objects.filter(cycle=cycle).select_related("category").order_by("pk"))
    return cycle, projects


def load_scale(context: Any) -> None:
    admin = context.demo.staff["administrator"]
    past, projects = _cycle(
        context, "Громадський бюджет 2024: районні проєкти", 2024, datetime(2024, 3, 1, 9, tzinfo=KYIV)
    )
    counts = _vote(context, past, projects, ONLINE_TURNOUT["past"])
    services.cycle_set_phase(cycle=past, phase=Phase.RESULTS, actor=admin)
    services.cycle_count(cycle=past, actor=admin)
    services.cycle_publish(cycle=past, actor=admin)
    current, projects = _cycle(
        context, "Громадський бюджет 2026: районні проєкти", 2026, timezone.now() - timedelta(days=65)
    )
    current_counts = _vote(context, current, projects, ONLINE_TURNOUT["current"])
    context.counts["budget projects"] = Project.objects.filter(cycle__in=[past, current]).count()
    context.counts["ballots"] = counts["stored"] + current_counts["stored"]
    context.counts["paper ballots"] = counts["paper"] + current_counts["paper"]
