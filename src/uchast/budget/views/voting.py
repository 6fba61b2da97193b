"""The ballot form (the HTML way to vote; the API's cast is in ``budget.api`` and ``castpath``)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from uchast.budget import ballotpage, selectors, services
from uchast.budget.actions import BudgetAction
from uchast.budget.ballotpage import CategoryPage, CategoryView
from uchast.budget.models import BallotRule, BudgetCycle, Phase, Project
from uchast.budget.tokens import voter_token
from uchast.budget.views.common import cycle_for
from uchast.core.errors import ActionRefused
from uchast.core.permissions import permission_required
from uchast.core.web import UchastRequest
from uchast.verification.selectors import participation_decision


@dataclass(frozen=True)
class BallotCategory:
    """One category of the ballot form as the voter sees it: projects in the voter's own random
    order (on a big category the choice apart, then one page of the others: ``budget.ballotpage``),
    and what is left with the current choice (money for knapsack, places otherwise)."""

    name: str
    budget: int
    max_selected: int
    is_knapsack: bool
    projects: list[Project]
    money_left: int
    slots_left: int
    shown: CategoryPage

    @classmethod
    def of(cls, shown: CategoryPage) -> BallotCategory:
        category, picked = shown.category, shown.chosen
        return cls(
            name=category.name,
            budget=category.budget,
            max_selected=category.max_selected,
            is_knapsack=category.ballot_rule == BallotRule.KNAPSACK,
            projects=shown.projects,
            money_left=category.budget - sum(p.total_cost for p in picked),
            slots_left=category.max_selected - len(picked),
            shown=shown,
        )

    @property
    def money_over(self) -> int:
        return max(0, -self.money_left)

    @property
    def slots_over(self) -> int:
        return max(0, -self.slots_left)


#: The submits of the ballot form that show it again without casting: the counter brought up to
#: date without JavaScript, a paged category's filter, its next and previous page.
BROWSING = ("recalculate", "show", "next", "previous")


def _views(request: UchastRequest) -> dict[int, CategoryView]:
    """What the voter asked to see of each paged category: the filter and page posted with the form
    (fields ``q-<category>``, ``district-<category>``, ``page-<category>``), moved a page by the
    "next"/"previous" submit naming the category; a changed filter (against the ``was-`` fields of
    the page shown) or the category's "show" submit starts again at the first page."""
    if request.method != "POST":
        return {}
    views: dict[int, CategoryView] = {}
    for name in request.POST:
        if not name.startswith("page-") or not name[5:].isdecimal():
            continue
        pk, value = int(name[5:]), request.POST.get(name, "")
        page = int(value) if value.isdecimal() and len(value) < 6 else 1
        if request.POST.get("next") == str(pk):
            page += 1
        elif request.POST.get("previous") == str(pk):
            page -= 1
        search = request.POST.get(f"q-{pk}", "").strip()[:100]
        district = request.POST.get(f"district-{pk}", "")[:40]
        was = (request.POST.get(f"was-q-{pk}", ""), request.POST.get(f"was-district-{pk}", ""))
        changed = (search, district) != was
        if changed or request.POST.get("show") == str(pk):
            page = 1  # a new filter starts at its first page
        views[pk] = CategoryView(search=search, district=district, page=page)
    return views


def _posted_ids(request: UchastRequest) -> list[int] | None:
    try:
        return [int(v) for v in request.POST.getlist("project")]
    except ValueError:
        return None


def _cast(request: UchastRequest, cycle: BudgetCycle) -> tuple[HttpResponse | None, str, list[int] | None]:
    """Cast the posted ballot: a redirect on success, else the refusal and the ids to show checked
    again (None when they could not be read)."""
    ids = _posted_ids(request)
    if ids is None:
        return None, _("The ballot names a project that is not on this vote."), None
    try:
        result = services.ballot_cast(
            cycle=cycle, user=request.user, project_ids=ids, expected_receipt=request.POST.get("current", "")
        )
    except ActionRefused as refusal:
        return None, refusal.message, ids
    done = redirect("budget:vote_done", cycle.pk)
    done["Location"] += "?" + urlencode({"r": _receipt_once(cycle, result.ballot.receipt_code, ids)})
    return done, "", ids


#: Seconds the receipt waits for the page that shows it once.
RECEIPT_SECONDS = 60


def _receipt_key(cycle: BudgetCycle, token: str) -> str:
    return f"budget:receipt:{cycle.pk}:{token}"


def _receipt_once(cycle: BudgetCycle, receipt: str, project_ids: list[int]) -> str:
    """Leave the receipt and the chosen projects for the next page under a random one-time token (in
    the redirect URL), for a minute. Never in the session: a session row names its user, so it would
    link the user to the receipt and the choices. The cache entry names nobody and is deleted when
    read."""
    token = secrets.token_urlsafe(16)
    cache.set(_receipt_key(cycle, token), {"receipt": receipt, "projects": sorted(set(project_ids))}, RECEIPT_SECONDS)
    return token


def _taken_once(cycle: BudgetCycle, token: str) -> tuple[str, list[Project]]:
    """The receipt and chosen projects left by :func:`_receipt_once`, deleted as they are read."""
    entry = cache.get(_receipt_key(cycle, token)) if token else None
    if not isinstance(entry, dict):
        return "", []
    cache.delete(_receipt_key(cycle, token))  # shown once
    chosen = list(Project.objects.filter(cycle=cycle, pk__in=entry.get("projects") or ()).select_related("category"))
    chosen.sort(key=lambda p: (p.category.position, p.category.pk, p.title))
    return str(entry.get("receipt") or ""), chosen


@require_http_methods(["GET", "POST"])
@permission_required(BudgetAction.VOTE.permission)
def vote(request: UchastRequest, cycle_pk: int) -> HttpResponse:
    cycle = cycle_for(request, cycle_pk)
    ballot = selectors.current_ballot(cycle, voter_token(cycle, request.user))
    # The current ballot is sealed: the form cannot show it again, it starts empty (a new ballot
    # replaces the old one whole).
    chosen: set[int] = set()
    error, recalculated, browsed = "", False, False
    if request.method == "POST" and any(name in request.POST for name in BROWSING):
        # Without JavaScript the counter is brought up to date by this submit, and a big category is
        # filtered and paged by these: nothing is cast, the ticked boxes come back ticked.
        ids, recalculated, browsed = _posted_ids(request), "recalculate" in request.POST, True
        chosen = set(ids) if ids is not None else chosen
    elif request.method == "POST":
        done, error, ids = _cast(request, cycle)
        if done is not None:
            return done
        if ids is not None:
            chosen = set(ids)
    seed = request.session.get("budget_order_seed") or secrets.token_hex(8)
    request.session["budget_order_seed"] = seed
    pages = ballotpage.ballot_pages(cycle, seed=seed, chosen=chosen, views=_views(request))
    categories = [BallotCategory.of(shown) for shown in pages]
    decision = participation_decision(
        request.user, cycle.community, BudgetAction.VOTE, conditions=cycle.conditions_override
    )
    return render(
        request,
        "budget/vote.html",
        {
            "cycle": cycle,
            "decision": decision,
            "categories": categories,
            "chosen": chosen,
            "ballot": ballot,
            "error": error,
            "recalculated": recalculated,
            "browsed": browsed and not recalculated,
            "districts": ballotpage.districts_for(pages, cycle),
            "open": cycle.status == Phase.VOTING,
        },
        status=400 if error else 200,
    )


@require_safe
@permission_required(BudgetAction.VOTE.permission)
def vote_done(request: UchastRequest, cycle_pk: int) -> HttpResponse:
    cycle = cycle_for(request, cycle_pk)
    receipt, chosen = _taken_once(cycle, request.GET.get("r", "")[:64])
    response = render(request, "budget/vote_done.html", {"cycle": cycle, "receipt": receipt, "chosen": chosen})
    response["Cache-Control"] = "no-store"
    return response
