"""The compact text syntax of participation conditions: parsing and the canonical form.

What is stored on a process and what administrators type::

    verified; min_age(14); basis in {registered, idp, census}; district in {d1, d2}

Keywords and basis names are case-insensitive; district codes are kept as written. The empty text
means "no conditions" (anyone). ``parse_conditions(format_conditions(cs)) == cs`` holds for every
condition set. Pure: no Django.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from uchast.eligibility.conditions import (
    BASES,
    BASES_IN_ORDER,
    MAX_MIN_AGE,
    BasisIn,
    Condition,
    ConditionSet,
    DistrictIn,
    MinAge,
    ParamValue,
    Verified,
    _frozen_params,
)

__all__ = ["ConditionSyntaxError", "format_conditions", "parse_conditions"]


# --------------------------------------------------------------------------------------------
# Text syntax
# --------------------------------------------------------------------------------------------


class ConditionSyntaxError(ValueError):
    """Text that is not a valid condition set.

    ``code`` is stable (``unexpected``, ``unknown_basis``, ``duplicate_condition``,
    ``age_out_of_range``, ``empty_set``); ``position`` is the 0-based character offset
    of the problem; ``expected`` names what would have been accepted there; ``params``
    carries the rest for a translated message.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        text: str,
        position: int,
        expected: tuple[str, ...] = (),
        params: Mapping[str, ParamValue] | None = None,
    ) -> None:
        super().__init__(f"{message} at position {position}: {_excerpt(text, position)}")
        self.code = code
        self.text = text
        self.position = position
        self.expected = expected
        self.params: Mapping[str, ParamValue] = _frozen_params(params or {})


def _excerpt(text: str, position: int) -> str:
    return repr(text[position : position + 20]) if position < len(text) else "end of text"


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>[0-9]+(?![\w.\-]))
  | (?P<name>\w[\w.\-]*)
  | (?P<punct>[;(){},])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "name", "punct" or "end"
    text: str
    position: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ConditionSyntaxError(
                "unexpected",
                f"unexpected character {text[position]!r}",
                text=text,
                position=position,
                expected=("a condition",),
                params={"found": text[position]},
            )
        kind = match.lastgroup or "space"  # every alternative is a named group
        if kind != "space":
            tokens.append(_Token(kind, match.group(), position))
        position = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


class _Parser:
    """Recursive descent over the grammar::

    conditions := [clause (";" clause)* [";"]]
    clause     := "verified" | "min_age" "(" number ")"
                | "basis" "in" set | "district" "in" set
    set        := "{" name ("," name)* [","] "}"
    """

    _CLAUSE_KEYWORDS: Final = ("verified", "min_age", "basis", "district")

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.index = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def fail(self, expected: tuple[str, ...]) -> ConditionSyntaxError:
        token = self.current
        found = token.text if token.kind != "end" else "end of text"
        return ConditionSyntaxError(
            "unexpected",
            f"expected {' or '.join(expected)}, found {found!r}",
            text=self.text,
            position=token.position,
            expected=expected,
            params={"found": found},
        )

    def take_punct(self, symbol: str) -> _Token:
        token = self.current
        if token.kind != "punct" or token.text != symbol:
            raise self.fail((f"'{symbol}'",))
        self.index += 1
        return token

    def take_keyword(self, keyword: str) -> _Token:
        token = self.current
        if token.kind != "name" or token.text.lower() != keyword:
            raise self.fail((f"'{keyword}'",))
        self.index += 1
        return token

    def parse(self) -> ConditionSet:
        conditions: list[tuple[Condition, int]] = []
        while self.current.kind != "end":
            conditions.append(self.clause())
            if self.current.kind == "end":
                break
            self.take_punct(";")
        seen: dict[type[Condition], int] = {}
        for condition, position in conditions:
            kind = type(condition)
            if kind in seen:
                raise ConditionSyntaxError(
                    "duplicate_condition",
                    f"condition {_KEYWORD_OF[kind]!r} given twice",
                    text=self.text,
                    position=position,
                    params={
                        "condition": _KEYWORD_OF[kind],
                        "first_position": seen[kind],
                    },
                )
            seen[kind] = position
        return ConditionSet(tuple(condition for condition, _ in conditions))

    def clause(self) -> tuple[Condition, int]:
        token = self.current
        keyword = token.text.lower() if token.kind == "name" else ""
        if keyword not in self._CLAUSE_KEYWORDS:
            raise self.fail(tuple(f"'{word}'" for word in self._CLAUSE_KEYWORDS))
        self.index += 1
        if keyword == "verified":
            return Verified(), token.position
        if keyword == "min_age":
            return self.min_age(), token.position
        self.take_keyword("in")
        if keyword == "basis":
            return self.basis_set(), token.position
        return DistrictIn(frozenset(name for name, _ in self.name_set())), token.position

    def min_age(self) -> MinAge:
        self.take_punct("(")
        token = self.current
        if token.kind != "number":
            raise self.fail(("a whole number of years",))
        years = int(token.text)
        if not 1 <= years <= MAX_MIN_AGE:
            raise ConditionSyntaxError(
                "age_out_of_range",
                f"age must be between 1 and {MAX_MIN_AGE}",
                text=self.text,
                position=token.position,
                expected=(f"1..{MAX_MIN_AGE}",),
                params={"min": 1, "max": MAX_MIN_AGE, "found": years},
            )
        self.index += 1
        self.take_punct(")")
        return MinAge(years)

    def basis_set(self) -> BasisIn:
        bases: set[str] = set()
        for name, position in self.name_set():
            basis = name.lower()
            if basis not in BASES:
                raise ConditionSyntaxError(
                    "unknown_basis",
                    f"unknown basis {name!r}",
                    text=self.text,
                    position=position,
                    expected=BASES_IN_ORDER,
                    params={"basis": name, "accepted_bases": BASES_IN_ORDER},
                )
            bases.add(basis)
        return BasisIn(frozenset(bases))

    def name_set(self) -> list[tuple[str, int]]:
        opening = self.take_punct("{")
        names: list[tuple[str, int]] = []
        while True:
            token = self.current
            if token.kind == "punct" and token.text == "}" and names:
                break
            if token.kind not in ("name", "number"):
                if token.kind == "punct" and token.text == "}":
                    raise ConditionSyntaxError(
                        "empty_set",
                        "a set needs at least one element",
                        text=self.text,
                        position=opening.position,
                        expected=("a name",),
                    )
                raise self.fail(("a name",))
            names.append((token.text, token.position))
            self.index += 1
            if self.current.kind == "punct" and self.current.text == ",":
                self.index += 1
                continue
            if not (self.current.kind == "punct" and self.current.text == "}"):
                raise self.fail(("','", "'}'"))
        self.take_punct("}")
        return names


_KEYWORD_OF: Final[Mapping[type[Condition], str]] = MappingProxyType(
    {Verified: "verified", MinAge: "min_age", BasisIn: "basis", DistrictIn: "district"}
)


def parse_conditions(text: str) -> ConditionSet:
    """Parse the compact syntax (see the module docstring) into a :class:`ConditionSet`.

    Blank text gives the empty set (anyone may take part). Raises
    :class:`ConditionSyntaxError` with the offending position and what was expected.
    """
    return _Parser(text).parse()


def format_conditions(conditions: ConditionSet) -> str:
    """The canonical text of ``conditions``; ``parse_conditions`` reads it back unchanged.

    Clauses come in the order verified, min_age, basis, district; bases in the display
    order of :data:`BASES_IN_ORDER`; district codes sorted. The empty set formats as
    ``""``.
    """
    clauses: list[str] = []
    for condition in conditions.conditions:
        if isinstance(condition, Verified):
            clauses.append("verified")
        elif isinstance(condition, MinAge):
            clauses.append(f"min_age({condition.years})")
        elif isinstance(condition, BasisIn):
            clauses.append(f"basis in {{{', '.join(condition.ordered())}}}")
        else:
            clauses.append(f"district in {{{', '.join(condition.ordered())}}}")
    return "; ".join(clauses)
