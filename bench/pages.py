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
3. gunicorn (``uchast.wsgi:application``, ``--workers`` sync workers) is warmed up with one journey
   of each kind, then two measured runs follow:

   - **mix** at ``--rate`` requests/s for ``--duration`` s. Journeys start on an open-loop schedule
     (uniform spacing, kinds drawn by weight from :data:`MIX`, seeded); a journey's later steps (a form
     posted after the page that holds it, the page a POST redirects to) start when the previous
     step ends, as a person clicks. Latency counts from when the step was due, so a queue in the
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
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from voting import (  # the sibling benchmark's process tools (bench/ is on the path of a script run from it)
    BASE_DSN,
    _cpu_seconds,
    _free_port,
    _gunicorn_workers,
    _machine_ticks,
)

from uchast.eligibility.identity import rnokpp_check_digit  # pure Python, no Django

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CACHE_URL = "redis://127.0.0.1:6379/11"


def db_name(scale: int) -> str:
    return f"uchast_bench_pages_{scale}"


def env(scale: int) -> dict[str, str]:
    values = dict(os.environ)
    values.update(
        PYTHONPATH=str(ROOT / "src"),
        DATABASE_URL=f"{BASE_DSN}/{db_name(scale)}",
        DJANGO_SETTINGS_MODULE="uchast.settings",
        SECRET_KEY="bench-secret-key-" + "x" * 40,
        IDENTITY_HASH_KEY="bench-identity-key-" + "y" * 40,
        PERSON_KEY_SECRET="bench-person-key-" + "z" * 40,
        VOTER_TOKEN_KEY="bench-voter-token-" + "w" * 40,
        BUDGET_SEAL_KEY="bench-seal-key-" + "s" * 40,
        UCHAST_VAR_DIR="/tmp/uvar_bench_pages",
        CACHE_URL=values.get("BENCH_CACHE_URL", CACHE_URL),
        DEBUG="false",
    )
    values.pop("UCHAST_TESTING", None)
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


# --- Journeys -----------------------------------------------------------------------------------


@dataclass
class Step:
    kind: str
    path: str
    method: str = "GET"
    form: dict[str, Any] | None = None
    follow: bool = False  # a POST whose redirect is fetched next, as a browser does

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "path": self.path, "method": self.method, "form": self.form, "follow": self.follow}


@dataclass
class Journey:
    steps: list[Step]
    session: str = ""
    name: str = ""  # set for journeys of several steps, whose whole time is reported too


#: Journey kinds and their weights (journeys started, not requests): readers dominate, as on a
#: voting day; residents act, staff work their queues.
MIX: dict[str, float] = {
    "home": 10,
    "petition list": 6,
    "petition search": 3,
    "petition deep page": 2,
    "project list filtered": 6,
    "project search": 3,
    "project deep page": 2,
    "consultation list": 3,
    "petition detail": 8,
    "project detail": 10,
    "consultation detail": 5,
    "results": 5,
    "vote": 4,
    "sign": 3,
    "comment": 2,
    "review queue": 1,
    "petition queue": 1,
    "paper entry": 1,
    "verification queue": 1,
    "moderation": 1,
}

SEARCH_WORDS = ["укриття", "дорог", "ліцею", "Степов", "освітлення", "майданчик"]


class Pools:
    """What journeys consume: voters and signers once each, paper positions in order."""

    def __init__(self, plan: dict[str, Any]) -> None:
        self.plan = plan
        self.voters = list(plan["voters"])
        self.signers = [tuple(pair) for pair in plan["signers"]]
        self.position = 0
        self.serial = random.Random(time.time_ns()).randrange(10_000)  # noqa: S311 - fresh numbers per run

    def voter(self) -> str | None:
        return self.voters.pop() if self.voters else None

    def signer(self) -> tuple[str, int] | None:
        return self.signers.pop() if self.signers else None  # type: ignore[return-value]

    def paper_person(self) -> tuple[int, str]:
        """The next position of the bench batch and a form-valid РНОКПП nobody has used."""
        self.position += 1
        days = 30_000 + (self.serial + self.position) // 9000
        first_nine = f"{days:05d}{(self.serial + self.position) % 9000 + 1000:04d}"
        return self.position, first_nine + str(rnokpp_check_digit(first_nine))


def _reader(kind: str, plan: dict[str, Any], rng: random.Random) -> list[Step]:
    cycle, petitions = plan["voting_cycle"], plan["petitions"]
    projects = f"/budget/{cycle}/projects/"
    paths = {
        "home": lambda: "/",
        "petition list": lambda: "/petitions/" + rng.choice(["", "?status=collecting", "?status=answered"]),
        "petition search": lambda: "/petitions/?" + urlencode({"q": rng.choice(SEARCH_WORDS)}),
        "petition deep page": lambda: "/petitions/?" + urlencode({"after": petitions["deep_cursor"]}),
        "project list filtered": lambda: (
            projects
            + "?"
            + urlencode({"category": rng.choice(plan["categories"]), "district": rng.choice(plan["districts"])})
        ),
        "project search": lambda: projects + "?" + urlencode({"q": rng.choice(SEARCH_WORDS)}),
        "project deep page": lambda: projects + f"?page={max(1, plan['project_pages'] - rng.randrange(3))}",
        "consultation list": lambda: "/consultations/",
        "petition detail": lambda: f"/petitions/{rng.choice(petitions['all'])}/",
        "project detail": lambda: f"/budget/projects/{rng.choice(plan['projects'])}/",
        "consultation detail": lambda: f"/consultations/{rng.choice(plan['consultations'])}/",
        "results": lambda: f"/budget/{plan['results_cycle']}/results/",
    }
    return [Step(kind, paths[kind]())]


def _resident(kind: str, pools: Pools, rng: random.Random) -> Journey | None:
    plan = pools.plan
    if kind == "vote":
        voter = pools.voter()
        if voter is None:
            return None
        form = {"project": rng.choice(plan["ballots"]), "current": ""}
        path = f"/budget/{plan['voting_cycle']}/vote/"
        return Journey([Step("vote form", path), Step("vote cast", path, "POST", form, follow=True)], voter, "ballot")
    if kind == "sign":
        signer = pools.signer()
        if signer is None:
            return None
        session, petition = signer
        detail = f"/petitions/{petition}/"
        form = {"display": rng.choice(["name", "initials"])}
        steps = [Step("petition detail", detail), Step("sign", detail + "sign/", "POST", form, True)]
        return Journey(steps, session, "signature")
    petition = rng.choice(plan["petitions"]["all"])
    form = {"body": f"Коментар навантажувального тесту № {rng.randrange(10**6)}: підтримую, але треба уточнити."}
    return Journey(
        [Step("petition detail", f"/petitions/{petition}/"), Step("comment", "@comment", "POST", form, True)],
        rng.choice(plan["commenters"]),
        "comment",
    )


def _staff(kind: str, pools: Pools, rng: random.Random) -> Journey:
    plan, staff = pools.plan, pools.plan["staff"]
    if kind == "paper entry":
        position, number = pools.paper_person()
        batch = f"/budget/paper/{plan['batch']}/"
        form = {
            "e-position": position,
            "e-identity_kind": "rnokpp",
            "e-identity_number": number,
            "project": rng.choice(plan["ballots"]),
        }
        steps = [Step("paper batch", batch), Step("paper entry", batch, "POST", form, True)]
        return Journey(steps, staff["official"], "paper ballot")
    paths = {
        "review queue": (f"/budget/{plan['voting_cycle']}/manage/", "administrator"),
        "petition queue": ("/petitions/staff/", "moderator"),
        "verification queue": ("/verification/staff/", "official"),
        "moderation": ("/moderation/", "moderator"),
    }
    path, role = paths[kind]
    return Journey([Step(kind, path)], staff[role])


def journey(kind: str, pools: Pools, rng: random.Random) -> Journey | None:
    """One journey of ``kind``; None when its pool (voters, signers) is used up."""
    if kind in ("vote", "sign", "comment"):
        return _resident(kind, pools, rng)
    if kind in ("review queue", "petition queue", "paper entry", "verification queue", "moderation"):
        return _staff(kind, pools, rng)
    return Journey(_reader(kind, pools.plan, rng))


#: Requests per journey of each kind (a POST's followed redirect is a request of its own).
REQUESTS = {"vote": 3, "sign": 3, "comment": 3, "paper entry": 3}


def schedule(mix: dict[str, float], rate: float, duration: float, seed: int = 19) -> list[tuple[float, str]]:
    """(due second, journey kind) for an open loop offering ``rate`` requests/s for ``duration`` s:
    journeys evenly spaced, kinds drawn by weight (seeded)."""
    total = sum(mix.values())
    per_journey = sum(weight * REQUESTS.get(kind, 1) for kind, weight in mix.items()) / total
    journeys_per_s = rate / per_journey
    count = int(duration * journeys_per_s)
    rng = random.Random(seed)  # noqa: S311 - a load mix, not security
    kinds = rng.choices(list(mix), weights=list(mix.values()), k=count)
    return [(i / journeys_per_s, kind) for i, kind in enumerate(kinds)]


def percentile(ordered: list[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) of sorted values; nan when empty."""
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * q // 1))
    return ordered[min(len(ordered), int(rank)) - 1]


# --- HTTP ---------------------------------------------------------------------------------------

CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
COMMENT_ACTION = re.compile(rb'action="(/comments/[^"]+/add/)"')
COOKIE = re.compile(rb"^set-cookie: ([^=]+)=([^;]*)", re.IGNORECASE | re.MULTILINE)
MESSAGE_ERROR = re.compile(rb'class="message message-error">([^<]*)<')
LOCATION = re.compile(rb"^location: (\S+)", re.IGNORECASE | re.MULTILINE)


@dataclass
class Response:
    status: int
    head: bytes
    body: bytes

    def location(self) -> str:
        """The redirect's target as a path and query (no fragment)."""
        found = LOCATION.search(self.head)
        if not found:
            return "/"
        parts = urlsplit(found.group(1).decode())
        return parts.path + (f"?{parts.query}" if parts.query else "")


def _encode(form: dict[str, Any]) -> bytes:
    pairs = [(k, v) for k, value in form.items() for v in (value if isinstance(value, list) else [value])]
    return urlencode(pairs).encode()


async def request(port: int, method: str, path: str, cookies: dict[str, str], form: dict[str, Any] | None) -> Response:
    """One HTTP/1.1 request on its own connection (sync workers close after each)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = _encode(form) if form is not None else b""
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    if cookie:
        head += f"Cookie: {cookie}\r\n"
    if form is not None:
        head += f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
    try:
        writer.write(head.encode() + b"\r\n" + body)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    header, _, payload = raw.partition(b"\r\n\r\n")
    for name, value in COOKIE.findall(header):
        cookies[name.decode()] = value.decode()
    return Response(int(header.split(b" ", 2)[1]), header, payload)


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    journeys: dict[str, list[float]] = field(default_factory=dict)
    posted: dict[str, int] = field(default_factory=dict)  # POSTs accepted, per kind
    errors: list[str] = field(default_factory=list)
    requests: int = 0
    skipped: int = 0

    def add(self, kind: str, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds)
        self.requests += 1


def _form_for(step: Step, previous: Response | None) -> tuple[str, dict[str, Any] | None]:
    """The step's path and form, with the CSRF token and form action of the page before it."""
    if step.method != "POST":
        return step.path, None
    page = previous.body if previous else b""
    token = CSRF_FIELD.search(page)
    form = dict(step.form or {}, csrfmiddlewaretoken=token.group(1).decode() if token else "")
    path = step.path
    if path == "@comment":
        action = COMMENT_ACTION.search(page)
        path = action.group(1).decode() if action else "/comments/missing/"
    return path, form


async def run_journey(port: int, trip: Journey, due: float, tally: Tally) -> None:
    """The steps one after another; each step's latency counts from when it was due (the first from
    the schedule, later ones from the end of the step before)."""
    loop = asyncio.get_running_loop()
    await asyncio.sleep(max(0.0, due - loop.time()))
    first_due = due
    cookies = {"sessionid": trip.session} if trip.session else {}
    previous: Response | None = None
    for step in trip.steps:
        path, form = _form_for(step, previous)
        try:
            response = await request(port, step.method, path, cookies, form)
        except OSError as error:
            tally.errors.append(f"{step.kind}: {error!r}")
            return
        tally.add(step.kind, loop.time() - due)
        if response.status >= 400 or (step.method == "POST" and response.status != 302):
            tally.errors.append(f"{step.kind} {path}: {response.status} {response.body[:160]!r}")
            return
        previous, due = response, loop.time()
        if step.follow:
            target = response.location()
            response = await request(port, "GET", target, cookies, None)
            tally.add(f"{step.kind}, page after", loop.time() - due)
            if response.status != 200 or b"message-error" in response.body:  # a refusal shown after a redirect
                refusal = MESSAGE_ERROR.search(response.body)
                tally.errors.append(f"{step.kind} -> {target}: {response.status} {refusal.group(1) if refusal else ''}")
                return
            tally.posted[step.kind] = tally.posted.get(step.kind, 0) + 1
            previous, due = response, loop.time()
    if trip.name:
        tally.journeys.setdefault(trip.name, []).append(loop.time() - first_due)


async def _run(port: int, planned: list[tuple[float, Journey | None]]) -> tuple[Tally, float]:
    loop = asyncio.get_running_loop()
    started = loop.time() + 0.05
    tally = Tally()
    tasks = []
    for offset, trip in planned:
        if trip is None:
            tally.skipped += 1
            continue
        tasks.append(run_journey(port, trip, started + offset, tally))
    await asyncio.gather(*tasks)
    return tally, loop.time() - started


def offered(plan_pools: Pools, schedule_: list[tuple[float, str]], seed: int = 7) -> list[tuple[float, Journey | None]]:
    rng = random.Random(seed)  # noqa: S311
    return [(due, journey(kind, plan_pools, rng)) for due, kind in schedule_]


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
    tally, wall = asyncio.run(_run(port, planned))
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


def check_stored(before: dict[str, int], after: dict[str, int], accepted: dict[str, int]) -> int:
    """Every accepted POST left its row (ballot, signature, comment), and nothing else did."""
    wrong = 0
    for kind in STORED:
        added = after[kind] - before[kind]
        wrong += added != accepted.get(kind, 0)
        print(
            f"  {kind}: {accepted.get(kind, 0)} accepted, {added} rows added"
            + ("" if added == accepted.get(kind, 0) else "  MISMATCH")
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
        warm = offered(pools, [(i * 0.05, kind) for i, kind in enumerate(list(MIX) * 2)])
        tallies.append(asyncio.run(_run(port, warm))[0])  # imports, connections, memos; not measured
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
    for tally in tallies:
        for kind, n in tally.posted.items():
            accepted[kind] = accepted.get(kind, 0) + n
    print("\n  rows written by the accepted POSTs (all runs, warm-up and query pass):")
    wrong = check_stored(before, stored(scale, plan), accepted)
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
