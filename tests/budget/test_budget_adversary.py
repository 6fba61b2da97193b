"""The adversary of issue 12: after a full cycle on a 3-of-5 commission key (online on the web and
through the API, replacements, paper ballots, a duplicate, a deleted account, close, count by three
members' shares, publication) take every database row, every session, the cache, the logs and the
configuration (every key, ``BUDGET_SEAL_KEY`` included: everything but the commission's shares) and
try every link that can be computed from them.

Before the count the sealed contents must be unreadable to it: no plaintext choice anywhere, and no
key it can make (the server key, every configured secret, every key-sized value in the database)
opens a ballot. After publication the contents are public in the files under receipt-derived ids,
so what is checked is the *links*: no table, session, cache entry or log line ties a ballot row to
a user id, an e-mail address or a person key, and the published file gives no order of casting.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import re
import uuid
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, SealedBox

from uchast.accounts.models import ApiToken, User
from uchast.budget import services
from uchast.budget.models import Ballot, BallotChoice, BallotStatus, BudgetCycle, CategoryResult, PaperBatch, Phase
from uchast.budget.sealing import server_private_key
from uchast.budget.tokens import person_token, receipt_voter_id, voter_token
from uchast.core.models import AuditEntry
from uchast.testing.factories import make_verified_resident, sign_in_reauthenticated
from uchast.verification.demo import demo_rnokpp
from uchast.verification.identity import person_key_for, person_key_of_identity
from uchast.verification.models import CensusEntry, Participation, Verification

from .conftest import projects_by_title

pytestmark = pytest.mark.django_db

BALLOT_TABLES = {Ballot._meta.db_table, "budget_ballotchoice"}


def _rows() -> dict[str, list[tuple[str, ...]]]:
    """Every row of every table, every value as text: what a copy of the database holds."""
    dump: dict[str, list[tuple[str, ...]]] = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            dump[table] = [tuple("" if v is None else str(v) for v in row) for row in cursor.fetchall()]
    return dump


def _sessions() -> list[str]:
    return [str(s.get_decoded()) for s in Session.objects.all()]


def _cache_values() -> list[str]:
    store = getattr(cache, "_cache", {})  # the local-memory cache of the tests
    return [str(pickle.loads(value)) for value in store.values()]  # noqa: S301 - our own cache


def _ballot_marks(ballots: list[Ballot]) -> set[str]:
    """What identifies a ballot row: its id (both spellings), receipt, published voter id, tokens."""
    marks: set[str] = set()
    for b in ballots:
        marks |= {str(b.pk), b.pk.hex, b.receipt_code, receipt_voter_id(b.receipt_code)}
        marks |= {t for t in (b.voter_token, b.person_token) if t}
    return marks


def _found_outside_ballots(dump: dict[str, list[tuple[str, ...]]], marks: set[str]) -> list[tuple[str, str]]:
    found = []
    for table, rows in dump.items():
        if table in BALLOT_TABLES:
            continue
        for row in rows:
            for value in row:
                for mark in marks:
                    if mark in value:
                        found.append((table, value[:120]))
    return found


def _web_vote(user: Any, cycle: BudgetCycle, ids: list[int], current: str = "") -> Client:
    client = Client()
    client.force_login(user)
    client.get(reverse("budget:vote", args=[cycle.pk]))
    response = client.post(reverse("budget:vote", args=[cycle.pk]), {"project": ids, "current": current})
    assert response.status_code == 302, response.content[:300]
    assert client.get(response["Location"]).status_code == 200  # the receipt, shown once
    return client


def _api_vote(key: str, cycle: BudgetCycle, ids: list[int]) -> str:
    import json

    response = Client().post(
        f"/api/budget/cycles/{cycle.pk}/ballot",
        json.dumps({"projects": ids}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200
    return str(response.json()["receipt_code"])


def _vote_everywhere(cycle: BudgetCycle, community: Any, official: Any, checker: Any) -> tuple[list[str], list[Any]]:
    """Online on the web (sessions exist), one replacement; a census voter; through the API, one
    replacement; paper ballots, one of them the census voter's (a flagged duplicate); a voter who
    deletes the account while the vote runs. Returns the census numbers and the web voters."""
    from uchast.verification import services as verification

    p = projects_by_title(cycle)
    numbers = [demo_rnokpp(date(1980, 1, 1), serial) for serial in (1, 2)]
    verification.census_import(
        community=community,
        actor=official,
        data=("number,kind,birth_date,basis\n" + "".join(f"{n},rnokpp,1980-01-01,census\n" for n in numbers)).encode(),
    )
    web = [make_verified_resident(community, email=f"web{i}@example.org") for i in range(3)]
    census_voter = User.objects.create_user("census@example.org", None)
    verification.census_claim(
        user=census_voter, community=community, kind="rnokpp", number=numbers[0], birth_date=date(1980, 1, 1)
    )
    keys = []
    for user in [make_verified_resident(community, email=f"api{i}@example.org") for i in range(2)]:
        key = ApiToken.new_key()
        ApiToken.objects.create(user=user, name="t", key_hash=ApiToken.hash_key(key))
        keys.append(key)
    clients = [_web_vote(u, cycle, [p["A1"].pk]) for u in web]
    first = Ballot.objects.get(voter_token=voter_token(cycle, web[0]))
    _web_vote(web[0], cycle, [p["A2"].pk], current=first.receipt_code)
    _web_vote(census_voter, cycle, [p["A3"].pk])
    _api_vote(keys[0], cycle, [p["A1"].pk, p["B1"].pk])
    _api_vote(keys[1], cycle, [p["A2"].pk])
    _api_vote(keys[1], cycle, [p["A3"].pk])
    batch = services.paper_batch_create(cycle=cycle, actor=official, number="1", place="ЦНАП")
    for position, number in ((1, numbers[1]), (2, numbers[0])):
        services.paper_ballot_enter(
            batch=batch,
            actor=official,
            position=position,
            identity_kind="rnokpp",
            identity_number=number,
            project_ids=[p["A1"].pk],
        )
        services.paper_check_enter(batch=batch, actor=checker, position=position, project_ids=[p["A1"].pk])
    sign_in_reauthenticated(clients[2], web[2])  # account deletion asks for the password again
    assert clients[2].post(reverse("accounts:delete"), {"confirm": "ВИДАЛИТИ"}).status_code == 302
    web[2].refresh_from_db()
    assert web[2].anonymised_at is not None and not web[2].is_active
    return numbers, web


def _people(numbers: list[str]) -> set[str]:
    """Every person key the adversary can compute: stored ones, the register's, those of every
    identity key in the database (census list, verifications), and even of the numbers themselves."""
    people = set(Verification.objects.exclude(person_key="").values_list("person_key", flat=True))
    people |= set(Participation.objects.values_list("person_key", flat=True))
    identities = [
        *CensusEntry.objects.values_list("identity_key", flat=True),
        *Verification.objects.exclude(identity_key="").values_list("identity_key", flat=True),
    ]
    return people | {person_key_of_identity(i) for i in identities} | {person_key_for("rnokpp", n) for n in numbers}


KEYS = ("SECRET_KEY", "IDENTITY_HASH_KEY", "PERSON_KEY_SECRET", "VOTER_TOKEN_KEY", "BUDGET_SEAL_KEY")


def _keys_the_adversary_can_make(cycle: BudgetCycle, dump: dict[str, list[tuple[str, ...]]]) -> list[PrivateKey]:
    """The server key of the cycle (from ``BUDGET_SEAL_KEY``), each configured secret hashed into a
    key, and every 64-hex-digit value of the database taken as a key (public keys, digests of
    shares, tokens...)."""
    keys = [server_private_key(cycle.pk)]
    keys += [PrivateKey(hashlib.sha256(str(getattr(settings, name)).encode()).digest()) for name in KEYS]
    hexes = {h for rows in dump.values() for row in rows for v in row for h in re.findall(r"\b[0-9a-f]{64}\b", v)}
    keys += [PrivateKey(bytes.fromhex(v)) for v in sorted(hexes)]
    return keys


def _assert_sealed_unreadable(cycle: BudgetCycle, ballots: list[Ballot]) -> None:
    dump = _rows()
    assert not BallotChoice.objects.exists() and not CategoryResult.objects.exists()  # no plaintext
    assert all(b.sealed is not None for b in ballots)
    assert len({len(bytes(b.sealed)) for b in ballots}) == 1  # padded: the size tells nothing
    assert all(b.check_digest == "" for b in ballots)  # double entry agreed: no digest left to try
    keys = _keys_the_adversary_can_make(cycle, dump)
    assert len(keys) > len(KEYS) + 1  # the cycle's public key and the share digests are among them
    for ballot in ballots:
        for key in keys:
            with pytest.raises(CryptoError):
                SealedBox(key).decrypt(bytes(ballot.sealed))


def test_a_copy_of_everything_but_the_commission_shares_links_no_ballot_to_anyone(
    commission_cycle: tuple[BudgetCycle, list[str]], community: Any, official: Any, administrator: Any, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    cycle, shares = commission_cycle
    numbers, web = _vote_everywhere(cycle, community, official, administrator)

    # While the vote runs, a copy of the database and the sessions without the keys links nothing.
    ballots = list(Ballot.objects.all())
    assert len(ballots) == 8
    marks = _ballot_marks(ballots)
    assert _found_outside_ballots(_rows(), marks) == []
    assert not [s for s in _sessions() if any(m in s for m in marks)]
    # With the voter-token key it does: an open vote keeps the link an account needs to replace its
    # ballot (erased when voting closes; the sealed store of item 3 builds on that).
    linked = {b.pk for b in ballots for u in web[:2] if b.voter_token == voter_token(cycle, u)}
    assert len(linked) == 2
    # ... but to a sealed box that nothing it holds opens.
    _assert_sealed_unreadable(cycle, ballots)

    # Close, decide the duplicate; the contents stay sealed until three members bring their shares.
    services.cycle_set_phase(cycle=cycle, phase=Phase.RESULTS, actor=administrator)
    for flagged in Ballot.objects.filter(status=BallotStatus.FLAGGED):
        services.ballot_resolve(ballot=flagged, actor=administrator, count_it=False, reason="Повторний")
    _assert_sealed_unreadable(cycle, list(Ballot.objects.all()))
    services.cycle_count(cycle=cycle, shares=[shares[4], shares[0], shares[2]])
    services.cycle_publish(cycle=BudgetCycle.objects.get(pk=cycle.pk), actor=administrator)
    open_ids = {b.pk for b in ballots}
    ballots = list(Ballot.objects.all())
    assert not open_ids & {b.pk for b in ballots}  # written again at close, in random order
    _assert_nothing_links(cycle, ballots, marks | _ballot_marks(ballots), numbers, administrator, caplog.text)


def _assert_nothing_links(
    cycle: BudgetCycle, ballots: list[Ballot], marks: set[str], numbers: list[str], staff: Any, logs: str
) -> None:
    """The adversary's material after the cycle: rows, sessions, cache, logs and every key."""
    dump, sessions, cached = _rows(), _sessions(), _cache_values()
    assert all(getattr(settings, name) for name in KEYS)  # the configuration is the adversary's too
    receipts = {b.receipt_code for b in ballots}
    # 1. No table outside the ballots holds a ballot's id, receipt, published id or token — except
    #    the published files (published ids only) and the commission's decision on a flagged ballot,
    #    whose actor is staff, never a voter.
    outside = _found_outside_ballots(dump, marks)
    published = {receipt_voter_id(r) for r in receipts}
    assert {table for table, _value in outside} <= {AuditEntry._meta.db_table, CategoryResult._meta.db_table}
    assert not _found_outside_ballots({"files": dump[CategoryResult._meta.db_table]}, marks - published)
    for entry in AuditEntry.objects.filter(summary__has_key="ballot"):
        assert entry.action == "budget.ballot_resolved" and entry.actor_id == staff.pk
    assert not AuditEntry.objects.filter(action="budget.paper_ballot_entered", summary__has_key="position").exists()
    # 2. Ballot rows: random ids, the day only, no column that names anyone, every link erased.
    fields = list(Ballot._meta.concrete_fields)
    assert not any(isinstance(f, models.DateTimeField) for f in fields)
    assert not [f for f in fields if f.is_relation and f.related_model not in (BudgetCycle, PaperBatch)]
    assert all(isinstance(b.pk, uuid.UUID) and b.pk.version == 4 for b in ballots)
    assert all(b.voter_token is None and b.person_token == "" for b in ballots)
    # 3. With every key: no token computed for any account or any person matches a ballot.
    tokens = {voter_token(cycle, u) for u in User.objects.all()}
    tokens |= {person_token(cycle, k) for k in _people(numbers)}
    assert not tokens & {t for b in ballots for t in (b.voter_token, b.person_token) if t}
    assert not Participation.objects.exists()  # the register of the vote is gone with publication
    # 4. Sessions, cache and logs hold no receipt, ballot id or token.
    for text in [*sessions, *cached, logs]:
        assert not [m for m in marks if m in text], text[:300]
    # 5. The published files: ballots in the order of their (receipt-derived) ids, not of casting.
    for result in CategoryResult.objects.filter(category__cycle=cycle):
        lines = result.pabulib.split("VOTES\n", 1)[1].splitlines()[1:]
        ids = [line.split(";")[0] for line in lines]
        assert ids == sorted(ids) and set(ids) <= published
    assert Ballot.objects.filter(status=BallotStatus.COUNTED).count() == 7  # one of the census voter's two
