"""Results anyone can check: the published count, the open Pabulib files, a CSV, and a voter's
receipt found in the published file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from uchast.accounts import throttle
from uchast.budget import selectors
from uchast.budget.formatting import RankedProject, money, ranked, tie_rule_words
from uchast.budget.forms import ReceiptForm
from uchast.budget.models import BudgetCycle, CategoryResult, ProjectStatus
from uchast.budget.views.common import published_cycle
from uchast.core.dbrouter import public_read
from uchast.core.errors import ActionRefused
from uchast.core.exports import csv_download, csv_text
from uchast.core.views import public_view
from uchast.core.web import UchastRequest

#: Rows per page of a category's results: the funded projects by rank, then the others by rank, as
#: one listing cut into pages (a city's category funds hundreds: all of them on the first page made
#: it grow with the count).
RESULTS_PAGE = 50


@dataclass(frozen=True)
class ResultPage:
    """One page of a category's results: ``lines`` are rows ``page`` (from 1) of the listing that
    holds the funded projects in rank order, then the others in rank order; ``more`` says whether
    another page follows."""

    lines: list[RankedProject]
    page: int
    more: bool
    funded: int  # funded projects in the whole category, not only on this page
    spent: int
    tied: bool  # some project of the whole ranking ties with its neighbour
    ties: str  # the tie-break criteria the count used


def _result_page(result: CategoryResult, page: int) -> ResultPage:
    """The page of ``result``, from the cache while the count stays the same (the key names the
    count's time and checksum): ranking the stored outcome costs with the number of projects, a
    page from the cache does not."""
    # "v2": pages cached by an older shape of ResultPage are not read back into this one.
    key = f"budget-results:v2:{result.pk}:{result.counted_at.timestamp()}:{result.sha256}:{RESULTS_PAGE}:{page}"

    def rank() -> ResultPage:
        outcome = CategoryResult.objects.values_list("outcome", flat=True).get(pk=result.pk)
        lines = ranked(outcome)
        funded = [line for line in lines if line.project.get("selected")]
        listing = funded + [line for line in lines if not line.project.get("selected")]
        start = (page - 1) * RESULTS_PAGE
        return ResultPage(
            lines=listing[start : start + RESULTS_PAGE],
            page=page,
            more=start + RESULTS_PAGE < len(listing),
            funded=len(funded),
            spent=int(outcome.get("spent") or 0),
            tied=any(line.tied for line in lines),
            ties=str((outcome.get("parameters") or {}).get("ties") or ""),
        )

    return cast(ResultPage, cache.get_or_set(key, rank, timeout=24 * 3600))


def _page_number(request: UchastRequest, param: str) -> int:
    value = request.GET.get(param, "1")
    return max(1, min(int(value), 10_000)) if value.isdecimal() and len(value) < 6 else 1


def _page_url(request: UchastRequest, param: str, page: int | None) -> str:
    query = request.GET.copy()
    query.pop(param, None)
    if page is not None:
        query[param] = str(page)
    return f"?{query.urlencode()}" if query else request.path


@require_safe
@public_view
@public_read
def results(request: UchastRequest, cycle_pk: int) -> HttpResponse:
    """Per category a page of the funded projects by rank, then the others by rank
    (``?c<category>=<page>`` moves one category's page); the counts and turnout come grouped from
    the database."""
    cycle = published_cycle(request, cycle_pk)
    rows = []
    for result in selectors.results_of(cycle):
        param = f"c{result.category_id}"
        shown = _result_page(result, _page_number(request, param))
        rows.append(
            {
                "result": result,
                "shown": shown,
                "lines": shown.lines,
                "next_url": _page_url(request, param, shown.page + 1) if shown.more else "",
                "first_url": _page_url(request, param, None) if shown.page > 1 else "",
                "tie_rule": tie_rule_words(shown.ties) if shown.tied else "",
            }
        )
    return render(
        request,
        "budget/results.html",
        {"cycle": cycle, "rows": rows, "turnout": selectors.turnout(cycle)},
    )


@require_safe
@public_view
@public_read
def pabulib_file(request: UchastRequest, cycle_pk: int, category_pk: int) -> HttpResponse:
    cycle = published_cycle(request, cycle_pk)
    pabulib = selectors.pabulib_of(cycle, category_pk)
    if pabulib is None:
        raise Http404
    response = HttpResponse(pabulib, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="budget-{cycle.year}-{category_pk}.pb"'
    return response


@require_safe
@public_view
@public_read
def results_csv(request: UchastRequest, cycle_pk: int) -> HttpResponse:
    cycle = published_cycle(request, cycle_pk)
    header = ["project_id", "title", "category", "district", "cost_uah", "votes", "selected"]
    rows = (
        [
            project.pk,
            project.title,
            project.category.name,
            project.district.code if project.district else "",
            money(project.total_cost).replace("\u202f", ""),
            project.votes,
            1 if project.status == ProjectStatus.WINNER else 0,
        ]
        for project in selectors.public_projects(cycle).order_by("pk")
    )
    return csv_download(csv_text([header, *rows]), f"budget-{cycle.year}-projects.csv")


def _receipt_found(cycle: BudgetCycle, form: ReceiptForm) -> selectors.ReceiptFound | None:
    """The ballot of the receipt as the published files show it, or None (error on the form)."""
    found = selectors.receipt_lookup(cycle, form.cleaned_data["receipt"])
    if found is None:
        form.add_error("receipt", _("No ballot with this receipt code is in this vote."))
    return found


@require_http_methods(["GET", "POST"])
@public_view
def receipt_check(request: UchastRequest, cycle_pk: int) -> HttpResponse:
    """Look a receipt up; lookups are limited per address and account (``receipt_check``), so
    receipts cannot be collected by trying codes."""
    cycle = published_cycle(request, cycle_pk)
    form = ReceiptForm(request.POST or None)
    found, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            throttle.check("receipt_check", account=request.user, ip=throttle.client_ip(request))
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
            status = refusal.status
        else:
            found = _receipt_found(cycle, form)
    return render(request, "budget/receipt.html", {"cycle": cycle, "form": form, "found": found}, status=status)
