"""Public pages: the budget, a cycle, its projects and a project's page."""

from __future__ import annotations

import io
import math
import secrets
from typing import Any

import qrcode
import qrcode.image.svg
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from uchast.budget import selectors
from uchast.budget.actions import BudgetAction
from uchast.budget.formatting import support_shortfall_reason
from uchast.budget.models import TIMELINE, Phase, Project, ProjectStatus
from uchast.budget.views.common import cycle_for, project_for
from uchast.core.dbrouter import public_read
from uchast.core.notifications import is_following
from uchast.core.pagination import id_page, keyset_page
from uchast.core.permissions import permission_required
from uchast.core.views import public_view
from uchast.core.web import UchastRequest
from uchast.verification.selectors import participation_decision


@require_safe
@public_view
@public_read
def index(request: UchastRequest) -> HttpResponse:
    manage = request.user.has_perm("budget.manage")
    community = request.community
    cycles = selectors.cycles_of(community, include_drafts=manage)
    page = keyset_page(cycles, request, order=("-year", "-pk"))
    return render(request, "budget/index.html", {"cycles": page.items, "page": page, "manage": manage})


@require_safe
@public_view
def cycle_detail(request: UchastRequest, cycle_pk: int) -> HttpResponse:
    cycle = cycle_for(request, cycle_pk)
    current = cycle.suspended_from if cycle.is_suspended else cycle.status
    steps = [(phase.label, getattr(cycle, start), phase == current) for phase, start in TIMELINE.starts]
    categories = list(cycle.categories.annotate(project_count=Count("projects")))
    return render(
        request,
        "budget/cycle.html",
        {
            "cycle": cycle,
            "steps": steps,
            "categories": categories,
            "mine": list(selectors.my_projects(cycle, request.user)),
            "manage": request.user.has_perm("budget.manage"),
        },
    )


# The largest amount a cost column holds (kopiykas): a larger "up to" is no limit at all.
_MAX_KOPIYKAS = 2**63 - 1


def _max_cost(text: str) -> int | None:
    """An "up to" amount typed in hryvnias, in kopiykas; None when it is not a finite amount
    (``1e400`` and ``inf`` used to overflow into a server error)."""
    try:
        amount = float(text)
    except ValueError:
        return None
    if not math.isfinite(amount) or amount < 0:
        return None
    return min(int(amount * 100), _MAX_KOPIYKAS)


def _filters(request: UchastRequest) -> selectors.ProjectFilters:
    """The project list's filters from the query string; what cannot be read is ignored."""
    get = request.GET
    try:
        category = int(get.get("category") or 0) or None
    except ValueError:
        category = None
    max_cost = _max_cost(get["max_cost"]) if get.get("max_cost") else None
    return selectors.ProjectFilters(
        category=category,
        district=get.get("district", "")[:40],
        status=get.get("status", "") if get.get("status", "") in ProjectStatus.values else "",
        max_cost=max_cost,
        search=get.get("q", "")[:100],
    )


@require_safe
@public_view
@public_read
def project_list(request: UchastRequest, cycle_pk: int) -> HttpResponse:
    cycle = cycle_for(request, cycle_pk)
    filters = _filters(request)
    matching = selectors.public_projects(cycle, filters)
    ids = list(matching.values_list("pk", flat=True).order_by("pk"))
    if cycle.status == Phase.VOTING:
        seed = request.session.get("budget_order_seed")
        if not seed:
            seed = secrets.token_hex(8)
            request.session["budget_order_seed"] = seed
        ids = selectors.order_for_visitor(ids, seed)
    # A cycle's projects are bounded (1,400 in Kyiv): their ids are ordered here, the page's rows fetched.
    page = id_page(ids, matching, request)
    return render(
        request,
        "budget/project_list.html",
        {
            "cycle": cycle,
            "projects": page.items,
            "page": page,
            "filters": filters,
            "categories": list(cycle.categories.all()),
            "districts": list(cycle.community.districts.all()),
            "statuses": [(s.value, s.label) for s in ProjectStatus if s != ProjectStatus.DRAFT],
            "max_cost_text": request.GET.get("max_cost", ""),
        },
    )


@require_safe
@permission_required("budget.view_project", fn=project_for)
def project_detail(request: UchastRequest, pk: int) -> HttpResponse:
    project = project_for(request, pk)
    items = list(project.cost_items.all())
    share_url = request.build_absolute_uri(reverse("budget:project", args=[project.pk]))
    timeline: list[tuple[str, Any, str]] = []
    if project.submitted_at:
        timeline.append((_("Submitted"), project.submitted_at, ""))
    reviews = list(project.reviews.all())
    for review in reviews:
        timeline.append((review.get_conclusion_display(), review.created_at, review.public_reason))
    is_author = project.author_id == request.user.pk
    return render(
        request,
        "budget/project_detail.html",
        {
            "project": project,
            "cycle": project.cycle,
            "items": [i for i in items if not i.corrected],
            "corrected_items": [i for i in items if i.corrected],
            "reviews": reviews,
            "timeline": timeline,
            "milestones": list(project.milestones.all()),
            "share_url": share_url,
            "is_author": is_author,
            "is_editor": selectors.is_project_editor(project, request.user),
            "coauthors": list(project.coauthors.all()),
            "invitations": selectors.pending_invitations(project) if is_author else [],
            "following": is_following(request.user, project),
            "can_follow": request.user.has_perm("budget.follow", project),
            "manage": request.user.has_perm("budget.manage"),
            "comments_ready": project.status != ProjectStatus.DRAFT,
            "support": _support_context(request, project),
        },
    )


def _support_context(request: UchastRequest, project: Project) -> dict[str, Any] | None:
    """What the project page shows about support collection (None when the cycle does not collect)."""
    cycle = project.cycle
    if cycle.support_threshold <= 0 or project.status == ProjectStatus.DRAFT:
        return None
    collecting = project.status == ProjectStatus.SUBMITTED and selectors.supports_open(cycle)
    user = request.user
    context: dict[str, Any] = {
        "count": project.supports,
        "threshold": cycle.support_threshold,
        "collecting": collecting,
        "supported": False,
        "can_act": False,
        "decision": None,
        "reason": "",
    }
    if project.status == ProjectStatus.NOT_SUPPORTED:
        context["reason"] = support_shortfall_reason(project.supports, cycle.support_threshold)
    if collecting and user.is_authenticated and project.author_id != user.pk:
        context["supported"] = project.support_rows.filter(supporter=user).exists()
        decision = participation_decision(user, cycle.community, BudgetAction.SUPPORT)
        context["decision"] = decision
        context["can_act"] = decision.allowed or context["supported"]
    return context


@require_safe
@permission_required("budget.view_project", fn=project_for)
def project_qr(request: UchastRequest, pk: int) -> HttpResponse:
    project = project_for(request, pk)
    url = request.build_absolute_uri(reverse("budget:project", args=[project.pk]))
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")
