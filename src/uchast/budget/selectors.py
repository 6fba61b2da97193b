"""Reads of the participatory budget. List selectors return only what the visitor may see."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from uchast.budget.models import (
    PUBLIC_STATUSES,
    Ballot,
    BallotStatus,
    BudgetCycle,
    Category,
    CategoryResult,
    Phase,
    Project,
    ProjectStatus,
    ProjectSupport,
)
from uchast.core.models import Community
from uchast.core.registry import ProcessCard


def cycles_of(community: Community, *, include_drafts: bool = False) -> QuerySet[BudgetCycle]:
    """Cycles of the community; those in preparation only for staff (``include_drafts``)."""
    qs = BudgetCycle.objects.filter(community=community)
    return qs if include_drafts else qs.exclude(status=Phase.DRAFT)


def access_cycle(community: Community | None, pk: int, user: Any = None) -> BudgetCycle:
    """The cycle, or 404. Cycles in preparation are visible to budget staff only."""
    cycle = BudgetCycle.objects.select_related("community").filter(community=community, pk=pk).first()
    if cycle is None or (cycle.status == Phase.DRAFT and not (user and user.has_perm("budget.manage"))):
        raise Http404
    return cycle


def access_project(user: Any, community: Community | None, pk: int) -> Project:
    """The project if the user may see it; 404 otherwise (existence is not leaked)."""
    project = (
        Project.objects.select_related("cycle__community", "category", "district")
        .filter(cycle__community=community, pk=pk)
        .first()
    )
    if project is None or not user.has_perm("budget.view_project", project):
        raise Http404
    return project


@dataclass(frozen=True)
class ProjectFilters:
    category: int | None = None
    district: str = ""
    status: str = ""
    max_cost: int | None = None
    search: str = ""


def public_projects(cycle: BudgetCycle, filters: ProjectFilters | None = None) -> QuerySet[Project]:
    """Projects the public sees, filtered; one query with category and district joined."""
    filters = filters or ProjectFilters()
    qs = Project.objects.filter(cycle=cycle, status__in=PUBLIC_STATUSES).select_related("category", "district")
    if filters.category:
        qs = qs.filter(category_id=filters.category)
    if filters.district:
        qs = qs.filter(district__code=filters.district)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.max_cost is not None:
        qs = qs.filter(total_cost__lte=filters.max_cost)
    if filters.search:
        qs = qs.filter(Q(title__icontains=filters.search) | Q(summary__icontains=filters.search))
    return qs


def order_for_visitor(projects: list[Project], seed: str) -> list[Project]:
    """A random order that stays the same for one visitor (seed from their session)."""
    return sorted(projects, key=lambda p: hashlib.sha256(f"{seed}:{p.pk}".encode()).digest())


def my_projects(cycle: BudgetCycle, user: Any) -> QuerySet[Project]:
    if not getattr(user, "is_authenticated", False):
        return Project.objects.none()
    return Project.objects.filter(cycle=cycle, author=user).select_related("category")


def ballot_categories(cycle: BudgetCycle) -> list[Category]:
    """Categories with their admitted projects (two queries)."""
    admitted = Project.objects.filter(status=ProjectStatus.ADMITTED).select_related("district")
    return list(cycle.categories.prefetch_related(Prefetch("projects", queryset=admitted, to_attr="admitted")))


def current_ballot(cycle: BudgetCycle, token: str) -> Ballot | None:
    return Ballot.objects.filter(cycle=cycle, voter_token=token).prefetch_related("choices").first()


def ballot_by_receipt(cycle: BudgetCycle, receipt: str) -> Ballot | None:
    return (
        Ballot.objects.filter(cycle=cycle, receipt_code=receipt).prefetch_related("choices__project__category").first()
    )


def results_of(cycle: BudgetCycle) -> list[CategoryResult]:
    return list(
        CategoryResult.objects.filter(category__cycle=cycle)
        .select_related("category")
        .order_by("category__position", "category_id")
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    percent: int  # of the largest bar, for the SVG width


@dataclass(frozen=True)
class Turnout:
    online: int
    paper: int
    by_age: list[Bar]
    by_district: list[Bar]

    @property
    def total(self) -> int:
        return self.online + self.paper


def _bars(counter: Counter[str], labels: dict[str, str]) -> list[Bar]:
    top = max(counter.values(), default=0) or 1
    return [Bar(labels.get(k, k) or _("not stated"), v, round(100 * v / top)) for k, v in sorted(counter.items())]


def turnout(cycle: BudgetCycle) -> Turnout:
    rows = list(
        Ballot.objects.filter(cycle=cycle, status=BallotStatus.COUNTED).values_list(
            "is_paper", "age_band", "district_code"
        )
    )
    districts = {d.code: d.name for d in cycle.community.districts.all()}
    return Turnout(
        online=sum(1 for r in rows if not r[0]),
        paper=sum(1 for r in rows if r[0]),
        by_age=_bars(Counter(r[1] for r in rows if not r[0]), {}),
        by_district=_bars(Counter(r[2] for r in rows if not r[0]), districts),
    )


def flagged_ballots(cycle: BudgetCycle) -> QuerySet[Ballot]:
    return Ballot.objects.filter(cycle=cycle, status=BallotStatus.FLAGGED).select_related("batch")


def open_process_cards(community: Community, user: Any) -> list[ProcessCard]:
    from django.urls import reverse

    cards = []
    for cycle in cycles_of(community).exclude(status=Phase.IMPLEMENTATION)[:3]:
        cards.append(
            ProcessCard(
                title=cycle.title,
                url=reverse("budget:cycle", args=[cycle.pk]),
                kind=_("Participatory budget"),
                status=cycle.get_status_display(),
            )
        )
    return cards


def personal_data(user: Any) -> dict[str, Any]:
    """For "download my data": the person's projects and the cycles in which they hold an online
    ballot (found through the keyed voter token; the choices stay secret and are not exported)."""
    from uchast.budget.services import voter_token

    projects = [
        {"id": p.pk, "cycle": p.cycle.title, "title": p.title, "status": p.status, "cost_kopiykas": p.total_cost}
        for p in Project.objects.filter(author=user).select_related("cycle")
    ]
    voted = [
        cycle.title
        for cycle in BudgetCycle.objects.all()
        if Ballot.objects.filter(cycle=cycle, voter_token=voter_token(cycle, user)).exists()
    ]
    supported = list(
        ProjectSupport.objects.filter(supporter=user).order_by("pk").values_list("project__title", flat=True)
    )
    coauthored = list(Project.objects.filter(coauthors=user).order_by("pk").values_list("title", flat=True))
    return {"projects": projects, "voted_in": voted, "supported": supported, "coauthored": coauthored}
