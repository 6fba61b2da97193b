"""Results anyone can check: the published count, the open Pabulib files, a CSV, and a voter's
receipt found in the published file."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from uchast.accounts import throttle
from uchast.budget import selectors
from uchast.budget.formatting import money, ranked, tie_rule_words
from uchast.budget.forms import ReceiptForm
from uchast.budget.models import BudgetCycle, ProjectStatus
from uchast.budget.views.common import published_cycle
from uchast.core.dbrouter import public_read
from uchast.core.errors import ActionRefused
from uchast.core.exports import csv_download, csv_text
from uchast.core.views import public_view
from uchast.core.web import UchastRequest


@require_safe
@public_view
@public_read
def results(request: UchastRequest, cycle_pk: int) -> HttpResponse:
    cycle = published_cycle(request, cycle_pk)
    rows = []
    for result in selectors.results_of(cycle):
        lines = ranked(result.outcome)
        ties = (result.outcome.get("parameters") or {}).get("ties") or ""
        rows.append(
            {
                "result": result,
                "lines": lines,
                "tie_rule": tie_rule_words(str(ties)) if any(line.tied for line in lines) else "",
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
    result = next((r for r in selectors.results_of(cycle) if r.category_id == category_pk), None)
    if result is None:
        raise Http404
    response = HttpResponse(result.pabulib, content_type="text/plain; charset=utf-8")
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
