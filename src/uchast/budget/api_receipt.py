"""A voter's receipt checked through the API (issue 18): the lookup of the page "Check your ballot"
(``views.results.receipt_check``) as a GET, counted by the same attempt limit (``receipt_check``,
per account and address) so receipts cannot be collected by trying codes. It changes nothing.

Mounted by the assembly at ``/budget/`` beside ``budget.api.router``. The page sends the code by POST
to keep it out of addresses; an API client sends it as a query parameter over TLS, and the answer is
marked ``no-store``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema

from uchast.accounts import throttle
from uchast.budget import selectors
from uchast.core.api.operations import THROTTLED_ITEM_ERRORS, lazy_text
from uchast.core.errors import ActionRefused
from uchast.core.web import UchastRequest

router = Router(tags=["budget"])


class BallotReceiptProjectOut(Schema):
    id: int
    title: str
    category: str


class BallotReceiptLineOut(Schema):
    category: str
    line: str


class BallotReceiptOut(Schema):
    voter_id: str  # the ballot's id in the published Pabulib files
    in_published_file: bool  # false: not counted, or results not published yet
    lines: list[BallotReceiptLineOut]
    projects: list[BallotReceiptProjectOut]


class BallotReceiptQuery(Schema):
    code: str = Field(..., min_length=1, max_length=20, description="The receipt code given when voting.")


@router.get(
    "/cycles/{cycle_id}/receipt",
    response={200: BallotReceiptOut, **THROTTLED_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("Check my ballot by its receipt code")),
)
def check_receipt(
    request: UchastRequest, cycle_id: int, query: Query[BallotReceiptQuery], response: HttpResponse
) -> BallotReceiptOut:
    if not request.user.has_perm("core.view_public"):
        raise PermissionDenied
    cycle = selectors.access_cycle(request.user, request.community, cycle_id)
    if cycle.results_published_at is None and not request.user.has_perm("budget.manage"):
        raise Http404
    throttle.check("receipt_check", account=request.user, ip=throttle.client_ip(request))
    response["Cache-Control"] = "no-store"
    found = selectors.receipt_lookup(cycle, query.code)
    if found is None:
        raise ActionRefused("receipt_not_found", _("No ballot with this receipt code is in this vote."), status=404)
    return BallotReceiptOut(
        voter_id=found.voter_id,
        in_published_file=bool(found.lines),
        lines=[BallotReceiptLineOut(category=category, line=line) for category, line in found.lines],
        projects=[BallotReceiptProjectOut(id=p.pk, title=p.title, category=p.category.name) for p in found.projects],
    )
