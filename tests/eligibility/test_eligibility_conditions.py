"""Tests of uchast.eligibility.conditions: evaluation, ages, text syntax, action defaults."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uchast.eligibility import (
    ANY_BASIS,
    BASES,
    BASES_IN_ORDER,
    ActionCatalogue,
    BasisIn,
    Condition,
    ConditionSet,
    ConditionSyntaxError,
    Decision,
    DistrictIn,
    Evidence,
    MinAge,
    Missing,
    MissingCode,
    UnknownActionError,
    Verified,
    age_on,
    evaluate,
    format_conditions,
    parse_conditions,
    reaches_age_on,
)

pytestmark = pytest.mark.pure

TODAY = date(2026, 5, 3)


def person(
    *,
    verified: bool = True,
    basis: str | None = "registered",
    birth_date: date | None = date(1990, 1, 1),
    district: str | None = "d1",
    expires_on: date | None = None,
    revoked: bool = False,
) -> Evidence:
    return Evidence(
        verified=verified,
        basis=basis,
        birth_date=birth_date,
        district=district,
        expires_on=expires_on,
        revoked=revoked,
    )


# ------------------------------------------------------------------------------------------
# Ages
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "on", "expected"),
    [
        (date(2012, 5, 3), date(2026, 5, 3), 14),  # the birthday itself counts
        (date(2012, 5, 3), date(2026, 5, 2), 13),
        (date(2012, 5, 4), date(2026, 5, 3), 13),
        (date(2012, 2, 29), date(2026, 2, 28), 13),  # 29 Feb: not yet on 28 Feb
        (date(2012, 2, 29), date(2026, 3, 1), 14),
        (date(2012, 2, 29), date(2028, 2, 29), 16),  # leap year: on the day
        (date(2012, 2, 29), date(2028, 2, 28), 15),
        (date(2000, 12, 31), date(2001, 1, 1), 0),
        (date(2030, 1, 1), date(2026, 1, 1), -4),
    ],
)
def test_age_on(birth: date, on: date, expected: int) -> None:
    assert age_on(birth, on) == expected


def test_reaches_age_on_29_february_in_common_year_is_1_march() -> None:
    assert reaches_age_on(date(2012, 2, 29), 14) == date(2026, 3, 1)
    assert reaches_age_on(date(2012, 2, 29), 16) == date(2028, 2, 29)
    with pytest.raises(ValueError):
        reaches_age_on(date(2012, 1, 1), -1)


@given(
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)),
    years=st.integers(min_value=1, max_value=120),
)
def test_reaches_age_on_is_the_first_day_of_that_age(birth: date, years: int) -> None:
    first = reaches_age_on(birth, years)
    assert age_on(birth, first) == years
    assert age_on(birth, first - timedelta(days=1)) == years - 1


# ------------------------------------------------------------------------------------------
# Evaluation
# ------------------------------------------------------------------------------------------


def test_empty_conditions_allow_anyone() -> None:
    nobody = person(verified=False, basis=None, birth_date=None, district=None)
    decision = evaluate(ConditionSet(), nobody, TODAY)
    assert decision == Decision(allowed=True, missing=())
    assert decision
    assert decision.codes == ()


def test_all_missing_reported_with_params() -> None:
    conditions = parse_conditions("verified; min_age(14); basis in {registered, idp}; district in {d1, d2}")
    teen = person(
        verified=True,
        basis="census",
        birth_date=date(2012, 5, 4),
        district="d3",
        expires_on=date(2026, 5, 2),
    )
    decision = evaluate(conditions, teen, TODAY)
    assert not decision.allowed
    assert decision.missing == (
        Missing(
            MissingCode.VERIFICATION_EXPIRED,
            {"accepted_bases": ("registered", "idp"), "expired_on": date(2026, 5, 2)},
        ),
        Missing(
            MissingCode.TOO_YOUNG,
            {"min_age": 14, "age": 13, "age_on_date": TODAY, "eligible_on": date(2026, 5, 4)},
        ),
        Missing(
            MissingCode.DISTRICT_NOT_ELIGIBLE,
            {"district": "d3", "allowed_districts": ("d1", "d2")},
        ),
    )


def test_expiry_day_is_still_valid() -> None:
    conditions = ConditionSet.of(Verified())
    assert evaluate(conditions, person(expires_on=TODAY), TODAY).allowed
    late = evaluate(conditions, person(expires_on=TODAY - timedelta(days=1)), TODAY)
    assert late.codes == (MissingCode.VERIFICATION_EXPIRED,)


def test_revoked_counts_as_not_verified_even_when_also_expired() -> None:
    conditions = ConditionSet.of(Verified())
    decision = evaluate(conditions, person(revoked=True, expires_on=date(2020, 1, 1)), TODAY)
    assert decision.missing == (Missing(MissingCode.NOT_VERIFIED, {"accepted_bases": BASES_IN_ORDER, "revoked": True}),)


def test_never_verified_lists_every_way_to_qualify() -> None:
    decision = evaluate(ConditionSet.of(Verified()), person(verified=False, basis=None), TODAY)
    assert decision.missing == (
        Missing(MissingCode.NOT_VERIFIED, {"accepted_bases": BASES_IN_ORDER, "revoked": False}),
    )


def test_basis_condition_alone_requires_a_current_verification() -> None:
    conditions = ConditionSet.of(BasisIn(frozenset({"idp", "census"})))
    decision = evaluate(conditions, person(verified=False, basis="idp"), TODAY)
    assert decision.missing == (
        Missing(MissingCode.NOT_VERIFIED, {"accepted_bases": ("idp", "census"), "revoked": False}),
    )
    assert evaluate(conditions, person(basis="idp"), TODAY).allowed


def test_basis_not_accepted() -> None:
    conditions = ConditionSet.of(Verified(), BasisIn(frozenset({"registered"})))
    decision = evaluate(conditions, person(basis="provider"), TODAY)
    assert decision.missing == (
        Missing(
            MissingCode.BASIS_NOT_ACCEPTED,
            {"basis": "provider", "accepted_bases": ("registered",)},
        ),
    )
    without_basis = evaluate(conditions, person(basis=None), TODAY)
    assert without_basis.codes == (MissingCode.BASIS_NOT_ACCEPTED,)
    assert without_basis.missing[0].params["basis"] is None


def test_unknown_birth_date_and_district() -> None:
    conditions = parse_conditions("min_age(16); district in {north}")
    decision = evaluate(conditions, person(birth_date=None, district=None), TODAY)
    assert decision.missing == (
        Missing(MissingCode.BIRTH_DATE_UNKNOWN, {"min_age": 16}),
        Missing(MissingCode.DISTRICT_UNKNOWN, {"allowed_districts": ("north",)}),
    )


def test_decision_invariant_is_enforced() -> None:
    with pytest.raises(ValueError):
        Decision(allowed=True, missing=(Missing(MissingCode.TOO_YOUNG, {}),))
    with pytest.raises(ValueError):
        Decision(allowed=False, missing=())


def test_missing_is_hashable_and_params_are_read_only() -> None:
    item = Missing(MissingCode.DISTRICT_UNKNOWN, {"allowed_districts": ("d1",)})
    assert item in {item}
    with pytest.raises(TypeError):
        item.params["x"] = 1  # type: ignore[index]
    assert Missing("too_young", {}).code is MissingCode.TOO_YOUNG  # type: ignore[arg-type]


def test_evidence_refuses_unknown_basis() -> None:
    with pytest.raises(ValueError):
        person(basis="passport")


@pytest.mark.parametrize(
    "build",
    [
        lambda: MinAge(0),
        lambda: MinAge(121),
        lambda: BasisIn(frozenset()),
        lambda: BasisIn(frozenset({"idp", "martian"})),
        lambda: DistrictIn(frozenset()),
        lambda: DistrictIn(frozenset({"has space"})),
        lambda: ConditionSet((MinAge(14), MinAge(16))),
    ],
)
def test_invalid_conditions_are_refused(build: object) -> None:
    with pytest.raises(ValueError):
        build()  # type: ignore[operator]


def test_min_age_refuses_non_int() -> None:
    with pytest.raises(TypeError):
        MinAge(True)
    with pytest.raises(TypeError):
        MinAge(14.0)  # type: ignore[arg-type]


def test_condition_set_is_canonical_whatever_the_order() -> None:
    one = ConditionSet.of(DistrictIn(frozenset({"a"})), MinAge(14), Verified())
    other = ConditionSet.of(Verified(), MinAge(14), DistrictIn(frozenset({"a"})))
    assert one == other
    assert one.conditions[0] == Verified()
    assert one.find(MinAge) == MinAge(14)
    assert one.find(BasisIn) is None
    assert not ConditionSet()


# ------------------------------------------------------------------------------------------
# Hypothesis: evaluation is the conjunction of single conditions
# ------------------------------------------------------------------------------------------

district_codes = st.text(alphabet="abcdefgh0123456789", min_size=1, max_size=4)
condition_strategy: st.SearchStrategy[Condition] = st.one_of(
    st.just(Verified()),
    st.integers(min_value=1, max_value=120).map(MinAge),
    st.frozensets(st.sampled_from(sorted(BASES)), min_size=1).map(BasisIn),
    st.frozensets(district_codes, min_size=1, max_size=4).map(DistrictIn),
)


@st.composite
def condition_sets(draw: st.DrawFn) -> ConditionSet:
    conditions = draw(st.lists(condition_strategy, max_size=4, unique_by=type))
    return ConditionSet(tuple(conditions))


evidence_strategy = st.builds(
    Evidence,
    verified=st.booleans(),
    basis=st.one_of(st.none(), st.sampled_from(sorted(BASES))),
    birth_date=st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31))),
    district=st.one_of(st.none(), district_codes),
    expires_on=st.one_of(st.none(), st.dates(min_value=date(2020, 1, 1), max_value=date(2032, 12, 31))),
    revoked=st.booleans(),
)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2032, 12, 31))


@given(conditions=condition_sets(), evidence=evidence_strategy, today=days)
def test_allowed_iff_each_condition_alone_allows(conditions: ConditionSet, evidence: Evidence, today: date) -> None:
    decision = evaluate(conditions, evidence, today)
    singles = [evaluate(ConditionSet.of(c), evidence, today) for c in conditions.conditions]
    assert decision.allowed == all(single.allowed for single in singles)
    assert decision.allowed == (not decision.missing)
    # One problem per kind at most, and never two verification problems.
    codes = decision.codes
    assert len(codes) == len(set(codes))
    verification = {MissingCode.NOT_VERIFIED, MissingCode.VERIFICATION_EXPIRED}
    assert len(verification & set(codes)) <= 1


@given(conditions=condition_sets(), evidence=evidence_strategy, today=days)
def test_too_young_params_are_consistent(conditions: ConditionSet, evidence: Evidence, today: date) -> None:
    for item in evaluate(conditions, evidence, today).missing:
        if item.code is MissingCode.TOO_YOUNG:
            eligible_on = item.params["eligible_on"]
            assert isinstance(eligible_on, date)
            assert eligible_on > today
            assert evidence.birth_date is not None
            assert age_on(evidence.birth_date, eligible_on) == item.params["min_age"]


# ------------------------------------------------------------------------------------------
# Text syntax
# ------------------------------------------------------------------------------------------


def test_parse_the_documented_example() -> None:
    parsed = parse_conditions("verified; min_age(14); basis in {registered, idp, census}; district in {d1, d2}")
    assert parsed == ConditionSet.of(
        Verified(),
        MinAge(14),
        BasisIn(frozenset({"registered", "idp", "census"})),
        DistrictIn(frozenset({"d1", "d2"})),
    )


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text_is_no_conditions(text: str) -> None:
    assert parse_conditions(text) == ConditionSet()
    assert format_conditions(ConditionSet()) == ""


def test_parse_is_lenient_on_case_spacing_and_trailing_separators() -> None:
    text = "  VERIFIED ;Min_Age ( 16 );  basis IN {IDP,census,}; district in {Kh-1, 07};"
    parsed = parse_conditions(text)
    assert format_conditions(parsed) == "verified; min_age(16); basis in {idp, census}; district in {07, Kh-1}"


def test_district_codes_are_case_sensitive_and_may_start_with_a_digit() -> None:
    parsed = parse_conditions("district in {1a, A1, a1}")
    assert parsed.find(DistrictIn) == DistrictIn(frozenset({"1a", "A1", "a1"}))


@pytest.mark.parametrize(
    ("text", "code", "position", "expected_contains"),
    [
        ("min_age(14", "unexpected", 10, "')'"),
        ("min_age 14", "unexpected", 8, "'('"),
        ("min_age(x)", "unexpected", 8, "a whole number of years"),
        ("min_age(0)", "age_out_of_range", 8, "1..120"),
        ("min_age(200)", "age_out_of_range", 8, "1..120"),
        ("basis in {registered, martian}", "unknown_basis", 22, "registered"),
        ("basis {idp}", "unexpected", 6, "'in'"),
        ("basis in idp", "unexpected", 9, "'{'"),
        ("basis in {idp census}", "unexpected", 14, "'}'"),
        ("district in {}", "empty_set", 12, "a name"),
        ("district in {d1,,}", "unexpected", 16, "a name"),
        ("verified; verified", "duplicate_condition", 10, None),
        ("min_age(14); min_age(16)", "duplicate_condition", 13, None),
        ("verified min_age(14)", "unexpected", 9, "';'"),
        ("verified;;", "unexpected", 9, "'verified'"),
        ("age(14)", "unexpected", 0, "'min_age'"),
        ("verified & min_age(14)", "unexpected", 9, "a condition"),
    ],
)
def test_syntax_errors_say_where_and_what(text: str, code: str, position: int, expected_contains: str | None) -> None:
    with pytest.raises(ConditionSyntaxError) as caught:
        parse_conditions(text)
    error = caught.value
    assert error.code == code
    assert error.position == position
    assert error.text == text
    if expected_contains is not None:
        assert expected_contains in error.expected
    assert f"position {position}" in str(error)


def test_unknown_basis_error_lists_accepted_bases() -> None:
    with pytest.raises(ConditionSyntaxError) as caught:
        parse_conditions("basis in {idp, refugee}")
    assert caught.value.params["basis"] == "refugee"
    assert caught.value.params["accepted_bases"] == BASES_IN_ORDER


@given(conditions=condition_sets())
def test_format_parse_round_trip(conditions: ConditionSet) -> None:
    text = format_conditions(conditions)
    assert parse_conditions(text) == conditions
    assert format_conditions(parse_conditions(text)) == text
    assert str(conditions) == text


@given(conditions=condition_sets(), data=st.data())
def test_parse_ignores_whitespace_and_keyword_case(conditions: ConditionSet, data: st.DataObject) -> None:
    canonical = format_conditions(conditions)
    spaced = canonical.replace("; ", data.draw(st.sampled_from([";", " ; ", ";\n  "])))
    spaced = spaced.replace(", ", data.draw(st.sampled_from([",", " , "])))
    for keyword in ("verified", "min_age", "basis", " in "):
        spaced = spaced.replace(keyword, data.draw(st.sampled_from([keyword, keyword.upper()])))
    assert parse_conditions(spaced) == conditions


# Action catalogue: what modules declare (the modules' own policies are tested in tests/core)
# ------------------------------------------------------------------------------------------

ANY = "basis in {registered, idp, census, in_person, provider}"


def _catalogue() -> ActionCatalogue:
    catalogue = ActionCatalogue()
    catalogue.declare("budget.vote", f"verified; min_age(14); {ANY}")
    catalogue.declare("petition.sign", f"verified; min_age(18); {ANY}")
    return catalogue


def test_any_basis_names_every_basis() -> None:
    assert parse_conditions(ANY_BASIS) == ConditionSet.of(BasisIn(frozenset(BASES)))
    assert ANY_BASIS == ANY


def test_catalogue_names_are_what_was_declared() -> None:
    catalogue = _catalogue()
    assert catalogue.names == frozenset({"budget.vote", "petition.sign"})
    assert "budget.vote" in catalogue and "budget.vot" not in catalogue


def test_budget_vote_default_is_the_documented_text() -> None:
    assert format_conditions(_catalogue().default_conditions("budget.vote")) == (
        "verified; min_age(14); basis in {registered, idp, census, in_person, provider}"
    )


def test_unknown_action_is_an_error_not_an_open_door() -> None:
    catalogue = _catalogue()
    with pytest.raises(UnknownActionError):
        catalogue.default_conditions("budget.vot")
    with pytest.raises(UnknownActionError):
        catalogue.conditions_for("petition.signn", "")


def test_conditions_for_override() -> None:
    catalogue = _catalogue()
    assert catalogue.conditions_for("budget.vote") == catalogue.default_conditions("budget.vote")
    assert catalogue.conditions_for("budget.vote", "") == ConditionSet()
    assert catalogue.conditions_for("budget.vote", "verified; min_age(16)") == ConditionSet.of(Verified(), MinAge(16))


def test_declaring_again_with_the_same_text_is_harmless_with_another_is_refused() -> None:
    catalogue = _catalogue()
    catalogue.declare("budget.vote", f"verified; min_age(14); {ANY}")
    with pytest.raises(ValueError, match="twice"):
        catalogue.declare("budget.vote", "verified")
    with pytest.raises(ValueError, match="module.verb"):
        catalogue.declare("Budget vote", "")
    with pytest.raises(ConditionSyntaxError):
        catalogue.declare("budget.oops", "min_age(")
