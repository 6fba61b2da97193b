"""Role predicates (django-rules). Participation conditions live in ``uchast.eligibility``."""

from __future__ import annotations

from typing import Any

import rules

from uchast.accounts.models import Role


def _has_role(user: Any, role: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    # One query per request at most: the role names are cached on the user object.
    cached = getattr(user, "_uchast_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._uchast_roles = cached
    return role in cached or (user.is_superuser and role != Role.ORGANISATION)


@rules.predicate
def is_resident(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def is_official(user: Any) -> bool:
    return _has_role(user, Role.OFFICIAL)


@rules.predicate
def is_moderator(user: Any) -> bool:
    return _has_role(user, Role.MODERATOR)


@rules.predicate
def is_administrator(user: Any) -> bool:
    return _has_role(user, Role.ADMINISTRATOR)


is_staff_member = is_official | is_moderator | is_administrator


@rules.predicate
def is_self(user: Any, other: Any) -> bool:
    return bool(other is not None and getattr(user, "pk", None) == getattr(other, "pk", object()))
