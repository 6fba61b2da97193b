"""Reading and writing Pabulib ``.pb`` files (https://pabulib.org/format).

A file has three sections, each introduced by its name on a line of its own: ``META`` (``key;value``),
``PROJECTS`` and ``VOTES`` (each followed by a header row). Fields are ``;``-separated and may be
quoted (``"a;b"``, with ``""`` for a quote); lists inside a cell are comma-separated.

The reader streams the VOTES section row by row and is strict: any malformed input raises
:class:`PabulibError` naming the line and what was expected. It tolerates the variants met in the
published corpus: a UTF-8 BOM, blank lines, spaces around list items, decimal money (``1538904.42``,
``400000.0``, ``1,5``), ``choose-1`` ballots (read as approval), ordinal files with a redundant
``points`` column (kept for writing back), empty ballots, and an approval vote naming a project
twice (read as once, since an approval ballot is a set).

The writer emits files that this reader and ``pabutools`` read back into the same election. Voter ids
are unique: an aggregated ballot (``count > 1``) is written as ``count`` rows; copies get the id
``<voter_id>~<k>`` (or a fresh number when the ballot had no id), never reusing an existing id.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, TextIO

from .model import (
    BALLOT_CLASS,
    ApprovalBallot,
    Ballot,
    BallotKind,
    CardinalBallot,
    CumulativeBallot,
    Election,
    ElectionError,
    OrdinalBallot,
    Project,
    format_money,
)

VOTE_TYPES: dict[str, BallotKind] = {
    "approval": BallotKind.APPROVAL,
    "choose-1": BallotKind.APPROVAL,
    "cumulative": BallotKind.CUMULATIVE,
    "ordinal": BallotKind.ORDINAL,
    "scoring": BallotKind.CARDINAL,
}
_KIND_TO_VOTE_TYPE = {
    BallotKind.APPROVAL: "approval",
    BallotKind.CUMULATIVE: "cumulative",
    BallotKind.ORDINAL: "ordinal",
    BallotKind.CARDINAL: "scoring",
}
# Money with more decimals than this is not money; refusing keeps integers small and exact.
_MAX_MONEY_SCALE = 6


class PabulibError(ElectionError):
    """A malformed Pabulib file. ``line`` is 1-based (0 when the problem is the file as a whole)."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.reason = message
        super().__init__(f"line {line}: {message}" if line else message)


def read_pabulib(source: str | Path | IO[str]) -> Election:
    """Read a ``.pb`` file (a path or an open text stream) into an :class:`Election`.

    Preconditions: UTF-8 text. Postconditions: project order is file order; one ballot per VOTES row
    (``count == 1``), in file order; ``Election.meta`` holds META in file order.
    Raises :class:`PabulibError` on malformed input.
    """
    if isinstance(source, str | Path):
        with open(source, encoding="utf-8-sig", newline="") as stream:
            return _read(stream)
    return _read(source)


def _read(stream: IO[str]) -> Election:
    reader = csv.reader(stream, delimiter=";", quotechar='"', strict=True)
    rows = _numbered_rows(reader)
    section, line, row = _next_nonblank(rows)
    if section is None or _section_name(row) != "META":
        raise PabulibError(line, "expected the section header 'META' on the first line")
    meta: list[tuple[str, str]] = []
    _, line, row = _next_nonblank(rows)
    if row is None:
        raise PabulibError(line, "expected the META header 'key;value'")
    if [c.strip().lower() for c in row[:2]] != ["key", "value"]:
        raise PabulibError(line, f"expected the META header 'key;value', found {';'.join(row)!r}")
    while True:
        _, line, row = _next_nonblank(rows)
        if row is None:
            raise PabulibError(line, "unexpected end of file in META: expected 'PROJECTS'")
        if _section_name(row) == "PROJECTS":
            break
        if len(row) < 2:
            raise PabulibError(line, f"expected 'key;value' in META, found {';'.join(row)!r}")
        meta.append((row[0].strip(), ";".join(row[1:]).strip() if len(row) > 2 else row[1].strip()))
    meta_dict = dict(meta)
    vote_type = meta_dict.get("vote_type", "approval").strip().lower()
    if vote_type not in VOTE_TYPES:
        raise PabulibError(0, f"META vote_type {vote_type!r} is not one of {', '.join(VOTE_TYPES)}")
    kind = VOTE_TYPES[vote_type]
    if "budget" not in meta_dict:
        raise PabulibError(0, "META has no 'budget'")

    _, line, header = _next_nonblank(rows)
    if header is None:
        raise PabulibError(line, "expected the PROJECTS header row")
    columns = [c.strip() for c in header]
    if "project_id" not in columns or "cost" not in columns:
        raise PabulibError(line, f"PROJECTS header must contain 'project_id' and 'cost', found {';'.join(columns)!r}")
    raw_projects: list[tuple[int, dict[str, str]]] = []
    while True:
        _, line, row = _next_nonblank(rows)
        if row is None:
            raise PabulibError(line, "unexpected end of file in PROJECTS: expected 'VOTES'")
        if _section_name(row) == "VOTES":
            break
        if len(row) != len(columns):
            raise PabulibError(
                line, f"expected {len(columns)} fields in PROJECTS ({';'.join(columns)}), found {len(row)}"
            )
        raw_projects.append((line, dict(zip(columns, row, strict=True))))

    money_texts = [(0, meta_dict["budget"], "budget")] + [(ln, f["cost"], "cost") for ln, f in raw_projects]
    scale = max(_decimal_places(_parse_decimal(text, ln, what)) for ln, text, what in money_texts)
    if scale > _MAX_MONEY_SCALE:
        raise PabulibError(0, f"money with {scale} decimal places; at most {_MAX_MONEY_SCALE} are supported")
    budget = _to_units(_parse_decimal(meta_dict["budget"], 0, "budget"), scale, 0)
    projects: list[Project] = []
    seen: set[str] = set()
    for ln, fields in raw_projects:
        pid = fields["project_id"].strip()
        if not pid:
            raise PabulibError(ln, "empty project_id")
        if pid in seen:
            raise PabulibError(ln, f"duplicate project_id {pid!r}")
        seen.add(pid)
        cost = _to_units(_parse_decimal(fields["cost"], ln, "cost"), scale, ln)
        if cost < 0:
            raise PabulibError(ln, f"negative cost for project {pid!r}")
        extra = tuple((k, v) for k, v in fields.items() if k not in ("project_id", "cost", "name", "category"))
        category = fields.get("category")
        projects.append(
            Project(
                id=pid,
                cost=cost,
                name=fields.get("name", ""),
                category=category if category else None,
                extra=extra,
            )
        )

    _, line, header = _next_nonblank(rows)
    if header is None:
        raise PabulibError(line, "expected the VOTES header row")
    vcolumns = [c.strip() for c in header]
    if "voter_id" not in vcolumns or "vote" not in vcolumns:
        raise PabulibError(line, f"VOTES header must contain 'voter_id' and 'vote', found {';'.join(vcolumns)!r}")
    needs_points = kind in (BallotKind.CUMULATIVE, BallotKind.CARDINAL)
    if needs_points and "points" not in vcolumns:
        raise PabulibError(line, f"vote_type {vote_type!r} needs a 'points' column in VOTES")
    id_at, vote_at = vcolumns.index("voter_id"), vcolumns.index("vote")
    points_at = vcolumns.index("points") if "points" in vcolumns else -1
    other = [(i, c) for i, c in enumerate(vcolumns) if c not in ("voter_id", "vote", "points")]
    voter_fields = tuple(c for _, c in other)
    ballot_cls = BALLOT_CLASS[kind]
    ballots: list[Ballot] = []
    voter_ids: set[str] = set()
    # Interning keeps one string object per project id across 100k ballots.
    intern = {p.id: p.id for p in projects}
    ncol = len(vcolumns)
    for line, row in rows:
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != ncol:
            raise PabulibError(line, f"expected {ncol} fields in VOTES ({';'.join(vcolumns)}), found {len(row)}")
        voter_id = row[id_at].strip()
        if voter_id in voter_ids:
            raise PabulibError(line, f"duplicate voter_id {voter_id!r}")
        voter_ids.add(voter_id)
        vote_text = row[vote_at]
        names = [s.strip() for s in vote_text.split(",")] if vote_text.strip() else []
        try:
            chosen = tuple(intern[n] for n in names)
        except KeyError as error:
            raise PabulibError(line, f"vote names unknown project {error.args[0]!r}") from None
        if len(set(chosen)) != len(chosen):
            if kind is not BallotKind.APPROVAL:
                raise PabulibError(line, "a project appears twice in one vote")
            # An approval ballot is a set; one corpus file (Warszawa 2022 Wola) repeats an id.
            chosen = tuple(dict.fromkeys(chosen))
        voter_extra: tuple[tuple[str, str], ...] = tuple((name, row[i]) for i, name in other)
        points: tuple[int, ...] | None = None
        if points_at >= 0 and (needs_points or row[points_at].strip()):
            points = _parse_points(row[points_at], line)
            if len(points) != len(chosen):
                raise PabulibError(line, f"{len(chosen)} projects in 'vote' but {len(points)} values in 'points'")
        if ballot_cls is ApprovalBallot:
            if points is not None:
                voter_extra = (("points", row[points_at]), *voter_extra)
            ballots.append(ApprovalBallot(chosen, 1, voter_id, voter_extra))
        elif ballot_cls is OrdinalBallot:
            ballots.append(OrdinalBallot(chosen, 1, voter_id, voter_extra, points))
        elif ballot_cls is CumulativeBallot:
            ballots.append(CumulativeBallot(chosen, 1, voter_id, voter_extra, points or ()))
        else:
            ballots.append(CardinalBallot(chosen, 1, voter_id, voter_extra, points or ()))
    if ballot_cls is ApprovalBallot and points_at >= 0:
        voter_fields = ("points", *voter_fields)
    try:
        return Election(
            projects=tuple(projects),
            ballots=tuple(ballots),
            budget=budget,
            kind=kind,
            money_scale=scale,
            meta=tuple(meta),
            voter_fields=voter_fields,
        )
    except PabulibError:
        raise
    except ElectionError as error:
        raise PabulibError(0, str(error)) from None


class _Rows:
    """CSV rows with the 1-based line each starts on; ``end`` is the line after the last one read."""

    def __init__(self, reader: Iterator[list[str]]) -> None:
        self.reader = reader
        self.end = 1

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self

    def __next__(self) -> tuple[int, list[str]]:
        start = self.end
        try:
            row = next(self.reader)
        except csv.Error as error:
            raise PabulibError(start, f"malformed quoting: {error}") from None
        self.end = getattr(self.reader, "line_num", start) + 1
        return start, row


def _numbered_rows(reader: Iterator[list[str]]) -> _Rows:
    return _Rows(reader)


def _next_nonblank(rows: _Rows) -> tuple[str | None, int, list[str] | None]:
    for line, row in rows:
        if row and any(cell.strip() for cell in row):
            if row[0].startswith("\ufeff"):
                row[0] = row[0][1:]
            return "row", line, row
    return None, rows.end, None


def _section_name(row: list[str] | None) -> str | None:
    if row is None or len([c for c in row if c.strip()]) != 1:
        return None
    name = row[0].strip().upper()
    return name if name in ("META", "PROJECTS", "VOTES") else None


def _parse_decimal(text: str, line: int, what: str) -> Decimal:
    cleaned = text.strip().replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise PabulibError(line, f"expected a number for {what}, found {text!r}") from None
    if not value.is_finite():
        raise PabulibError(line, f"expected a finite number for {what}, found {text!r}")
    return value


def _decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)  # noqa: S101 - finite decimals have an int exponent
    return max(0, -exponent)


def _to_units(value: Decimal, scale: int, line: int) -> int:
    scaled = value.scaleb(scale)
    if scaled != scaled.to_integral_value():
        raise PabulibError(line, f"money {value} has more than {scale} decimal places")
    return int(scaled)


def _parse_points(text: str, line: int) -> tuple[int, ...]:
    if not text.strip():
        return ()
    out: list[int] = []
    for item in text.split(","):
        item = item.strip()
        try:
            number = Decimal(item)
        except InvalidOperation:
            raise PabulibError(line, f"expected integer points, found {item!r}") from None
        if number != number.to_integral_value():
            raise PabulibError(line, f"expected integer points, found {item!r}")
        out.append(int(number))
    return tuple(out)


def write_pabulib(election: Election, stream: TextIO) -> None:
    """Write ``election`` as a Pabulib file to a text stream.

    META keeps the election's entries in order but always states the true ``num_projects``,
    ``num_votes``, ``budget`` and ``vote_type``. PROJECTS has ``project_id;cost``, then ``name`` and
    ``category`` when any project has one, then the extra columns in first-seen order. Aggregated
    ballots are expanded into rows with distinct voter ids (see the module docstring).
    """
    writer = csv.writer(stream, delimiter=";", quotechar='"', lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    vote_type = _KIND_TO_VOTE_TYPE[election.kind]
    original_type = (election.meta_value("vote_type") or "").strip().lower()
    if VOTE_TYPES.get(original_type) == election.kind:
        vote_type = original_type
    forced = {
        "num_projects": str(len(election.projects)),
        "num_votes": str(election.num_voters),
        "budget": format_money(election.budget, election.money_scale),
        "vote_type": vote_type,
    }
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    written: set[str] = set()
    for key, value in election.meta:
        # Keep the file's own spelling ("400000.0") when it states the same value.
        keep = key in forced and _same_number(value, forced[key])
        writer.writerow([key, value if keep or key not in forced else forced[key]])
        written.add(key)
    for key in ("budget", "vote_type", "num_projects", "num_votes"):
        if key not in written:
            writer.writerow([key, forced[key]])
    if "rule" not in written:
        writer.writerow(["rule", "unknown"])

    has_name = any(p.name for p in election.projects)
    has_category = any(p.category for p in election.projects)
    extra_cols: list[str] = []
    for project in election.projects:
        for key, _ in project.extra:
            if key not in extra_cols:
                extra_cols.append(key)
    header = ["project_id", "cost"] + (["name"] if has_name else []) + (["category"] if has_category else [])
    writer.writerow(["PROJECTS"])
    writer.writerow(header + extra_cols)
    for project in election.projects:
        row = [project.id, format_money(project.cost, election.money_scale)]
        if has_name:
            row.append(project.name)
        if has_category:
            row.append(project.category or "")
        extras = dict(project.extra)
        row.extend(extras.get(col, "") for col in extra_cols)
        writer.writerow(row)

    with_points = election.kind in (BallotKind.CUMULATIVE, BallotKind.CARDINAL) or any(
        isinstance(b, OrdinalBallot) and b.points is not None for b in election.ballots
    )
    voter_fields = [f for f in election.voter_fields if not (with_points and f == "points")]
    for ballot in election.ballots:
        for key, _ in ballot.fields:
            if key not in voter_fields and not (with_points and key == "points"):
                voter_fields.append(key)
    writer.writerow(["VOTES"])
    writer.writerow(["voter_id", "vote"] + (["points"] if with_points else []) + voter_fields)
    used = {b.voter_id for b in election.ballots if b.voter_id is not None}
    fresh = 1
    for ballot in election.ballots:
        vote = ",".join(ballot.projects)
        points = ",".join(str(p) for p in ballot.points) if with_points and ballot.points is not None else ""  # type: ignore[union-attr]
        fields = dict(ballot.fields)
        tail = [fields.get(f, "") for f in voter_fields]
        for copy_index in range(ballot.count):
            if ballot.voter_id is not None and copy_index == 0:
                voter_id = ballot.voter_id
            else:
                base = ballot.voter_id
                while True:
                    voter_id = f"{base}~{copy_index + fresh}" if base is not None else str(fresh)
                    fresh += 1
                    if voter_id not in used:
                        break
            used.add(voter_id)
            writer.writerow([voter_id, vote] + ([points] if with_points else []) + tail)


def _same_number(text: str, other: str) -> bool:
    try:
        return Decimal(text.strip().replace(",", ".")) == Decimal(other)
    except InvalidOperation:
        return text.strip() == other


def pabulib_text(election: Election) -> str:
    """The Pabulib file of ``election`` as a string."""
    buffer = io.StringIO()
    write_pabulib(election, buffer)
    return buffer.getvalue()
