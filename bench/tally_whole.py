"""Whole-process comparison: the ``uchast tally`` command against a pabutools script doing the same.

    .venv/bin/python bench/tally_whole.py [--only NAME] [--rules greedy,mes-cost] [--repeat N]
                                          [--baseline-src DIR] [--timeout S]

Each run is a fresh process timed from spawn to exit by this script: interpreter start, imports,
reading the file, grouping, the rule and printing the result. Ours is ``python -m uchast.cli tally
FILE --rule ... --ties name --json`` (the command residents and journalists run); pabutools' is a
script that imports pabutools, calls ``parse_pabulib`` and the same rule, and prints the winners.
Both break ties by project name, so the winners must be identical ("same" column).

Runs alternate (ours, pabutools, ours, ...) so that the machine's load falls alike on both sides; the
table gives the median wall time and the median processor time (user + system of the child) of each
side, and both ratios. Bytecode: this machine sets PYTHONDONTWRITEBYTECODE; an installed package has
its ``.pyc`` files, so the children run with a private PYTHONPYCACHEPREFIX and an untimed warm-up
(importing each side's modules) fills it. The machine is shared: the last line states its busy share during the runs and
the cores other processes took (busy time not spent by our children), as ``bench/voting.py`` does.
``--baseline-src DIR`` adds the command of another source tree (e.g. the code before a change).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(os.environ.get("UCHAST_PABULIB_DIR", "/work/shared/pabulib"))
FILES = ["Poland_Warszawa_2026.pb"]
RULES = ["greedy", "mes-cost", "mes-card", "phragmen"]
OUR_ARGS = {
    "greedy": ["--rule", "greedy"],
    "mes-cost": ["--rule", "mes", "--utility", "cost"],
    "mes-card": ["--rule", "mes", "--utility", "cardinality"],
    "phragmen": ["--rule", "phragmen"],
}
PABUTOOLS = """
import json, sys
from pabutools.election import Cardinality_Sat, Cost_Sat, parse_pabulib
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares, sequential_phragmen
instance, profile = parse_pabulib(sys.argv[1])
rule = sys.argv[2]
if rule == "greedy":
    result = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
elif rule == "phragmen":
    result = sequential_phragmen(instance, profile)
else:
    result = method_of_equal_shares(instance, profile, sat_class=Cost_Sat if rule == "mes-cost" else Cardinality_Sat)
print(json.dumps(sorted(p.name for p in result)))
"""


_OURS_MODULES = "uchast.cli, uchast.tally.cli, uchast.tally.fastvotes, uchast.tally.mes, uchast.tally.add1"
WARM_UP = {
    "ours": f"import {_OURS_MODULES}, uchast.tally.phragmen",
    "before": f"import {_OURS_MODULES}, uchast.tally.phragmen".replace(" uchast.tally.fastvotes,", ""),
    "pabutools": "import pabutools.election, pabutools.rules",
}


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) processor ticks of the whole machine since boot (/proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields) - fields[3] - fields[4], sum(fields)


def _run(cmd: list[str], env: dict[str, str], timeout: float) -> dict[str, object]:
    """One timed child process: wall seconds, processor seconds, winners (None on failure)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"wall": float("nan"), "cpu": float("nan"), "winners": None}
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    winners = None
    if done.returncode == 0 and done.stdout.strip():
        payload = json.loads(done.stdout)
        winners = sorted(payload["selected"]) if isinstance(payload, dict) else sorted(payload)
    return {"wall": wall, "cpu": cpu, "winners": winners}


def _commands(path: Path, rule: str, baseline: str | None) -> dict[str, list[str]]:
    ours = [sys.executable, "-m", "uchast.cli", "tally", str(path), *OUR_ARGS[rule], "--ties", "name", "--json"]
    commands = {"ours": ours, "pabutools": [sys.executable, "-c", PABUTOOLS, str(path), rule]}
    if baseline:
        commands["before"] = ours
    return commands


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=None, help="only files whose name contains this")
    parser.add_argument("--rules", default=",".join(RULES))
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per side (median reported)")
    parser.add_argument("--baseline-src", default=None, help="also time the command of this source tree")
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    cache = tempfile.mkdtemp(prefix="uchast_bench_pyc_")
    base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    base_env.update(PYTHONPYCACHEPREFIX=cache, OPENBLAS_NUM_THREADS="1")
    src = str(Path(__file__).resolve().parent.parent / "src")
    envs = {
        "ours": {**base_env, "PYTHONPATH": src},
        "pabutools": base_env,
        "before": {**base_env, "PYTHONPATH": args.baseline_src or ""},
    }
    files = [CORPUS / name for name in FILES if not args.only or args.only in name]
    print(f"{'file':24} {'rule':9} {'side':9} {'wall s':>7} {'cpu s':>7} {'wall ratio':>10} {'cpu ratio':>9}  same")
    ticks_before, children_before = _machine_ticks(), resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    for path in files:
        for rule in args.rules.split(","):
            commands = _commands(path, rule, args.baseline_src)
            for side in commands:  # warm-up: fills the bytecode cache (imports only), untimed
                _run([sys.executable, "-c", WARM_UP[side]], envs[side], args.timeout)
            runs: dict[str, list[dict[str, object]]] = {side: [] for side in commands}
            for _ in range(args.repeat):
                for side, cmd in commands.items():
                    runs[side].append(_run(cmd, envs[side], args.timeout))
            _print_rule(path.name, rule, runs)
    wall = time.perf_counter() - start
    ticks_after, children_after = _machine_ticks(), resource.getrusage(resource.RUSAGE_CHILDREN)
    busy, total = (b - a for a, b in zip(ticks_before, ticks_after, strict=True))
    ours_cpu = sum(getattr(children_after, f) - getattr(children_before, f) for f in ("ru_utime", "ru_stime"))
    others = max(0.0, busy / os.sysconf("SC_CLK_TCK") - ours_cpu) / wall
    print(f"machine busy {busy / total:.0%} during {wall:.0f} s; other processes {others:.2f} cores")
    return 0


def _print_rule(name: str, rule: str, runs: dict[str, list[dict[str, object]]]) -> None:
    def median(side: str, key: str) -> float:
        return statistics.median(float(r[key]) for r in runs[side])  # type: ignore[arg-type]

    ours_wall, ours_cpu = median("ours", "wall"), median("ours", "cpu")
    reference = runs["ours"][0]["winners"]
    for side in runs:
        wall, cpu = median(side, "wall"), median(side, "cpu")
        same = "yes" if all(r["winners"] == reference and reference is not None for r in runs[side]) else "NO"
        ratios = f"{wall / ours_wall:9.1f}x {cpu / ours_cpu:8.1f}x" if side != "ours" else f"{'':10} {'':9}"
        print(f"{name[:24]:24} {rule:9} {side:9} {wall:7.3f} {cpu:7.3f} {ratios}  {same}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
