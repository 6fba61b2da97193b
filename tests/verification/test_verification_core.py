"""The verification core every module relies on: grant, revoke, evidence, decisions, messages."""

from __future__ import annotations

from datetime import date

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from uchast.core.audit import verify_chain
from uchast.eligibility import MissingCode
from uchast.testing.factories import make_user, make_verified_resident
from uchast.verification import services
from uchast.verification.models import Verification, VerificationStatus
from uchast.verification.selectors import evidence_for, participation_decision

pytestmark = pytest.mark.django_db


def test_grant_makes_a_resident_eligible(community):
    person = make_user()
    assert not participation_decision(person, community, "budget.vote").allowed
    services.verification_grant(
        user=person, community=community, method="test", basis="idp", birth_date=date(2000, 1, 1)
    )
    assert participation_decision(person, community, "budget.vote").allowed
    assert evidence_for(person, community).basis == "idp"
    assert verify_chain().ok


def test_renewal_supersedes_and_keeps_history(community):
    person = make_verified_resident(community)
    services.verification_grant(user=person, community=community, method="test", basis="registered")
    statuses = sorted(Verification.objects.filter(user=person).values_list("status", flat=True))
    assert statuses == [VerificationStatus.ACTIVE, VerificationStatus.SUPERSEDED]


def test_same_identity_cannot_back_two_accounts(community):
    first, second = make_user(), make_user()
    services.verification_grant(user=first, community=community, method="test", basis="census", identity_key="k1")
    with pytest.raises(services.VerificationError) as refused:
        services.verification_grant(user=second, community=community, method="test", basis="census", identity_key="k1")
    assert refused.value.code == "identity_in_use"
    assert not Verification.objects.filter(user=second).exists()


def test_revocation_needs_a_reason_and_removes_eligibility(community, official):
    person = make_verified_resident(community)
    verification = Verification.objects.get(user=person)
    with pytest.raises(services.VerificationError):
        services.verification_revoke(verification=verification, actor=official, reason="  ")
    services.verification_revoke(verification=verification, actor=official, reason="Документ недійсний")
    person = type(person).objects.get(pk=person.pk)
    decision = participation_decision(person, community, "budget.vote")
    assert MissingCode.NOT_VERIFIED in decision.codes


def test_age_condition_from_birth_date(community):
    teenager = make_verified_resident(community, birth_date=date(2015, 3, 1))
    decision = participation_decision(teenager, community, "budget.vote", today=date(2026, 11, 24))
    assert decision.codes == (MissingCode.TOO_YOUNG,)


def test_process_conditions_override_defaults(community):
    person = make_verified_resident(community, basis="idp")
    assert not participation_decision(person, community, "budget.vote", conditions="basis in {registered}").allowed
    assert participation_decision(make_user(), community, "budget.vote", conditions="").allowed


def test_notice_tells_what_is_missing_in_ukrainian(community, resident, rf: RequestFactory):
    request = rf.get("/budget/")
    request.user = resident
    decision = participation_decision(resident, community, "budget.vote")
    html = Template("{% load eligibility %}{% eligibility_notice decision %}").render(
        Context({"decision": decision, "request": request})
    )
    assert "Підтвердьте" in html or "підтвердити" in html
    assert "/verification/" in html


def test_status_page(client, community):
    person = make_verified_resident(community, basis="registered")
    client.force_login(person)
    html = client.get("/verification/").content.decode()
    assert "зареєстроване місце проживання" in html.lower() or "registered" in html


def test_notice_lists_the_enabled_ways_and_keeps_next(community, resident, rf: RequestFactory):
    from uchast.verification.services import method_set_enabled

    method_set_enabled(community=community, method="code", enabled=False, actor=None)
    request = rf.get("/petitions/5/")
    request.user = resident
    request.community = community
    decision = participation_decision(resident, community, "petition.sign")
    html = Template("{% load eligibility %}{% eligibility_notice decision %}").render(
        Context({"decision": decision, "request": request})
    )
    assert "/verification/census/?next=/petitions/5/" in html
    assert "/verification/document/?next=" in html and "/verification/code/" not in html
    assert "2 способами" in html


def test_next_brings_the_resident_back_after_confirming(client, community, resident):
    from uchast.testing.factories import make_user  # noqa: F401 - keeps imports local to this test

    batch, codes = services.code_batch_create(
        community=community,
        actor=None,
        label="x",
        size=1,
        expires_on=date.today().replace(year=date.today().year + 1),  # noqa: DTZ011
        number_required=False,
    )
    client.force_login(resident)
    client.get("/verification/code/?next=/petitions/5/")
    response = client.post("/verification/code/", {"code": codes[0], "birth_date": "1990-01-01"})
    assert response["Location"] == "/petitions/5/"
    client.get("/verification/code/?next=https://evil.example.org/")
    assert "verification_next" not in client.session
