"""Benchmark: uchast.opinion against red-dwarf (reference Polis pipeline) on planted-group votes.

    .venv/bin/python bench/opinion.py            # 10,000 × 500 and 50,000 × 1,000
    .venv/bin/python bench/opinion.py --quick    # the small size only

For each size the parent draws synthetic votes (uchast.opinion.synthetic: n groups, each with
its own agree probability per statement, every participant voting on ~100 statements) and
saves them; each implementation then runs in its own subprocess so that its peak memory
(VmHWM) is its own. Ours is timed from numpy arrays to OpinionMap (VoteMatrix.from_triples
included), best of ``--repeat`` runs; red-dwarf's ``run_pipeline`` is timed once, from the list
of vote dicts it takes as input (building that list is not timed, but its memory counts in its
peak, as the caller must hold it). Prints a table with adjusted Rand indices against the
planted groups and between the two implementations.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

SIZES = ((10_000, 500), (50_000, 1_000))
VOTES_PER_PARTICIPANT = 100


def _peak_mb() -> float:
    """Peak resident memory of this process image, in MB.

    VmHWM, not ru_maxrss: on Linux ru_maxrss survives execve, so a child would inherit the
    parent's peak (the parent holds the generated data).
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_ours(data: dict[str, np.ndarray], repeat: int) -> dict[str, Any]:
    from uchast.opinion import VoteMatrix, compute_opinion_map

    baseline = _peak_mb()
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        matrix = VoteMatrix.from_triples(data["participants"], data["statements"], data["values"])
        result = compute_opinion_map(matrix, min_votes_per_participant=7, seed=0, max_groups=5)
        timings.append(time.perf_counter() - start)
    n = int(data["n_participants"])
    labels = [result.participant_group.get(participant, -1) for participant in range(n)]
    return {"seconds": min(timings), "all_seconds": timings, "labels": labels, "baseline_mb": baseline}


def _run_reddwarf(data: dict[str, np.ndarray]) -> dict[str, Any]:
    from reddwarf.implementations.polis import run_pipeline

    votes = [
        {"participant_id": participant, "statement_id": statement, "vote": value}
        for participant, statement, value in zip(
            data["participants"].tolist(), data["statements"].tolist(), data["values"].tolist(), strict=True
        )
    ]
    baseline = _peak_mb()
    start = time.perf_counter()
    result = run_pipeline(votes=votes, min_user_vote_threshold=7, max_group_count=5, random_state=0)
    seconds = time.perf_counter() - start
    cluster = result.participants_df["cluster_id"]
    n = int(data["n_participants"])
    labels = [int(cluster[p]) if p in cluster.index and not np.isnan(float(cluster[p])) else -1 for p in range(n)]
    return {"seconds": seconds, "all_seconds": [seconds], "labels": labels, "baseline_mb": baseline}


def _child(which: str, data_path: str, out_path: str, repeat: int) -> None:
    loaded = np.load(data_path)
    data = {key: loaded[key] for key in loaded.files}
    report = _run_ours(data, repeat) if which == "ours" else _run_reddwarf(data)
    report["peak_mb"] = _peak_mb()
    Path(out_path).write_text(json.dumps(report))


def _spawn(which: str, data_path: Path, work: Path, repeat: int) -> dict[str, Any]:
    out_path = work / f"{which}.json"
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            which,
            "--data",
            str(data_path),
            "--out",
            str(out_path),
            "--repeat",
            str(repeat),
        ],
        check=True,
    )
    report: dict[str, Any] = json.loads(out_path.read_text())
    return report


def _ari(left: list[int], right: list[int]) -> float:
    from sklearn.metrics import adjusted_rand_score

    a, b = np.asarray(left), np.asarray(right)
    both = (a >= 0) & (b >= 0)
    return float(adjusted_rand_score(a[both], b[both]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="only the 10,000 × 500 size")
    parser.add_argument("--groups", type=int, default=3, help="planted groups (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic data")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of ours (best is reported)")
    parser.add_argument("--no-reddwarf", action="store_true", help="skip red-dwarf (minutes on the large size)")
    parser.add_argument("--child", choices=["ours", "reddwarf"], help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        _child(arguments.child, arguments.data, arguments.out, arguments.repeat)
        return

    from uchast.opinion.synthetic import planted_votes

    sizes = SIZES[:1] if arguments.quick else SIZES
    header = (
        f"{'size':>16} {'votes':>6} {'ours s':>7} {'rd s':>7} {'ratio':>6} {'ours MB':>8} {'rd MB':>7} "
        f"{'ARI ours':>8} {'ARI rd':>7} {'ours~rd':>7}"
    )
    rows = []
    for n_participants, n_statements in sizes:
        planted = planted_votes(
            n_participants=n_participants,
            n_statements=n_statements,
            n_groups=arguments.groups,
            votes_per_participant=VOTES_PER_PARTICIPANT,
            seed=arguments.seed,
        )
        with tempfile.TemporaryDirectory() as directory:
            work = Path(directory)
            data_path = work / "votes.npz"
            np.savez(
                data_path,
                participants=planted.participant_ids,
                statements=planted.statement_ids,
                values=planted.values,
                n_participants=np.array(n_participants),
            )
            ours = _spawn("ours", data_path, work, arguments.repeat)
            theirs = None if arguments.no_reddwarf else _spawn("reddwarf", data_path, work, 1)
        truth = planted.planted_group.tolist()
        size = f"{n_participants:,} × {n_statements:,}"
        votes = f"{planted.values.shape[0] / 1e6:.0f}M"
        if theirs is None:
            rows.append(
                f"{size:>16} {votes:>6} {ours['seconds']:7.2f} {'-':>7} {'-':>6} {ours['peak_mb']:8.0f} {'-':>7} "
                f"{_ari(ours['labels'], truth):8.3f} {'-':>7} {'-':>7}"
            )
        else:
            rows.append(
                f"{size:>16} {votes:>6} {ours['seconds']:7.2f} {theirs['seconds']:7.1f} "
                f"{theirs['seconds'] / ours['seconds']:5.0f}× {ours['peak_mb']:8.0f} {theirs['peak_mb']:7.0f} "
                f"{_ari(ours['labels'], truth):8.3f} {_ari(theirs['labels'], truth):7.3f} "
                f"{_ari(ours['labels'], theirs['labels']):7.3f}"
            )
        print(
            f"# {size}: ours runs {', '.join(f'{s:.2f}' for s in ours['all_seconds'])} s; "
            f"RSS before computing: ours {ours['baseline_mb']:.0f} MB"
            + ("" if theirs is None else f", red-dwarf {theirs['baseline_mb']:.0f} MB (vote dicts built)"),
            flush=True,
        )
    print(
        f"planted groups: {arguments.groups}, ~{VOTES_PER_PARTICIPANT} votes per participant, "
        f"data seed {arguments.seed}"
    )
    print(header)
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
