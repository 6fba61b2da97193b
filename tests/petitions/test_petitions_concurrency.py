from __future__ import annotations

import secrets
import threading
from typing import Any

import pytest
from django.db import connections

from uchast.core.errors import ActionRefused
from uchast.petitions import services
from uchast.petitions.models import Petition, Signature
from uchast.testing.factories import CommunityFactory, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_300_parallel_signatures_plus_50_repeats_count_301() -> None:
    from datetime import date

    from uchast.verification.models import Verification

    community = CommunityFactory(statute={"petition_threshold": 10000})
    author = make_user()
    residents = [make_user(password="x", verified_email=False) for _ in range(301)]
    Verification.objects.bulk_create(
        [
            Verification(
                user=u,
                community=community,
                method="test",
                basis="idp",
                birth_date=date(1990, 1, 1),
                status="active",
                person_key=secrets.token_hex(32),  # each a person of their own
            )
            for u in [author, *residents]
        ]  # fmt: skip
    )
    moderator = make_user("moderator")
    petition = services.petition_create(author=author, community=community, title="Паралельна", text="т" * 40)
    petition = services.petition_publish(
        petition=services.petition_submit(petition=petition, actor=author), actor=moderator
    )
    repeater = residents[0]
    jobs: list[Any] = [(u, petition.pk) for u in residents[1:]] + [(repeater, petition.pk)] * 51
    refused: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    index = iter(range(len(jobs)))

    def worker() -> None:
        try:
            while True:
                with lock:
                    i = next(index, None)
                if i is None:
                    return
                user, pk = jobs[i]
                try:
                    services.signature_create(petition=Petition(pk=pk), signer=user)
                except ActionRefused as error:
                    with lock:
                        refused.append(error.code)
                except BaseException as error:  # noqa: BLE001 - reported below
                    with lock:
                        errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    petition.refresh_from_db()
    assert petition.signature_count == 301
    assert Signature.objects.filter(petition=petition).count() == 301
    assert refused == ["already_signed"] * 50
