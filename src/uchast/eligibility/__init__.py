"""Eligibility: participation conditions, identity numbers and the working-day calendar.

Pure Python (no Django import). The Django apps wrap these functions in django-rules
predicates and services:

* :mod:`uchast.eligibility.conditions` -- who may take part in an action, and what is
  missing; :mod:`~uchast.eligibility.syntax` -- their text form;
  :mod:`~uchast.eligibility.actions` -- the catalogue of actions modules declare;
* :mod:`uchast.eligibility.identity` -- normalising, validating and keying identity
  numbers;
* :mod:`uchast.eligibility.calendar` -- working days and deadlines from holiday data.
"""

from uchast.eligibility.actions import ANY_BASIS, ActionCatalogue, UnknownActionError
from uchast.eligibility.calendar import (
    CalendarDataError,
    Holiday,
    HolidayKind,
    OutsideCalendarError,
    WorkingCalendar,
    read_holidays_csv,
    ukrainian_holidays,
)
from uchast.eligibility.conditions import (
    BASES,
    BASES_IN_ORDER,
    BasisIn,
    Condition,
    ConditionSet,
    Decision,
    DistrictIn,
    Evidence,
    MinAge,
    Missing,
    MissingCode,
    Verified,
    age_on,
    evaluate,
    reaches_age_on,
)
from uchast.eligibility.identity import (
    PERSON_KINDS,
    IdentityKind,
    IdentityNumberError,
    identity_key,
    is_person_kind,
    normalise_identity_number,
    person_key,
    rnokpp_birth_date,
    rnokpp_check_digit,
    rnokpp_matches_birth_date,
)
from uchast.eligibility.syntax import ConditionSyntaxError, format_conditions, parse_conditions

__all__ = [
    "ANY_BASIS",
    "BASES",
    "BASES_IN_ORDER",
    "ActionCatalogue",
    "BasisIn",
    "CalendarDataError",
    "Condition",
    "ConditionSet",
    "ConditionSyntaxError",
    "Decision",
    "DistrictIn",
    "Evidence",
    "Holiday",
    "HolidayKind",
    "IdentityKind",
    "IdentityNumberError",
    "MinAge",
    "Missing",
    "MissingCode",
    "OutsideCalendarError",
    "PERSON_KINDS",
    "UnknownActionError",
    "Verified",
    "WorkingCalendar",
    "age_on",
    "evaluate",
    "format_conditions",
    "identity_key",
    "is_person_kind",
    "normalise_identity_number",
    "parse_conditions",
    "person_key",
    "read_holidays_csv",
    "reaches_age_on",
    "rnokpp_birth_date",
    "rnokpp_check_digit",
    "rnokpp_matches_birth_date",
    "ukrainian_holidays",
]
