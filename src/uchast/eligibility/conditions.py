"""Participation conditions: who may take part in an action, and why not.

A *condition set* is attached to a process or an action (``budget.vote``,
``petition.sign`` ...). It is a conjunction of at most one condition of each kind:

* ``verified`` -- the person holds a current (not expired, not revoked) verification;
* ``min_age(N)`` -- the person is at least N full years old on the day of the action;
* ``basis in {...}`` -- the current verification rests on one of the listed *bases*;
* ``district in {...}`` -- the person's district code is one of the listed ones.

:func:`evaluate` never stops at the first failure: it returns every unmet condition as a
:class:`Missing` with a stable machine ``code`` and plain-value ``params``, so that the
Django layer can render one precise, translated message ("confirm your residence in one
of three ways ...", "you can vote from 3 May 2026").

The compact text syntax (:mod:`uchast.eligibility.syntax`; what is stored on a process and what
administrators type) is::

    verified; min_age(14); basis in {registered, idp, census}; district in {d1, d2}

Keywords and basis names are case-insensitive; district codes are kept as written. The
empty text means "no conditions" (anyone). :func:`format_conditions` writes the
canonical form, and ``parse_conditions(format_conditions(cs)) == cs`` holds for every
condition set.

This module is pure: it never imports Django, and takes "today" as an argument.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Final, TypeVar

__all__ = [
    "BASES",
    "BasisIn",
    "Condition",
    "ConditionSet",
    "Decision",
    "DistrictIn",
    "Evidence",
    "MinAge",
    "Missing",
    "MissingCode",
    "ParamValue",
    "Verified",
    "BASES_IN_ORDER",
    "MAX_MIN_AGE",
    "age_on",
    "evaluate",
    "reaches_age_on",
]

#: The bases on which residence in the community can be proved, in the order they are shown
#: to people (the most common first). Django apps should use this tuple for their choices.
BASES_IN_ORDER: Final[tuple[str, ...]] = (
    "registered",
    "idp",
    "census",
    "in_person",
    "provider",
)
BASES: Final[frozenset[str]] = frozenset(BASES_IN_ORDER)

#: Ages above this are refused: a typo such as ``min_age(140)`` would silently lock everyone out.
MAX_MIN_AGE: Final[int] = 120

_DISTRICT_CODE = re.compile(r"\w[\w.\-]*")


class MissingCode(StrEnum):
    """Stable machine codes for unmet conditions; message ids are derived from these."""

    NOT_VERIFIED = "not_verified"
    VERIFICATION_EXPIRED = "verification_expired"
    TOO_YOUNG = "too_young"
    BIRTH_DATE_UNKNOWN = "birth_date_unknown"
    BASIS_NOT_ACCEPTED = "basis_not_accepted"
    DISTRICT_NOT_ELIGIBLE = "district_not_eligible"
    DISTRICT_UNKNOWN = "district_unknown"


#: Values allowed in ``Missing.params`` and error params: plain, JSON-friendly after ``str(date)``.
ParamValue = int | str | bool | date | tuple[str, ...] | None


def _frozen_params(params: Mapping[str, ParamValue]) -> Mapping[str, ParamValue]:
    return MappingProxyType(dict(params))


# --------------------------------------------------------------------------------------------
# Conditions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verified:
    """The person must hold a current verification (not expired on the day, not revoked)."""


@dataclass(frozen=True)
class MinAge:
    """The person must be at least ``years`` full years old on the day of the action.

    Precondition: ``1 <= years <= MAX_MIN_AGE`` (``min_age(0)`` would be a no-op; say
    nothing).
    """

    years: int

    def __post_init__(self) -> None:
        if isinstance(self.years, bool) or not isinstance(self.years, int):
            raise TypeError("MinAge.years must be an int")
        if not 1 <= self.years <= MAX_MIN_AGE:
            raise ValueError(f"MinAge.years must be between 1 and {MAX_MIN_AGE}, got {self.years}")


@dataclass(frozen=True)
class BasisIn:
    """The current verification must rest on one of ``bases``.

    Invariant: ``bases`` is a non-empty subset of :data:`BASES`. A basis only counts
    while the verification that proved it is current, so this condition also reports an
    expired or missing verification (see :func:`evaluate`).
    """

    bases: frozenset[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "bases", frozenset(self.bases))
        if not self.bases:
            raise ValueError("BasisIn needs at least one basis")
        unknown = self.bases - BASES
        if unknown:
            raise ValueError(f"unknown basis: {', '.join(sorted(unknown))}")

    def ordered(self) -> tuple[str, ...]:
        """The bases in the canonical display order of :data:`BASES_IN_ORDER`."""
        return tuple(basis for basis in BASES_IN_ORDER if basis in self.bases)


@dataclass(frozen=True)
class DistrictIn:
    """The person's district code must be one of ``districts``.

    Invariant: ``districts`` is non-empty and every code matches ``\\w[\\w.-]*`` (so
    that the text syntax can carry it without quoting).
    """

    districts: frozenset[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "districts", frozenset(self.districts))
        if not self.districts:
            raise ValueError("DistrictIn needs at least one district code")
        for code in self.districts:
            if not isinstance(code, str) or _DISTRICT_CODE.fullmatch(code) is None:
                raise ValueError(f"invalid district code: {code!r}")

    def ordered(self) -> tuple[str, ...]:
        """The district codes sorted, the canonical order for text and messages."""
        return tuple(sorted(self.districts))


Condition = Verified | MinAge | BasisIn | DistrictIn
_C = TypeVar("_C", Verified, MinAge, BasisIn, DistrictIn)

# The canonical order of clauses in text and in ConditionSet.conditions.
_KIND_ORDER: Final[tuple[type[Condition], ...]] = (
    Verified,
    MinAge,
    BasisIn,
    DistrictIn,
)


@dataclass(frozen=True)
class ConditionSet:
    """All of ``conditions`` must hold. The empty set allows anyone.

    Invariants: at most one condition of each kind (two ``min_age`` clauses would be
    ambiguous to the admin who typed them, so they are refused rather than merged), and
    ``conditions`` is kept in the canonical order Verified, MinAge, BasisIn, DistrictIn,
    so that two sets meaning the same thing compare equal.
    """

    conditions: tuple[Condition, ...] = ()

    def __post_init__(self) -> None:
        conditions = tuple(self.conditions)
        kinds = [type(condition) for condition in conditions]
        for kind in kinds:
            if kind not in _KIND_ORDER:
                raise TypeError(f"not a condition: {kind.__name__}")
            if kinds.count(kind) > 1:
                raise ValueError(f"more than one {kind.__name__} condition")
        object.__setattr__(
            self,
            "conditions",
            tuple(sorted(conditions, key=lambda condition: _KIND_ORDER.index(type(condition)))),
        )

    @classmethod
    def of(cls, *conditions: Condition) -> ConditionSet:
        """Build a set from conditions given in any order."""
        return cls(conditions)

    def find(self, kind: type[_C]) -> _C | None:
        """The condition of ``kind`` in this set, or None."""
        for condition in self.conditions:
            if isinstance(condition, kind):
                return condition
        return None

    def __bool__(self) -> bool:
        return bool(self.conditions)

    def __str__(self) -> str:
        from uchast.eligibility.syntax import format_conditions  # the syntax module builds on this one

        return format_conditions(self)


# --------------------------------------------------------------------------------------------
# Evidence and decisions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """What the platform knows about one person, as plain facts.

    ``verified`` is whether a verification was ever granted; it only *counts* while it
    is not ``revoked`` and ``today <= expires_on`` (``expires_on`` is the last valid
    day; None means no expiry). ``basis`` is the basis of that verification, one of
    :data:`BASES` or None. ``district`` is a district code or None when unknown.
    """

    verified: bool
    basis: str | None
    birth_date: date | None
    district: str | None
    expires_on: date | None
    revoked: bool = False

    def __post_init__(self) -> None:
        if self.basis is not None and self.basis not in BASES:
            raise ValueError(f"unknown basis: {self.basis!r}")

    def verification_current(self, today: date) -> bool:
        """True when the verification counts on ``today``."""
        return self.verified and not self.revoked and (self.expires_on is None or today <= self.expires_on)


@dataclass(frozen=True)
class Missing:
    """One unmet condition.

    ``code`` is stable (translations and API clients key on it); ``params`` carries what
    the message needs. Params by code:

    * ``not_verified``: ``accepted_bases`` (tuple), ``revoked`` (bool)
    * ``verification_expired``: ``accepted_bases``, ``expired_on`` (date)
    * ``too_young``: ``min_age``, ``age`` (on the day), ``age_on_date`` (the day
      checked), ``eligible_on`` (the first day the person is old enough)
    * ``birth_date_unknown``: ``min_age``
    * ``basis_not_accepted``: ``basis`` (the person's, maybe None), ``accepted_bases``
    * ``district_not_eligible``: ``district``, ``allowed_districts`` (tuple)
    * ``district_unknown``: ``allowed_districts``
    """

    code: MissingCode
    # Excluded from hashing (mappings are unhashable); equal Missings still hash equal.
    params: Mapping[str, ParamValue] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", MissingCode(self.code))
        object.__setattr__(self, "params", _frozen_params(self.params))


@dataclass(frozen=True)
class Decision:
    """The outcome of :func:`evaluate`. Invariant: ``allowed == (missing == ())``."""

    allowed: bool
    missing: tuple[Missing, ...] = ()

    def __post_init__(self) -> None:
        if self.allowed != (not self.missing):
            raise ValueError("a Decision is allowed exactly when nothing is missing")

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def codes(self) -> tuple[MissingCode, ...]:
        """The codes of the unmet conditions, in evaluation order."""
        return tuple(item.code for item in self.missing)


def age_on(birth_date: date, on: date) -> int:
    """Full years lived from ``birth_date`` to ``on`` (negative if ``on`` is before birth).

    The birthday itself counts: someone born on 2012-05-03 is 14 on 2026-05-03. A person
    born on 29 February reaches a new age on 1 March in common years: on 28 February
    they have not yet lived the full number of years, and we never grant a right a day
    early. (The analogy of Civil Code art. 254(3) for month terms would give 28
    February; the choice only matters on that one day and is documented in
    docs/eligibility.md.)
    """
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def reaches_age_on(birth_date: date, years: int) -> date:
    """The first day on which a person born on ``birth_date`` is ``years`` old.

    Consistent with :func:`age_on`: ``age_on(b, reaches_age_on(b, n)) == n`` and the day
    before gives ``n - 1``. Precondition: ``years >= 0`` and the result fits in
    :class:`date`.
    """
    if years < 0:
        raise ValueError("years must be >= 0")
    year = birth_date.year + years
    try:
        return birth_date.replace(year=year)
    except ValueError:
        # Only 29 February in a common year lands here; see age_on for the choice of 1
        # March.
        return date(year, 3, 1)


def evaluate(conditions: ConditionSet, evidence: Evidence, today: date) -> Decision:
    """Check every condition of ``conditions`` against ``evidence`` on the day ``today``.

    Every unmet condition is reported, in the canonical order verification, age, basis,
    district. The verification problem is reported once even when both ``verified`` and
    ``basis in {...}`` ask for it; its ``accepted_bases`` param lists the ways the
    person can still qualify (all bases when only ``verified`` is required). A basis is
    judged only when the verification is current, because an expired verification proves
    nothing.
    """
    missing: list[Missing] = []
    basis_condition = conditions.find(BasisIn)
    accepted_bases = basis_condition.ordered() if basis_condition else BASES_IN_ORDER
    needs_verification = conditions.find(Verified) is not None or basis_condition is not None
    verification_current = evidence.verification_current(today)

    if needs_verification and not verification_current:
        missing.append(_verification_missing(evidence, accepted_bases))

    min_age = conditions.find(MinAge)
    if min_age is not None:
        age_problem = _age_missing(min_age.years, evidence.birth_date, today)
        if age_problem is not None:
            missing.append(age_problem)

    if basis_condition is not None and verification_current and evidence.basis not in basis_condition.bases:
        missing.append(
            Missing(
                MissingCode.BASIS_NOT_ACCEPTED,
                {"basis": evidence.basis, "accepted_bases": accepted_bases},
            )
        )

    district_condition = conditions.find(DistrictIn)
    if district_condition is not None:
        allowed_districts = district_condition.ordered()
        if evidence.district is None:
            missing.append(
                Missing(
                    MissingCode.DISTRICT_UNKNOWN,
                    {"allowed_districts": allowed_districts},
                )
            )
        elif evidence.district not in district_condition.districts:
            missing.append(
                Missing(
                    MissingCode.DISTRICT_NOT_ELIGIBLE,
                    {
                        "district": evidence.district,
                        "allowed_districts": allowed_districts,
                    },
                )
            )

    return Decision(allowed=not missing, missing=tuple(missing))


def _verification_missing(evidence: Evidence, accepted_bases: tuple[str, ...]) -> Missing:
    # Revocation wins over expiry: renewing a revoked verification is not a formality.
    expired = evidence.verified and not evidence.revoked and evidence.expires_on is not None
    if expired:
        return Missing(
            MissingCode.VERIFICATION_EXPIRED,
            {"accepted_bases": accepted_bases, "expired_on": evidence.expires_on},
        )
    return Missing(
        MissingCode.NOT_VERIFIED,
        {
            "accepted_bases": accepted_bases,
            "revoked": evidence.verified and evidence.revoked,
        },
    )


def _age_missing(min_age: int, birth_date: date | None, today: date) -> Missing | None:
    if birth_date is None:
        return Missing(MissingCode.BIRTH_DATE_UNKNOWN, {"min_age": min_age})
    age = age_on(birth_date, today)
    if age >= min_age:
        return None
    return Missing(
        MissingCode.TOO_YOUNG,
        {
            "min_age": min_age,
            "age": age,
            "age_on_date": today,
            "eligible_on": reaches_age_on(birth_date, min_age),
        },
    )
