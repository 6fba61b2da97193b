"""Ballot casting at the voting peak: gunicorn + PostgreSQL on loopback, N voters casting at once.

Usage: ``.venv/bin/python bench/voting.py [--voters 2000] [--concurrency 200] [--workers 4]``

1. Creates a fresh PostgreSQL database (``uchast_bench_voting``), migrates it, and builds a
   community with a cycle in the voting phase (two categories, eight admitted projects) and N
   verified residents, each with a personal API token (bulk inserts; not timed).
2. Starts gunicorn (``--workers`` sync workers) on 127.0.0.1.
3. Load generator (stdlib only: threads + ``http.client`` keep-alive connections): ``--concurrency``
   threads wait on a barrier, then every voter POSTs ``/api/budget/cycles/<id>/ballot`` once with a
   valid ballot. Latency is measured per request from send to full response.
4. Verifies: zero errors, and every acknowledged receipt code is in the database (one ballot per
   voter, all counted). Prints ballots/s, p50/p90/p99/max latency.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
DB_NAME = "uchast_bench_voting"
BASE_DSN = "postgres://postgres@127.0.0.1:5432"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{BASE_DSN}/{DB_NAME}",
        DJANGO_SETTINGS_MODULE="uchast.settings",
        SECRET_KEY="bench-secret-key-" + "x" * 40,
        IDENTITY_HASH_KEY="bench-identity-key-" + "y" * 40,
        UCHAST_VAR_DIR="/tmp/uvar_bench_voting",
        UCHAST_MODULES=env.get("UCHAST_MODULES", "verification,budget"),
        DEBUG="false",
    )
    env.pop("UCHAST_TESTING", None)
    return env


def prepare(voters: int) -> tuple[int, list[tuple[str, list[int]]]]:
    """Fresh database with a voting cycle and ``voters`` verified residents. Returns (cycle id,
    [(token, ballot project ids)])."""
    subprocess.run([VENV / "python", "-c", _DROP_CREATE], check=True, env=_env())
    subprocess.run([VENV / "uchast", "migrate", "-v", "0"], check=True, env=_env())
    out = subprocess.run(
        [VENV / "python", "-c", _SETUP, str(voters)], check=True, env=_env(), capture_output=True, text=True
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return data["cycle"], [(t, b) for t, b in data["voters"]]


_DROP_CREATE = f"""
import psycopg
with psycopg.connect("{BASE_DSN}/postgres", autocommit=True) as conn:
    conn.execute("DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    conn.execute("CREATE DATABASE {DB_NAME}")
"""

_SETUP = r"""
import json, random, sys
from datetime import date, timedelta
import django
django.setup()
from django.utils import timezone
from uchast.accounts.models import ApiToken, User
from uchast.budget import services
from uchast.budget.models import BallotRule, CountingRule, Phase, Project
from uchast.core.models import Community, District
from uchast.verification.models import Verification

n = int(sys.argv[1])
community = Community.objects.create(slug="bench", name_uk="Громада", name_en="Community",
                                     katottg="UA00000000000000009")
district = District.objects.create(community=community, code="c", name_uk="Центр", name_en="Centre")
admin = User.objects.create_user("admin@bench.test", None)
now = timezone.now()
start = now - timedelta(days=1)
dates = {"submission_opens": start, "review_opens": start + timedelta(days=1, hours=1),
         "revision_opens": start + timedelta(days=1, hours=2), "voting_opens": start + timedelta(days=1, hours=3),
         "voting_closes": start + timedelta(days=30)}
cycle = services.cycle_create(community=community, actor=admin, title="Bench", year=2026, dates=dates)
cats = []
for i, rule in enumerate([BallotRule.UP_TO_N, BallotRule.KNAPSACK]):
    cats.append(services.category_save(cycle=cycle, actor=admin, values={
        "name": f"C{i}", "budget": 2_000_000_00, "min_cost": 1_000_00, "max_cost": 1_000_000_00,
        "ballot_rule": rule, "max_selected": 3, "min_selected": 0, "counting_rule": CountingRule.GREEDY}))
projects = []
for i in range(8):
    projects.append(Project.objects.create(cycle=cycle, category=cats[i % 2], district=district, author=admin,
        title=f"P{i}", summary="s", description="d", expected_result="e", beneficiaries="b",
        total_cost=(200_000 + 50_000 * i) * 100, status="admitted"))
users = User.objects.bulk_create([User(email=f"v{i}@bench.test", password="!") for i in range(n)])
Verification.objects.bulk_create([Verification(user=u, community=community, method="bench", basis="idp",
    status="active", birth_date=date(1990, 1, 1), district=district) for u in users])
keys = [ApiToken.new_key() for _ in users]
ApiToken.objects.bulk_create([ApiToken(user=u, name="bench", key_hash=ApiToken.hash_key(k))
                              for u, k in zip(users, keys)])
services.cycle_set_phase(cycle=cycle, phase=Phase.VOTING, actor=admin)
rng = random.Random(1)
a = [p.pk for p in projects if p.category_id == cats[0].pk]
b = [p.pk for p in projects if p.category_id == cats[1].pk]
print(json.dumps({"cycle": cycle.pk, "voters": [[k, rng.sample(a, 2) + rng.sample(b, 2)] for k in keys]}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(workers: int, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [
            VENV / "gunicorn",
            "uchast.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--backlog",
            "4096",
            "--log-level",
            "warning",
        ],
        env=_env(),
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def cast_all(port: int, cycle: int, voters: list[tuple[str, list[int]]], concurrency: int) -> dict[str, object]:
    latencies: list[float] = []
    receipts: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()
    queue = list(voters)
    barrier = threading.Barrier(concurrency + 1)
    path = f"/api/budget/cycles/{cycle}/ballot"

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        while True:
            with lock:
                if not queue:
                    break
                token, ballot = queue.pop()
            body = json.dumps({"projects": ballot})
            started = time.perf_counter()
            try:
                conn.request(
                    "POST", path, body, {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
                )
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                with lock:
                    errors.append(repr(error))
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if response.status == 200:
                    receipts.append(json.loads(payload)["receipt_code"])
                else:
                    errors.append(f"{response.status} {payload[:200]!r}")
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")

    return {
        "wall_s": wall,
        "ballots_per_s": len(receipts) / wall,
        "p50_ms": pct(0.50),
        "p90_ms": pct(0.90),
        "p99_ms": pct(0.99),
        "max_ms": ordered[-1] * 1000 if ordered else float("nan"),
        "mean_ms": statistics.fmean(ordered) * 1000 if ordered else float("nan"),
        "acknowledged": len(receipts),
        "errors": errors,
        "receipts": receipts,
    }


def verify(receipts: list[str], voters: int) -> tuple[int, int]:
    code = (
        "import django, json, sys; django.setup();"
        "from uchast.budget.models import Ballot;"
        "print(json.dumps([Ballot.objects.count(), list(Ballot.objects.values_list('receipt_code', flat=True))]))"
    )
    out = subprocess.run([VENV / "python", "-c", code], check=True, env=_env(), capture_output=True, text=True)
    count, stored = json.loads(out.stdout.strip().splitlines()[-1])
    missing = len(set(receipts) - set(stored))
    return count, missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--voters", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    print(f"preparing {args.voters} voters ...", flush=True)
    cycle, voters = prepare(args.voters)
    port = _free_port()
    server = start_gunicorn(args.workers, port)
    try:
        # Warm up every worker (imports, connections) with read requests; not measured.
        for _ in range(args.workers * 4):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", f"/api/budget/cycles/{cycle}")
            conn.getresponse().read()
        result = cast_all(port, cycle, voters, args.concurrency)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    count, missing = verify(result["receipts"], args.voters)  # type: ignore[arg-type]
    errors = result["errors"]
    print(
        f"voters {args.voters}, concurrency {args.concurrency}, gunicorn sync workers {args.workers}\n"
        f"ballots/s {result['ballots_per_s']:.0f}  wall {result['wall_s']:.2f} s\n"
        f"latency ms: p50 {result['p50_ms']:.0f}  p90 {result['p90_ms']:.0f}  p99 {result['p99_ms']:.0f}  "
        f"max {result['max_ms']:.0f}  mean {result['mean_ms']:.0f}\n"
        f"acknowledged {result['acknowledged']}, errors {len(errors)}, ballots in database {count}, "
        f"acknowledged but missing {missing}"
    )
    for error in errors[:5]:  # type: ignore[index]
        print("error:", error)
    ok = not errors and missing == 0 and count == args.voters
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
