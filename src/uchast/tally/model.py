"""The election model: projects, ballots and the election that holds them.

Everything here is an immutable value. Money is an integer number of the election's smallest money
unit (kopiykas for Uchast; for a Pabulib file, the currency unit scaled by ``10 ** money_scale`` so that
decimal costs such as ``1538904.42`` stay exact integers).

Invariants checked when an :class:`Election` is built (a :class:`ElectionError` is raised otherwise):

* project ids are unique non-empty strings, costs are integers ``>= 0``, the budget is ``>= 0``;
* every ballot has the kind of the election, names only known projects, never the same project twice,
  has ``count >= 1`` and, for cumulative and cardinal ballots, one integer ``>= 0`` per project;
* category budgets, when given, name categories that projects use.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload


class ElectionError(ValueError):
    """An election (or a file describing one) violates an invariant; the message says which."""


class BallotKind(enum.StrEnum):
    """The four kinds of ballot. ``choose-1`` Pabulib files are approval ballots of length one."""

    APPROVAL = "approval"
    CUMULATIVE = "cumulative"
    ORDINAL = "ordinal"
    CARDINAL = "cardinal"


Fields = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Project:
    """A project on the ballot.

    ``cost`` is in the election's integer money unit. ``extra`` keeps any further columns (for a Pabulib
    file: ``votes``, ``score``, ``selected``, coordinates, ...) as raw strings, in file order.
    """

    id: str
    cost: int
    name: str = ""
    category: str | None = None
    extra: Fields = ()

    def extra_value(self, key: str) -> str | None:
        """The raw value of an extra column, or None when absent."""
        for name, value in self.extra:
            if name == key:
                return value
        return None

    @property
    def official_selected(self) -> int | None:
        """The published ``selected`` mark (0/1, sometimes 2 or 3: see the file's comment), if any."""
        raw = self.extra_value("selected")
        if raw is None or raw.strip() == "":
            return None
        try:
            return int(float(raw))
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class _BallotBase:
    projects: tuple[str, ...]
    count: int = 1
    voter_id: str | None = None
    fields: Fields = ()


@dataclass(frozen=True, slots=True)
class ApprovalBallot(_BallotBase):
    """The set of projects a voter approves (order is irrelevant). ``count`` identical voters."""


@dataclass(frozen=True, slots=True)
class OrdinalBallot(_BallotBase):
    """A ranking, best first. Its score for project at position ``i`` is ``len(projects) - i``.

    ``points`` is kept only to write the file back unchanged; counting never reads it.
    """

    points: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class CumulativeBallot(_BallotBase):
    """Points distributed over projects: ``points[i]`` goes to ``projects[i]``."""

    points: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class CardinalBallot(_BallotBase):
    """A score per project (Pabulib ``scoring``): ``points[i]`` is the score of ``projects[i]``."""

    points: tuple[int, ...] = ()


Ballot = ApprovalBallot | OrdinalBallot | CumulativeBallot | CardinalBallot

BALLOT_CLASS: dict[BallotKind, type[Ballot]] = {
    BallotKind.APPROVAL: ApprovalBallot,
    BallotKind.ORDINAL: OrdinalBallot,
    BallotKind.CUMULATIVE: CumulativeBallot,
    BallotKind.CARDINAL: CardinalBallot,
}


def ballot_points(ballot: Ballot) -> tuple[int, ...]:
    """The points a ballot gives to each of its projects, in ballot order.

    Approval: 1 each. Ordinal: ``len - position`` (3/2/1 for three). Cumulative and cardinal: as cast.
    """
    if isinstance(ballot, ApprovalBallot):
        return (1,) * len(ballot.projects)
    if isinstance(ballot, OrdinalBallot):
        length = len(ballot.projects)
        return tuple(range(length, 0, -1))
    return ballot.points


class CheckedBallots(Sequence[Ballot]):
    """Ballots of a file already checked in bulk by its reader (kind, known projects, no project twice,
    one voter each), built only when someone asks for them: counting an approval election uses the
    reader's grouped form (``groups``) and never needs one object per voter.

    Behaves as the tuple of its ballots (equality, hashing, indexing); ``len`` does not build them.
    """

    __slots__ = ("_build", "_items", "_length", "groups")

    def __init__(self, length: int, build: Callable[[], tuple[Ballot, ...]], groups: Any = None) -> None:
        self._length = length
        self._build: Callable[[], tuple[Ballot, ...]] | None = build
        self._items: tuple[Ballot, ...] | None = None
        self.groups = groups

    def materialise(self) -> tuple[Ballot, ...]:
        """The ballots as a tuple (built once)."""
        if self._items is None:
            assert self._build is not None  # noqa: S101 - set until the first build
            items = self._build()
            if len(items) != self._length:
                raise ElectionError(f"read {len(items)} ballots where {self._length} were counted")
            self._items, self._build = items, None
        return self._items

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> Ballot: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Ballot, ...]: ...

    def __getitem__(self, index: int | slice) -> Ballot | tuple[Ballot, ...]:
        return self.materialise()[index]

    def __iter__(self) -> Iterator[Ballot]:
        return iter(self.materialise())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CheckedBallots):
            return self.materialise() == other.materialise()
        if isinstance(other, tuple):
            return self.materialise() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.materialise())

    def __repr__(self) -> str:
        return f"CheckedBallots({self._length} ballots)"


@dataclass(frozen=True)
class Election:
    """Projects, budget and ballots of one vote.

    ``category_budgets`` (category -> money), when non-empty, splits the count: each category is counted
    on its own with its own money, over the projects of that category. ``meta`` keeps descriptive
    key/values (Pabulib META) in order; ``rule`` and thresholds for ``--check`` are read from it.
    ``money_scale`` says how many decimal digits of the currency the integer money unit carries.
    """

    projects: tuple[Project, ...]
    ballots: tuple[Ballot, ...] | CheckedBallots
    budget: int
    kind: BallotKind = BallotKind.APPROVAL
    category_budgets: tuple[tuple[str, int], ...] = ()
    money_scale: int = 0
    meta: Fields = ()
    voter_fields: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if isinstance(self.budget, bool) or not isinstance(self.budget, int) or self.budget < 0:
            raise ElectionError(f"budget must be an integer >= 0, got {self.budget!r}")
        if self.money_scale < 0:
            raise ElectionError("money_scale must be >= 0")
        known: set[str] = set()
        for project in self.projects:
            if not isinstance(project.id, str) or project.id == "":
                raise ElectionError(f"project id must be a non-empty string, got {project.id!r}")
            if project.id in known:
                raise ElectionError(f"duplicate project id {project.id!r}")
            if isinstance(project.cost, bool) or not isinstance(project.cost, int) or project.cost < 0:
                raise ElectionError(f"project {project.id!r}: cost must be an integer >= 0, got {project.cost!r}")
            known.add(project.id)
        categories = {p.category for p in self.projects}
        for category, money in self.category_budgets:
            if category not in categories:
                raise ElectionError(f"category budget for unknown category {category!r}")
            if not isinstance(money, int) or money < 0:
                raise ElectionError(f"category {category!r}: budget must be an integer >= 0")
        if not isinstance(self.ballots, CheckedBallots):
            _check_ballots(self.ballots, self.kind, known)

    @property
    def num_voters(self) -> int:
        """Voters, counting each aggregated ballot ``count`` times."""
        if isinstance(self.ballots, CheckedBallots):  # one voter per row of the file
            return len(self.ballots)
        return sum(b.count for b in self.ballots)

    def project(self, project_id: str) -> Project:
        """The project with this id (KeyError if unknown)."""
        for project in self.projects:
            if project.id == project_id:
                return project
        raise KeyError(project_id)

    def meta_value(self, key: str) -> str | None:
        """A META value by key, or None."""
        for name, value in self.meta:
            if name == key:
                return value
        return None

    def format_money(self, amount: int) -> str:
        """Money in currency units as a decimal string (``money_scale`` digits, trailing zeros dropped)."""
        return format_money(amount, self.money_scale)


def format_money(amount: int, scale: int) -> str:
    """``amount / 10**scale`` as the shortest exact decimal string."""
    if scale == 0:
        return str(amount)
    sign = "-" if amount < 0 else ""
    whole, frac = divmod(abs(amount), 10**scale)
    digits = str(frac).rjust(scale, "0").rstrip("0")
    return f"{sign}{whole}.{digits}" if digits else f"{sign}{whole}"


def _check_ballots(ballots: Iterable[Ballot], kind: BallotKind, known: set[str]) -> None:
    expected = BALLOT_CLASS[kind]
    with_points = kind in (BallotKind.CUMULATIVE, BallotKind.CARDINAL)
    for position, ballot in enumerate(ballots):
        if type(ballot) is not expected:
            raise ElectionError(f"ballot #{position}: expected {expected.__name__}, got {type(ballot).__name__}")
        if ballot.count < 1:
            raise ElectionError(f"ballot #{position}: count must be >= 1")
        projects = ballot.projects
        if len(set(projects)) != len(projects):
            raise ElectionError(f"ballot #{position}: a project appears twice")
        if not known.issuperset(projects):
            unknown = sorted(set(projects) - known)
            raise ElectionError(f"ballot #{position}: unknown project(s) {', '.join(unknown)}")
        if with_points:
            points: tuple[int, ...] = ballot.points or ()  # type: ignore[union-attr]
            if len(points) != len(projects):
                raise ElectionError(f"ballot #{position}: {len(projects)} projects but {len(points)} points")
            if any(p < 0 for p in points):
                raise ElectionError(f"ballot #{position}: negative points")
