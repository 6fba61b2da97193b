"""The VOTES section of an approval Pabulib file read in bulk: numpy over the bytes, no Python loop per row.

:func:`approval_groups` finds the rows, fields and vote tokens with vectorised searches, maps each token
to its project by an exact fixed-width byte comparison (``np.searchsorted`` over the sorted project
ids), and groups identical ballots through per-row project bit masks. The result is what
``profile.compile_profile`` would build from the ballots one by one (groups in order of first
appearance, each group's projects sorted), so every rule counts exactly as before.

It is a fast path, not a second parser: whenever the section holds anything it does not handle
exactly as the row-by-row reader does — quotes, ``\\r`` other than in ``\\r\\n``, NUL bytes,
whitespace, control or non-ASCII bytes in a voter id or a vote, a row with the wrong number of
fields, an empty or unknown project name, a repeated voter id — it returns None and the caller reads
the section row by row, which accepts what it accepts and names the offending line as always.
Repeated projects in one vote are read once, as the row reader does for approval ballots.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]

_NEWLINE, _SEMICOLON, _COMMA = 10, 59, 44
# Voter ids longer than this are read row by row (they would make the fixed-width comparison large).
_MAX_ID_BYTES = 256


@dataclass(frozen=True)
class ApprovalGroups:
    """Identical approval ballots grouped: ``weights[g]`` voters chose the projects (indices into the
    election's projects, ascending) ``g_projects[g_indptr[g]:g_indptr[g + 1]]``; groups in order of
    their first row."""

    weights: IntArray
    g_indptr: IntArray
    g_projects: IntArray


def approval_groups(
    data: bytes, *, columns: int, voter_column: int, vote_column: int, project_ids: Sequence[str]
) -> tuple[int, ApprovalGroups] | None:
    """``(rows, groups)`` of the VOTES rows in ``data`` (the UTF-8 bytes after the header row), or None
    when the rows must be read one by one (see the module docstring). ``columns`` is the header's width."""
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n")
    if b'"' in data or b"\r" in data or b"\x00" in data:
        return None
    buf = np.frombuffer(data, dtype=np.uint8)
    fields = _fields(buf, columns)
    if fields is None:
        return None
    starts, field_start, field_end = fields
    rows = int(starts.shape[0])
    voter_start, voter_end = field_start[:, voter_column], field_end[:, voter_column]
    vote_start, vote_end = field_start[:, vote_column], field_end[:, vote_column]
    in_vote = _inside(buf.shape[0], vote_start, vote_end)
    if _repeated_ids(buf, voter_start, voter_end):
        return None
    tokens = _vote_tokens(buf, in_vote, vote_start, vote_end, project_ids)
    if tokens is None:
        return None
    token_rows, token_projects = tokens
    return rows, _group(token_rows, token_projects, rows, len(project_ids))


def _fields(buf: npt.NDArray[np.uint8], columns: int) -> tuple[IntArray, IntArray, IntArray] | None:
    """Row starts and each field's [start, end) byte range, or None unless every non-empty row has
    exactly ``columns`` fields (empty lines are skipped, as the row reader does)."""
    newlines = np.flatnonzero(buf == _NEWLINE)
    starts = np.concatenate(([0], newlines + 1)).astype(np.int64)
    ends = np.concatenate((newlines, [buf.shape[0]])).astype(np.int64)
    keep = ends > starts
    starts, ends = starts[keep], ends[keep]
    rows = starts.shape[0]
    semicolons = np.flatnonzero(buf == _SEMICOLON).astype(np.int64)
    if semicolons.shape[0] != rows * (columns - 1):
        return None
    separators = semicolons.reshape(rows, columns - 1)
    # The separators are sorted, so each row has exactly columns - 1 of them iff every row's share
    # of the sorted list (after the reshape) starts and ends inside that row.
    if rows and not (bool(np.all(separators[:, 0] >= starts)) and bool(np.all(separators[:, -1] < ends))):
        return None
    field_start = np.concatenate((starts[:, None], separators + 1), axis=1)
    field_end = np.concatenate((separators, ends[:, None]), axis=1)
    return starts, field_start, field_end


def _inside(size: int, start: IntArray, end: IntArray) -> npt.NDArray[np.bool_]:
    """Per byte: whether it lies in one of the ranges [start, end) (disjoint ranges)."""
    # +1 where a range opens, -1 where it closes; the running sum is 1 inside. Ranges are ordered and
    # disjoint, so the indices of each assignment are distinct (an empty range opens and closes at once).
    depth = np.zeros(size + 1, dtype=np.int8)
    depth[start] = 1
    depth[end] -= 1
    return np.cumsum(depth[:size], dtype=np.int8).view(np.bool_)


def _keys(buf: npt.NDArray[np.uint8], start: IntArray, length: IntArray, width: int) -> npt.NDArray[Any] | None:
    """One comparable key per byte string ``buf[start:start + length]`` (lengths <= ``width``): equal
    keys iff equal strings (the strings hold no NUL byte). Up to 8 bytes the key is an integer built
    byte by byte (a loop over the width, not the rows); longer strings become ``S<width>`` values.
    None when a string holds a space, control or non-ASCII byte (the row reader strips Unicode
    whitespace from ids and names; such files are left to it)."""
    last = max(buf.shape[0] - 1, 0)
    if width <= 8:
        key = np.zeros(start.shape[0], dtype=np.uint64)
        for offset in range(width):
            byte = buf[np.minimum(start + offset, last)] if buf.shape[0] else np.zeros(0, np.uint8)
            byte[length <= offset] = 33  # padding: a safe byte for the check, zero in the key
            if bool(np.any((byte <= 32) | (byte >= 127))):
                return None
            wide = byte.astype(np.uint64)
            wide[length <= offset] = 0
            key = (key << np.uint64(8)) | wide
        return key
    offsets = np.arange(width, dtype=np.int64)
    chars = buf[np.minimum(start[:, None] + offsets, last)] if buf.shape[0] else np.zeros((0, width), np.uint8)
    chars[offsets[None, :] >= length[:, None]] = 33
    if bool(np.any((chars <= 32) | (chars >= 127))):
        return None
    chars[offsets[None, :] >= length[:, None]] = 0
    return np.ascontiguousarray(chars).view(f"S{width}").ravel()


def _repeated_ids(buf: npt.NDArray[np.uint8], start: IntArray, end: IntArray) -> bool:
    """Whether two rows share a voter id (or an id is too long for this path or holds a blank: left to
    the row reader)."""
    length = end - start
    width = int(length.max()) if length.shape[0] else 0
    if width > _MAX_ID_BYTES:
        return True
    keys = _keys(buf, start, length, max(width, 1))
    if keys is None:
        return True
    ids = np.sort(keys)
    return bool(np.any(ids[1:] == ids[:-1]))


def _vote_tokens(
    buf: npt.NDArray[np.uint8],
    in_vote: npt.NDArray[np.bool_],
    vote_start: IntArray,
    vote_end: IntArray,
    project_ids: Sequence[str],
) -> tuple[IntArray, IntArray] | None:
    """(row, project index) of every comma-separated name in the vote fields, or None when a name is
    empty or names no project."""
    # Only ids of printable ASCII can be named in a bulk-read vote (a name with any other byte sends
    # the file to the row reader), so the others are left out of the lookup.
    matchable = [(i, e) for i, e in enumerate(pid.encode("utf-8") for pid in project_ids) if _printable(e)]
    if not matchable:
        return None
    index = np.array([i for i, _ in matchable], dtype=np.int64)
    encoded = [e for _, e in matchable]
    commas = np.flatnonzero((buf == _COMMA) & in_vote).astype(np.int64)
    voted = vote_end > vote_start  # an empty vote is an empty ballot, not an empty name
    # A name starts at a non-empty vote's start or after a comma, and ends at a comma or the vote's
    # end: marking those bytes lists both in file order without sorting.
    size = buf.shape[0] + 1
    opens = np.zeros(size, dtype=np.bool_)
    opens[vote_start[voted]] = True
    opens[commas + 1] = True
    closes = np.zeros(size, dtype=np.bool_)
    closes[commas] = True
    closes[vote_end[voted]] = True
    token_start, token_end = np.flatnonzero(opens), np.flatnonzero(closes)
    length = token_end - token_start
    width = max(len(e) for e in encoded)
    if length.shape[0] and (int(length.min()) == 0 or int(length.max()) > width):
        return None
    names = _keys(buf, token_start, length, width)
    if names is None:
        return None
    id_bytes = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    id_length = np.array([len(e) for e in encoded], dtype=np.int64)
    known = _keys(id_bytes, np.cumsum(id_length) - id_length, id_length, width)
    if known is None:  # pragma: no cover - printable ids only
        return None
    order = np.argsort(known, kind="stable")
    position = np.minimum(np.searchsorted(known[order], names), len(encoded) - 1)
    if not bool(np.all(known[order][position] == names)):
        return None
    per_row = voted + np.searchsorted(commas, vote_end) - np.searchsorted(commas, vote_start)
    token_rows = np.repeat(np.arange(vote_start.shape[0], dtype=np.int64), per_row)
    return token_rows, index[order[position]]


def _printable(text: bytes) -> bool:
    return all(33 <= byte < 127 for byte in text)


def _group(token_rows: IntArray, token_projects: IntArray, rows: int, num_projects: int) -> ApprovalGroups:
    """Rows with the same set of projects grouped, via one bit mask of ``num_projects`` bits per row."""
    words = max(1, (num_projects + 63) // 64)
    slot = token_rows * words + token_projects // 64
    bits = np.left_shift(np.uint64(1), (token_projects % 64).astype(np.uint64))
    flat = np.zeros(rows * words, dtype=np.uint64)
    np.bitwise_or.at(flat, slot, bits)  # a project named twice in one vote counts once
    masks = flat.reshape(rows, words)
    # Sort the rows by their masks (stable: each run of equal masks starts with its first row).
    by_mask = np.lexsort(masks.T[::-1]) if words > 1 else np.argsort(masks[:, 0], kind="stable")
    sorted_masks = masks[by_mask]
    starts_run = np.ones(rows, dtype=np.bool_)
    if rows:
        starts_run[1:] = np.any(sorted_masks[1:] != sorted_masks[:-1], axis=1)
    run = np.flatnonzero(starts_run)
    first_row = np.sort(by_mask[run])  # one row per group, in order of first appearance
    group_of_row = np.empty(rows, dtype=np.int64)
    group_of_row[by_mask] = np.cumsum(starts_run) - 1  # group rank in mask order...
    rank = np.empty(run.shape[0], dtype=np.int64)
    rank[group_of_row[first_row]] = np.arange(run.shape[0], dtype=np.int64)  # ...to appearance order
    weights = np.bincount(rank[group_of_row], minlength=run.shape[0]).astype(np.int64)
    # Each group's projects: the names of its first row, sorted, a project named twice kept once.
    representative = np.zeros(rows, dtype=np.bool_)
    representative[first_row] = True
    keep = representative[token_rows]
    pairs = np.sort(rank[group_of_row[token_rows[keep]]] * num_projects + token_projects[keep])
    if pairs.shape[0]:
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
    group_of, g_projects = np.divmod(pairs, num_projects)
    g_indptr = np.zeros(weights.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(group_of, minlength=weights.shape[0]), out=g_indptr[1:])
    return ApprovalGroups(weights=weights, g_indptr=g_indptr, g_projects=g_projects.astype(np.int64))
