"""Benchmark of uchast.tally against pabutools on the largest shared Pabulib files and a synthetic election.

    .venv/bin/python bench/tally.py [--quick] [--timeout SECONDS] [--only NAME]

A last "small electorate" section times MES+add1 on 5 voters and a 300,000 UAH budget (the case of small
communities: one-unit steps need ~14,000 MES runs): ours with exact jumps over per-voter budgets, ours
stepping one unit at a time (``jump=False``, the code before the jumps) and pabutools.

Every measurement runs in its own subprocess, so its peak memory (ru_maxrss) is its own. pabutools
runs get a timeout; a run past it is reported as "> timeout" and its ratio as ">= X". ``--quick``
skips pabutools on the largest files (where it needs minutes and ~9 GB). Prints one table row per
(file, rule): ours seconds, pabutools seconds, ratio, peak memory of each, and whether winners agree.
"parse" is reading the file into the in-memory model: for us read_pabulib + the grouped numpy profile (kept on
the election), for pabutools parse_pabulib (Instance + Profile). Rule times exclude the parse on both sides;
each rule row also states, in brackets, ours with parse and grouping included and the ratio to pabutools'
parse + rule. Whole processes (interpreter start and imports too): bench/tally_whole.py.
Both sides break ties by project name (pabutools' default), so winners must be identical.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

CORPUS = Path(os.environ.get("UCHAST_PABULIB_DIR", "/work/shared/pabulib"))
SYNTHETIC = Path(os.environ.get("UCHAST_BENCH_DIR", "/tmp")) / "uchast_synthetic_200k.pb"
SMALL = Path(os.environ.get("UCHAST_BENCH_DIR", "/tmp")) / "uchast_small_electorate.pb"
SMALL_RULES = ["mes-add1", "mes-add1-step"]
LARGE = [
    "Poland_Warszawa_2026.pb",
    "Hungary_Budapest_2024.pb",
    "Poland_Lodz_2022.pb",
    "Poland_Wroclaw_2015_150_-_500.pb",
]
RULES = ["parse", "greedy", "mes-cost", "mes-card", "mes-add1", "phragmen"]
# Budapest counts in forints: add1 with 1 HUF steps needs ~22,000 MES runs; 100 HUF is the practical step.
ADD1_STEP = {"Hungary_Budapest_2024.pb": 100}


def make_synthetic(path: Path, voters: int = 200_000, projects: int = 150, seed: int = 2024) -> None:
    """A reproducible approval election: skewed popularity, 1-8 approvals per voter."""
    from uchast.tally import ApprovalBallot, Election, Project, write_pabulib

    rng = random.Random(seed)
    ids = [str(100 + i) for i in range(projects)]
    popularity = [rng.paretovariate(1.2) for _ in ids]
    costs = [rng.randrange(50, 2_000) * 1_000 for _ in ids]
    ballots = []
    for v in range(voters):
        k = rng.randint(1, 8)
        chosen = set(rng.choices(ids, weights=popularity, k=k))
        ballots.append(ApprovalBallot(tuple(sorted(chosen)), voter_id=str(v + 1)))
    election = Election(
        tuple(Project(pid, c) for pid, c in zip(ids, costs, strict=True)),
        tuple(ballots),
        budget=sum(costs) // 4,
        meta=(("description", f"synthetic, seed {seed}"), ("rule", "greedy")),
    )
    with open(path, "w", encoding="utf-8") as stream:
        write_pabulib(election, stream)


def make_small(path: Path) -> None:
    """5 voters, a 300,000 UAH budget, 12 projects of 20,000-150,000 UAH (as tests/tally/test_tally_add1.py)."""
    from uchast.tally import ApprovalBallot, Election, Project, write_pabulib

    costs = [45_000, 80_000, 120_000, 30_000, 65_000, 95_000, 150_000, 20_000, 55_000, 110_000, 75_000, 40_000]
    ballots = [
        ("p0", "p1", "p2", "p3"),
        ("p1", "p4", "p5"),
        ("p2", "p6", "p7", "p8", "p0"),
        ("p9", "p10", "p3"),
        ("p11", "p7", "p1", "p5"),
    ]
    election = Election(
        tuple(Project(f"p{i}", c) for i, c in enumerate(costs)),
        tuple(ApprovalBallot(b, voter_id=str(v + 1)) for v, b in enumerate(ballots)),
        budget=300_000,
        meta=(("description", "small electorate: 5 voters, 300,000 UAH"), ("rule", "equalshares/add1")),
    )
    with open(path, "w", encoding="utf-8") as stream:
        write_pabulib(election, stream)


def _add1_runs(notes: tuple[str, ...]) -> str:
    """'budgets/runs' from our add1 note ("add1: N per-voter budgets scanned in M runs ..." or "add1: N runs ...")."""
    note = next((n for n in notes if n.startswith("add1: ")), "")
    words = note.split()
    if len(words) > 7 and words[2:5] == ["per-voter", "budgets", "scanned"]:
        return f"{words[1]} budgets, {words[6]} MES runs"
    return f"{words[1]} budgets, {words[1]} MES runs" if len(words) > 1 else ""


def worker(side: str, path: str, rule: str) -> None:
    name = Path(path).name
    step = ADD1_STEP.get(name, 1)
    if side == "ours":
        from uchast.tally import TieBreaking, count, read_pabulib
        from uchast.tally.profile import compile_profile

        t0 = time.perf_counter()
        election = read_pabulib(path)
        compile_profile(election)  # our in-memory profile, as pabutools' parse builds its Profile
        parse_s = time.perf_counter() - t0
        kwargs: dict[str, object] = {
            "greedy": {"rule": "greedy"},
            "mes-cost": {"rule": "mes", "utility": "cost"},
            "mes-card": {"rule": "mes", "utility": "cardinality"},
            "mes-add1": {"rule": "mes", "utility": "cost", "completion": "add1", "step": step},
            "phragmen": {"rule": "phragmen"},
        }.get(rule, {})
        extra = ""
        if rule == "parse":
            seconds, winners = parse_s, []
        elif rule == "mes-add1-step":  # the one-unit scan (no jumps), as before the jumps
            from uchast.tally.add1 import add1_scan

            t0 = time.perf_counter()
            profile = compile_profile(election)
            scan = add1_scan(profile, ties=TieBreaking(("name",)), step=step, jump=False)
            seconds = time.perf_counter() - t0
            winners = sorted(profile.project_ids[p] for p in scan.run.selected)
            extra = f"{scan.budgets} budgets, {scan.runs} MES runs"
        else:
            if election.kind.value != "approval" and rule != "greedy":
                print(json.dumps({"skip": "rule needs approval ballots"}))
                return
            t0 = time.perf_counter()
            outcome = count(election, ties=TieBreaking(("name",)), **kwargs)  # type: ignore[arg-type]
            seconds = time.perf_counter() - t0
            winners = sorted(outcome.selected)
            if rule == "mes-add1":
                extra = _add1_runs(outcome.notes)
    else:
        from pabutools.election import Cardinality_Sat, Cost_Sat, parse_pabulib
        from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares, sequential_phragmen

        t0 = time.perf_counter()
        instance, profile = parse_pabulib(path)
        parse_s = time.perf_counter() - t0
        extra = ""
        runs = {
            "greedy": lambda: greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat),
            "mes-cost": lambda: method_of_equal_shares(instance, profile, sat_class=Cost_Sat),
            "mes-card": lambda: method_of_equal_shares(instance, profile, sat_class=Cardinality_Sat),
            "mes-add1": lambda: method_of_equal_shares(
                instance, profile, sat_class=Cost_Sat, voter_budget_increment=step
            ),
            "phragmen": lambda: sequential_phragmen(instance, profile),
        }
        if rule == "parse":
            seconds, winners = parse_s, []
        else:
            t0 = time.perf_counter()
            result = runs[rule]()
            seconds = time.perf_counter() - t0
            winners = sorted(p.name for p in result)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "parse": parse_s, "peak_mb": peak_mb, "winners": winners, "extra": extra}))


def measure(side: str, path: Path, rule: str, timeout: float) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--worker", side, str(path), rule]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"timeout": timeout}
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def print_row(name: str, rule: str, ours: dict[str, object], theirs: dict[str, object], timeout: float) -> None:
    ours_s = float(ours.get("seconds", float("nan")))  # type: ignore[arg-type]
    if "seconds" in theirs:
        their_s = f"{float(theirs['seconds']):12.2f}"  # type: ignore[arg-type]
        factor = float(theirs["seconds"]) / ours_s  # type: ignore[arg-type]
        ratio = f"{factor:8.0f}x" if factor >= 10 else f"{factor:8.1f}x"
        same = "yes" if theirs.get("winners") == ours.get("winners") or rule == "parse" else "NO"
        their_mb = f"{float(theirs['peak_mb']):8.0f}"  # type: ignore[arg-type]
    elif "timeout" in theirs:
        their_s = f"> {timeout:.0f}".rjust(12)
        ratio = f">={timeout / ours_s:.0f}x".rjust(9)
        same, their_mb = "-", "       -"
    else:
        their_s = ("skipped" if "skipped" in theirs else "error").rjust(12)
        ratio, same, their_mb = "        -", "-", "       -"
    extra = f"  ({ours['extra']})" if ours.get("extra") else ""
    if rule != "parse" and "seconds" in theirs and "parse" in ours and "parse" in theirs:
        # The rule with the reading and grouping of the file included on both sides.
        whole = (float(theirs["seconds"]) + float(theirs["parse"])) / (ours_s + float(ours["parse"]))  # type: ignore[arg-type]
        extra += f"  [with parse+grouping: {ours_s + float(ours['parse']):.3f} s, {whole:.0f}x]"  # type: ignore[arg-type]
    peak = float(ours.get("peak_mb", float("nan")))  # type: ignore[arg-type]
    print(f"{name:34} {rule:13} {ours_s:8.3f} {their_s} {ratio} {peak:8.0f} {their_mb}  {same}{extra}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip pabutools on the largest files")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds allowed to one pabutools run")
    parser.add_argument("--no-pabutools", action="store_true", help="measure ours only")
    parser.add_argument("--only", default=None, help="only files whose name contains this")
    parser.add_argument("--rules", default=",".join(RULES))
    parser.add_argument("--worker", nargs=3, metavar=("SIDE", "FILE", "RULE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return 0
    if not SYNTHETIC.exists():
        make_synthetic(SYNTHETIC)
    files = [CORPUS / name for name in LARGE] + [SYNTHETIC]
    if args.only:
        files = [f for f in files if args.only in f.name]
    rules = args.rules.split(",")
    header = (
        f"{'file':34} {'rule':13} {'ours s':>8} {'pabutools s':>12} {'ratio':>9} {'ours MB':>8} {'pabu MB':>8}  same"
    )
    print(header)
    print("-" * len(header))
    for path in files:
        for rule in rules:
            ours = measure("ours", path, rule, 600)
            if "skip" in ours:
                continue
            theirs: dict[str, object] = {"skipped": True}
            if not args.no_pabutools and (not args.quick or path.name not in LARGE[:2]):
                theirs = measure("pabutools", path, rule, args.timeout)
            print_row(path.name[:34], rule, ours, theirs, args.timeout)
    if "mes-add1" in rules and (not args.only or args.only in SMALL.name):
        make_small(SMALL)
        theirs = {"skipped": True} if args.no_pabutools else measure("pabutools", SMALL, "mes-add1", args.timeout)
        for rule in SMALL_RULES:
            print_row("small electorate (5 voters)", rule, measure("ours", SMALL, rule, 600), theirs, args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
