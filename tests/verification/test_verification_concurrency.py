"""Two parallel redemptions of one code on PostgreSQL: exactly one succeeds."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from uchast.testing.factories import make_user
from uchast.verification import services
from uchast.verification.models import OneTimeCode, Verification


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_redemptions_of_one_code(community, official):
    _batch, codes = services.code_batch_create(
        community=community,
        actor=official,
        label="x",
        size=1,
        expires_on=timezone.localdate() + timedelta(days=5),
        number_required=False,
    )
    people = [make_user() for _ in range(2)]
    for _round in range(3):
        OneTimeCode.objects.update(redeemed_at=None, redeemed_by=None)
        Verification.objects.all().delete()
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def redeem(person, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait()
                services.code_redeem(user=person, community=community, code=codes[0])
                outcomes.append("ok")
            except services.VerificationError as error:
                outcomes.append(error.code)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=redeem, args=(p,)) for p in people]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["code_used", "ok"]
        assert Verification.objects.count() == 1
        assert OneTimeCode.objects.filter(redeemed_at__isnull=False).count() == 1
