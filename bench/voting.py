"""Ballot casting at the voting peak: gunicorn + PostgreSQL on loopback (docs/performance.md).

Usage: ``.venv/bin/python bench/voting.py [--voters 2000] [--rates 500,0] [--workers 4] [--threads 1]``

1. Creates a fresh PostgreSQL database (``uchast_bench_voting``), migrates it, and builds a
   community with a cycle in the voting phase (two categories, eight admitted projects) and verified
   residents with personal API tokens (bulk inserts; not timed): ``--voters`` per run, plus 200
   who warm the workers up.
2. Starts gunicorn (``uchast.wsgi:application``; sync workers, or gthread with ``--threads``).
3. Load generator (stdlib asyncio, one connection per request): per rate in ``--rates``, every voter
   of that run POSTs ``/api/budget/cycles/<id>/ballot`` once. A rate above 0 is an open loop (latency
   counted from when the voter was due); 0 sends all voters at once (at most ``--concurrency`` in
   flight).
4. Verifies zero errors and that every acknowledged receipt code is in the database. Prints
   ballots/s, latency percentiles, processor time per ballot (workers, PostgreSQL, generator) and
   the cores other processes took during the run.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
DB_NAME = "uchast_bench_voting"
BASE_DSN = "postgres://postgres@127.0.0.1:5432"


def bench_env(database: str, var_dir: str, **settings: str) -> dict[str, str]:
    """The environment every benchmark runs the platform in: this process's, with the database
    ``database`` on the loopback server, fixed development secrets, ``DEBUG`` off, its own var
    folder, never the test settings; ``settings`` adds or replaces variables."""
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(Path(__file__).resolve().parent.parent / "src"),
        DATABASE_URL=f"{BASE_DSN}/{database}",
        DJANGO_SETTINGS_MODULE="uchast.settings",
        SECRET_KEY="bench-secret-key-" + "x" * 40,
        IDENTITY_HASH_KEY="bench-identity-key-" + "y" * 40,
        PERSON_KEY_SECRET="bench-person-key-" + "z" * 40,
        VOTER_TOKEN_KEY="bench-voter-token-" + "w" * 40,
        UCHAST_VAR_DIR=var_dir,
        DEBUG="false",
        **settings,
    )
    env.pop("UCHAST_TESTING", None)
    return env


def _env() -> dict[str, str]:
    return bench_env(
        DB_NAME,
        "/tmp/uvar_bench_voting",
        BUDGET_SEAL_KEY="bench-seal-key-" + "s" * 40,  # the cycle is on a server key: every ballot is sealed
        UCHAST_MODULES=os.environ.get("UCHAST_MODULES", "budget"),
    )


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
import json, random, secrets, sys
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
    status="active", birth_date=date(1990, 1, 1), district=district, person_key=secrets.token_hex(32))
    for u in users])
keys = [ApiToken.new_key() for _ in users]
ApiToken.objects.bulk_create([ApiToken(user=u, name="bench", key_hash=ApiToken.hash_key(k))
                              for u, k in zip(users, keys)])
services.cycle_set_phase(cycle=cycle, phase=Phase.VOTING, actor=admin)
rng = random.Random(1)
a = [p.pk for p in projects if p.category_id == cats[0].pk]
b = [p.pk for p in projects if p.category_id == cats[1].pk]
print(json.dumps({"cycle": cycle.pk, "voters": [[k, rng.sample(a, 2) + rng.sample(b, 2)] for k in keys]}))
"""


#: Voters who cast before the measured runs, so that every worker is warm.
WARM_UP_VOTERS = 200


def _settle_database() -> None:
    """Statistics and a checkpoint, as a database has them on voting day. This machine's PostgreSQL
    runs with autovacuum off: without an ANALYZE the planner keeps believing the ballot table is
    empty, and every foreign-key check of a new choice scans the whole table (the cost per ballot
    then grows with the number of ballots)."""
    import psycopg

    with psycopg.connect(f"{BASE_DSN}/{DB_NAME}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(workers: int, port: int, threads: int = 1) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [
            VENV / "gunicorn",
            "uchast.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []),
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


async def _post(port: int, path: str, token: str, body: bytes) -> tuple[int, bytes]:
    """One HTTP/1.1 request on its own connection (gunicorn's sync workers close after each)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        writer.write(head.encode() + body)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    header, _, payload = raw.partition(b"\r\n\r\n")
    status = int(header.split(b" ", 2)[1])
    return status, payload


async def _cast_all(
    port: int, cycle: int, voters: list[tuple[str, list[int]]], rate: float, concurrency: int
) -> dict[str, object]:
    """Every voter casts once. ``rate`` > 0: open loop, voter i is due at i / rate seconds and its
    latency counts from that moment (a slow server cannot hide its queue by slowing the senders).
    ``rate`` = 0: all voters at once, at most ``concurrency`` requests in flight."""
    path = f"/api/budget/cycles/{cycle}/ballot"
    latencies: list[float] = []
    receipts: list[str] = []
    errors: list[str] = []
    gate = asyncio.Semaphore(concurrency)
    loop = asyncio.get_running_loop()
    started = loop.time()

    async def one(index: int, token: str, ballot: list[int]) -> None:
        due = started + index / rate if rate else started
        if rate:
            await asyncio.sleep(max(0.0, due - loop.time()))
        async with gate:
            try:
                status, payload = await _post(port, path, token, json.dumps({"projects": ballot}).encode())
            except OSError as error:
                errors.append(repr(error))
                return
        latencies.append(loop.time() - due)
        if status == 200:
            receipts.append(json.loads(payload)["receipt_code"])
        else:
            errors.append(f"{status} {payload[:200]!r}")

    await asyncio.gather(*(one(i, token, ballot) for i, (token, ballot) in enumerate(voters)))
    wall = loop.time() - started
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


def cast_all(
    port: int, cycle: int, voters: list[tuple[str, list[int]]], rate: float, concurrency: int
) -> dict[str, object]:
    return asyncio.run(_cast_all(port, cycle, voters, rate, concurrency))


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of the given processes (Linux /proc), 0 for any that is gone."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine since boot (/proc/stat), to tell whether a run
    was bound by the processor or by waiting (disk flushes, locks)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def _database_processes() -> list[int]:
    """PostgreSQL backends serving the benchmark's database, and the server's own background
    processes (WAL writer, checkpointer...): not the backends of other databases on the machine."""
    import psycopg

    with psycopg.connect(f"{BASE_DSN}/postgres", autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s OR backend_type <> 'client backend'", [DB_NAME]
        ).fetchall()
    return [pid for (pid,) in rows]


def _gunicorn_workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


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
    parser.add_argument("--voters", type=int, default=2000, help="voters per run")
    parser.add_argument(
        "--rates",
        default="500,0",
        help="comma-separated runs: ballots offered per second (open loop), 0 = all voters at once",
    )
    parser.add_argument("--concurrency", type=int, default=1000, help="most requests in flight")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="> 1: gthread workers with this many threads")
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    print(f"preparing {args.voters} voters for each of {len(rates)} runs ...", flush=True)
    cycle, voters = prepare(args.voters * len(rates) + WARM_UP_VOTERS)
    warm_up, voters = voters[:WARM_UP_VOTERS], voters[WARM_UP_VOTERS:]
    _settle_database()
    port = _free_port()
    server = start_gunicorn(args.workers, port, args.threads)
    results = []
    try:
        # Warm up every worker with casts of their own voters (imports, connections, prepared
        # statements, memos, the fast lane's headers); not measured, not counted.
        warm = cast_all(port, cycle, warm_up, 0, args.workers * 2)
        _settle_database()  # statistics now know ballots exist, as autovacuum's analyse would by now
        time.sleep(1)
        for i, rate in enumerate(rates):
            batch = voters[i * args.voters : (i + 1) * args.voters]
            app, database = _gunicorn_workers(server.pid), _database_processes()
            before = (_cpu_seconds(app), _cpu_seconds(database), time.process_time())
            machine_before = _machine_ticks()
            result = cast_all(port, cycle, batch, rate, args.concurrency)
            machine_after = _machine_ticks()
            after = (_cpu_seconds(app), _cpu_seconds(database), time.process_time())
            result["cpu_ms"] = [(b - a) * 1000 / args.voters for a, b in zip(before, after, strict=True)]
            busy, total = (b - a for a, b in zip(machine_before, machine_after, strict=True))
            result["busy"] = busy / total if total else float("nan")
            # Cores taken by anything else on the machine during the run (other jobs, the kernel):
            # the figures of a run where this is large are not the platform's.
            ours = sum(b - a for a, b in zip(before, after, strict=True))
            wall = float(result["wall_s"])  # type: ignore[arg-type]
            result["others"] = max(0.0, busy / os.sysconf("SC_CLK_TCK") - ours) / wall
            results.append((rate, result))
            time.sleep(1)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    receipts = [r for _, result in [(0, warm), *results] for r in result["receipts"]]  # type: ignore[attr-defined]
    count, missing = verify(receipts, len(voters) + WARM_UP_VOTERS)
    kind = f"sync workers {args.workers}"
    if args.threads > 1:
        kind = f"gthread workers {args.workers} x {args.threads} threads"
    print(f"gunicorn {kind}, {args.voters} voters per run, at most {args.concurrency} in flight")
    errors: list[str] = []
    for rate, result in results:
        errors += result["errors"]  # type: ignore[arg-type]
        offered = f"offered {rate:.0f}/s" if rate else "all at once"
        print(
            f"{offered:>16}: ballots/s {result['ballots_per_s']:.0f}  wall {result['wall_s']:.2f} s  "
            f"latency ms p50 {result['p50_ms']:.0f}  p90 {result['p90_ms']:.0f}  p99 {result['p99_ms']:.0f}  "
            f"max {result['max_ms']:.0f}  acknowledged {result['acknowledged']}  errors {len(result['errors'])}"  # type: ignore[arg-type]
        )
        app_ms, database_ms, client_ms = result["cpu_ms"]  # type: ignore[misc]
        print(
            f"{'':>16}  CPU ms per ballot: gunicorn workers {app_ms:.2f}, PostgreSQL {database_ms:.2f}, "
            f"load generator {client_ms:.2f}; machine busy {result['busy']:.0%}, "
            f"other processes {result['others']:.2f} cores"
        )
    total = len(voters) + WARM_UP_VOTERS
    print(
        f"ballots in database {count} of {total} voters ({WARM_UP_VOTERS} of them warming up), "
        f"acknowledged but missing {missing}"
    )
    for error in errors[:5]:
        print("error:", error)
    errors += warm["errors"]  # type: ignore[arg-type]
    ok = not errors and missing == 0 and count == total
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
