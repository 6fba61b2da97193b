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
import os
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import IO, TYPE_CHECKING, Any, TextIO

from .model import (
    BALLOT_CLASS,
    ApprovalBallot,
    Ballot,
    BallotKind,
    CardinalBallot,
    CheckedBallots,
    CumulativeBallot,
    Election,
    ElectionError,
    OrdinalBallot,
    Project,
    format_money,
)

if TYPE_CHECKING:  # pathlib costs the command a few milliseconds of imports; a path is any os.PathLike
    from pathlib import Path

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
# Amounts in money units (after scaling) and points are bounded so that every sum the rules form
# (thousands of projects, 10^5-10^6 voters) stays exact in 64-bit integers, and so that a hostile
# file ("1E+999999") is refused at once instead of building a million-digit integer.
_MAX_MONEY_UNITS = 10**14
_MAX_POINTS = 10**9
_CsvWriter = Any  # csv's writer type is private to typeshed


class PabulibError(ElectionError):
    """A malformed Pabulib file. ``line`` is 1-based (0 when the problem is the file as a whole)."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.reason = message
        super().__init__(f"line {line}: {message}" if line else message)


def read_pabulib(source: str | Path | IO[str], *, bulk: bool = True) -> Election:
    """Read a ``.pb`` file (a path or an open text stream) into an :class:`Election`.

    Preconditions: UTF-8 text. Postconditions: project order is file order; one ballot per VOTES row
    (``count == 1``), in file order; ``Election.meta`` holds META in file order.
    Raises :class:`PabulibError` on malformed input.

    ``bulk`` (default): the VOTES rows of an approval file are checked and grouped in bulk
    (``fastvotes``) and the ballot objects built only when asked for; the result is the same as
    with ``bulk=False`` (every row read one by one), which the tests check on every shared file.
    """
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as stream:
            raw = stream.read()
        election = _read_split(raw) if bulk else None
        return election or _read(raw.decode("utf-8-sig"), bulk)
    return _read(source.read(), bulk)


_VOTES_LINE = re.compile(rb"^[ \t]*VOTES[ \t;]*\r?$", re.MULTILINE | re.IGNORECASE)


def _read_split(raw: bytes) -> Election | None:
    """A file read as text up to its VOTES header only, the rows in bulk from the bytes after it (no
    decoding, copying and re-encoding of the large part). None when the file must be read whole: no
    VOTES line found where the csv reading of the head ends, not UTF-8, an error (the whole reading
    reports it), or rows the bulk reader leaves to the row reader."""
    found = _VOTES_LINE.search(raw)
    if found is None:
        return None
    cut = raw.find(b"\n", found.end()) + 1
    while 0 < cut < len(raw):  # the header is the next line with something on it
        end = raw.find(b"\n", cut)
        end = len(raw) if end < 0 else end + 1
        if raw[cut:end].strip(b" \t\r\n;"):
            cut = end
            break
        cut = end
    else:
        return None
    try:
        head = raw[:cut].decode("utf-8-sig")
        body = raw[cut:]
        if not body.isascii():
            from .fastvotes import check_utf8

            check_utf8(body)  # the whole reading would refuse a file that is not UTF-8
        return _read(head, True, body)
    except (UnicodeDecodeError, PabulibError, _NotSplit):
        return None


class _NotSplit(Exception):
    """The head read as text did not end at the VOTES header, or the rows need the row reader."""


def _read(text: str, bulk: bool = True, body: bytes | None = None) -> Election:
    """``text``: the whole file, or (with ``body``, the bytes of the VOTES rows) the file up to and
    including the VOTES header row."""
    # META and PROJECTS (small) go through the csv module; the stream's position after the VOTES
    # header is where the bulk reader of an approval file starts (a StringIO is never read ahead).
    stream = io.StringIO(text, newline="")
    rows = _numbered_rows(csv.reader(stream, delimiter=";", quotechar='"', strict=True))
    meta = _read_meta(rows)
    meta_dict = dict(meta)
    vote_type = meta_dict.get("vote_type", "approval").strip().lower()
    if vote_type not in VOTE_TYPES:
        raise PabulibError(0, f"META vote_type {vote_type!r} is not one of {', '.join(VOTE_TYPES)}")
    if "budget" not in meta_dict:
        raise PabulibError(0, "META has no 'budget'")
    raw_projects = _read_project_rows(rows)
    money_texts = [(0, meta_dict["budget"], "budget")] + [(ln, f["cost"], "cost") for ln, f in raw_projects]
    scale = max(_decimal_places(_parse_decimal(text, ln, what)) for ln, text, what in money_texts)
    if scale > _MAX_MONEY_SCALE:
        raise PabulibError(0, f"money with {scale} decimal places; at most {_MAX_MONEY_SCALE} are supported")
    budget = _to_units(_parse_decimal(meta_dict["budget"], 0, "budget"), scale, 0)
    projects = _build_projects(raw_projects, scale)
    kind = VOTE_TYPES[vote_type]
    _, line, header = _next_nonblank(rows)
    if header is None:
        raise PabulibError(line, "expected the VOTES header row")
    columns = _VoteColumns(header, line, kind, vote_type)
    if body is not None:
        checked = _checked_approval_ballots(body, columns, kind, projects) if stream.tell() == len(text) else None
        if checked is None:
            raise _NotSplit
    else:
        rest = text[stream.tell() :].encode("utf-8")
        checked = _checked_approval_ballots(rest, columns, kind, projects) if bulk else None
    ballots: tuple[Ballot, ...] | CheckedBallots
    if checked is None:
        read, voter_fields = _read_votes(rows, columns, kind, projects)
        ballots = tuple(read)
    else:
        ballots, voter_fields = checked, tuple(c for _, c in columns.other)
    try:
        return Election(
            projects=tuple(projects),
            ballots=ballots,
            budget=budget,
            kind=VOTE_TYPES[vote_type],
            money_scale=scale,
            meta=tuple(meta),
            voter_fields=voter_fields,
        )
    except PabulibError:
        raise
    except ElectionError as error:
        raise PabulibError(0, str(error)) from None


def _read_meta(rows: _Rows) -> list[tuple[str, str]]:
    """The META section, from its header line up to (and consuming) the PROJECTS header."""
    section, line, row = _next_nonblank(rows)
    if section is None or _section_name(row) != "META":
        raise PabulibError(line, "expected the section header 'META' on the first line")
    _, line, row = _next_nonblank(rows)
    if row is None:
        raise PabulibError(line, "expected the META header 'key;value'")
    if [c.strip().lower() for c in row[:2]] != ["key", "value"]:
        raise PabulibError(line, f"expected the META header 'key;value', found {';'.join(row)!r}")
    meta: list[tuple[str, str]] = []
    while True:
        _, line, row = _next_nonblank(rows)
        if row is None:
            raise PabulibError(line, "unexpected end of file in META: expected 'PROJECTS'")
        if _section_name(row) == "PROJECTS":
            return meta
        if len(row) < 2:
            raise PabulibError(line, f"expected 'key;value' in META, found {';'.join(row)!r}")
        meta.append((row[0].strip(), ";".join(row[1:]).strip() if len(row) > 2 else row[1].strip()))


def _read_project_rows(rows: _Rows) -> list[tuple[int, dict[str, str]]]:
    """The PROJECTS rows as (line, fields), up to (and consuming) the VOTES header."""
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
            return raw_projects
        if len(row) != len(columns):
            raise PabulibError(
                line, f"expected {len(columns)} fields in PROJECTS ({';'.join(columns)}), found {len(row)}"
            )
        raw_projects.append((line, dict(zip(columns, row, strict=True))))


def _build_projects(raw_projects: list[tuple[int, dict[str, str]]], scale: int) -> list[Project]:
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
                id=pid, cost=cost, name=fields.get("name", ""), category=category if category else None, extra=extra
            )
        )
    return projects


class _VoteColumns:
    """Where each VOTES column is, checked against the vote type."""

    def __init__(self, header: list[str], line: int, kind: BallotKind, vote_type: str) -> None:
        self.names = [c.strip() for c in header]
        if "voter_id" not in self.names or "vote" not in self.names:
            raise PabulibError(line, f"VOTES header must contain 'voter_id' and 'vote', found {';'.join(self.names)!r}")
        self.needs_points = kind in (BallotKind.CUMULATIVE, BallotKind.CARDINAL)
        if self.needs_points and "points" not in self.names:
            raise PabulibError(line, f"vote_type {vote_type!r} needs a 'points' column in VOTES")
        self.voter_id = self.names.index("voter_id")
        self.vote = self.names.index("vote")
        self.points = self.names.index("points") if "points" in self.names else -1
        self.other = [(i, c) for i, c in enumerate(self.names) if c not in ("voter_id", "vote", "points")]


def _checked_approval_ballots(
    body: bytes, columns: _VoteColumns, kind: BallotKind, projects: list[Project]
) -> CheckedBallots | None:
    """The VOTES rows of an approval file checked and grouped in bulk (``fastvotes``), their ballot
    objects built only if asked for; None when the rows must be read one by one (other kinds, a
    ``points`` column, or anything the bulk reader leaves to the row reader)."""
    if kind is not BallotKind.APPROVAL or columns.points >= 0:
        return None
    from .fastvotes import approval_groups

    found = approval_groups(
        body,
        columns=len(columns.names),
        voter_column=columns.voter_id,
        vote_column=columns.vote,
        project_ids=[p.id for p in projects],
    )
    if found is None:
        return None
    rows, groups = found

    def build() -> tuple[Ballot, ...]:
        text = io.StringIO(body.decode("utf-8"), newline="")
        body_rows = _numbered_rows(csv.reader(text, delimiter=";", quotechar='"', strict=True))
        return tuple(_read_votes(body_rows, columns, kind, projects)[0])

    return CheckedBallots(rows, build, groups)


def _read_votes(
    rows: _Rows, columns: _VoteColumns, kind: BallotKind, projects: list[Project]
) -> tuple[list[Ballot], tuple[str, ...]]:
    """Every VOTES row after the header as a ballot (count 1, file order), and the voter field names."""
    ballot_cls = BALLOT_CLASS[kind]
    ballots: list[Ballot] = []
    voter_ids: set[str] = set()
    # Interning keeps one string object per project id across 100k ballots.
    intern = {p.id: p.id for p in projects}
    ncol = len(columns.names)
    for line, row in rows:
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != ncol:
            raise PabulibError(line, f"expected {ncol} fields in VOTES ({';'.join(columns.names)}), found {len(row)}")
        voter_id = row[columns.voter_id].strip()
        if voter_id in voter_ids:
            raise PabulibError(line, f"duplicate voter_id {voter_id!r}")
        voter_ids.add(voter_id)
        chosen = _chosen_projects(row[columns.vote], intern, kind, line)
        voter_extra: tuple[tuple[str, str], ...] = tuple((name, row[i]) for i, name in columns.other)
        points: tuple[int, ...] | None = None
        if columns.points >= 0 and (columns.needs_points or row[columns.points].strip()):
            points = _parse_points(row[columns.points], line)
            if len(points) != len(chosen):
                raise PabulibError(line, f"{len(chosen)} projects in 'vote' but {len(points)} values in 'points'")
        points_text = row[columns.points] if points is not None else ""
        ballots.append(_ballot(ballot_cls, chosen, voter_id, voter_extra, points, points_text))
    voter_fields = tuple(c for _, c in columns.other)
    if ballot_cls is ApprovalBallot and columns.points >= 0:
        voter_fields = ("points", *voter_fields)
    return ballots, voter_fields


def _chosen_projects(vote_text: str, intern: dict[str, str], kind: BallotKind, line: int) -> tuple[str, ...]:
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
    return chosen


def _ballot(
    ballot_cls: type[Ballot],
    chosen: tuple[str, ...],
    voter_id: str,
    extra: tuple[tuple[str, str], ...],
    points: tuple[int, ...] | None,
    points_text: str,
) -> Ballot:
    if ballot_cls is ApprovalBallot:
        if points is not None:  # an approval file's redundant points column, kept for writing back
            extra = (("points", points_text), *extra)
        return ApprovalBallot(chosen, 1, voter_id, extra)
    if ballot_cls is OrdinalBallot:
        return OrdinalBallot(chosen, 1, voter_id, extra, points)
    if ballot_cls is CumulativeBallot:
        return CumulativeBallot(chosen, 1, voter_id, extra, points or ())
    return CardinalBallot(chosen, 1, voter_id, extra, points or ())


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
    if value.adjusted() + scale > 14:  # cheap: looks at the exponent, not the digits
        raise PabulibError(line, f"money {value} is too large (at most {_MAX_MONEY_UNITS} units)")
    scaled = value.scaleb(scale)
    if scaled != scaled.to_integral_value():
        raise PabulibError(line, f"money {value} has more than {scale} decimal places")
    units = int(scaled)
    if abs(units) > _MAX_MONEY_UNITS:
        raise PabulibError(line, f"money {value} is too large (at most {_MAX_MONEY_UNITS} units)")
    return units


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
        if not number.is_finite() or number.adjusted() > 9 or number != number.to_integral_value():
            raise PabulibError(line, f"expected integer points, found {item!r}")
        value = int(number)
        if abs(value) > _MAX_POINTS:
            raise PabulibError(line, f"points {item!r} are too large (at most {_MAX_POINTS})")
        out.append(value)
    return tuple(out)


def write_pabulib(election: Election, stream: TextIO) -> None:
    """Write ``election`` as a Pabulib file to a text stream.

    META keeps the election's entries in order but always states the true ``num_projects``,
    ``num_votes``, ``budget`` and ``vote_type``. PROJECTS has ``project_id;cost``, then ``name`` and
    ``category`` when any project has one, then the extra columns in first-seen order. Aggregated
    ballots are expanded into rows with distinct voter ids (see the module docstring).
    """
    writer = csv.writer(stream, delimiter=";", quotechar='"', lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    _write_meta(election, writer)
    _write_projects(election, writer)
    _write_votes(election, writer)


def _write_meta(election: Election, writer: _CsvWriter) -> None:
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


def _write_projects(election: Election, writer: _CsvWriter) -> None:
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


def _write_votes(election: Election, writer: _CsvWriter) -> None:
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
    ids = _VoterIds({b.voter_id for b in election.ballots if b.voter_id is not None})
    for ballot in election.ballots:
        vote = ",".join(ballot.projects)
        points = ",".join(str(p) for p in ballot.points) if with_points and ballot.points is not None else ""  # type: ignore[union-attr]
        fields = dict(ballot.fields)
        tail = [fields.get(f, "") for f in voter_fields]
        for copy_index in range(ballot.count):
            voter_id = ids.for_copy(ballot.voter_id, copy_index)
            writer.writerow([voter_id, vote] + ([points] if with_points else []) + tail)


class _VoterIds:
    """Distinct voter ids for the rows of aggregated ballots: the first copy keeps the ballot's id,
    others get ``<id>~<k>`` (or a fresh number), never an id already used."""

    def __init__(self, used: set[str]) -> None:
        self.used = used
        self.fresh = 1

    def for_copy(self, base: str | None, copy_index: int) -> str:
        if base is not None and copy_index == 0:
            voter_id = base
        else:
            while True:
                voter_id = f"{base}~{copy_index + self.fresh}" if base is not None else str(self.fresh)
                self.fresh += 1
                if voter_id not in self.used:
                    break
        self.used.add(voter_id)
        return voter_id


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
