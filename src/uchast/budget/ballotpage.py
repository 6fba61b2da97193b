"""The ballot form's projects, one bounded page per category at city scale (issue 19).

A category with at most :data:`PAGE_SIZE` admitted projects shows them all, as it always did. A
bigger one (Kyiv: ~470 and ~930) shows the voter's current choice in it, always and checked, then
one page of its projects in the voter's own random order (so that no project benefits from being
listed first), optionally narrowed by a text in the title and a district. Paging and filtering are
submits of the ballot form itself: the choice travels in the form's checkboxes, and nothing is kept
on the server before the ballot is cast.

The work per request does not grow with the cycle: one query for the admitted projects' ids (plain
integers, ordered here), one for the categories, one more for the filtered ids when a filter is set,
one for the districts when a category is paged, and one for the rows shown (at most a page per
category plus the choice, which the ballot rules bound).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from django.db.models import Q

from uchast.budget.models import BudgetCycle, Category, Project, ProjectStatus
from uchast.budget.selectors import order_for_visitor
from uchast.core.models import District

#: The most projects of one category the ballot form lists at once; a bigger category is paged.
PAGE_SIZE = 30


@dataclass(frozen=True)
class CategoryView:
    """What the voter asked to see of one category: a text in the title, a district, a page."""

    search: str = ""
    district: str = ""
    page: int = 1

    @property
    def filtered(self) -> bool:
        return bool(self.search or self.district)


@dataclass(frozen=True)
class CategoryPage:
    """One category of the form: ``chosen`` (shown checked; on a paged category listed apart) and
    ``projects`` (all of a small category; a paged one's page, without the chosen)."""

    category: Category
    chosen: list[Project]
    projects: list[Project]
    paged: bool = False
    view: CategoryView = field(default_factory=CategoryView)
    page: int = 1
    pages: int = 1
    matching: int = 0  # projects matching the view's filter (all the category's when none)

    @property
    def first_shown(self) -> int:
        return min(self.matching, (self.page - 1) * PAGE_SIZE + 1)

    @property
    def last_shown(self) -> int:
        return min(self.matching, self.page * PAGE_SIZE)


def _filter(view: CategoryView) -> Q:
    condition = Q()
    if view.search:
        condition &= Q(title__icontains=view.search)
    if view.district:
        condition &= Q(district__code=view.district)
    return condition


Ids = dict[int, list[int]]


def _ids_by_category(cycle: BudgetCycle, views: Mapping[int, CategoryView]) -> tuple[Ids, Ids]:
    """The admitted ids of each category, and of each filtered category those matching its filter
    (one query, two when a filter is set): integers only, never the rows."""
    admitted = Project.objects.filter(cycle=cycle, status=ProjectStatus.ADMITTED).order_by("pk")
    every: dict[int, list[int]] = {}
    for pk, category_id in admitted.values_list("pk", "category_id"):
        every.setdefault(category_id, []).append(pk)
    matching: dict[int, list[int]] = {}
    wanted = [(pk, view) for pk, view in views.items() if view.filtered and len(every.get(pk, ())) > PAGE_SIZE]
    if wanted:
        condition = Q(pk__in=[])
        for category_id, view in wanted:
            condition |= Q(category_id=category_id) & _filter(view)
        for category_id, _view in wanted:
            matching[category_id] = []
        for pk, category_id in admitted.filter(condition).values_list("pk", "category_id"):
            matching[category_id].append(pk)
    return every, matching


def ballot_pages(
    cycle: BudgetCycle, *, seed: str, chosen: Collection[int], views: Mapping[int, CategoryView] | None = None
) -> list[CategoryPage]:
    """The categories of the ballot form as the voter sees them now (see the module's note)."""
    views = views or {}
    every, matching = _ids_by_category(cycle, views)
    categories = list(cycle.categories.all())
    shown: dict[int, list[int]] = {}  # category -> the ids of its page (or all), in the voter's order
    pages: dict[int, tuple[CategoryView, int, int, int]] = {}  # category -> (view, page, pages, matching)
    for category in categories:
        ids = every.get(category.pk, [])
        if len(ids) <= PAGE_SIZE:
            shown[category.pk] = order_for_visitor(ids, seed)
            continue
        view = views.get(category.pk, CategoryView())
        found = order_for_visitor(matching.get(category.pk, ids), seed)
        count = max(1, math.ceil(len(found) / PAGE_SIZE))
        page = min(max(1, view.page), count)
        shown[category.pk] = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        pages[category.pk] = (view, page, count, len(found))
    everywhere = {pk for ids in every.values() for pk in ids}
    picked = [pk for pk in chosen if pk in everywhere]
    rows = Project.objects.filter(pk__in={*picked, *(pk for ids in shown.values() for pk in ids)})
    by_id = rows.in_bulk()
    mine = order_for_visitor(picked, seed)
    out = []
    for category in categories:
        own = [by_id[pk] for pk in mine if pk in by_id and by_id[pk].category_id == category.pk]
        if category.pk not in pages:
            out.append(CategoryPage(category, own, [by_id[pk] for pk in shown[category.pk] if pk in by_id]))
            continue
        view, page, count, matches = pages[category.pk]
        others = [by_id[pk] for pk in shown[category.pk] if pk in by_id and pk not in chosen]
        out.append(CategoryPage(category, own, others, True, view, page, count, matches))
    return out


def districts_for(pages: list[CategoryPage], cycle: BudgetCycle) -> list[District]:
    """The districts a paged category can be filtered by (none asked for when nothing is paged)."""
    return list(cycle.community.districts.all()) if any(p.paged for p in pages) else []
