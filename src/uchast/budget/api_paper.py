"""Paper ballots and flagged ballots through the API (issue 18): batches, the first entry, the
second independent entry, settling a position whose entries disagree, and the decision on a ballot
flagged because its person voted twice — the services, permissions (``budget.enter_paper``,
``budget.manage``) and audit of ``views.staff`` and ``views.manage``, and the token's ``staff`` scope.

A second entry that disagrees with the first is saved, as on the page, and the position is listed
among the batch's ``mismatches``; counting is refused (``paper_unsettled``) until it is settled."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Schema, Status

from uchast.accounts.apiauth import AUTHENTICATED, require_staff
from uchast.budget import selectors, services
from uchast.budget.api import _cycle, router
from uchast.budget.api_write import DbId, _choice
from uchast.budget.forms import IDENTITY_KINDS
from uchast.budget.models import Ballot, BallotStatus, PaperBatch
from uchast.core.api.operations import BUDGET_WRITE_ERRORS, SIGNED_IN_ITEM_ERRORS, lazy_text
from uchast.core.api.pagination import PageIn, page
from uchast.core.errors import ActionRefused
from uchast.core.web import UchastRequest

ENTER = "budget.enter_paper"
Position = Annotated[int, Field(ge=1, le=2**31 - 1, description="The ballot's position in its batch.")]
Choices = Annotated[list[DbId], Field(max_length=200, description="The ids of the projects marked on the paper.")]


class BudgetPaperBatchIn(Schema):
    number: str = Field(..., min_length=1, max_length=40)
    place: str = Field(..., min_length=1, max_length=200, description="Where the ballots were cast (IDP hub, ЦНАП).")


class BudgetMismatchOut(Schema):
    position: int
    problem: str  # no_second (only the first entry), no_first (only the second) or differ


class BudgetPaperBatchOut(Schema):
    id: int
    cycle_id: int
    number: str
    place: str
    entered: int
    mismatches: list[BudgetMismatchOut]


class BudgetPaperBallotIn(Schema):
    position: Position
    identity_kind: str = Field(..., max_length=30, description="rnokpp, id_card, passport_book or birth_certificate")
    identity_number: str = Field(..., min_length=1, max_length=40)
    projects: Choices


class BudgetPaperBallotOut(Schema):
    position: int
    flagged: bool  # the person had already voted: the ballot waits for a decision


class BudgetPaperCheckIn(Schema):
    position: Position
    projects: Choices


class BudgetPaperCheckOut(Schema):
    position: int
    matched: bool  # False: the entries disagree (or the first is missing); settle the position


class BudgetPaperResolveIn(Schema):
    position: Position
    projects: Choices
    reason: str = Field(..., max_length=500)


class BudgetFlaggedOut(Schema):
    id: UUID
    is_paper: bool
    batch: str | None
    batch_position: int | None
    cast_on: date
    status: str


class BudgetBallotDecisionIn(Schema):
    count: bool = Field(..., description="True: the ballot counts; false: it does not.")
    reason: str = Field(..., max_length=500)


def _batch(request: UchastRequest, batch_id: int) -> PaperBatch:
    require_staff(request, ENTER)
    found = PaperBatch.objects.select_related("cycle").filter(pk=batch_id, cycle__community=request.community).first()
    if found is None:
        raise ActionRefused("not_found", _("No such paper batch."), status=404)
    return found


def _batch_out(batch: PaperBatch) -> BudgetPaperBatchOut:
    return BudgetPaperBatchOut(
        id=batch.pk,
        cycle_id=batch.cycle_id,
        number=batch.number,
        place=batch.place,
        entered=batch.ballots.count(),
        mismatches=[
            BudgetMismatchOut(position=m.position, problem=m.problem) for m in selectors.paper_mismatches(batch)
        ],
    )


def _flagged_out(ballot: Ballot) -> BudgetFlaggedOut:
    return BudgetFlaggedOut(
        id=ballot.pk,
        is_paper=ballot.is_paper,
        batch=ballot.batch.number if ballot.batch else None,
        batch_position=ballot.batch_position,
        cast_on=ballot.cast_on,
        status=ballot.status,
    )


@router.post(
    "/cycles/{cycle_id}/paper",
    response={201: BudgetPaperBatchOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Open a batch of paper ballots (staff)")),
)
def create_paper_batch(
    request: UchastRequest, cycle_id: int, payload: BudgetPaperBatchIn
) -> Status[BudgetPaperBatchOut]:
    require_staff(request, "budget.manage")
    cycle = _cycle(request, cycle_id)
    batch = services.paper_batch_create(cycle=cycle, actor=request.user, number=payload.number, place=payload.place)
    return Status(201, _batch_out(batch))


@router.get(
    "/paper/{batch_id}",
    response={200: BudgetPaperBatchOut, **SIGNED_IN_ITEM_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("A paper batch: ballots entered and positions to settle (staff)")),
)
def paper_batch(request: UchastRequest, batch_id: int) -> BudgetPaperBatchOut:
    return _batch_out(_batch(request, batch_id))


@router.post(
    "/paper/{batch_id}/ballots",
    response={201: BudgetPaperBallotOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Enter a paper ballot, the first entry (staff)")),
)
def enter_paper_ballot(
    request: UchastRequest, batch_id: int, payload: BudgetPaperBallotIn
) -> Status[BudgetPaperBallotOut]:
    batch = _batch(request, batch_id)
    ballot = services.paper_ballot_enter(
        batch=batch,
        actor=request.user,
        position=payload.position,
        identity_kind=_choice(payload.identity_kind, [kind for kind, _label in IDENTITY_KINDS], "identity_kind"),
        identity_number=payload.identity_number,
        project_ids=payload.projects,
    )
    return Status(201, BudgetPaperBallotOut(position=payload.position, flagged=ballot.status == BallotStatus.FLAGGED))


@router.post(
    "/paper/{batch_id}/checks",
    response={201: BudgetPaperCheckOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Enter a paper ballot again, the second entry by another person (staff)")),
)
def check_paper_ballot(
    request: UchastRequest, batch_id: int, payload: BudgetPaperCheckIn
) -> Status[BudgetPaperCheckOut]:
    batch = _batch(request, batch_id)
    entry = services.paper_check_enter(
        batch=batch, actor=request.user, position=payload.position, project_ids=payload.projects
    )
    return Status(201, BudgetPaperCheckOut(position=payload.position, matched=entry.matched))


@router.post(
    "/paper/{batch_id}/resolve",
    response={200: BudgetPaperBatchOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Settle a position whose entries disagree, read again from the paper (staff)")),
)
def resolve_paper_position(request: UchastRequest, batch_id: int, payload: BudgetPaperResolveIn) -> BudgetPaperBatchOut:
    batch = _batch(request, batch_id)
    services.paper_mismatch_resolve(
        batch=batch, actor=request.user, position=payload.position, project_ids=payload.projects, reason=payload.reason
    )
    return _batch_out(batch)


@router.get(
    "/cycles/{cycle_id}/flagged",
    response={200: list[BudgetFlaggedOut], **SIGNED_IN_ITEM_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Ballots flagged because their person voted twice (staff)")),
)
def flagged_ballots(request: UchastRequest, cycle_id: int, paging: Query[PageIn]) -> list[BudgetFlaggedOut]:
    require_staff(request, "budget.manage")
    cycle = _cycle(request, cycle_id)
    return [_flagged_out(b) for b in page(selectors.flagged_ballots(cycle).order_by("pk"), paging)]


@router.post(
    "/cycles/{cycle_id}/ballots/{ballot_id}/resolve",
    response={200: BudgetFlaggedOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Decide whether a flagged ballot counts (staff)")),
)
def resolve_flagged_ballot(
    request: UchastRequest, cycle_id: int, ballot_id: UUID, payload: BudgetBallotDecisionIn
) -> BudgetFlaggedOut:
    require_staff(request, "budget.manage")
    cycle = _cycle(request, cycle_id)
    ballot = Ballot.objects.select_related("batch").filter(cycle=cycle, pk=ballot_id).first()
    if ballot is None:
        raise ActionRefused("not_found", _("No such ballot."), status=404)
    decided = services.ballot_resolve(ballot=ballot, actor=request.user, count_it=payload.count, reason=payload.reason)
    return _flagged_out(decided)
