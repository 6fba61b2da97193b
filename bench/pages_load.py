"""The load generator of ``bench/pages.py``: journeys of the mix, the open-loop schedule, and a
minimal HTTP/1.1 client (stdlib asyncio, one connection per request, cookies kept per journey).
Importable without Django or a server (``tests/core/test_core_bench_pages.py``)."""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from uchast.eligibility.identity import rnokpp_check_digit  # pure Python, no Django

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
    # POSTs whose outcome the generator never saw (the connection reset before their answer, or
    # before the page they redirected to): each may or may not have written its row.
    unseen: dict[str, int] = field(default_factory=dict)
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
            if step.method == "POST":
                tally.unseen[step.kind] = tally.unseen.get(step.kind, 0) + 1
            return
        tally.add(step.kind, loop.time() - due)
        if response.status >= 400 or (step.method == "POST" and response.status != 302):
            tally.errors.append(f"{step.kind} {path}: {response.status} {response.body[:160]!r}")
            return
        previous, due = response, loop.time()
        if step.follow:
            target = response.location()
            try:
                response = await request(port, "GET", target, cookies, None)
            except OSError as error:  # e.g. reset when the server's backlog overflows
                tally.errors.append(f"{step.kind}, page after: {error!r}")
                tally.unseen[step.kind] = tally.unseen.get(step.kind, 0) + 1
                return
            tally.add(f"{step.kind}, page after", loop.time() - due)
            if response.status != 200 or b"message-error" in response.body:  # a refusal shown after a redirect
                refusal = MESSAGE_ERROR.search(response.body)
                tally.errors.append(f"{step.kind} -> {target}: {response.status} {refusal.group(1) if refusal else ''}")
                return
            tally.posted[step.kind] = tally.posted.get(step.kind, 0) + 1
            previous, due = response, loop.time()
    if trip.name:
        tally.journeys.setdefault(trip.name, []).append(loop.time() - first_due)


async def run_planned(port: int, planned: list[tuple[float, Journey | None]]) -> tuple[Tally, float]:
    """Every planned journey, at its due second from now; the tally and the wall time."""
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


def offered(pools: Pools, kinds: list[tuple[float, str]], seed: int = 7) -> list[tuple[float, Journey | None]]:
    """The journeys of a schedule, built now (so a run's pools are taken before it starts)."""
    rng = random.Random(seed)  # noqa: S311 - a load mix, not security
    return [(due, journey(kind, pools, rng)) for due, kind in kinds]
