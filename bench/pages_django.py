"""The parts of ``bench/pages.py`` that run inside Django (a subprocess with the benchmark's settings).

``python bench/pages_django.py plan <voters> <signers> <commenters>`` prints, as one JSON line, what the
load generator needs: the pages' ids, a deep cursor, a fresh paper batch, and signed-in sessions.
``python bench/pages_django.py queries <file>`` runs sample journeys (JSON, written by pages.py)
through the Django test client in this process and prints, as JSON, the SQL queries and processor
time of each page kind.

Sessions are written straight into the session store (``SessionStore.create``), as a sign-in would
leave them: the user's id, backend and password hash, and allauth's authentication records, for
staff a password step and a TOTP step at the same moment (the demo staff have TOTP enrolled with
``DEMO_TOTP_SECRET``, so ``StaffTwoFactorMiddleware`` lets them through). The sign-in form itself is
not measured.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from typing import Any

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from uchast.accounts.models import User  # noqa: E402
from uchast.budget.actions import BudgetAction  # noqa: E402
from uchast.budget.models import BallotRule, BudgetCycle, Phase, Project, ProjectStatus  # noqa: E402
from uchast.budget.services import paper_batch_create  # noqa: E402
from uchast.consultations.models import Consultation  # noqa: E402
from uchast.core.models import Community  # noqa: E402
from uchast.core.pagination import encode_cursor  # noqa: E402
from uchast.petitions.actions import PetitionAction  # noqa: E402
from uchast.petitions.models import Petition, PetitionStatus  # noqa: E402
from uchast.petitions.selectors import public_petitions  # noqa: E402
from uchast.verification.models import Participation, Verification, VerificationStatus  # noqa: E402
from uchast.verification.selectors import process_key  # noqa: E402

STAFF_ROLES = {
    "official": "official@demo.uchast.org",
    "moderator": "moderator@demo.uchast.org",
    "administrator": "admin@demo.uchast.org",
}


def _session(user: User, *, staff: bool) -> str:
    """A signed-in session of ``user`` in the configured store; its key (the cookie's value)."""
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    now = time.time()
    records: list[dict[str, Any]] = [{"method": "password", "at": now, "email": user.email}]
    if staff:
        records.append({"method": "mfa", "at": now, "type": "totp"})
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["account_authentication_methods"] = records
    store.create()
    return str(store.session_key)


def _verified(community: Community) -> list[tuple[int, str]]:
    """(user id, person key) of the residents verified in the community, by user id."""
    rows = Verification.objects.filter(community=community, status=VerificationStatus.ACTIVE).exclude(person_key="")
    return sorted(rows.values_list("user_id", "person_key"))


def _without(people: list[tuple[int, str]], process: str) -> list[tuple[int, str]]:
    taken = set(Participation.objects.filter(process=process).values_list("person_key", flat=True))
    return [(user, key) for user, key in people if key not in taken]


def _ballot_choices(cycle: BudgetCycle) -> list[list[int]]:
    """A few valid ballots: one project of each up-to-N category, one of each knapsack category whose
    cost fits its budget (the categories' rules, as the scale data sets them)."""
    admitted = list(Project.objects.filter(cycle=cycle, status=ProjectStatus.ADMITTED).select_related("category"))
    choices = []
    for offset in range(8):
        chosen = []
        for category in cycle.categories.all():
            fitting = [p for p in admitted if p.category_id == category.pk]
            if category.ballot_rule == BallotRule.KNAPSACK:
                fitting = [p for p in fitting if p.total_cost <= category.budget]
            if fitting:
                chosen.append(fitting[offset % len(fitting)].pk)
        choices.append(chosen)
    return choices


def _cycles(community: Community) -> tuple[BudgetCycle, BudgetCycle]:
    # The scale's cycles are the ones with the most projects (the demo's own have a handful).
    cycles = BudgetCycle.objects.filter(community=community).annotate(size=Count("projects")).order_by("-size", "-pk")
    voting = cycles.filter(status=Phase.VOTING).first()
    published = cycles.filter(results_published_at__isnull=False).first()
    if voting is None or published is None:
        raise SystemExit("the database has no voting cycle or no published one: build it with `uchast demo --scale N`")
    return voting, published


def _petitions(community: Community) -> dict[str, Any]:
    listed = list(public_petitions(community).values_list("published_at", "pk"))
    deep = listed[int(len(listed) * 0.9)] if len(listed) > 20 else listed[0]
    collecting = list(
        Petition.objects.filter(community=community, status=PetitionStatus.COLLECTING).values_list("pk", "author_id")
    )
    return {"deep_cursor": encode_cursor(deep), "collecting": collecting, "all": [pk for _, pk in listed]}


def _signers(people: list[tuple[int, str]], collecting: list[tuple[int, int]], wanted: int) -> list[tuple[int, int]]:
    """(user id, petition id) pairs of people who have not signed that petition, round the petitions."""
    pairs: list[tuple[int, int]] = []
    pools = [
        (pk, [u for u, _ in _without(people, process_key(PetitionAction.SIGN, pk)) if u != author])
        for pk, author in collecting
    ]
    while len(pairs) < wanted and any(pool for _, pool in pools):
        for pk, pool in pools:
            if pool and len(pairs) < wanted:
                pairs.append((pool.pop(), pk))
    return pairs


def plan(voters: int, signers: int, commenters: int) -> dict[str, Any]:
    community = Community.objects.get()
    voting, published = _cycles(community)
    people = _verified(community)
    fresh = _without(people, process_key(BudgetAction.VOTE, voting.pk))[:voters]
    petitions = _petitions(community)
    official = User.objects.get(email=STAFF_ROLES["official"])
    batch = paper_batch_create(cycle=voting, actor=official, number=f"BENCH-{time.time_ns()}", place="bench")
    users = User.objects.in_bulk([u for u, _ in people])
    used = {u for u, _ in fresh}
    talkers = [u for u, _ in people if u not in used][-commenters:]
    signing = _signers(people[len(people) // 2 :], petitions.pop("collecting"), signers)
    return {
        "voting_cycle": voting.pk,
        "results_cycle": published.pk,
        "categories": list(voting.categories.values_list("pk", flat=True)),
        "districts": list(community.districts.values_list("code", flat=True)),
        "projects": list(
            Project.objects.filter(cycle=voting, status=ProjectStatus.ADMITTED).values_list("pk", flat=True)
        ),
        "project_pages": -(-Project.objects.filter(cycle=voting).exclude(status=ProjectStatus.DRAFT).count() // 20),
        "ballots": _ballot_choices(voting),
        "petitions": petitions,
        "consultations": list(Consultation.objects.filter(phase="open").values_list("pk", flat=True)),
        "batch": batch.pk,
        "comment_action": f"/comments/{ContentType.objects.get_for_model(Petition).pk}/{{petition}}/add/",
        "voters": [_session(users[u], staff=False) for u, _ in fresh],
        "signers": [[_session(users[u], staff=False), pk] for u, pk in signing],
        "commenters": [_session(users[u], staff=False) for u in talkers],
        "staff": {role: _session(User.objects.get(email=email), staff=True) for role, email in STAFF_ROLES.items()},
        "verified": len(people),
    }


def _send(client: Any, step: dict[str, Any]) -> Any:
    if step["method"] == "POST":
        return client.post(step["path"], step["form"] or {})
    return client.get(step["path"])


#: Readings of each page in the query pass (its processor time is their median).
REPEAT = 5


def _timed(client: Any, step: dict[str, Any], connection: Any) -> tuple[int, float, Any]:
    """(SQL queries, processor seconds, response) of one request."""
    from django.test.utils import CaptureQueriesContext

    started = time.process_time()
    with CaptureQueriesContext(connection) as captured:
        response = _send(client, step)
    return len(captured), time.process_time() - started, response


def queries(journeys: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Run each journey's steps through the test client; per page kind, the SQL queries and the
    processor time (``time.process_time``, this process; the median of :data:`REPEAT` readings of a
    page). Every page is fetched once unmeasured before (templates compiled, memos filled, as in a
    warm worker); a POST's redirect is fetched and measured as a kind of its own (``<kind>, page
    after``)."""
    from django.db import connection
    from django.test import Client

    clients = []
    for journey in journeys:
        client = Client(HTTP_HOST="127.0.0.1")
        if journey["session"]:
            client.cookies[settings.SESSION_COOKIE_NAME] = journey["session"]
        clients.append(client)
        for step in journey["steps"]:
            if step["method"] == "GET":
                _send(client, step)
    measured: dict[str, dict[str, Any]] = {}
    for journey, client in zip(journeys, clients, strict=True):
        for step in journey["steps"]:
            steps = [(step["kind"], step)]
            while steps:
                kind, current = steps.pop()
                # A page is read REPEAT times (the median processor time is kept); a POST and the
                # page it redirects to (its one-time message or receipt) once.
                once = current["method"] == "POST" or kind.endswith(", page after")
                runs = [_timed(client, current, connection) for _ in range(1 if once else REPEAT)]
                queries, _, response = runs[0]
                cpu = statistics.median(run[1] for run in runs)
                measured.setdefault(kind, {"queries": queries, "cpu_ms": cpu * 1000, "status": response.status_code})
                if current["follow"] and response.status_code == 302:
                    after = {"method": "GET", "path": response["Location"].split("#")[0], "follow": False}
                    steps.append((f"{kind}, page after", after))
                if kind.endswith(", page after") and b"message-error" in response.content:
                    measured[kind.removesuffix(", page after")]["refused"] = True
    return measured


if __name__ == "__main__":
    if sys.argv[1] == "plan":
        print(json.dumps(plan(*(int(a) for a in sys.argv[2:5]))))
    else:
        with open(sys.argv[2], encoding="utf-8") as file:
            print(json.dumps(queries(json.load(file))))
