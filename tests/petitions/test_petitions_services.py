from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from uchast.core.calendar import calendar_for
from uchast.core.errors import ActionRefused
from uchast.core.models import AuditEntry
from uchast.petitions import services
from uchast.petitions.models import Petition, PetitionStatus, Signature
from uchast.testing.factories import make_user, make_verified_resident

pytestmark = pytest.mark.django_db


def _state(petition: Petition) -> tuple[str, int, int]:
    petition.refresh_from_db()
    return petition.status, petition.signature_count, Signature.objects.filter(petition=petition).count()


def test_lifecycle_to_answer_with_deadlines_audit_and_mail(
    petition_community: Any, collecting: Any, official: Any, django_capture_on_commit_callbacks: Any
) -> None:
    cal = calendar_for(petition_community)
    today = timezone.localdate()
    assert collecting.status == PetitionStatus.COLLECTING
    assert collecting.threshold == 3
    assert collecting.collection_deadline == cal.deadline_after_days(today, 30)
    signers = [make_verified_resident(petition_community) for _ in range(3)]
    for user in signers[:2]:
        services.signature_create(petition=collecting, signer=user)
    assert _state(collecting) == (PetitionStatus.COLLECTING, 2, 2)
    petition, _ = services.signature_create(petition=collecting, signer=signers[2])
    assert petition.status == PetitionStatus.CONSIDERATION
    assert petition.answer_due == cal.add_working_days(today, 10)
    assert not petition.answered_as_appeal
    services.petition_assign(petition=petition, actor=official, official=official)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.petition_answer(petition=petition, actor=official, outcome="partly", text="Рада частково підтримує.")
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.ANSWERED
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([petition.author.email, *(u.email for u in signers)])
    actions = set(AuditEntry.objects.filter(object_id=str(petition.pk)).values_list("action", flat=True))
    assert {"petition.created", "petition.submitted", "petition.published", "petition.threshold_reached",
            "petition.assigned", "petition.answered"} <= actions  # fmt: skip


def test_notification_preferences_are_honoured(
    petition_community: Any, collecting: Any, official: Any, django_capture_on_commit_callbacks: Any
) -> None:
    quiet = make_verified_resident(petition_community)
    quiet.notification_preferences = {"answers": True, "followed": False}
    quiet.save()
    others = [make_verified_resident(petition_community) for _ in range(2)]
    for user in [quiet, *others]:
        services.signature_create(petition=collecting, signer=user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.petition_answer(petition=collecting, actor=official, outcome="supported", text="Підтримано повністю.")
    assert quiet.email not in {m.to[0] for m in mail.outbox}
    assert others[0].email in {m.to[0] for m in mail.outbox}


def test_below_threshold_at_deadline_becomes_appeal(petition_community: Any, collecting: Any) -> None:
    services.signature_create(petition=collecting, signer=make_verified_resident(petition_community))
    assert services.petitions_tick(today=collecting.collection_deadline) == {"closed": 0, "reminded": 0, "archived": 0}
    counts = services.petitions_tick(today=collecting.collection_deadline + timedelta(days=1))
    assert counts["closed"] == 1
    collecting.refresh_from_db()
    assert collecting.status == PetitionStatus.CONSIDERATION
    assert collecting.answered_as_appeal
    assert collecting.answer_due is not None


def test_reminder_sent_once_before_answer_deadline(
    petition_community: Any, collecting: Any, official: Any, django_capture_on_commit_callbacks: Any
) -> None:
    for _ in range(3):
        services.signature_create(petition=collecting, signer=make_verified_resident(petition_community))
    collecting.refresh_from_db()
    services.petition_assign(petition=collecting, actor=official, official=official)
    mail.outbox.clear()
    assert services.petitions_tick()["reminded"] == 0
    near = collecting.answer_due - timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.petitions_tick(today=near)["reminded"] == 1
    assert services.petitions_tick(today=near)["reminded"] == 0
    assert [m.to[0] for m in mail.outbox] == [official.email]


def test_refusal_needs_reason_from_list_and_text(petition_community: Any, author: Any, moderator: Any) -> None:
    petition = services.petition_create(
        author=author,
        community=petition_community,
        title="Перенести кордон",
        text="Просимо перенести кордон подалі від громади.",
    )
    petition = services.petition_submit(petition=petition, actor=author)
    with pytest.raises(ActionRefused):
        services.petition_refuse(petition=petition, actor=moderator, reason="because", text="x")
    with pytest.raises(ActionRefused):
        services.petition_refuse(petition=petition, actor=moderator, reason="outside_competence", text="  ")
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.MODERATION
    services.petition_refuse(
        petition=petition, actor=moderator, reason="outside_competence", text="Не повноваження ради."
    )
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.REFUSED
    with pytest.raises(ActionRefused):
        services.petition_publish(petition=petition, actor=moderator)


def test_bad_input_is_refused_and_changes_nothing(petition_community: Any, collecting: Any, author: Any) -> None:
    signer = make_verified_resident(petition_community)
    services.signature_create(petition=collecting, signer=signer)
    before = _state(collecting)
    with pytest.raises(ActionRefused) as second:
        services.signature_create(petition=collecting, signer=signer)
    assert second.value.code == "already_signed"
    with pytest.raises(ActionRefused) as unverified:
        services.signature_create(petition=collecting, signer=make_user())
    assert unverified.value.code == "not_eligible"
    child = make_verified_resident(petition_community, birth_date=timezone.localdate() - timedelta(days=365 * 15))
    with pytest.raises(ActionRefused) as young:
        services.signature_create(petition=collecting, signer=child)
    assert young.value.code == "not_eligible"
    assert _state(collecting) == before
    with pytest.raises(ActionRefused) as long_text:
        services.petition_create(author=author, community=petition_community, title="Т" * 201, text="х" * 50)
    assert long_text.value.code == "title_too_long"
    with pytest.raises(ActionRefused) as long_body:
        services.petition_create(author=author, community=petition_community, title="Назва", text="х" * 5001)
    assert long_body.value.code == "text_too_long"
    assert Petition.objects.count() == 1


def test_closed_petition_cannot_be_signed_or_withdrawn(petition_community: Any, collecting: Any) -> None:
    signer = make_verified_resident(petition_community)
    services.signature_create(petition=collecting, signer=signer)
    services.petitions_tick(today=collecting.collection_deadline + timedelta(days=1))
    before = _state(collecting)
    with pytest.raises(ActionRefused) as closed:
        services.signature_create(petition=collecting, signer=make_verified_resident(petition_community))
    assert closed.value.code == "wrong_status"
    with pytest.raises(ActionRefused):
        services.signature_withdraw(petition=collecting, signer=signer)
    assert _state(collecting) == before


def test_withdraw_decrements_and_allows_signing_again(petition_community: Any, collecting: Any) -> None:
    signer = make_verified_resident(petition_community)
    services.signature_create(petition=collecting, signer=signer)
    services.signature_withdraw(petition=collecting, signer=signer)
    assert _state(collecting) == (PetitionStatus.COLLECTING, 0, 0)
    with pytest.raises(ActionRefused):
        services.signature_withdraw(petition=collecting, signer=signer)
    services.signature_create(petition=collecting, signer=signer)
    assert _state(collecting)[1:] == (1, 1)


def test_max_open_petitions_per_author(petition_community: Any, author: Any) -> None:
    for n in range(2):
        p = services.petition_create(author=author, community=petition_community, title=f"Петиція {n}", text="т" * 40)
        services.petition_submit(petition=p, actor=author)
    third = services.petition_create(author=author, community=petition_community, title="Третя", text="т" * 40)
    with pytest.raises(ActionRefused) as refused:
        services.petition_submit(petition=third, actor=author)
    assert refused.value.code == "too_many_open"
    third.refresh_from_db()
    assert third.status == PetitionStatus.DRAFT


def test_initials_only_where_statute_allows(petition_community: Any, collecting: Any) -> None:
    signer = make_verified_resident(petition_community, full_name="Тарас Кравець")
    _, signature = services.signature_create(petition=collecting, signer=signer, display="initials")
    assert signature.public_name == "Тарас Кравець"
    petition_community.statute = {**petition_community.statute, "petition_signatory_initials": True}
    petition_community.save()
    other = make_verified_resident(petition_community, full_name="Марія Литвин")
    _, signature = services.signature_create(petition=collecting, signer=other, display="initials")
    assert signature.public_name == "М. Л."


def test_demo_loader_creates_every_state() -> None:
    from uchast.accounts.demo import load_demo

    load_demo()
    states = set(Petition.objects.values_list("status", flat=True))
    assert states == {s.value for s in PetitionStatus}
    assert Petition.objects.filter(answered_as_appeal=True, status=PetitionStatus.ANSWERED).exists()
    for petition in Petition.objects.all():
        assert petition.signature_count == petition.signatures.count()
