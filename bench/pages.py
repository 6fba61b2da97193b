"""Pages at city scale: gunicorn + PostgreSQL + Redis on loopback, a realistic mix (issue 19).

Usage: ``.venv/bin/python bench/pages.py [--scale 1,10] [--rate 50] [--duration 30] [--vote-rate 500]
[--vote-duration S] [--workers 4] [--reuse]``

1. Data: per N in ``--scale``, a PostgreSQL database ``uchast_bench_pages_N`` built by the real
   ``uchast migrate`` and ``uchast demo --scale N`` (N x 1,500 residents, their ballots, signatures,
   consultations; the build time is printed). ``--reuse`` keeps a database that already holds a
   community (runs use fresh voters and signers each time, and each run adds a paper batch).
2. Sessions: ``bench/pages_django.py plan`` writes signed-in sessions straight into the session
   store (Redis, as in production: ``CACHE_URL``), as a sign-in leaves them; staff sessions carry a
   TOTP step (the demo staff have TOTP enrolled). The sign-in form is not part of the mix.
3. gunicorn (``uchast.wsgi:application``, ``--workers`` sync workers) is warmed up with as many journeys
   of each kind as it has workers (at least two), then two measured runs follow:

   - **mix** at ``--rate`` requests/s for ``--duration`` s. Journeys start on an open-loop schedule
     (uniform spacing, kinds drawn by weight from ``pages_load.MIX``, seeded); a journey's later
     steps (a form posted after the page that holds it, the page a POST redirects to) start when
     the previous step ends, as a person clicks. Latency counts from when the step was due, so a queue in the
     server shows. Anonymous readers: home, lists (filters, search, deep pages), details, results.
     Residents: the HTML ballot (GET the form, POST it with its CSRF token, follow the redirect to the
     receipt page; each voter once), signing a petition and commenting on one through their forms.
     Staff: the budget cycle's review page, the petition queue, paper-ballot entry (GET the batch,
     POST one ballot), the verification queue, moderation.
   - **votes** at ``--vote-rate`` ballots/s: only the HTML ballot journey, each voter once, for
     ``--vote-duration`` s (default ``--duration``) or until the fresh voters run out (N = 1 has
     about 800 residents who have not voted, fewer after each run on a reused database).

4. Report per run: p50/p95/p99/max per page kind (ms, from the due time), requests/s, processor ms per
   request (gunicorn workers, PostgreSQL, Redis, this generator; from /proc), and the machine's busy
   share with the cores other processes took. Then a separate pass: one journey of each kind through
   the Django test client in one process (``pages_django.py queries``), giving SQL queries per page.
   Last, every accepted POST is checked against the row it wrote.

Files: this one runs the server and reports; ``pages_load.py`` is the load generator (journeys,
schedule, HTTP); ``pages_django.py`` runs inside Django. ``BENCH_CACHE_URL`` replaces the Redis
database used (``redis://127.0.0.1:6379/11``); ``locmemcache://`` puts sessions in PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pages_load import MIX, Journey, Pools, Tally, journey, offered, percentile, request, run_planned, schedule
from voting import (  # the sibling benchmark's process tools (bench/ is on the path of a script run from it)
    BASE_DSN,
    _cpu_seconds,
    _free_port,
    _gunicorn_workers,
    _machine_ticks,
    bench_env,
)

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CACHE_URL = "redis://127.0.0.1:6379/11"


def db_name(scale: int) -> str:
    return f"uchast_bench_pages_{scale}"


def env(scale: int) -> dict[str, str]:
    values = bench_env(
        db_name(scale),
        "/tmp/uvar_bench_pages",
        BUDGET_SEAL_KEY="bench-seal-key-" + "s" * 40,
        CACHE_URL=os.environ.get("BENCH_CACHE_URL", CACHE_URL),
    )
    values.pop("UCHAST_MODULES", None)
    return values


# --- Data ---------------------------------------------------------------------------------------


def _has_community(scale: int) -> bool:
    import psycopg

    try:
        with psycopg.connect(f"{BASE_DSN}/{db_name(scale)}", autocommit=True) as conn:
            return bool(conn.execute("SELECT EXISTS (SELECT 1 FROM core_community)").fetchone()[0])  # type: ignore[index]
    except psycopg.Error:
        return False


def build(scale: int, reuse: bool) -> float | None:
    """The database of scale N, built unless ``reuse`` finds it; seconds the build took, or None."""
    import psycopg

    if reuse and _has_community(scale):
        return None
    started = time.monotonic()
    with psycopg.connect(f"{BASE_DSN}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {db_name(scale)} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {db_name(scale)}")
    subprocess.run([PYTHON, "-m", "uchast", "migrate", "-v", "0"], check=True, env=env(scale))
    subprocess.run([PYTHON, "-m", "uchast", "demo", "--scale", str(scale)], check=True, env=env(scale))
    return time.monotonic() - started


def settle(scale: int) -> None:
    """Statistics and a checkpoint, as a database has them in use (autovacuum is off here)."""
    import psycopg

    with psycopg.connect(f"{BASE_DSN}/{db_name(scale)}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")


def make_plan(scale: int, voters: int, signers: int, commenters: int) -> dict[str, Any]:
    out = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "pages_django.py"), "plan", str(voters), str(signers), str(commenters)],
        check=True,
        env=env(scale),
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


# --- Runs ---------------------------------------------------------------------------------------


def start_gunicorn(scale: int, workers: int, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "uchast.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", str(workers), "--backlog", "4096", "--log-level", "warning"],
        env=env(scale),
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if asyncio.run(request(port, "GET", "/healthz", {}, None)).status == 200:
                return proc
        except (OSError, IndexError, ValueError):
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def _processes(scale: int, master: int) -> dict[str, list[int]]:
    """Process ids per part: gunicorn workers, PostgreSQL (this database's backends and the server's
    background processes), Redis (shared with whatever else uses it)."""
    import psycopg

    with psycopg.connect(f"{BASE_DSN}/postgres", autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s OR backend_type <> 'client backend'",
            [db_name(scale)],
        ).fetchall()
    redis = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _comm(p) == "redis-server"]
    return {"gunicorn": _gunicorn_workers(master), "postgresql": [pid for (pid,) in rows], "redis": redis}


def _comm(proc: Path) -> str:
    try:
        return (proc / "comm").read_text().strip()
    except OSError:
        return ""


def _cpu_each(parts: dict[str, list[int]]) -> dict[str, dict[int, float]]:
    return {part: {pid: _cpu_seconds([pid]) for pid in pids} for part, pids in parts.items()}


def _grown(before: dict[int, float], after: dict[int, float]) -> float:
    """Processor seconds a part used between two readings, process by process: a process that
    started in between counts whole (a PostgreSQL backend a worker opened when its connection
    reached ``DB_CONN_MAX_AGE``); one that ended in between is lost (an undercount, never negative)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items() if seconds)


def measure(scale: int, master: int, port: int, planned: list[tuple[float, Journey | None]]) -> dict[str, Any]:
    """Run the planned journeys; latencies per kind, and processor time of each part per request."""
    before, generator = _cpu_each(_processes(scale, master)), time.process_time()
    machine_before = _machine_ticks()
    tally, wall = asyncio.run(run_planned(port, planned))
    busy, total = (b - a for a, b in zip(machine_before, _machine_ticks(), strict=True))
    after = _cpu_each(_processes(scale, master))
    cpu = {part: _grown(before[part], after[part]) for part in before} | {"generator": time.process_time() - generator}
    ours = sum(cpu.values())
    return {
        "tally": tally,
        "wall": wall,
        "cpu_ms": {part: seconds * 1000 / max(1, tally.requests) for part, seconds in cpu.items()},
        "busy": busy / total if total else float("nan"),
        "others": max(0.0, busy / os.sysconf("SC_CLK_TCK") - ours) / wall,
    }


#: Issue 19's targets for the mix: every page kind's p95 and p99 under these (ms).
TARGET_P95_MS, TARGET_P99_MS = 100, 250


def quantiles(tally: Tally) -> dict[str, tuple[int, float, float, float, float]]:
    """Per page kind: (n, p50, p95, p99, max) in ms."""
    table = {}
    for kind in sorted(tally.latencies):
        ordered = sorted(tally.latencies[kind])
        table[kind] = (len(ordered), *(percentile(ordered, q) * 1000 for q in (0.5, 0.95, 0.99, 1.0)))
    return table  # type: ignore[return-value]


def report(title: str, result: dict[str, Any]) -> dict[str, tuple[int, float, float, float, float]]:
    tally: Tally = result["tally"]
    print(f"\n{title}: {tally.requests} requests in {result['wall']:.1f} s = {tally.requests / result['wall']:.1f}/s")
    print(f"  errors {len(tally.errors)}, journeys not started (pool used up) {tally.skipped}")
    print(f"  {'page kind':34} {'n':>6} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}  (ms from due)")
    table = quantiles(tally)
    for kind, (n, *cells) in table.items():
        print(f"  {kind:34} {n:>6} " + " ".join(f"{c:>7.1f}" for c in cells))
    for name, seconds in sorted(tally.journeys.items()):
        ordered = sorted(seconds)
        cells = " ".join(f"{percentile(ordered, q) * 1000:>7.1f}" for q in (0.5, 0.95, 0.99, 1.0))
        print(f"  {'whole journey: ' + name:34} {len(ordered):>6} {cells}")
    over = [kind for kind, (_, _, p95, p99, _) in table.items() if p95 >= TARGET_P95_MS or p99 >= TARGET_P99_MS]
    print(f"  over the targets (p95 < {TARGET_P95_MS} ms, p99 < {TARGET_P99_MS} ms): {', '.join(over) or 'none'}")
    parts = ", ".join(f"{part} {ms:.2f}" for part, ms in result["cpu_ms"].items())
    print(f"  CPU ms per request: {parts}")
    cores = f"{result['busy']:.0%} of {os.cpu_count()} cores"
    print(f"  machine busy {cores}, other processes {result['others']:.2f} cores")
    for error in tally.errors[:5]:
        print("  error:", error)
    return table


def compare(tables: dict[int, dict[str, tuple[int, float, float, float, float]]]) -> None:
    """p95 and p99 of each page kind side by side across N, and the ratio of the largest N to the smallest."""
    scales = sorted(tables)
    if len(scales) < 2:
        return
    print(f"\nmix p95 / p99 ms by N ({', '.join(map(str, scales))}); ratio p95 N={scales[-1]} / N={scales[0]}:")
    for kind in sorted(set().union(*tables.values())):
        cells = [tables[n].get(kind) for n in scales]
        text = "  ".join(f"{c[2]:>6.0f} /{c[3]:>6.0f}" if c else f"{'-':>14}" for c in cells)
        ratio = cells[-1][2] / cells[0][2] if cells[0] and cells[-1] and cells[0][2] else float("nan")
        print(f"  {kind:34} {text}   x{ratio:.1f}")


def query_pass(scale: int, pools: Pools) -> dict[str, int]:
    """One journey of each kind through the Django test client, in one process: SQL queries and
    processor time per page kind (no HTTP, no gunicorn)."""
    rng = random.Random(3)  # noqa: S311
    trips = [trip for kind in MIX if (trip := journey(kind, pools, rng)) is not None]
    payload = [{"session": t.session, "steps": [s.as_json() for s in t.steps]} for t in trips]
    for entry in payload:  # the comment form's address is on the page; the client takes it from the plan
        for step in entry["steps"]:
            if step["path"] == "@comment":
                step["path"] = pools.plan["comment_action"].format(petition=entry["steps"][0]["path"].split("/")[2])
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(payload, file)
    out = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "pages_django.py"), "queries", file.name],
        check=True,
        env=env(scale),
        capture_output=True,
        text=True,
    )
    os.unlink(file.name)
    measured = json.loads(out.stdout.strip().splitlines()[-1])
    accepted = {kind: 1 for kind, row in measured.items() if row["status"] == 302 and not row.get("refused")}
    print("\n  SQL queries and processor ms per request (Django test client in one process, warm; median of 5):")
    for kind, row in measured.items():
        refused = "  REFUSED" if row.get("refused") else ""
        print(f"  {kind:34} queries {row['queries']:>3}  CPU {row['cpu_ms']:>6.1f} ms  status {row['status']}{refused}")
    return accepted


#: What each accepted POST kind leaves in the database: checked after the runs.
STORED = {
    "vote cast": "SELECT count(*) FROM budget_ballot WHERE cycle_id = %(voting_cycle)s AND NOT is_paper",
    "paper entry": "SELECT count(*) FROM budget_ballot WHERE batch_id = %(batch)s",
    "sign": "SELECT count(*) FROM petitions_signature",
    "comment": "SELECT count(*) FROM core_comment",
}


def stored(scale: int, plan: dict[str, Any]) -> dict[str, int]:
    import psycopg

    with psycopg.connect(f"{BASE_DSN}/{db_name(scale)}", autocommit=True) as conn:
        return {kind: int(conn.execute(sql, plan).fetchone()[0]) for kind, sql in STORED.items()}  # type: ignore[index]


def check_stored(
    before: dict[str, int], after: dict[str, int], accepted: dict[str, int], unseen: dict[str, int]
) -> int:
    """Every accepted POST left its row (ballot, signature, comment), and nothing else did. A POST
    whose answer never arrived (``Tally.unseen``: the connection reset under overload) may have
    written its row or not, so the rows added may exceed the accepted by at most those."""
    wrong = 0
    for kind in STORED:
        added, low, lost = after[kind] - before[kind], accepted.get(kind, 0), unseen.get(kind, 0)
        right = low <= added <= low + lost
        wrong += not right
        print(
            f"  {kind}: {low} accepted, {added} rows added"
            + (f" ({lost} answers lost: up to {low + lost} allowed)" if lost else "")
            + ("" if right else "  MISMATCH")
        )
    return wrong


def vote_run(scale: int, master: int, port: int, pools: Pools, args: argparse.Namespace) -> Tally:
    count = max(0, min(len(pools.voters) - 5, int(args.vote_rate * args.vote_duration)))  # 5 for the query pass
    if not count:
        print("\nno vote run: no fresh voters left (rebuild the database: run without --reuse)")
        return Tally()
    votes = [(i / args.vote_rate, "vote") for i in range(count)]
    result = measure(scale, master, port, offered(pools, votes))
    report(f"HTML ballots offered at {args.vote_rate:.0f}/s, N = {scale} ({count} voters)", result)
    cast = result["tally"].posted.get("vote cast", 0)
    print(f"  ballots cast (POST accepted) {cast} = {cast / result['wall']:.0f} ballots/s")
    return result["tally"]  # type: ignore[no-any-return]


def bench_scale(scale: int, args: argparse.Namespace) -> tuple[int, dict[str, Any]]:
    print(f"\n=== N = {scale} ({db_name(scale)}) ===", flush=True)
    seconds = build(scale, args.reuse)
    print("database reused" if seconds is None else f"database built in {seconds:.0f} s", flush=True)
    settle(scale)
    mix = schedule(MIX, args.rate, args.duration)
    voters = sum(1 for _, kind in mix if kind == "vote") + int(args.vote_rate * args.vote_duration) + 60
    plan = make_plan(scale, voters, sum(1 for _, kind in mix if kind == "sign") + 40, 200)
    print(f"{plan['verified']} verified residents, {len(plan['voters'])} fresh voters, {len(plan['signers'])} signers")
    if len(plan["voters"]) < voters:
        print(
            f"fewer fresh voters than the runs need ({voters}): ballot journeys will be missing (run without --reuse)"
        )
    pools, before, port = Pools(plan), stored(scale, plan), _free_port()
    server = start_gunicorn(scale, args.workers, port)
    tallies, table = [], {}
    try:
        # As many journeys of each kind as workers, so that each worker has likely served every kind
        # once (memos filled, templates compiled), as in a server that has been up for a while.
        rounds = max(2, args.workers)
        warm = offered(pools, [(i * 0.05, kind) for i, kind in enumerate(list(MIX) * rounds)])
        tallies.append(asyncio.run(run_planned(port, warm))[0])  # imports, connections, memos; not measured
        time.sleep(1)
        result = measure(scale, server.pid, port, offered(pools, mix))
        table = report(f"mix offered at {args.rate:.0f} requests/s, N = {scale}, {args.workers} sync workers", result)
        tallies.append(result["tally"])
        if args.vote_rate:
            tallies.append(vote_run(scale, server.pid, port, pools, args))
        accepted = query_pass(scale, pools)
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    unseen: dict[str, int] = {}
    for tally in tallies:
        for kind, n in tally.posted.items():
            accepted[kind] = accepted.get(kind, 0) + n
        for kind, n in tally.unseen.items():
            unseen[kind] = unseen.get(kind, 0) + n
    print("\n  rows written by the accepted POSTs (all runs, warm-up and query pass):")
    wrong = check_stored(before, stored(scale, plan), accepted, unseen)
    return wrong + sum(len(t.errors) for t in tallies), table


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--scale", default="1,10", help="comma-separated N (N x 1,500 residents)")
    parser.add_argument("--rate", type=float, default=50, help="requests/s of the mix (open loop)")
    parser.add_argument("--duration", type=float, default=30, help="seconds per run")
    parser.add_argument("--vote-rate", type=float, default=500, help="HTML ballots/s of the vote run; 0 skips it")
    parser.add_argument("--vote-duration", type=float, help="seconds of the vote run (default: --duration)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--reuse", action="store_true", help="keep a database already built for that N")
    args = parser.parse_args()
    args.vote_duration = args.duration if args.vote_duration is None else args.vote_duration
    failed, tables = 0, {}
    for n in args.scale.split(","):
        errors, tables[int(n)] = bench_scale(int(n), args)
        failed += errors
    compare(tables)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
