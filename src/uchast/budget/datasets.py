"""The participatory budget's open data (issue 18): projects, results with the ballots in Pabulib, and
the implementation of the winners. Registered from ``BudgetConfig.ready()``; only what the public
pages show (no drafts, results only once published, no names of authors)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from uchast.budget.models import PUBLIC_STATUSES, CategoryResult, Milestone, Phase, Project, ProjectStatus
from uchast.core.registry import DataFormat, Dataset, DataTable


def _projects(community: Any) -> DataTable:
    columns = (
        "cycle_year",
        "project_id",
        "title",
        "category",
        "district",
        "status",
        "cost_kopiykas",
        "supports",
        "summary",
        "address",
        "latitude",
        "longitude",
        "submitted_at",
    )
    rows = (
        [
            p.cycle.year,
            p.pk,
            p.title,
            p.category.name,
            p.district.code if p.district else "",
            p.status,
            p.total_cost,
            p.supports,
            p.summary,
            p.address,
            p.latitude,
            p.longitude,
            p.submitted_at,
        ]
        for p in Project.objects.filter(cycle__community=community, status__in=PUBLIC_STATUSES)
        .exclude(cycle__status=Phase.DRAFT)
        .select_related("cycle", "category", "district")
        .order_by("cycle__year", "pk")
        .iterator(chunk_size=500)
    )
    return DataTable(columns, rows)


def _published(community: Any) -> Any:
    return Project.objects.filter(
        cycle__community=community, cycle__results_published_at__isnull=False, status__in=PUBLIC_STATUSES
    )


def _results(community: Any) -> DataTable:
    columns = ("cycle_year", "category", "project_id", "title", "cost_kopiykas", "votes", "selected")
    rows = (
        [p.cycle.year, p.category.name, p.pk, p.title, p.total_cost, p.votes, p.status == ProjectStatus.WINNER]
        for p in _published(community).select_related("cycle", "category").order_by("cycle__year", "category_id", "pk")
    )
    return DataTable(columns, rows)


def _pabulib_zip(community: Any, out: Any) -> None:
    """Every published category's Pabulib file (the anonymous ballots and the projects), one zip."""
    results = CategoryResult.objects.filter(
        category__cycle__community=community, category__cycle__results_published_at__isnull=False
    ).select_related("category__cycle")
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for result in results.order_by("category__cycle__year", "category_id"):
            bundle.writestr(f"budget-{result.category.cycle.year}-{result.category_id}.pb", result.pabulib)


def _milestones(community: Any) -> DataTable:
    columns = (
        "cycle_year",
        "project_id",
        "project",
        "milestone",
        "status",
        "progress_percent",
        "contracted_kopiykas",
        "spent_kopiykas",
        "update",
        "updated_at",
    )

    def rows() -> Iterator[list[Any]]:
        for m in (
            Milestone.objects.filter(project__in=_published(community))
            .select_related("project__cycle")
            .order_by("project__cycle__year", "project_id", "pk")
        ):
            yield [
                m.project.cycle.year,
                m.project_id,
                m.project.title,
                m.title,
                m.status,
                m.progress,
                m.contracted,
                m.spent,
                m.update,
                m.updated_at,
            ]

    return DataTable(columns, rows())


DATASETS = (
    Dataset(
        slug="budget-projects",
        title=_("Participatory budget: projects"),
        description=_(
            "Every project submitted to the participatory budget with its category, district, cost, "
            "status and supports. Money is in kopiykas."
        ),
        frequency="daily",
        table=_projects,
        keywords=("participatory budget", "projects"),
    ),
    Dataset(
        slug="budget-results",
        title=_("Participatory budget: results and ballots"),
        description=_(
            "Votes for each project once the results are published, and every anonymous ballot in "
            "the Pabulib format (one .pb file per category), so anyone can recount."
        ),
        frequency="annual",
        table=_results,
        formats=(DataFormat("pabulib", "Pabulib", "application/zip", "pb.zip", _pabulib_zip),),
        keywords=("participatory budget", "voting", "pabulib"),
    ),
    Dataset(
        slug="budget-implementation",
        title=_("Participatory budget: implementation and spending"),
        description=_(
            "The milestones of the winning projects: status, progress, money contracted and spent "
            "(kopiykas), with the latest update."
        ),
        frequency="monthly",
        table=_milestones,
        keywords=("participatory budget", "implementation", "spending"),
    ),
)
