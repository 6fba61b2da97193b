"""A PostgreSQL primary and its streaming replica in temporary directories, on free ports, for the
router test (``tests/core/test_core_dbrouter.py``); and, run as a module, the check itself in a
process of its own whose settings name both (``DATABASE_URL``, ``DATABASE_REPLICA_URL``).

The clusters are made with the Debian packages' ``initdb``, ``pg_ctl`` and ``pg_basebackup``, as
the ``postgres`` system user when run as root (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import cast


def postgres_bin() -> Path | None:
    """The newest installed server's binaries, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Pair:
    primary_url: str
    replica_url: str
    replica_port: int


def _run(args: list[str], as_postgres: bool) -> None:
    command = ["runuser", "-u", "postgres", "--", *args] if as_postgres else args
    subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603 - our own arguments


@contextmanager
def primary_and_replica(database: str = "uchast") -> Iterator[Pair]:
    """Start a primary and a streaming replica of it; stop both and delete them afterwards."""
    binaries = postgres_bin()
    if binaries is None:
        raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql")
    as_postgres = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="uchast-replica-"))
    if as_postgres:
        account = pwd.getpwnam("postgres")
        os.chown(base, account.pw_uid, account.pw_gid)
    primary, replica = base / "primary", base / "replica"
    ports = _free_port(), _free_port()
    started: list[Path] = []

    def pg(name: str, *args: str) -> None:
        _run([str(binaries / name), *args], as_postgres)

    try:
        pg("initdb", "-D", str(primary), "-U", "postgres", "--auth=trust", "--no-sync")
        for data_dir, port in ((primary, ports[0]), (replica, ports[1])):
            if data_dir == replica:
                pg(
                    "pg_basebackup",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(ports[0]),
                    "-U",
                    "postgres",
                    "-D",
                    str(replica),
                    "-R",
                    "--checkpoint=fast",
                )
            options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
            pg("pg_ctl", "-D", str(data_dir), "-l", str(base / f"{data_dir.name}.log"), "-w", "-o", options, "start")
            started.append(data_dir)
            if data_dir == primary:
                pg("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", database)
        yield Pair(
            primary_url=f"postgres://postgres@127.0.0.1:{ports[0]}/{database}",
            replica_url=f"postgres://postgres@127.0.0.1:{ports[1]}/{database}",
            replica_port=ports[1],
        )
    finally:
        for data_dir in reversed(started):
            try:
                pg("pg_ctl", "-D", str(data_dir), "-m", "immediate", "-w", "stop")
            except subprocess.CalledProcessError:
                pass
        shutil.rmtree(base, ignore_errors=True)


# --- The check, in a process configured with both databases ------------------------------------


def _caught_up() -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    from django.db import connections

    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        target = cursor.fetchone()[0]
    for _ in range(600):
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise RuntimeError("the replica did not catch up")


def _replay(paused: bool) -> None:
    from django.db import connections

    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()")


def check() -> dict[str, object]:
    """Make a community and two residents on the primary, freeze the replica, publish a petition, and
    see who sees it. (Not the whole demo: what is checked is the routing, and loading the demo through
    a fresh replica pair took most of this test's two minutes.)"""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from uchast.core.dbrouter import ReplicaRouter
    from uchast.core.models import Community
    from uchast.petitions.models import Petition, PetitionStatus
    from uchast.testing.factories import CommunityFactory, make_user

    call_command("migrate", verbosity=0)
    community = cast(Community, CommunityFactory(slug="zoriansk"))
    author, reader = make_user(email="author@example.org"), make_user(email="reader@example.org")
    _caught_up()
    _replay(paused=True)
    title = "Петиція, якої ще немає на репліці"
    petition = Petition.objects.create(
        community=community,
        author=author,
        title=title,
        text="Перевірка маршрутизації читання.",
        status=PetitionStatus.COLLECTING,
        published_at=timezone.now(),
        threshold=150,
    )
    stored_on_primary = Petition.objects.using("default").filter(pk=petition.pk).exists()
    on_replica_while_paused = Petition.objects.using("replica").filter(pk=petition.pk).exists()
    anonymous = Client().get("/petitions/").content.decode()
    signed_in = Client()
    signed_in.force_login(reader)
    resident_page = signed_in.get("/petitions/").content.decode()
    _replay(paused=False)
    _caught_up()
    anonymous_after = Client().get("/petitions/").content.decode()
    return {
        "router_write": ReplicaRouter().db_for_write(Petition),
        "stored_on_primary": stored_on_primary,
        "on_replica_while_paused": on_replica_while_paused,
        "anonymous_sees_it_while_paused": title in anonymous,
        "resident_sees_it_while_paused": title in resident_page,
        "anonymous_sees_it_after_replay": title in anonymous_after,
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(check()) + "\n")
