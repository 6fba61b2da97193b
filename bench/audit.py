"""The audit log at a million entries: ``uchast audit verify`` as a whole process (issue 19, item 4).

Usage: ``.venv/bin/python bench/audit.py [--entries 1000000] [--reuse] [--runs 3]``

1. Data: a PostgreSQL database ``uchast_bench_audit`` built by the real ``uchast migrate``, then
   ``--entries`` entries appended through ``core.audit.record_many`` (the path ``uchast demo --scale``
   uses: one hash chain, each hash from the one before), in the proportions a community's log has
   them: ballots and signatures with no summary to speak of, verifications, staff actions with a
   few fields. ``--reuse`` keeps a database that already holds that many entries.
2. Runs: ``python -m uchast audit verify`` ``--runs`` times, each a whole process: interpreter
   start, Django set-up, reading every entry from PostgreSQL in sequence order, recomputing every
   hash, comparing with the head and the checkpoints. Printed: wall time (median and each run),
   the process's processor time and peak resident memory (``getrusage`` of the child), the
   PostgreSQL backend's processor time is not included (it only streams rows), and the machine's
   busy share with the cores other processes took during the runs.

There is no peer to run beside it: Decidim, CONSUL and E-DEM keep no hash-chained log to verify.
The target (issue 19) is a million entries in under 10 s on this machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from voting import BASE_DSN, _machine_ticks, bench_env

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DB_NAME = "uchast_bench_audit"

FILL = r"""
import sys
import django
django.setup()
from django.db import transaction
from uchast.core.audit import PendingEntry, record_many
from uchast.core.models import AuditEntry, Community

total = int(sys.argv[1])
community = Community.objects.first() or Community.objects.create(
    slug="bench", name_uk="Бенчмарк", name_en="Benchmark", katottg="UA00000000000000001")

def entries():
    for i in range(total):
        kind = i % 20
        if kind < 9:  # ballots: the most common entry, and a small one
            yield PendingEntry(action="budget.ballot_cast", community_id=community.pk,
                               object_type="budget.cycle", object_id=str(1 + i % 3), summary={})
        elif kind < 14:
            yield PendingEntry(action="petitions.signature_create", community_id=community.pk, actor_id=None,
                               object_type="petitions.petition", object_id=str(i % 500),
                               summary={"signatures": i % 5000})
        elif kind < 18:
            yield PendingEntry(action="verification.granted", community_id=community.pk,
                               object_type="verification.verification", object_id=str(i),
                               summary={"method": "census", "level": "verified", "expires": "2027-12-31"})
        else:
            yield PendingEntry(action="budget.project_review", community_id=community.pk,
                               object_type="budget.project", object_id=str(i % 1400),
                               summary={"from": "submitted", "to": "admitted", "cost": 1250000,
                                        "reason": "Відповідає умовам «Положення»"})

with transaction.atomic():
    print(record_many(entries()), AuditEntry.objects.count())
"""


def env() -> dict[str, str]:
    return bench_env(DB_NAME, "/tmp/uvar_bench_audit")


def _entries_present() -> int:
    import psycopg

    try:
        with psycopg.connect(f"{BASE_DSN}/{DB_NAME}") as conn:
            row = conn.execute("SELECT count(*) FROM core_auditentry").fetchone()
            return int(row[0]) if row else 0
    except psycopg.Error:
        return 0


def build(entries: int, reuse: bool) -> None:
    import psycopg

    if reuse and _entries_present() == entries:
        print(f"reusing {DB_NAME}: {entries:,} entries")
        return
    started = time.monotonic()
    with psycopg.connect(f"{BASE_DSN}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    subprocess.run([PYTHON, "-m", "uchast", "migrate", "-v", "0"], check=True, env=env())
    out = subprocess.run([PYTHON, "-c", FILL, str(entries)], env=env(), capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"filling the log failed:\n{out.stderr[-3000:]}")
    with psycopg.connect(f"{BASE_DSN}/{DB_NAME}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")
    print(f"built {DB_NAME}: {out.stdout.split()[-1]} entries in {time.monotonic() - started:.0f} s")


def verify_once() -> tuple[float, float, float, str]:
    """Wall seconds, processor seconds and peak MiB of one whole ``uchast audit verify``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.run([PYTHON, "-m", "uchast", "audit", "verify"], env=env(), capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if out.returncode != 0:
        raise SystemExit(f"audit verify failed:\n{out.stdout}\n{out.stderr}")
    return wall, cpu, after.ru_maxrss / 1024, out.stdout.strip().splitlines()[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep a database that already holds --entries")
    args = parser.parse_args()
    build(args.entries, args.reuse)
    busy_before, total_before = _machine_ticks()
    results = [verify_once() for _ in range(args.runs)]
    busy_after, total_after = _machine_ticks()
    walls = [wall for wall, _, _, _ in results]
    cpus = [cpu for _, cpu, _, _ in results]
    cores = os.cpu_count() or 1
    busy = (busy_after - busy_before) / max(total_after - total_before, 1)
    others = busy * cores - sum(cpus) / max(sum(walls), 1e-9)
    print(f"uchast audit verify over {args.entries:,} entries, whole process, {args.runs} runs:")
    print(f"  wall s: median {statistics.median(walls):.2f} ({', '.join(f'{w:.2f}' for w in walls)})")
    print(f"  process CPU s: median {statistics.median(cpus):.2f}; peak resident {results[-1][2]:.0f} MiB")
    print(f"  entries/s (wall): {args.entries / statistics.median(walls):,.0f}")
    print(f"  machine busy {busy:.0%} of {cores} cores; other processes took about {max(others, 0):.2f} cores")
    print(f"  its verdict: {results[-1][3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
