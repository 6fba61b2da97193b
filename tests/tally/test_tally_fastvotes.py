"""The bulk VOTES reader (``fastvotes``) against the row-by-row reader: same election, same grouped
profile, same errors, on every shared file and on generated files; ballots built only when asked."""

from __future__ import annotations

import io
import random
import string
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tally_helpers import corpus_files

from uchast.tally import BallotKind, PabulibError, count, fastvotes, read_pabulib
from uchast.tally.model import CheckedBallots
from uchast.tally.profile import Profile, compile_profile

pytestmark = pytest.mark.pure

PROFILE_ARRAYS = ("costs", "weights", "g_indptr", "g_projects", "g_points", "p_indptr", "p_groups", "p_points")
LARGE = 1_500_000


def assert_same_profile(one: Profile, other: Profile) -> None:
    assert one.project_ids == other.project_ids
    assert (one.budget, one.num_voters) == (other.budget, other.num_voters)
    for name in PROFILE_ARRAYS:
        assert np.array_equal(getattr(one, name), getattr(other, name)), name


def assert_same_reading(source: str | Path) -> bool:
    """Both readers give the same election and profile, or the same error. True when bulk was used."""

    def read(bulk: bool):  # type: ignore[no-untyped-def]
        try:
            return read_pabulib(io.StringIO(source) if isinstance(source, str) else source, bulk=bulk)
        except PabulibError as error:
            return (error.line, str(error))

    bulk, rows = read(True), read(False)
    if isinstance(rows, tuple):
        assert bulk == rows
        return False
    assert not isinstance(bulk, tuple)
    assert_same_profile(compile_profile(bulk), compile_profile(rows))  # before the ballots are built
    used_bulk = isinstance(bulk.ballots, CheckedBallots)
    assert bulk == rows and rows == bulk
    assert bulk.num_voters == rows.num_voters and len(bulk.ballots) == len(rows.ballots)
    return used_bulk


def check_shared_file(path: Path) -> None:
    used = assert_same_reading(path)
    election = read_pabulib(path, bulk=False)
    plain_approval = election.kind is BallotKind.APPROVAL and "points" not in election.voter_fields
    assert used == plain_approval  # every plain approval file of the corpus takes the bulk path


@pytest.mark.parametrize("path", corpus_files(LARGE), ids=lambda p: p.name[:50])
def test_bulk_reader_agrees_on_every_shared_file(path: Path) -> None:
    check_shared_file(path)


@pytest.mark.slow
@pytest.mark.parametrize("path", [p for p in corpus_files() if p.stat().st_size > LARGE], ids=lambda p: p.name)
def test_bulk_reader_agrees_on_the_large_files(path: Path) -> None:
    check_shared_file(path)


HEAD = "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost;name\n"
PROJECTS = "1;40;Парк\n10;30;Сквер у центрі\nlypa-2026-dovha;50;Довга назва\nлипа;5;Липа\nb;20;B\n"


def votes(*rows: str, header: str = "voter_id;vote;age") -> str:
    return HEAD + PROJECTS + "VOTES\n" + header + "\n" + "\n".join(rows) + "\n"


@pytest.mark.parametrize(
    ("text", "bulk"),
    [
        (votes("1;1,10;30", "2;lypa-2026-dovha,b;41", "3;;50", "4;10,1;18"), True),  # ids over 8 bytes
        (votes("1;1,10;30", "2;липа,b;41"), False),  # a non-ASCII name: left to the row reader (Unicode blanks)
        (votes("1;1,10,1;30", "2;b;41"), True),  # a project named twice counts once
        (votes("1;1,10;30", "", "2;b;41", ""), True),  # empty lines are skipped
        (votes("1;1;30", "2;b;41").replace("\n", "\r\n"), True),  # CRLF
        (votes("1;1;30", "2;b;Київ, центр"), True),  # spaces and commas in other fields are not read
        (votes("1;1, 10;30", "2;b;41"), False),  # spaces around a name: the row reader strips them
        (votes("1;1;30", '2;b;"41"'), False),  # quotes
        (votes("1;1;30", "   ", "2;b;41"), False),  # a line of blanks
        (votes("1;1;30", "1;b;41"), False),  # repeated voter id: the row reader's error and line
        (votes("1;1;30", "2;zz;41"), False),  # unknown project
        (votes("1;1;30", "2;1,,b;41"), False),  # empty name
        (votes("1;1;30", "2;b"), False),  # a field short
        (votes("1;1;30", "2;b;4;1"), False),  # a field too many
        (votes("ід;1;30", "2;b;41"), False),  # non-ASCII voter id
        (votes("1;1;3", "2;b;1", header="voter_id;vote;points"), False),  # approval with a points column
        (votes(), True),  # no ballots at all
    ],
)
def test_bulk_reader_or_row_reader_same_result(text: str, bulk: bool, tmp_path: Path) -> None:
    assert assert_same_reading(text) is bulk
    path = tmp_path / "votes.pb"  # from a file: the head read as text, the rows from the bytes
    path.write_bytes(text.encode("utf-8"))
    assert assert_same_reading(path) is bulk


@pytest.mark.parametrize(
    "text",
    [
        # A "VOTES" line inside a quoted project name: the split at it does not hold, the whole file is read.
        votes("1;1,10;30", "2;b;41").replace("b;20;B", 'b;20;"B\nVOTES\nx"'),
        votes("1;1;30").replace("VOTES\n", "votes;\n\n;;\n"),  # section name spelt otherwise, blank lines
        "\ufeff" + votes("1;1;30"),  # BOM
        votes("1;1;30", "2;b;Łódź"),  # non-ASCII in another column
    ],
)
def test_files_split_at_the_votes_header_read_alike(text: str, tmp_path: Path) -> None:
    path = tmp_path / "votes.pb"
    path.write_bytes(text.encode("utf-8"))
    assert assert_same_reading(path)


def test_a_file_that_is_not_utf8_is_refused_alike(tmp_path: Path) -> None:
    path = tmp_path / "votes.pb"
    path.write_bytes(votes("1;1;30", "2;b;x").encode("utf-8").replace(b";x", b";\xff"))
    for bulk in (True, False):
        with pytest.raises(UnicodeDecodeError):
            read_pabulib(path, bulk=bulk)


def test_ballots_are_built_only_when_asked_for() -> None:
    election = read_pabulib(io.StringIO(votes("1;1,10;30", "2;b;41", "3;10,1;18")))
    ballots = election.ballots
    assert isinstance(ballots, CheckedBallots)
    assert count(election, "mes").selected and len(ballots) == 3 and election.num_voters == 3
    assert repr(ballots) == "CheckedBallots(3 ballots)"
    assert ballots._items is None  # counting used the grouped form
    assert ballots[0].projects == ("1", "10") and ballots[2].projects == ("10", "1")
    assert ballots[1].fields == (("age", "41"),)
    assert hash(ballots) == hash(tuple(ballots))


_ID = st.text(alphabet="ab1é-", min_size=1, max_size=10)


@st.composite
def approval_files(draw: st.DrawFn) -> str:
    ids = draw(st.lists(_ID, min_size=1, max_size=8, unique=True))
    names = ids + ["zz", "", " a", "1 "]  # unknown, empty and padded names now and then
    rows = []
    for number in range(draw(st.integers(0, 30))):
        voter = draw(st.sampled_from([str(number + 1), str(number + 1), str(number + 1), "7", "x y"]))
        chosen = draw(st.lists(st.sampled_from(ids if draw(st.booleans()) else names), max_size=5))
        extra = draw(st.sampled_from(["30", "Київ, центр", '"q"', "", "a;b"]))
        rows.append(f"{voter};{','.join(chosen)};{extra}")
        if draw(st.integers(0, 9)) == 0:
            rows.append(draw(st.sampled_from(["", " "])))
    text = HEAD + "".join(f"{pid};10;n\n" for pid in ids) + "VOTES\nvoter_id;vote;age\n" + "\n".join(rows)
    text += draw(st.sampled_from(["", "\n"]))
    return text.replace("\n", "\r\n") if draw(st.booleans()) else text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(approval_files())
def test_bulk_reader_agrees_on_generated_files(text: str) -> None:
    assert_same_reading(text)


def test_uchast_tally_does_not_import_django() -> None:
    path = corpus_files()[0]
    script = (
        "import sys\n"
        f"sys.argv = ['uchast', 'tally', {str(path)!r}]\n"
        "from uchast import cli\n"
        "try:\n    cli.main()\nexcept SystemExit as exit_:\n    assert exit_.code == 0, exit_.code\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'django')\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "Winners:" in done.stdout


def _project_file(ids: list[str], rows: list[str]) -> str:
    projects = "".join(f"{pid};1;n\n" for pid in ids)
    return HEAD + projects + "VOTES\nvoter_id;vote;age\n" + "".join(f"{row}\n" for row in rows)


def test_ballots_whose_masks_share_a_sorting_key_are_grouped_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    # 65 projects: two mask words, sorted by m0 * K0 + m1 * K1 (mod 2**64). Ballot A = {p0} and
    # ballot B = {the projects of b} + {p64} get the same key when b = 1 - K1 / K0.
    k0, k1 = fastvotes._splitmix64(100), fastvotes._splitmix64(101)
    b = (1 - k1 * pow(k0, -1, 2**64)) % 2**64
    assert (1 * k0) % 2**64 == (b * k0 + k1) % 2**64
    ids = [f"p{i}" for i in range(65)]
    ballot_b = ",".join([ids[i] for i in range(64) if b >> i & 1] + ["p64"])
    lexsorts: list[int] = []
    lexsort = np.lexsort
    monkeypatch.setattr(np, "lexsort", lambda keys: lexsorts.append(1) or lexsort(keys))
    text = _project_file(ids, ["1;p0;1", f"2;{ballot_b};2", "3;p0;3"])
    assert assert_same_reading(text)
    assert lexsorts  # the exact order was needed, and gave the row reader's groups
    groups = read_pabulib(io.StringIO(text)).ballots.groups  # type: ignore[union-attr]
    assert groups.weights.tolist() == [2, 1]


def test_names_are_found_without_the_hash_table_when_no_multiplier_fits(monkeypatch: pytest.MonkeyPatch) -> None:
    # 6000 random ids cannot be spread over 2**20 slots without a collision: sorted search instead.
    # (Regular ids such as p0 ... p5999 can: multiply-shift hashing spreads them evenly.)
    draw = random.Random(7)
    ids = sorted({"".join(draw.choices(string.ascii_letters, k=8)) for _ in range(6000)})
    searches: list[int] = []
    searchsorted = np.searchsorted
    monkeypatch.setattr(np, "searchsorted", lambda *args: searches.append(1) or searchsorted(*args))
    a, b, c = ids[0], ids[-1], ids[17]
    text = _project_file(ids, [f"1;{a},{b};1", f"2;{c};2", "3;;3", f"4;{b},{c},{ids[3]};4"])
    assert assert_same_reading(text)
    assert searches
    assert not assert_same_reading(text.replace(f"4;{b}", "4;zzzzzzzz"))  # an unknown name


_UTF8_PIECES = [b"a", b"\n", b"\xc3", b"\xa9", b"\xe2\x82\xac", b"\xf0", b"\x9f", b"\xed\xa0\x80", b"\xc0", b"\xff"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*_UTF8_PIECES, "ї".encode(), "😀".encode()]), max_size=12))
def test_the_utf8_check_agrees_with_decoding(pieces: list[bytes]) -> None:
    data = b"".join(pieces)
    try:
        data.decode("utf-8")
        valid = True
    except UnicodeDecodeError:
        valid = False
    try:
        fastvotes.check_utf8(data)
        checked = True
    except UnicodeDecodeError:
        checked = False
    assert checked == valid
