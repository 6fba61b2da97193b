"""Who casts through the API at the voting peak: the token's user, their evidence, their person
key and whether they are staff without a second factor, in one statement.

It skips the two ORM queries an authenticated cast would otherwise make (the API token with its
user, then the active verification with its district): one prepared statement reads both, builds
the user as the ORM would (``Model.from_db`` with the compiler's converters) and leaves the
evidence where ``verification.selectors.evidence_for`` looks first, so the eligibility check of the
same request asks the database nothing more.
"""

from __future__ import annotations

import functools
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from uchast.core.db import hot_cursor
from uchast.core.models import Community, District
from uchast.eligibility import Evidence
from uchast.verification.models import Verification, VerificationStatus
from uchast.verification.selectors import PERSON_KEY_CACHE

#: Where ``verification.selectors.evidence_for`` keeps a user's evidence for the request, by
#: community id (it reads ``user.__dict__[EVIDENCE_CACHE][community.pk]`` before any query).
EVIDENCE_CACHE = "_uchast_evidence"

#: Set on the user to True when they are staff who have not set up a second factor: the API refuses
#: them everything (``accounts.apiauth``), the cast included; the lane hands them to Django for it.
SECOND_FACTOR_MISSING = "_uchast_second_factor_missing"


def voter_for_api_key(key: str, community: Community | None) -> Any:
    """The active user owning the API token ``key``, with the evidence and the person key of their
    active verification in ``community`` already attached (as ``evidence_for`` and
    ``person_key_of`` cache them) and :data:`SECOND_FACTOR_MISSING` set, or None."""
    from uchast.accounts.models import ApiToken, Role, User

    db = connections[DEFAULT_DB_ALIAS]
    query, user_fields, converters = _voter_query(db.vendor)
    params = {
        "community": community.pk if community else None,
        "active": VerificationStatus.ACTIVE,
        "key_hash": ApiToken.hash_key(key),
        # A ballot is a write: only a live token with the participate scope casts (accounts.apiauth).
        "now": timezone.now(),
        "participate": "%participate%",
        "official": Role.OFFICIAL.value,
        "moderator": Role.MODERATOR.value,
        "administrator": Role.ADMINISTRATOR.value,
        "totp": Authenticator.Type.TOTP.value,
    }
    with hot_cursor() as cursor:
        cursor.execute(query, params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row[: len(user_fields)])
    for index, column, functions in converters:
        for function in functions:
            values[index] = function(values[index], column, db)
    user = User.from_db(DEFAULT_DB_ALIAS, user_fields, values)
    basis, birth_date, district, expires_on, person_key, staff, totp = row[len(user_fields) :]
    # The rule of ``accounts.selectors.staff_without_second_factor`` (a superuser counts as staff,
    # as in ``accounts.predicates``), from the same statement.
    user.__dict__[SECOND_FACTOR_MISSING] = bool(
        settings.UCHAST_REQUIRE_STAFF_MFA and (staff or user.is_superuser) and not totp
    )
    if community is not None:
        # Without an active verification the LEFT JOIN gives NULLs, and a NULL basis (never NULL in
        # a row) means "not verified".
        evidence = Evidence(
            verified=basis is not None, basis=basis, birth_date=birth_date, district=district, expires_on=expires_on
        )
        user.__dict__[EVIDENCE_CACHE] = {community.pk: evidence}
        user.__dict__[PERSON_KEY_CACHE] = {community.pk: person_key or ""}
    return user


@functools.cache
def _voter_query(vendor: str) -> tuple[str, list[str], list[tuple[int, Any, list[Any]]]]:
    """The statement of ``voter_for_api_key``, the user columns it reads, and for those that need
    it the converters the ORM's compiler would apply (JSON parsed, booleans on SQLite...). Built
    once per database kind: every cast at the voting peak runs it."""
    from uchast.accounts.models import ApiToken, User

    db = connections[DEFAULT_DB_ALIAS]
    fields = list(User._meta.concrete_fields)
    columns = ", ".join(f"u.{db.ops.quote_name(f.column or f.attname)}" for f in fields)
    user_groups = User.groups.through._meta.db_table
    query = f"""
        SELECT {columns}, v.basis, v.birth_date, d.code, v.expires_on, v.person_key,
            EXISTS (SELECT 1 FROM {user_groups} ug JOIN {Group._meta.db_table} g ON g.id = ug.group_id
                WHERE ug.user_id = u.id AND g.name IN (%(official)s, %(moderator)s, %(administrator)s)),
            EXISTS (SELECT 1 FROM {Authenticator._meta.db_table} a WHERE a.user_id = u.id AND a.type = %(totp)s)
        FROM {ApiToken._meta.db_table} t
        JOIN {User._meta.db_table} u ON u.id = t.user_id
        LEFT JOIN {Verification._meta.db_table} v
            ON v.user_id = u.id AND v.community_id = %(community)s AND v.status = %(active)s
        LEFT JOIN {District._meta.db_table} d ON d.id = v.district_id
        WHERE t.key_hash = %(key_hash)s AND u.is_active AND t.expires_at > %(now)s
            AND t.scopes LIKE %(participate)s
        ORDER BY v.id
        LIMIT 1"""  # noqa: S608 (table and column names from model metadata; values are bound)
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(User._meta.db_table)
        functions = db.ops.get_db_converters(column) + column.get_db_converters(db)
        if functions:
            converters.append((index, column, functions))
    return query, [f.attname for f in fields], converters
