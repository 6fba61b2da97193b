"""Compiled ballots: identical ballots grouped, as sparse numpy incidence arrays.

The rules never walk ballots one by one. They work on *groups* of identical ballots (same projects and,
where it matters, same points): a real election of 60,000 voters has far fewer distinct ballots, and a
group's members always pay, load and score alike. Two layouts are kept:

* group-major (CSR): ``g_indptr``, ``g_projects``, ``g_points`` — the projects (and points) of group g
  are ``g_projects[g_indptr[g]:g_indptr[g+1]]``;
* project-major (CSC): ``p_indptr``, ``p_groups``, ``p_points`` — the supporting groups of project p.

Invariants: ``weights[g] >= 1`` is the number of voters in group g; points are integers ``>= 0``
(approval: 1; ordinal: ``len - position``; a project listed with 0 points counts as a vote, as in
the Pabulib ``votes`` column, but brings no points); a project appears at most once per group; project index
``i`` is ``election.projects[i]`` of the counted election.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .model import BallotKind, Election, ballot_points

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Profile:
    """Grouped ballots of one election (or one category of it). See the module docstring."""

    project_ids: tuple[str, ...]
    costs: IntArray
    budget: int
    weights: IntArray
    g_indptr: IntArray
    g_projects: IntArray
    g_points: IntArray
    p_indptr: IntArray
    p_groups: IntArray
    p_points: IntArray
    num_voters: int

    @property
    def num_projects(self) -> int:
        return len(self.project_ids)

    @property
    def num_groups(self) -> int:
        return int(self.weights.shape[0])

    def supporters(self, project: int) -> IntArray:
        """Group indices listing ``project`` on their ballot."""
        return self.p_groups[self.p_indptr[project] : self.p_indptr[project + 1]]

    def project_points(self, project: int) -> IntArray:
        """Points given to ``project`` by each group of :meth:`supporters`, same order."""
        return self.p_points[self.p_indptr[project] : self.p_indptr[project + 1]]

    def votes(self) -> IntArray:
        """Number of voters listing each project on their ballot (computed once; read-only)."""
        cached = self.__dict__.get("_votes")
        if cached is None:
            per_entry = np.repeat(self.weights, np.diff(self.g_indptr))
            cached = self.__dict__["_votes"] = _read_only(
                _exact_bincount(self.g_projects, per_entry, self.num_projects)
            )
        return cached

    def scores(self) -> IntArray:
        """Sum of points per project (approval: the number of votes; computed once; read-only)."""
        cached = self.__dict__.get("_scores")
        if cached is None:
            per_entry = np.repeat(self.weights, np.diff(self.g_indptr)) * self.g_points
            cached = self.__dict__["_scores"] = _read_only(
                _exact_bincount(self.g_projects, per_entry, self.num_projects)
            )
        return cached


def _read_only(array: IntArray) -> IntArray:
    # A count asks for the votes several times (tie order, rule, outcome); they are computed once and
    # shared, so nobody may change them.
    array.flags.writeable = False
    return array


def _exact_bincount(index: IntArray, weights: IntArray, length: int) -> IntArray:
    # float64 sums are exact below 2**53; beyond that fall back to (slower) integer accumulation.
    if int(np.abs(weights).sum()) < 2**53:
        return np.bincount(index, weights=weights.astype(np.float64), minlength=length).astype(np.int64)
    out = np.zeros(length, dtype=np.int64)
    np.add.at(out, index, weights)
    return out


def compile_profile(
    election: Election, project_ids: tuple[str, ...] | None = None, budget: int | None = None
) -> Profile:
    """Group the ballots of ``election`` restricted to ``project_ids`` (default: all projects).

    Ballots left empty by the restriction are dropped only when a restriction is given (a voter who
    did not vote in a category holds no share of its money); without restriction every ballot counts,
    empty ones included, as in Pabulib files and pabutools.
    """
    ids = tuple(p.id for p in election.projects) if project_ids is None else project_ids
    # Elections are immutable, so the grouped form is computed once per (projects, budget) and kept
    # on the election: repeated counts (several rules, the CLI's --check) do not regroup the ballots.
    cache: dict[tuple[tuple[str, ...], int | None], Profile] = election.__dict__.setdefault("_profile_cache", {})
    key = (ids, budget)
    if key not in cache:
        cache[key] = _compile(election, ids, project_ids is not None, budget)
    return cache[key]


def _compile(election: Election, ids: tuple[str, ...], restricted: bool, budget: int | None) -> Profile:
    cost_of = {p.id: p.cost for p in election.projects}
    approval = election.kind is BallotKind.APPROVAL
    # A file's approval ballots arrive grouped by the bulk reader, over all projects in file order.
    bulk = getattr(election.ballots, "groups", None)
    if bulk is not None and approval and not restricted:
        weights, g_indptr, g_projects = bulk.weights, bulk.g_indptr, bulk.g_projects
        g_points = np.ones(int(g_indptr[-1]), dtype=np.int64)
        return _arrays(election, ids, cost_of, budget, weights, g_indptr, g_projects, g_points)
    index = {pid: i for i, pid in enumerate(ids)}
    groups: dict[tuple[tuple[int, ...], tuple[int, ...]], int] = {}
    for ballot in election.ballots:
        if approval:
            if restricted:
                chosen = tuple(sorted(index[p] for p in ballot.projects if p in index))
                if not chosen:
                    continue
            else:
                chosen = tuple(sorted([index[p] for p in ballot.projects]))
            key: tuple[tuple[int, ...], tuple[int, ...]] = (chosen, ())
        else:
            pairs = sorted(
                (index[p], pts) for p, pts in zip(ballot.projects, ballot_points(ballot), strict=True) if p in index
            )
            if restricted and not pairs:
                continue
            key = (tuple(p for p, _ in pairs), tuple(pts for _, pts in pairs))
        groups[key] = groups.get(key, 0) + ballot.count

    num_groups = len(groups)
    weights = np.fromiter(groups.values(), dtype=np.int64, count=num_groups)
    lengths = np.fromiter((len(k[0]) for k in groups), dtype=np.int64, count=num_groups)
    g_indptr = np.zeros(num_groups + 1, dtype=np.int64)
    np.cumsum(lengths, out=g_indptr[1:])
    nnz = int(g_indptr[-1])
    g_projects = np.fromiter((p for k in groups for p in k[0]), dtype=np.int64, count=nnz)
    if approval:
        g_points = np.ones(nnz, dtype=np.int64)
    else:
        g_points = np.fromiter((x for k in groups for x in k[1]), dtype=np.int64, count=nnz)

    return _arrays(election, ids, cost_of, budget, weights, g_indptr, g_projects, g_points)


def _arrays(
    election: Election,
    ids: tuple[str, ...],
    cost_of: dict[str, int],
    budget: int | None,
    weights: IntArray,
    g_indptr: IntArray,
    g_projects: IntArray,
    g_points: IntArray,
) -> Profile:
    """The profile of grouped ballots (group-major arrays given), with its project-major copy."""
    num_groups = int(weights.shape[0])
    lengths = np.diff(g_indptr)
    num_projects = len(ids)
    g_of_entry = np.repeat(np.arange(num_groups, dtype=np.int64), lengths)
    order = _by_project(g_projects, num_projects)
    p_groups = g_of_entry[order]
    p_points = g_points[order]
    p_counts = np.bincount(g_projects, minlength=num_projects).astype(np.int64)
    p_indptr = np.zeros(num_projects + 1, dtype=np.int64)
    np.cumsum(p_counts, out=p_indptr[1:])
    return Profile(
        project_ids=ids,
        costs=np.array([cost_of[pid] for pid in ids], dtype=np.int64),
        budget=election.budget if budget is None else budget,
        weights=weights,
        g_indptr=g_indptr,
        g_projects=g_projects,
        g_points=g_points,
        p_indptr=p_indptr,
        p_groups=p_groups,
        p_points=p_points,
        num_voters=int(weights.sum()),
    )


def _by_project(g_projects: IntArray, num_projects: int) -> IntArray:
    """The entries ordered by project, in group order within a project (a stable sort). Project
    indices fit in one or two bytes, for which numpy's stable sort is a radix sort: several times
    faster than on 64-bit integers, and the same order."""
    if num_projects <= 2**8:
        return np.argsort(g_projects.astype(np.uint8), kind="stable")
    if num_projects <= 2**16:
        return np.argsort(g_projects.astype(np.uint16), kind="stable")
    return np.argsort(g_projects, kind="stable")
