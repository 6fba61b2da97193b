"""Heavy staff work at city scale (issue 19, item 4), on the databases ``bench/pages.py`` builds.

Usage: ``.venv/bin/python bench/staff_work.py [--scale 100] [--build] [--tasks close_voting,count] [--ballots 150000]``

Each task runs in a fresh process (``python bench/staff_work.py --task NAME``), timed from start to
exit, with its processor time and peak resident memory (``getrusage`` of the child). What each
task's time includes:

- **close voting** (``cycle_set_phase`` to results on the cycle now voting): the phase change that
  erases the voter tokens and writes every ballot of the cycle again in random order with new ids
  (``budget.services.results.close_ballot_links``), in one transaction.
- **count**: ``cycle_count`` on that cycle: reading every counted ballot, opening each sealed one
  with the cycle's key, counting every category with its rule, writing the outcomes and the Pabulib
  files with their SHA-256 and the audit entry. Both tasks run in a transaction that is rolled back
  at the end, so the database stays as ``bench/pages.py`` uses it (the rollback is not timed).
  ``--ballots`` first tops the cycle up to that many sealed ballots (``budget.scale.ballots_top_up``,
  inside the same rolled-back transaction, before the clock starts): a city's 150,000.
- **Pabulib file** and **results CSV** of the cycle counted and published at build time: one GET
  each through Django's test client (the whole view, streamed content read to the end), as an
  anonymous visitor downloads them.
- **open data archive**: ``core.opendata.snapshot.build``: every dataset in CSV and JSON, their
  checksums and the zip of all.

Django set-up is in every task's wall and processor time (about 1 s); the printed "work" is the task
alone (for the downloads, after one unmeasured request that loads the views). "peak_mib" is the
task process's own peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TASKS = ("close_voting", "count", "pabulib", "results_csv", "archive")


def _task(name: str) -> dict[str, object]:
    """Runs inside the child: one task, with its own time and the size of what it handled."""
    import django

    django.setup()
    from django.db import transaction
    from django.test import Client

    from uchast.budget import services
    from uchast.budget.models import Ballot, BudgetCycle, PaperCheckEntry, Phase
    from uchast.core.models import Community
    from uchast.core.opendata import snapshot

    community = Community.objects.order_by("pk").first()
    voting = BudgetCycle.objects.filter(community=community, status=Phase.VOTING).order_by("-pk").first()
    published = BudgetCycle.objects.filter(community=community, results_published_at__isnull=False).order_by("-pk")[0]
    admin = None  # the actor is optional: the audit entries then say "system"
    started = time.perf_counter()
    detail: dict[str, object] = {}
    if name in ("close_voting", "count"):
        assert voting is not None, "no cycle is voting: rebuild the database"

        class Rollback(Exception):
            pass

        try:
            with transaction.atomic():
                # bench/pages.py enters paper ballots once (the second entry never comes), which
                # the count refuses to leave unsettled: the half-entered positions go, untimed.
                Ballot.objects.filter(cycle=voting, is_paper=True).exclude(check_digest="").delete()
                PaperCheckEntry.objects.filter(batch__cycle=voting, matched=False).delete()
                wanted = int(os.environ.get("BENCH_BALLOTS") or 0)
                if wanted:  # a bigger cycle than the scale data's, topped up before the clock starts
                    from uchast.budget.scale import ballots_top_up

                    detail["added"] = ballots_top_up(voting, wanted)
                started = time.perf_counter()
                services.cycle_set_phase(cycle=voting, phase=Phase.RESULTS, actor=admin)
                detail["ballots"] = Ballot.objects.filter(cycle=voting).count()
                if name == "close_voting":
                    work = time.perf_counter() - started
                else:
                    counted_from = time.perf_counter()
                    results = services.cycle_count(cycle=BudgetCycle.objects.get(pk=voting.pk), actor=admin)
                    work = time.perf_counter() - counted_from
                    detail["pabulib_bytes"] = sum(len(r.pabulib) for r in results)
                raise Rollback
        except Rollback:
            pass
    elif name in ("pabulib", "results_csv"):
        category = published.categories.order_by("position", "pk")[0]
        url = (
            f"/budget/{published.pk}/results/{category.pk}.pb"
            if name == "pabulib"
            else f"/budget/{published.pk}/results/projects.csv"
        )
        client = Client(HTTP_HOST="localhost")
        client.get("/")  # the first request of a process imports the views and reads templates: not timed
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        size = sum(len(chunk) for chunk in response.streaming_content) if response.streaming else len(response.content)
        work = time.perf_counter() - started
        detail.update(url=url, bytes=size, streamed=response.streaming)
        detail["ballots"] = Ballot.objects.filter(cycle=published).count()
    elif name == "archive":
        built = snapshot.build(community)
        work = time.perf_counter() - started
        detail["files"] = len(built.manifest["files"])
        detail["archive_bytes"] = built.manifest["archive"].get("bytes")
    else:
        raise SystemExit(f"unknown task {name}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"task": name, "work_s": round(work, 3), "peak_mib": round(peak), **detail}


def run(scale: int, name: str, ballots: int = 0) -> dict[str, object]:
    from pages import env

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.run(
        [PYTHON, str(Path(__file__)), "--task", name],
        env={**env(scale), "BENCH_BALLOTS": str(ballots)},
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(f"{name} failed:\n{out.stderr[-4000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result.update(
        wall_s=round(wall, 2),
        cpu_s=round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 2),
    )
    return dict(result)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--build", action="store_true", help="build the database of that scale first")
    parser.add_argument("--task", choices=TASKS, help=argparse.SUPPRESS)
    parser.add_argument("--tasks", default=",".join(TASKS))
    parser.add_argument(
        "--ballots", type=int, default=0, help="close and count a voting cycle topped up to this many ballots"
    )
    args = parser.parse_args()
    if args.task:
        print(json.dumps(_task(args.task), ensure_ascii=False))
        return 0
    sys.path.insert(0, str(Path(__file__).parent))
    from voting import _machine_ticks

    if args.build:
        from pages import build

        print(f"built N = {args.scale} in {build(args.scale, reuse=False):.0f} s")
    busy_before, total_before = _machine_ticks()
    started = time.monotonic()
    cpu_total = 0.0
    for name in args.tasks.split(","):
        result = run(args.scale, name, args.ballots)
        cpu_total += float(result["cpu_s"])  # type: ignore[arg-type]
        print(json.dumps(result, ensure_ascii=False))
    busy_after, total_after = _machine_ticks()
    cores = os.cpu_count() or 1
    busy = (busy_after - busy_before) / max(total_after - total_before, 1)
    elapsed = time.monotonic() - started
    others = max(busy * cores - cpu_total / elapsed, 0)
    print(f"machine busy {busy:.0%} of {cores} cores; other processes (PostgreSQL's included) about {others:.2f} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
