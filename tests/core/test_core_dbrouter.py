"""The replica router: anonymous public reads from the replica, writes and everything else from the
primary. The last test starts a real primary and streaming replica (two PostgreSQL clusters)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import transaction

from uchast.accounts.models import User
from uchast.core.dbrouter import ReplicaRouter, reading_public
from uchast.petitions.models import Petition
from uchast.testing.replica import postgres_bin, primary_and_replica

SRC = Path(__file__).resolve().parents[2] / "src"


def test_reads_go_to_the_replica_only_inside_a_public_read() -> None:
    router = ReplicaRouter()
    assert router.db_for_read(Petition) == "default"
    with reading_public():
        assert router.db_for_read(Petition) == "replica"
        assert router.db_for_read(User) == "default"  # accounts and sessions never leave the primary
        assert router.db_for_write(Petition) == "default"
    assert router.db_for_read(Petition) == "default"
    assert router.allow_migrate("default", "petitions") and not router.allow_migrate("replica", "petitions")


@pytest.mark.django_db
def test_inside_a_transaction_reads_stay_on_the_primary() -> None:
    router = ReplicaRouter()
    with reading_public(), transaction.atomic():
        assert router.db_for_read(Petition) == "default"


@pytest.mark.postgres
@pytest.mark.slow
def test_public_reads_are_served_by_a_streaming_replica() -> None:
    if os.environ.get("CI") != "true":
        pytest.skip("starts its own PostgreSQL primary and streaming replica: runs under CI=true")
    if postgres_bin() is None:
        pytest.fail("CI needs the PostgreSQL server binaries (/usr/lib/postgresql/*/bin) for the replica test")
    with primary_and_replica() as pair:
        env = {
            **os.environ,
            "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
            "DATABASE_URL": pair.primary_url,
            "DATABASE_REPLICA_URL": pair.replica_url,
            "UCHAST_TESTING": "1",
            "DJANGO_SETTINGS_MODULE": "uchast.settings",
        }
        done = subprocess.run(  # noqa: S603 - our own module
            [sys.executable, "-m", "uchast.testing.replica"], env=env, capture_output=True, text=True, timeout=600
        )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {
        "router_write": "default",
        "stored_on_primary": True,  # the write went to the primary
        "on_replica_while_paused": False,  # the replica, paused, does not have it yet
        "anonymous_sees_it_while_paused": False,  # so the public list was read from the replica
        "resident_sees_it_while_paused": True,  # a signed-in resident reads the primary
        "anonymous_sees_it_after_replay": True,
    }
