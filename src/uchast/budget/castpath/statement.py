"""The first ballot of a voter in one guarded statement (the voting peak's only write).

It skips the ORM, the row lock and, on PostgreSQL, the explicit transaction: one statement that
writes nothing unless the database itself still says what the caller decided on memoised copies —
the cycle is voting, inside its dates, with the same conditions, and every chosen project is still
admitted — and unless the *person* has not voted yet: the participation register's row (primary key
(process, person key), ``verification.Participation``) is inserted first, ``ON CONFLICT DO
NOTHING``, and the ballot only if that row was. The ballot itself has ``ON CONFLICT DO NOTHING`` on
the one-ballot-per-account constraint. When it writes no ballot, ``services.ballot_cast`` takes the
ORM path, which gives the exact refusal, replaces the account's ballot, or applies the cycle's
duplicate rule (a paper ballot of the same person). Parameters are named; the text of a statement is
built once per database kind (and, on SQLite, per number of projects), so PostgreSQL keeps it
prepared.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from uchast.budget.actions import BudgetAction
from uchast.budget.models import Ballot, BallotStatus, BudgetCycle, Phase, Project, ProjectStatus
from uchast.budget.tokens import new_receipt_code
from uchast.core.db import hot_cursor
from uchast.verification.models import Channel, Participation
from uchast.verification.selectors import process_key


class _NoBallot(Exception):
    """SQLite: the register row was written but the ballot was not; undo the register row."""


def insert_first_ballot(
    *,
    cycle: BudgetCycle,
    token: str,
    person_key: str,
    person_token: str,
    projects: Sequence[Project],
    sealed: bytes,
    now: datetime,
    age_band: str,
    district_code: str,
) -> Ballot | None:
    """Insert the person's register row and the account's first ballot (counted, its choices
    ``sealed`` to the cycle's key), or nothing (returns None) when the person already took part,
    the account already has a ballot, the cycle in the database is not voting with the same
    conditions, or a chosen project is no longer admitted.

    On PostgreSQL this is one statement (register row and ballot through a data-modifying CTE): one
    round trip, atomic without an explicit transaction, so the voting peak costs the database the
    least. SQLite has no data-modifying CTE: there it is two statements in one transaction. The
    ballot's id is random (UUID4).
    """
    ids = [p.pk for p in projects]
    ballot_id = uuid.uuid4()
    postgres = connections[DEFAULT_DB_ALIAS].vendor == "postgresql"
    register, insert_ballot = first_ballot_statements(postgres, 0 if postgres else len(ids))
    chosen: dict[str, Any] = {"projects": ids} if postgres else {f"p{i}": pk for i, pk in enumerate(ids)}
    params = {
        "id": ballot_id if postgres else ballot_id.hex,
        "process": process_key(BudgetAction.VOTE, cycle.pk),
        "person_key": person_key,
        "online": Channel.ONLINE,
        "token": token,
        "person_token": person_token,
        "receipt": new_receipt_code(),
        "sealed": sealed,
        "counted": BallotStatus.COUNTED,
        "age_band": age_band,
        "district_code": district_code,
        "now": now,
        "today": timezone.localdate(now),
        "cycle": cycle.pk,
        "voting": Phase.VOTING,
        "conditions": cycle.conditions,
        "admitted": ProjectStatus.ADMITTED,
        "count": len(ids),
        **chosen,
    }
    if postgres:
        with hot_cursor() as cursor:
            cursor.execute(insert_ballot, params)
            row = cursor.fetchone()
    else:
        row = _insert_on_sqlite(register, insert_ballot, params)
    if row is None:
        return None
    return Ballot(
        pk=ballot_id,
        cycle=cycle,
        voter_token=token,
        person_token=person_token,
        receipt_code=params["receipt"],
        sealed=sealed,
        status=BallotStatus.COUNTED,
        age_band=age_band,
        district_code=district_code,
        cast_on=params["today"],
    )


def _insert_on_sqlite(register: str, insert_ballot: str, params: dict[str, Any]) -> Any:
    try:
        with transaction.atomic(), hot_cursor() as cursor:
            cursor.execute(register, params)
            if cursor.fetchone() is None:
                return None
            cursor.execute(insert_ballot, params)
            row = cursor.fetchone()
            if row is None:
                raise _NoBallot
            return row
    except _NoBallot:
        return None


@functools.lru_cache(maxsize=64)
def first_ballot_statements(postgres: bool, count: int) -> tuple[str, str]:
    """The statements of :func:`insert_first_ballot`: on PostgreSQL one text for any number of
    projects (``= ANY``), register row and sealed ballot together (returned second; the first is
    empty); on SQLite the register row, then the ballot, one text per number of projects. The
    chosen ids are parameters of the guard only: what is stored of them is the sealed box."""
    chosen = "p.id = ANY(%(projects)s)" if postgres else f"p.id IN ({', '.join(f'%(p{i})s' for i in range(count))})"
    ballot_table, project_table = (m._meta.db_table for m in (Ballot, Project))
    register = f"""
        INSERT INTO {Participation._meta.db_table} (process, person_key, channel, recorded_on)
        SELECT %(process)s, %(person_key)s, %(online)s, %(today)s
        FROM {BudgetCycle._meta.db_table} c
        WHERE c.id = %(cycle)s AND c.status = %(voting)s AND c.voting_opens <= %(now)s AND c.voting_closes > %(now)s
            AND c.conditions = %(conditions)s
            AND (SELECT COUNT(*) FROM {project_table} p
                 WHERE p.cycle_id = c.id AND p.status = %(admitted)s AND {chosen}) = %(count)s
        ON CONFLICT DO NOTHING
        RETURNING 1"""  # noqa: S608 (only table names and placeholders are formatted in)
    ballot_columns = (
        "id, cycle_id, voter_token, person_token, receipt_code, sealed, check_digest, is_paper, status, age_band, "
        "district_code, cast_on"
    )
    ballot_values = (
        "%(id)s, %(cycle)s, %(token)s, %(person_token)s, %(receipt)s, %(sealed)s, '', FALSE, %(counted)s, "
        "%(age_band)s, %(district_code)s, %(today)s"
    )
    if postgres:
        # Register row and ballot in one statement: one round trip, atomic alone. The ballot is
        # inserted only if the register row was (the person's first voice in this cycle).
        both = f"""
            WITH registered AS ({register})
            INSERT INTO {ballot_table} ({ballot_columns})
            SELECT {ballot_values} FROM registered
            ON CONFLICT DO NOTHING
            RETURNING id"""  # noqa: S608
        return "", both
    insert_ballot = f"""
        INSERT INTO {ballot_table} ({ballot_columns}) VALUES ({ballot_values})
        ON CONFLICT DO NOTHING
        RETURNING id"""  # noqa: S608
    return register, insert_ballot
