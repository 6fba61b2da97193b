"""The first ballot of a voter in one guarded statement (the voting peak's only write).

It skips the ORM, the row lock and, on PostgreSQL, the explicit transaction: one ``INSERT ... SELECT``
that writes nothing unless the database itself still says what the caller decided on memoised copies
— the cycle is voting, inside its dates, with the same conditions, and every chosen project is still
admitted — and unless the voter has no ballot yet (``ON CONFLICT DO NOTHING`` on the one-ballot
constraint). When it writes nothing, ``services.ballot_cast`` takes the ORM path, which gives the
exact refusal or replaces the ballot. Parameters are named; the text of a statement is built once
per database kind (and, on SQLite, per number of projects), so PostgreSQL keeps it prepared.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from uchast.budget.models import Ballot, BallotChoice, BallotStatus, BudgetCycle, Phase, Project, ProjectStatus
from uchast.budget.tokens import new_receipt_code
from uchast.core.db import hot_cursor
from uchast.verification.models import Verification, VerificationStatus


def insert_first_ballot(
    *,
    cycle: BudgetCycle,
    user: Any,
    token: str,
    projects: Sequence[Project],
    now: datetime,
    age_band: str,
    district_code: str,
) -> Ballot | None:
    """Insert the voter's first ballot and its choices, or nothing (returns None) when the voter
    already has a ballot or when the cycle in the database is not voting with the same conditions,
    or a chosen project is no longer admitted. The ballot comes out ``flagged`` when a paper ballot
    of the same person (through their active verification's identity key) is already in the cycle.

    On PostgreSQL this is one statement (ballot and choices through a data-modifying CTE): one round
    trip, atomic without an explicit transaction, so the voting peak costs the database the least.
    SQLite has no data-modifying CTE: there it is two statements in one transaction.
    """
    receipt = new_receipt_code()
    ids = [p.pk for p in projects]
    postgres = connections[DEFAULT_DB_ALIAS].vendor == "postgresql"
    insert_ballot, insert_choices = first_ballot_statements(postgres, 0 if postgres else len(ids))
    chosen: dict[str, Any] = {"projects": ids} if postgres else {f"p{i}": pk for i, pk in enumerate(ids)}
    params = {
        "token": token,
        "receipt": receipt,
        "user": user.pk,
        "active": VerificationStatus.ACTIVE,
        "flagged": BallotStatus.FLAGGED,
        "counted": BallotStatus.COUNTED,
        "age_band": age_band,
        "district_code": district_code,
        "now": now,
        "cycle": cycle.pk,
        "voting": Phase.VOTING,
        "conditions": cycle.conditions,
        "admitted": ProjectStatus.ADMITTED,
        "count": len(ids),
        **chosen,
    }
    with hot_cursor() as cursor:
        if postgres:
            cursor.execute(insert_ballot, params)
            row = cursor.fetchone()
        else:
            with transaction.atomic():
                cursor.execute(insert_ballot, params)
                row = cursor.fetchone()
                if row is not None:
                    cursor.execute(insert_choices, {"ballot": row[0], **chosen})
    if row is None:
        return None
    return Ballot(
        pk=row[0],
        cycle=cycle,
        voter_token=token,
        receipt_code=receipt,
        status=row[1],
        age_band=age_band,
        district_code=district_code,
        cast_at=now,
    )


@functools.lru_cache(maxsize=64)
def first_ballot_statements(postgres: bool, count: int) -> tuple[str, str]:
    """The statements of :func:`insert_first_ballot`: on PostgreSQL one text for any number of
    projects (``= ANY``), ballot and choices together; on SQLite the ballot, then its choices,
    one text per number of projects."""
    chosen = "p.id = ANY(%(projects)s)" if postgres else f"p.id IN ({', '.join(f'%(p{i})s' for i in range(count))})"
    ballot_table, choice_table, project_table = (m._meta.db_table for m in (Ballot, BallotChoice, Project))
    insert_ballot = f"""
        INSERT INTO {ballot_table}
            (cycle_id, voter_token, identity_key, receipt_code, is_paper, status, age_band, district_code, cast_at)
        SELECT c.id, %(token)s, '', %(receipt)s, FALSE,
            CASE WHEN EXISTS (
                SELECT 1 FROM {ballot_table} paper
                JOIN {Verification._meta.db_table} v ON v.identity_key = paper.identity_key
                WHERE paper.cycle_id = c.id AND paper.identity_key <> '' AND paper.is_paper
                    AND v.user_id = %(user)s AND v.community_id = c.community_id AND v.status = %(active)s
            ) THEN %(flagged)s ELSE %(counted)s END,
            %(age_band)s, %(district_code)s, %(now)s
        FROM {BudgetCycle._meta.db_table} c
        WHERE c.id = %(cycle)s AND c.status = %(voting)s AND c.voting_opens <= %(now)s AND c.voting_closes > %(now)s
            AND c.conditions = %(conditions)s
            AND (SELECT COUNT(*) FROM {project_table} p
                 WHERE p.cycle_id = c.id AND p.status = %(admitted)s AND {chosen}) = %(count)s
        ON CONFLICT DO NOTHING
        RETURNING id, status"""  # noqa: S608 (only table names and placeholders are formatted in)
    if postgres:
        # Ballot and choices in one statement (a data-modifying CTE): one round trip, atomic alone.
        both = f"""
            WITH new_ballot AS ({insert_ballot}),
            choices AS (
                INSERT INTO {choice_table} (ballot_id, project_id)
                SELECT new_ballot.id, p.id FROM new_ballot, {project_table} p WHERE {chosen} RETURNING 1
            )
            SELECT id, status FROM new_ballot"""  # noqa: S608
        return both, ""
    choices = f"""
        INSERT INTO {choice_table} (ballot_id, project_id)
        SELECT %(ballot)s, p.id FROM {project_table} p WHERE {chosen}"""  # noqa: S608
    return insert_ballot, choices
