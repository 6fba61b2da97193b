"""The VOTES section of an approval Pabulib file read in bulk: numpy over the bytes, no Python loop per row.

:func:`approval_groups` finds every delimiter (newline, ``;``, ``,``) in one pass over the bytes and
works from then on with that short list only: rows and fields are the spans between delimiters, and
each name of a vote is the span between two consecutive delimiters inside the vote field. A name is
mapped to its project by an exact comparison of its bytes with the project ids (as integers for
ids of up to 8 bytes, found through a small hash table; as fixed-width byte strings for longer
ids), and identical ballots are grouped through per-row project bit masks. The result is what
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
WordArray = npt.NDArray[np.uint64]

_NEWLINE, _SEMICOLON, _COMMA = 10, 59, 44
# Voter ids longer than this are read row by row (they would make the fixed-width comparison large).
_MAX_ID_BYTES = 256
# Bytes compared at a time when looking for delimiters (a scratch array that stays in the cache).
_BLOCK = 1 << 18
# Strings of up to this many bytes are compared as one 64-bit integer.
_WORD_BYTES = 8
# _LOW_BYTES[n] keeps the first n bytes (in memory order) of a little-endian 64-bit word.
_LOW_BYTES = np.array([(1 << (8 * n)) - 1 for n in range(_WORD_BYTES + 1)], dtype=np.uint64)


def _splitmix64(seed: int) -> int:
    """A well-mixed odd 64-bit constant (splitmix64's output for ``seed``)."""
    z = (seed * 0x9E3779B97F4A7C15 + 0x9E3779B97F4A7C15) % 2**64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) % 2**64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) % 2**64
    return (z ^ (z >> 31)) | 1


# Odd multipliers for multiply-shift hashing of the project ids: a table without collisions is
# sought with each in turn.
_MIXERS = tuple(np.uint64(_splitmix64(seed)) for seed in range(8))


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
    layout = _layout(data, buf, columns)
    if layout is None:
        return None
    words = _Words(data)
    if _repeated_ids(buf, words, *layout.field_bytes(voter_column)):
        return None
    tokens = _vote_tokens(buf, words, layout, vote_column, project_ids)
    if tokens is None:
        return None
    return layout.rows, _group(tokens, layout.rows, len(project_ids))


class _Layout:
    """Where the fields are. ``marks`` lists the byte offset of every delimiter in file order, with a
    virtual newline before the first byte (and after the last, unless that byte is a newline); field
    f (row-major) lies between the marks ``opens[f]`` and ``closes[f]`` (indices into ``marks``), and
    only commas lie between them. (A plain class: each dataclass costs the command's start a fraction
    of a millisecond.)"""

    __slots__ = ("closes", "columns", "marks", "opens", "rows")

    def __init__(self, marks: IntArray, opens: IntArray, closes: IntArray, rows: int, columns: int) -> None:
        self.marks, self.opens, self.closes, self.rows, self.columns = marks, opens, closes, rows, columns

    def field_marks(self, column: int) -> tuple[IntArray, IntArray]:
        """The marks before and after ``column``'s field, per row."""
        return self.opens[column :: self.columns], self.closes[column :: self.columns]

    def field_bytes(self, column: int) -> tuple[IntArray, IntArray]:
        """Each row's ``column`` field as (first byte, length)."""
        opens, closes = self.field_marks(column)
        start = self.marks[opens] + 1
        return start, self.marks[closes] - start


def _layout(data: bytes, buf: npt.NDArray[np.uint8], columns: int) -> _Layout | None:
    """The rows and fields of ``data`` (``buf``: the same bytes), or None unless every non-empty line
    has exactly ``columns`` fields (empty lines are skipped, as the row reader does)."""
    # is_mark[i + 1]: byte i is a delimiter; is_mark[0] and is_mark[-1] are a virtual newline before
    # the first byte and one after the last (unless that byte is a newline). Every array the size of
    # the file costs its page faults in a fresh process: the comparisons go block by block.
    size = buf.shape[0]
    closed = data.endswith(b"\n")
    is_mark = np.empty(size + 2, dtype=np.bool_)
    is_mark[0], is_mark[-1] = True, not closed
    scratch = np.empty(min(size, _BLOCK), dtype=np.bool_)
    for low in range(0, size, _BLOCK):
        block = buf[low : low + _BLOCK]
        part = is_mark[low + 1 : low + 1 + block.shape[0]]
        np.equal(block, _NEWLINE, out=part)
        for delimiter in (_SEMICOLON, _COMMA):
            part |= np.equal(block, delimiter, out=scratch[: block.shape[0]])
    marks = np.flatnonzero(is_mark)
    marks -= 1  # byte offsets: -1 and len(data) for the virtual newlines
    kinds = np.full(marks.shape[0], _NEWLINE, dtype=np.uint8)
    real = slice(1, marks.shape[0] - (0 if closed else 1))
    np.take(buf, marks[real], out=kinds[real], mode="clip")  # (the default mode would copy)
    bounds = np.flatnonzero(kinds != _COMMA)  # the marks that end a field
    line_ends = marks[kinds == _NEWLINE]
    newlines = line_ends.shape[0]
    if bool(np.any(line_ends[1:] - line_ends[:-1] == 1)):  # an empty line (bytes' "in" is slower here)
        newline = kinds[bounds] == _NEWLINE
        offset = marks[bounds]
        # An empty line lies between two newlines on adjacent bytes. The second one is dropped: the
        # field before the empty lines closes at their first newline, the field after opens at the last.
        empty_before = newline[1:] & newline[:-1] & (offset[1:] - offset[:-1] == 1)
        kept = np.flatnonzero(np.concatenate(([True], ~empty_before)))
        newlines -= int(np.count_nonzero(empty_before))
        bounds, opens = bounds[kept], bounds[kept[1:] - 1]
    else:
        opens = bounds[:-1]
    fields = bounds.shape[0] - 1
    rows = fields // columns
    # A newline at every columns-th bound and nowhere else: each row has exactly columns fields.
    if fields % columns or newlines != rows + 1 or not bool(np.all(kinds[bounds[::columns]] == _NEWLINE)):
        return None
    return _Layout(marks, opens, bounds[1:], rows, columns)


class _Words:
    """The 8 bytes from any offset of ``data`` as a little-endian integer (zeros past the end): one
    gather reads a string of up to 8 bytes. A view over the bytes themselves, not a copy; the few
    offsets less than 8 bytes from the end are read one by one."""

    __slots__ = ("data", "last", "view")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.last = len(data) - _WORD_BYTES  # the last offset followed by 8 bytes
        size = max(self.last + 1, 0)
        # As 8-byte strings (no alignment needed, so numpy gathers them faster than unaligned integers).
        self.view = np.ndarray((size,), dtype="S8", buffer=data, strides=(1,)) if size else None

    def at(self, start: IntArray) -> WordArray:
        near_end = bool(start.shape[0]) and int(start.max()) > self.last
        if self.view is None:
            words = np.zeros(start.shape[0], dtype=np.uint64)
        else:
            words = self.view[np.minimum(start, self.last) if near_end else start].view("<u8")
        for i in np.flatnonzero(start > self.last).tolist() if near_end else ():
            offset = int(start[i])
            words[i] = int.from_bytes(self.data[offset : offset + _WORD_BYTES], "little")
        return words


def _short_keys(words: _Words, start: IntArray, length: IntArray) -> WordArray:
    """One integer per string of at most 8 bytes: equal integers iff equal strings (no NUL byte)."""
    return words.at(start) & _LOW_BYTES[length]


def _wide_keys(buf: npt.NDArray[np.uint8], start: IntArray, length: IntArray, width: int) -> npt.NDArray[Any] | None:
    """One ``S<width>`` value per string (lengths <= ``width``): equal values iff equal strings (no NUL
    byte). None when a string holds a space, control or non-ASCII byte (the row reader strips Unicode
    whitespace from ids and names; such files are left to it)."""
    last = max(buf.shape[0] - 1, 0)
    offsets = np.arange(width, dtype=np.int64)
    chars = buf[np.minimum(start[:, None] + offsets, last)] if buf.shape[0] else np.zeros((0, width), np.uint8)
    chars[offsets[None, :] >= length[:, None]] = 33
    if bool(np.any((chars <= 32) | (chars >= 127))):
        return None
    chars[offsets[None, :] >= length[:, None]] = 0
    return np.ascontiguousarray(chars).view(f"S{width}").ravel()


def _repeated_ids(buf: npt.NDArray[np.uint8], words: _Words, start: IntArray, length: IntArray) -> bool:
    """Whether two rows share a voter id (or an id is too long for this path or holds a blank: left to
    the row reader)."""
    width = int(length.max()) if length.shape[0] else 0
    if width > _MAX_ID_BYTES:
        return True
    if width > _WORD_BYTES:
        keys = _wide_keys(buf, start, length, width)
        if keys is None:
            return True
    else:
        raw = words.at(start)
        chars = raw.view(np.uint8).reshape(-1, _WORD_BYTES)  # little-endian: byte i is the id's byte i
        inside = np.arange(_WORD_BYTES) < length[:, None]
        if bool(np.any(inside & ((chars <= 32) | (chars >= 127)))):
            return True
        keys = raw & _LOW_BYTES[length]
    ids = np.sort(keys)
    return bool(np.any(ids[1:] == ids[:-1]))


class _Tokens:
    """The names of the votes: ``projects[i]`` is the project of name i (in file order); the rows with a
    non-empty vote are ``voted_rows``, each with ``count`` names from index ``first``."""

    __slots__ = ("count", "first", "projects", "voted_rows")

    def __init__(self, projects: IntArray, voted_rows: IntArray, first: IntArray, count: IntArray) -> None:
        self.projects, self.voted_rows, self.first, self.count = projects, voted_rows, first, count


def _vote_tokens(
    buf: npt.NDArray[np.uint8], words: _Words, layout: _Layout, vote_column: int, project_ids: Sequence[str]
) -> _Tokens | None:
    """Every comma-separated name in the vote fields with its project, or None when a name is empty or
    names no project."""
    # Only ids of printable ASCII can be named in a bulk-read vote (a name with any other byte sends
    # the file to the row reader), so the others are left out of the lookup.
    matchable = [(i, e) for i, e in enumerate(pid.encode("utf-8") for pid in project_ids) if _printable(e)]
    if not matchable:
        return None
    index = np.array([i for i, _ in matchable], dtype=np.int64)
    encoded = [e for _, e in matchable]
    marks = layout.marks
    opens, closes = layout.field_marks(vote_column)
    voted = marks[closes] - marks[opens] > 1  # an empty vote is an empty ballot, not an empty name
    voted_rows = np.flatnonzero(voted)
    before, after = (opens, closes) if voted_rows.shape[0] == voted.shape[0] else (opens[voted], closes[voted])
    # Only commas lie between a field's marks, so each vote's names are the spans between its
    # consecutive marks: name i starts after mark left[i] and ends at mark left[i] + 1.
    count = after - before
    first = np.cumsum(count) - count
    left = np.repeat(before - first, count)
    left += np.arange(left.shape[0])
    start = marks[left]
    start += 1
    left += 1
    length = marks[left]
    length -= start
    width = max(len(e) for e in encoded)
    if length.shape[0] and (int(length.min()) == 0 or int(length.max()) > width):
        return None
    if width <= _WORD_BYTES:
        known = np.array([int.from_bytes(e, "little") for e in encoded], dtype=np.uint64)
        position = _find_short(known, _short_keys(words, start, length))
    else:
        position = _find_wide(buf, encoded, start, length, width)
    if position is None:
        return None
    return _Tokens(index[position], voted_rows, first, count)


def _find_short(known: WordArray, names: WordArray) -> npt.NDArray[np.integer[Any]] | None:
    """Position in ``known`` (distinct non-zero keys) of each name, or None when one is not there.

    Multiply-shift hashing into a table about twice the square of the ids' number, with the first
    multiplier that sends no two ids to one slot: one multiplication and one look-up per name
    (a binary search per name costs several times more). Sorted search if no multiplier fits."""
    size = known.shape[0]
    bits = min(max(size * size, 1).bit_length() + 1, 20)
    shift = np.uint64(64 - bits)
    position: npt.NDArray[np.integer[Any]]
    for mixer in _MIXERS:
        slots = (known * mixer) >> shift
        ordered = np.sort(slots)  # (np.unique would import numpy.ma: 20 ms)
        if not bool(np.any(ordered[1:] == ordered[:-1])):
            table = np.full(1 << bits, size, dtype=np.int16 if size < 2**15 else np.int64)
            table[slots] = np.arange(size)
            position = table[(names * mixer) >> shift]
            break
    else:
        order = np.argsort(known)
        position = order[np.minimum(np.searchsorted(known[order], names), size - 1)]
    # An empty slot points past the ids, at a key no name has (a name holds at least one byte).
    if not bool(np.all(np.append(known, np.uint64(0))[position] == names)):
        return None
    return position


def _find_wide(
    buf: npt.NDArray[np.uint8], encoded: list[bytes], start: IntArray, length: IntArray, width: int
) -> IntArray | None:
    """Position in ``encoded`` of each name (as byte strings of up to ``width`` bytes), or None."""
    names = _wide_keys(buf, start, length, width)
    if names is None:
        return None
    id_bytes = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    id_length = np.array([len(e) for e in encoded], dtype=np.int64)
    known = _wide_keys(id_bytes, np.cumsum(id_length) - id_length, id_length, width)
    if known is None:  # pragma: no cover - printable ids only
        return None
    order = np.argsort(known, kind="stable")
    position = np.minimum(np.searchsorted(known[order], names), len(encoded) - 1)
    if not bool(np.all(known[order][position] == names)):
        return None
    return order[position]


def _printable(text: bytes) -> bool:
    return all(33 <= byte < 127 for byte in text)


def _row_masks(tokens: _Tokens, rows: int, num_projects: int) -> list[WordArray]:
    """Per row, a bit mask of its projects (a project named twice counts once), as 64-bit words:
    ``masks[w][r]`` holds the bits of projects 64w to 64w + 63."""
    words = max(1, (num_projects + 63) // 64)
    every_row_voted = tokens.voted_rows.shape[0] == rows
    project = np.arange(num_projects)
    masks = []
    for w in range(words):
        mask = np.zeros(rows, dtype=np.uint64)
        if tokens.projects.shape[0]:
            # Each project's bit in word w (0 for the projects of other words), looked up per name.
            bit_of = np.where(project >> 6 == w, np.left_shift(np.uint64(1), (project & 63).astype(np.uint64)), 0)
            per_voted_row = np.bitwise_or.reduceat(bit_of[tokens.projects], tokens.first)
            if every_row_voted:
                mask = per_voted_row
            else:
                mask[tokens.voted_rows] = per_voted_row
        masks.append(mask)
    return masks


def _same_mask_order(masks: list[WordArray]) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """An order of the rows putting equal masks together, and where the mask changes along it.

    Rows are sorted by one 64-bit key per mask (the mask itself when it has one word, else a sum of
    its words times independent odd multipliers); should two different masks share a key and be
    adjacent in that order, the rows are sorted by the masks themselves (slower, never wrong)."""
    key = masks[0]
    if len(masks) > 1:
        key = masks[0] * np.uint64(_splitmix64(100))
        for w in range(1, len(masks)):
            key += masks[w] * np.uint64(_splitmix64(100 + w))
    order = np.argsort(key)
    change = _changes(masks, order)
    if len(masks) > 1:
        keys = key[order]
        if not np.array_equal(change, keys[1:] != keys[:-1]):  # two masks with one key (tested, never met)
            order = np.lexsort(masks[::-1])
            change = _changes(masks, order)
    return order, change


def _changes(masks: list[WordArray], order: IntArray) -> npt.NDArray[np.bool_]:
    """Whether the mask of row ``order[i + 1]`` differs from that of row ``order[i]``."""
    change = np.zeros(max(order.shape[0] - 1, 0), dtype=np.bool_)
    for mask in masks:
        ordered = mask[order]
        change |= ordered[1:] != ordered[:-1]
    return change


def _group(tokens: _Tokens, rows: int, num_projects: int) -> ApprovalGroups:
    """Rows with the same set of projects grouped, via one bit mask of ``num_projects`` bits per row."""
    if rows == 0:
        empty = np.zeros(0, dtype=np.int64)
        return ApprovalGroups(weights=empty, g_indptr=np.zeros(1, dtype=np.int64), g_projects=empty)
    order, change = _same_mask_order(_row_masks(tokens, rows, num_projects))
    run_start = np.flatnonzero(np.concatenate(([True], change)))
    first_row = np.minimum.reduceat(order, run_start)  # each group's first row
    is_first = np.zeros(rows, dtype=np.bool_)
    is_first[first_row] = True
    appearance = np.cumsum(is_first, dtype=np.int64) - 1  # at a first row: its group's rank by appearance
    group_of_run = appearance[first_row]
    weights = np.empty(run_start.shape[0], dtype=np.int64)
    weights[group_of_run] = np.diff(np.append(run_start, rows))
    # Each group's projects: the names of its first row, sorted, a project named twice kept once.
    # (In 32 bits when they fit: sorting them is about twice as fast.)
    small = run_start.shape[0] * num_projects < 2**31
    token_row = np.repeat(tokens.voted_rows, tokens.count)
    keep = is_first[token_row]
    group = appearance.astype(np.int32) if small else appearance
    pairs = np.sort(group[token_row[keep]] * num_projects + tokens.projects[keep].astype(group.dtype))
    if pairs.shape[0]:
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
    group_of, g_projects = np.divmod(pairs, num_projects)
    g_indptr = np.zeros(weights.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(group_of, minlength=weights.shape[0]), out=g_indptr[1:])
    return ApprovalGroups(weights=weights, g_indptr=g_indptr, g_projects=g_projects.astype(np.int64))


def check_utf8(data: bytes) -> None:
    """Raise UnicodeDecodeError unless ``data`` is UTF-8, decoding only its non-ASCII bytes.

    A multi-byte character holds no ASCII byte, so the bytes are UTF-8 iff every maximal run of
    non-ASCII bytes is; the runs are decoded together, each after an ASCII separator (a few percent
    of a file's bytes instead of all of them)."""
    buf = np.frombuffer(data, dtype=np.uint8)
    high = np.flatnonzero(buf >= 128)
    starts_run = np.ones(high.shape[0], dtype=np.int64)
    starts_run[1:] = high[1:] != high[:-1] + 1
    runs = np.full(high.shape[0] + int(starts_run.sum()), _NEWLINE, dtype=np.uint8)
    runs[np.arange(high.shape[0]) + np.cumsum(starts_run)] = buf[high]
    runs.tobytes().decode("utf-8")
