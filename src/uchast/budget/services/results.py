"""Counting and results: the sealed ballots opened with the cycle's key (``budget.sealing``), every
category counted by its rule (``uchast.tally``), published with the Pabulib file anyone can recount.

The count is closed before it is published: counting refuses while a paper position is unsettled or
a ballot flagged; publication refuses unless each stored file is the one whose SHA-256 the count put
on the audit log and the files hold exactly the ballots counted."""

from __future__ import annotations

import functools
import hashlib
import io
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from nacl.public import PrivateKey

from uchast import tally
from uchast.budget import selectors
from uchast.budget.actions import BudgetAction
from uchast.budget.errors import BudgetError
from uchast.budget.models import (
    Ballot,
    BallotChoice,
    BallotStatus,
    BudgetCycle,
    Category,
    CategoryResult,
    CountingRule,
    Phase,
    Project,
    ProjectStatus,
)
from uchast.budget.sealing import open_many, private_key_for_count
from uchast.budget.tokens import receipt_voter_id
from uchast.core import audit
from uchast.core.exports import spreadsheet_safe
from uchast.core.models import AuditEntry
from uchast.tally.model import CheckedBallots
from uchast.verification.services import participation_forget

META_RULE = {CountingRule.GREEDY: "greedy", CountingRule.MES: "equalshares/add1", CountingRule.PHRAGMEN: "phragmen"}


def category_election(
    category: Category,
    opened: Mapping[str, Sequence[int]],
    *,
    selected: Iterable[str] = (),
    for_file: bool = False,
    voter_ids: Mapping[str, str] | None = None,
    ballots: tuple[tally.Ballot, ...] | CheckedBallots | None = None,
) -> tally.Election:
    """The category as a tally election: admitted projects, the counted ballots ``opened`` (receipt
    code -> project ids) that chose in it (voter id = receipt hash, ballots in the order of their
    voter ids).

    ``for_file``: the election of the published Pabulib file, whose free text (project titles from
    residents, the cycle's and category's names) is made spreadsheet-safe (``core.exports``). The file
    is ``;``-separated text that people open in spreadsheets, where a title like ``=HYPERLINK(...)``
    would run; the leading apostrophe shows it as text. Counting never reads names, so the recount
    (``uchast tally --check``) of the file agrees, and its SHA-256 is taken of the file as published.

    A count passes ``voter_ids`` (receipt -> voter id, hashed once for all categories) and, for the
    file, the ``ballots`` of the election it counted: at a city's 150,000 ballots, building them
    again was a quarter of the count.
    """
    text: Callable[[str], str] = _file_text if for_file else str
    cycle = category.cycle
    chosen = set(selected)
    projects = list(
        Project.objects.filter(
            category=category, status__in=[ProjectStatus.ADMITTED, ProjectStatus.WINNER, ProjectStatus.NOT_SELECTED]
        ).order_by("pk")
    )
    if ballots is None:
        ballots = _category_ballots({p.pk for p in projects}, opened, voter_ids)
    return tally.Election(
        projects=tuple(
            tally.Project(
                str(p.pk),
                cost=p.total_cost,
                name=text(p.title),
                extra=(("selected", "1" if str(p.pk) in chosen else "0"),) if selected != () else (),
            )
            for p in projects
        ),
        ballots=ballots,
        budget=category.budget,
        kind=tally.BallotKind.APPROVAL,
        money_scale=2,
        meta=(
            ("description", text(f"{cycle.title}: {category.name}")),
            ("country", "Ukraine"),
            ("unit", text(cycle.community.name_uk)),
            ("instance", str(cycle.year)),
            ("subunit", text(category.name)),
            ("currency", "UAH"),
            ("rule", META_RULE[CountingRule(category.counting_rule)]),
        ),
    )


def _category_ballots(
    ids: set[int], opened: Mapping[str, Sequence[int]], voter_ids: Mapping[str, str] | None
) -> tuple[tally.ApprovalBallot, ...]:
    """The ballots that chose in a category (its project ids ``ids``), each with only those choices,
    in the order of their voter ids (hashes of receipt codes): random, and the same at every recount,
    never the order of casting (whoever knows when a neighbour voted finds nothing)."""
    ballots = []
    for receipt, chosen in opened.items():
        mine = ids.intersection(chosen)
        if mine:
            voter_id = voter_ids[receipt] if voter_ids is not None else receipt_voter_id(receipt)
            ballots.append(tally.ApprovalBallot(tuple(str(pk) for pk in sorted(mine)), voter_id=voter_id))
    ballots.sort(key=lambda ballot: ballot.voter_id or "")
    return tuple(ballots)


def _file_text(value: str) -> str:
    return str(spreadsheet_safe(value))


def open_ballots(cycle: BudgetCycle, key: PrivateKey) -> dict[str, list[int]]:
    """The counted ballots' choices by receipt code: sealed ones opened with ``key``; ballots cast
    before sealing existed have theirs as ``BallotChoice`` rows. Held in memory for the count only."""
    counted = Ballot.objects.filter(cycle=cycle, status=BallotStatus.COUNTED)
    rows = list(counted.filter(sealed__isnull=False).values_list("receipt_code", "sealed"))
    opened: dict[str, list[int]] = dict(
        zip((receipt for receipt, _sealed in rows), open_many(key, [sealed for _receipt, sealed in rows]), strict=True)
    )
    for receipt, project_id in BallotChoice.objects.filter(ballot__in=counted.filter(sealed__isnull=True)).values_list(
        "ballot__receipt_code", "project_id"
    ):
        opened.setdefault(receipt, []).append(project_id)
    return opened


def _count_category(category: Category, election: tally.Election) -> tally.Outcome:
    if category.counting_rule == CountingRule.PHRAGMEN:
        return tally.count(election, "phragmen")
    # The same variant the file's META rule names, so `uchast tally --check` reproduces it.
    return tally.count_spec(election, tally.spec_for_meta_rule(election))


def close_ballot_links(cycle: BudgetCycle) -> None:
    """Voting closed: erase the voter tokens and the person tokens (paper entry closes with voting,
    so the duplicate rule has nothing left to decide) and write the cycle's ballots again, in random
    order, with new random ids. Rows are stored in the order they were written, so until now the order of
    rows followed the order of casting, which anything that records when a person was active (a
    login time, a session, a web server log) could match; after this the stored order, like the
    ids, is random. Receipts, statuses and choices stay as they are. Runs in the caller's
    transaction (the phase change)."""
    Ballot.objects.filter(cycle=cycle).update(voter_token=None, person_token="")
    if connection.vendor == "postgresql":
        _rewrite_in_random_order(cycle)
        return
    fields = [f.attname for f in Ballot._meta.concrete_fields if f.attname != "id"]
    rows = list(Ballot.objects.filter(cycle=cycle).values("id", *fields))
    choices: dict[Any, list[int]] = {}
    for ballot_id, project_id in BallotChoice.objects.filter(ballot__cycle=cycle).values_list(
        "ballot_id", "project_id"
    ):
        choices.setdefault(ballot_id, []).append(project_id)
    Ballot.objects.filter(cycle=cycle).delete()
    secrets.SystemRandom().shuffle(rows)
    fresh = [Ballot(**{name: row[name] for name in fields}) for row in rows]
    Ballot.objects.bulk_create(fresh, batch_size=1000)
    BallotChoice.objects.bulk_create(
        (
            BallotChoice(ballot=ballot, project_id=project_id)
            for row, ballot in zip(rows, fresh, strict=True)
            for project_id in choices.get(row["id"], [])
        ),
        batch_size=2000,
    )


#: :func:`close_ballot_links` in PostgreSQL, in order; ``{ballot}``, ``{choice}`` and ``{columns}`` are
#: the models' table and column names, the cycle is a bound parameter.
_CLOSING_SQL = (
    "CREATE TEMPORARY TABLE closing_ballots AS SELECT gen_random_uuid() AS new_id,"
    " row_number() OVER (ORDER BY gen_random_uuid()) AS position, id, {columns}"
    " FROM {ballot} WHERE cycle_id = %(cycle)s",
    "CREATE TEMPORARY TABLE closing_choices AS SELECT t.new_id, c.project_id"
    " FROM {choice} c JOIN closing_ballots t ON t.id = c.ballot_id",
    "DELETE FROM {choice} WHERE ballot_id IN (SELECT id FROM closing_ballots)",
    "DELETE FROM {ballot} WHERE cycle_id = %(cycle)s",
    "INSERT INTO {ballot} (id, {columns}) SELECT new_id, {columns} FROM closing_ballots ORDER BY position",
    "INSERT INTO {choice} (id, ballot_id, project_id)"
    " SELECT gen_random_uuid(), new_id, project_id FROM closing_choices ORDER BY new_id",
    "DROP TABLE closing_ballots, closing_choices",
)


def _rewrite_in_random_order(cycle: BudgetCycle) -> None:
    """:func:`close_ballot_links` inside PostgreSQL: the same rewrite (new random ids, rows written in a
    random order, choices following their ballots) as seven statements over the cycle's rows, instead
    of every ballot and choice through Python objects (over a minute for a city's 64,000 ballots,
    longer than a request may take). ``gen_random_uuid()`` draws from the server's strong random
    source, for the ids and for the order."""
    names = {
        "ballot": connection.ops.quote_name(Ballot._meta.db_table),
        "choice": connection.ops.quote_name(BallotChoice._meta.db_table),
        "columns": ", ".join(
            connection.ops.quote_name(str(f.column)) for f in Ballot._meta.concrete_fields if f.attname != "id"
        ),
    }
    with transaction.atomic(), connection.cursor() as cursor:  # the temporary tables go with a failure
        for statement in _CLOSING_SQL:
            cursor.execute(statement.format(**names), {"cycle": cycle.pk})  # noqa: S608 (names from the models)


def erase_voter_tokens(cycle: BudgetCycle) -> None:
    """Voting closed: no ballot can be replaced any more, so the link from accounts to ballots (the
    voter token) is erased. (The person token stays until publication: paper ballots entered
    until then still need the cycle's duplicate rule.)"""
    Ballot.objects.filter(cycle=cycle, voter_token__isnull=False).update(voter_token=None)


def _refuse_unfinished(cycle: BudgetCycle) -> None:
    if cycle.status != Phase.RESULTS or cycle.results_published_at is not None:
        raise BudgetError("not_countable", _("Ballots are counted after voting closes and before publication."))
    unsettled = selectors.unsettled_paper(cycle)
    if unsettled:
        raise BudgetError(
            "paper_unsettled",
            _("Paper batches %(batches)s have positions whose two entries disagree or are missing; settle them first.")
            % {"batches": ", ".join(b.number for b in unsettled)},
        )
    if Ballot.objects.filter(cycle=cycle, status=BallotStatus.FLAGGED).exists():
        raise BudgetError("flagged_left", _("Decide on every flagged ballot before counting."))


def cycle_count(*, cycle: BudgetCycle, actor: Any = None, shares: Sequence[str] = ()) -> list[CategoryResult]:
    """Open the sealed ballots, count every category with its rule; store outcome, Pabulib file and
    its SHA-256 (on the audit log too).

    Precondition: voting has closed (phase ``results``), results are not yet published, every paper
    position is settled and no ballot is flagged. A commission-key cycle needs ``shares`` (k of the
    members' texts); a refusal (wrong, repeated, mistyped, foreign or too few shares) changes nothing.
    The key is not kept: it is made here and goes out of scope when the ballots are opened.
    """
    _refuse_unfinished(cycle)
    opened = open_ballots(cycle, private_key_for_count(cycle, shares))
    results = []
    with transaction.atomic():
        erase_voter_tokens(cycle)
        voter_ids = {receipt: receipt_voter_id(receipt) for receipt in opened}
        for category in cycle.categories.all():
            election = category_election(category, opened, voter_ids=voter_ids)
            outcome = _count_category(category, election)
            counted = tuple(election.ballots)  # checked once, by the election just counted
            published = category_election(
                category,
                opened,
                selected=outcome.selected,
                for_file=True,
                ballots=CheckedBallots(len(counted), functools.partial(tuple, counted)),
            )
            text = tally.pabulib_text(published)
            result, _created = CategoryResult.objects.update_or_create(
                category=category,
                defaults={
                    "outcome": outcome.to_dict(),
                    "pabulib": text,
                    "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                },
            )
            # One statement per thousand projects, not one per project (1,400 in a city's category).
            Project.objects.bulk_update(
                [Project(pk=int(result.project_id), votes=result.votes) for result in outcome.projects],
                ["votes"],
                batch_size=1000,
            )
            results.append(result)
        audit.record(
            action="budget.counted",
            actor=actor,
            obj=cycle,
            community=cycle.community,
            summary={"ballots": len(opened), "sha256": {r.category.name: r.sha256 for r in results}},
        )
    return results


def _refuse_unless_files_hold_the_count(cycle: BudgetCycle, results: Sequence[CategoryResult]) -> None:
    """The files to publish are the ones the count recorded (SHA-256 of the stored text = the one
    on the audit log) and together list exactly the ballots counted now, no more, no fewer."""
    entry = (
        AuditEntry.objects.filter(action="budget.counted", object_id=str(cycle.pk), community=cycle.community)
        .order_by("-sequence")
        .first()
    )
    recorded = dict((entry.summary or {}).get("sha256", {})) if entry else {}
    listed: set[str] = set()
    for result in results:
        checksum = hashlib.sha256(result.pabulib.encode("utf-8")).hexdigest()
        if not (checksum == result.sha256 == recorded.get(result.category.name)):
            raise BudgetError(
                "file_changed",
                _("The file of «%(category)s» is not the one the count recorded; count again.")
                % {"category": result.category.name},
            )
        listed |= {b.voter_id or "" for b in tally.read_pabulib(io.StringIO(result.pabulib)).ballots}
    counted = {
        receipt_voter_id(r)
        for r in Ballot.objects.filter(cycle=cycle, status=BallotStatus.COUNTED).values_list("receipt_code", flat=True)
    }
    if listed != counted:
        raise BudgetError(
            "count_outdated",
            _("The files hold %(files)s ballots but %(counted)s are counted now; count again.")
            % {"files": len(listed), "counted": len(counted)},
        )


def cycle_publish(*, cycle: BudgetCycle, actor: Any) -> BudgetCycle:
    """Publish the reviewed count: winners marked, files and hashes public, phase → implementation."""
    if cycle.status != Phase.RESULTS or cycle.results_published_at is not None:
        raise BudgetError("not_publishable", _("Only counted, unpublished results can be published."))
    results = list(CategoryResult.objects.filter(category__cycle=cycle).select_related("category"))
    if len(results) != cycle.categories.count():
        raise BudgetError("not_counted", _("Count the ballots before publishing."))
    if Ballot.objects.filter(cycle=cycle, status=BallotStatus.FLAGGED).exists():
        raise BudgetError("flagged_left", _("Decide on every flagged ballot before publishing."))
    _refuse_unless_files_hold_the_count(cycle, results)
    with transaction.atomic():
        winners = [int(pid) for r in results for pid in r.outcome["selected"]]
        Project.objects.filter(cycle=cycle, status=ProjectStatus.ADMITTED).update(status=ProjectStatus.NOT_SELECTED)
        Project.objects.filter(pk__in=winners).update(status=ProjectStatus.WINNER)
        cycle.results_published_at = timezone.now()
        cycle.status = Phase.IMPLEMENTATION
        cycle.save(update_fields=["results_published_at", "status"])
        # Nothing can be added to the count any more: the last links between ballots and people go.
        Ballot.objects.filter(cycle=cycle).update(voter_token=None, person_token="")
        participation_forget(action=BudgetAction.VOTE, process_ids=[cycle.pk])
        audit.record(
            action="budget.results_published",
            actor=actor,
            obj=cycle,
            community=cycle.community,
            summary={"winners": winners, "sha256": {r.category.name: r.sha256 for r in results}},
        )
    return cycle
