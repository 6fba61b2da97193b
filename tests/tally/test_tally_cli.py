"""``uchast tally`` command line: output, JSON, exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys

from tally_helpers import CORPUS

from uchast.tally.cli import main

ASSEN = str(CORPUS / "Netherlands_Assen_2024.pb")
WROCLAW_IRREGULAR = str(CORPUS / "Poland_Wroclaw_2017_Rejon_nr_11_750.pb")


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, out, err)
    return code, out.getvalue(), err.getvalue()


def test_count_prints_winners_money_and_reasons() -> None:
    code, out, _ = run([ASSEN, "--rule", "mes", "--completion", "add1"])
    assert code == 0
    assert "Winners:" in out and "spent" in out and "bought at round 1" in out


def test_json_output() -> None:
    code, out, _ = run([ASSEN, "--rule", "greedy", "--json"])
    data = json.loads(out)
    assert code == 0 and data["rule"] == "greedy" and data["spent"] <= data["budget"]
    assert len(data["projects"]) == 14


def test_check_agrees_and_disagrees() -> None:
    assert run(["--check", ASSEN])[0] == 0
    code, out, _ = run(["--check", WROCLAW_IRREGULAR])
    assert code == 1 and "DIFFERS" in out and "425" in out


def test_errors_exit_2(tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run([ASSEN, "--rule", "borda"])
    assert code == 2 and "unknown rule" in err
    bad = tmp_path / "bad.pb"
    bad.write_text(
        "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\na;x\nVOTES\nvoter_id;vote\n", encoding="utf-8"
    )
    code, _, err = run([str(bad)])
    assert code == 2 and "line 6" in err
    over = tmp_path / "over.pb"
    over.write_text(
        "META\nkey;value\nbudget;10\nrule;greedy\nvote_type;approval\nPROJECTS\nproject_id;cost;selected\n"
        "a;8;1\nb;8;1\nVOTES\nvoter_id;vote\n1;a,b\n",
        encoding="utf-8",
    )
    code, _, err = run(["--check", str(over)])
    assert code == 2 and "over budget" in err
    assert run([str(tmp_path / "missing.pb")])[0] == 2
    assert run(["--check", str(CORPUS / "Hungary_Budapest_2024.pb")])[0] == 2  # META rule unknown
    assert run([])[0] == 2


def test_module_entry_point() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "uchast.tally", "--check", ASSEN], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and "AGREES" in done.stdout


SMALL = (
    "META\nkey;value\nbudget;{budget}\nrule;greedy\nvote_type;{vote_type}\n"
    "PROJECTS\nproject_id;cost;selected\na;{cost};1\nb;8;0\nVOTES\nvoter_id;vote;points\n1;a,b;{points}\n2;b;3\n"
)


def _small(tmp_path, **values: str) -> str:  # type: ignore[no-untyped-def]
    text = SMALL.format(**{"budget": "10", "cost": "2", "vote_type": "cumulative", "points": "1,2", **values})
    path = tmp_path / "small.pb"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_overflowing_money_and_points_are_one_clear_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Hostile numbers are refused from their exponent, before any big integer is built (issue:
    ``1E+999999`` took 24 s, ``1e30`` overflowed the 64-bit counters)."""
    cases = {
        "budget": {"budget": "1E+999999"},
        "cost": {"cost": "1e30"},
        "tiny": {"cost": "1E-999999"},
        "points": {"points": "1,1E+999999"},
        "big points": {"points": "1,10000000000"},
        "nan": {"cost": "NaN"},
        "inf": {"budget": "-Infinity"},
    }
    for name, values in cases.items():
        code, out, err = run([_small(tmp_path, **values)])
        assert code == 2, name
        assert err.startswith("uchast tally: error: ") and err.count("\n") == 1, (name, err)
        assert out == "", name
    assert "too large" in run([_small(tmp_path, cost="1e30")])[2]
    assert run([_small(tmp_path, budget="100000000000000")])[0] == 0  # 10^14 units is still money


def test_any_mangled_file_exits_0_1_or_2_with_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Deterministic mangling of a valid file (cut, doubled, characters swapped for separators,
    quotes, digits and junk): the command never raises and an error is one line."""
    import random

    base = (CORPUS / "Netherlands_Assen_2024.pb").read_text(encoding="utf-8")
    junk = [";", ",", '"', "\n", "9", "-", "e", "\x00", "é", "META", "VOTES", "1E+9999"]
    rng = random.Random(20261204)
    path = tmp_path / "mangled.pb"
    for _ in range(300):
        text = base
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(text))
            choice = rng.random()
            if choice < 0.3:
                text = text[:at]
            elif choice < 0.4:
                text = text[:at] + text[at:] + text[at:]
            else:
                text = text[:at] + rng.choice(junk) + text[at + rng.randint(0, 3) :]
        path.write_text(text, encoding="utf-8")
        code, _, err = run([str(path)])
        assert code in (0, 1, 2)
        if code == 2:
            assert err.count("\n") == 1 and err.startswith("uchast tally: "), err
