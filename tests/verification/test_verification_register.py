"""The participation register's API (what budget, petitions and consultations call)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from uchast.core.errors import ActionRefused
from uchast.testing.factories import make_verified_resident
from uchast.verification import services
from uchast.verification.models import Participation
from uchast.verification.selectors import has_participated, process_key

pytestmark = pytest.mark.django_db

KEY = "a" * 64


def test_record_release_forget(community) -> None:
    one = make_verified_resident(community, email="one@example.org", person_key=KEY)
    two = make_verified_resident(community, email="two@example.org", person_key=KEY)
    assert process_key("petition.sign", 7) == "petition.sign:7"
    assert services.participation_record(user=one, community=community, action="petition.sign", process_id=7) == KEY
    row = Participation.objects.get()
    assert (row.process, row.person_key, row.channel, row.recorded_on) == (
        "petition.sign:7",
        KEY,
        "online",
        timezone.localdate(),
    )
    assert has_participated(two, community, "petition.sign", 7)  # the person, whichever account
    with pytest.raises(ActionRefused) as refused:
        services.participation_record(user=two, community=community, action="petition.sign", process_id=7)
    assert (refused.value.code, refused.value.status) == ("already_participated", 409)
    services.participation_record(user=two, community=community, action="petition.sign", process_id=8)
    assert services.participation_release(user=two, community=community, action="petition.sign", process_id=7)
    assert not has_participated(one, community, "petition.sign", 7)
    assert services.participation_forget(action="petition.sign", process_ids=[8, 9]) == 1
    assert not Participation.objects.exists()


def test_a_refusal_rolls_back_the_callers_writes(community) -> None:
    from uchast.verification.models import MethodSetting

    one = make_verified_resident(community, email="one@example.org", person_key=KEY)
    services.participation_record(user=one, community=community, action="budget.support", process_id=1)
    with pytest.raises(ActionRefused), transaction.atomic():
        MethodSetting.objects.create(community=community, method="census", enabled=False)
        services.participation_record(user=one, community=community, action="budget.support", process_id=1)
    assert not MethodSetting.objects.exists()


def test_no_person_key_no_participation(community) -> None:
    nobody = make_verified_resident(community, email="none@example.org", person_key="")
    with pytest.raises(ActionRefused) as refused:
        services.participation_record(user=nobody, community=community, action="petition.sign", process_id=1)
    assert (refused.value.code, refused.value.status) == ("no_person_key", 403)
    assert not services.participation_release(user=nobody, community=community, action="petition.sign", process_id=1)


def test_claim_reports_the_channel_already_there(community) -> None:
    assert services.participation_claim(process="budget.vote:1", person_key=KEY, channel="paper") is None
    assert services.participation_claim(process="budget.vote:1", person_key=KEY, channel="online") == "paper"
    services.participation_switch(process="budget.vote:1", person_key=KEY, channel="online")
    assert Participation.objects.get().channel == "online"
