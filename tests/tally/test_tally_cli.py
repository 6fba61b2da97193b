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
