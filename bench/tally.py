"""Benchmark of uchast.tally against pabutools on the largest shared Pabulib files and a synthetic election.

    .venv/bin/python bench/tally.py [--quick] [--timeout SECONDS] [--only NAME]

Every measurement runs in its own subprocess, so its peak memory (ru_maxrss) is its own. pabutools
runs get a timeout; a run past it is reported as "> timeout" and its ratio as ">= X". ``--quick``
skips pabutools on the largest files (where it needs minutes and ~9 GB). Prints one table row per
(file, rule): ours seconds, pabutools seconds, ratio, peak memory of each, and whether winners agree.
"parse" is reading the file into the in-memory model: for us read_pabulib + the grouped numpy profile (kept on
the election), for pabutools parse_pabulib (Instance + Profile). Rule times exclude the parse on both sides.
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
        if rule == "parse":
            seconds, winners = parse_s, []
        else:
            if election.kind.value != "approval" and rule != "greedy":
                print(json.dumps({"skip": "rule needs approval ballots"}))
                return
            t0 = time.perf_counter()
            outcome = count(election, ties=TieBreaking(("name",)), **kwargs)  # type: ignore[arg-type]
            seconds = time.perf_counter() - t0
            winners = sorted(outcome.selected)
    else:
        from pabutools.election import Cardinality_Sat, Cost_Sat, parse_pabulib
        from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares, sequential_phragmen

        t0 = time.perf_counter()
        instance, profile = parse_pabulib(path)
        parse_s = time.perf_counter() - t0
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
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "winners": winners}))


def measure(side: str, path: Path, rule: str, timeout: float) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--worker", side, str(path), rule]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"timeout": timeout}
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


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
        f"{'file':34} {'rule':9} {'ours s':>8} {'pabutools s':>12} {'ratio':>9} {'ours MB':>8} {'pabu MB':>8}  same"
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
            ours_s = float(ours.get("seconds", float("nan")))  # type: ignore[arg-type]
            if "seconds" in theirs:
                their_s = f"{float(theirs['seconds']):12.2f}"  # type: ignore[arg-type]
                ratio = f"{float(theirs['seconds']) / ours_s:8.0f}x"  # type: ignore[arg-type]
                same = "yes" if theirs.get("winners") == ours.get("winners") or rule == "parse" else "NO"
                their_mb = f"{float(theirs['peak_mb']):8.0f}"  # type: ignore[arg-type]
            elif "timeout" in theirs:
                their_s = f"> {args.timeout:.0f}".rjust(12)
                ratio = f">={args.timeout / ours_s:.0f}x".rjust(9)
                same, their_mb = "-", "       -"
            else:
                their_s = ("skipped" if "skipped" in theirs else "error").rjust(12)
                ratio, same, their_mb = "        -", "-", "       -"
            name = path.name[:34]
            print(
                f"{name:34} {rule:9} {ours_s:8.3f} {their_s} {ratio} {float(ours['peak_mb']):8.0f} {their_mb}  {same}",
                flush=True,
            )  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
