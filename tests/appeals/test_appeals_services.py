"""Services of appeals: filing, registration, routing, terms, forwarding, answer, complaint, retention."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from uchast.appeals import services
from uchast.appeals.models import AccessLog, Appeal, AppealFile, CoSigner, Kind, PriorityCheck, Status, Topic
from uchast.appeals.services.common import calendar
from uchast.core.errors import ActionRefused
from uchast.core.models import AuditEntry, Notification
from uchast.eligibility.appealterms import answer_due, extension_ceiling, forward_due
from uchast.testing.factories import make_user

from .conftest import make_draft

pytestmark = pytest.mark.django_db

REASONS = "Потрібен виїзд комісії та запит до обласної служби."


def _photo(name: str = "photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _file(resident: Any, community: Any, **overrides: Any) -> Appeal:
    return services.appeal_file(author=resident, community=community, draft=make_draft(**overrides))


def test_filing_registers_with_number_terms_and_department(
    resident: Any, community: Any, departments: Any, social_official: Any, settings: Any
) -> None:
    settings.UCHAST_APPEALS_REGISTER_FORMAT = "{kind}-{seq}/{year}"
    appeal = services.appeal_file(author=resident, community=community, draft=make_draft(), files=[_photo()])
    today = timezone.localdate()
    cal = calendar(community)
    assert appeal.reg_number == f"З-1/{today.year}"
    assert _file(resident, community, kind=Kind.COMPLAINT).reg_number == f"С-2/{today.year}"
    assert appeal.received_on == today
    assert appeal.due_date == answer_due(cal, today, study_needed=False)
    assert appeal.forward_due == forward_due(cal, today)
    assert appeal.ceiling_date == extension_ceiling(cal, today)
    assert appeal.department == departments["social"]  # topic rule
    assert appeal.publish is False  # private by default
    stored = AppealFile.objects.get(appeal=appeal)
    assert stored.kind == "image" and not stored.of_answer
    assert AuditEntry.objects.filter(action="appeal.filed", actor=None).count() == 2
    # The person, and the department's official, are told; the notice carries the number only.
    assert Notification.objects.filter(user=resident).exists()
    assert Notification.objects.filter(user=social_official).exists()


def test_unmatched_topic_stays_with_the_registry(resident: Any, community: Any, departments: Any) -> None:
    assert _file(resident, community, topic=Topic.OTHER).department is None


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"contact": "  "}, "contact_required"),
        ({"full_name": "Олена"}, "name_required"),
        ({"residence": ""}, "residence_required"),
        ({"current_address": ""}, "current_address_required"),
        ({"kind": "petition"}, "kind_required"),
        ({"text": "коротко"}, "text_length"),
        ({"subject": ""}, "subject_required"),
        ({"priority": "vip"}, "bad_priority"),
        ({"cosigner_emails": ["nobody@example.org"]}, "cosigner_unknown"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    resident: Any, community: Any, departments: Any, overrides: dict[str, Any], code: str
) -> None:
    with pytest.raises(ActionRefused) as refused:
        _file(resident, community, **overrides)
    assert refused.value.code == code
    assert not Appeal.objects.exists() and not AuditEntry.objects.filter(action="appeal.filed").exists()


def test_anonymous_appeal_is_refused(community: Any, departments: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ActionRefused) as refused:
        services.appeal_file(author=AnonymousUser(), community=community, draft=make_draft())
    assert refused.value.code == "anonymous"
    assert not Appeal.objects.exists()


def test_oversized_attachment_is_refused_and_nothing_is_written(
    resident: Any, community: Any, departments: Any, settings: Any
) -> None:
    settings.UCHAST_APPEALS_MAX_FILE_MB = 1
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1), content_type="application/pdf")
    with pytest.raises(ActionRefused) as refused:
        services.appeal_file(author=resident, community=community, draft=make_draft(), files=[big])
    assert refused.value.code == "file_too_large"
    assert "1.0" in refused.value.message  # the limit is named
    assert not Appeal.objects.exists() and not AppealFile.objects.exists()


def test_route_with_study_gives_one_month(
    resident: Any, community: Any, departments: Any, social_official: Any, official: Any
) -> None:
    appeal = _file(resident, community, topic=Topic.OTHER)
    routed = services.appeal_route(appeal=appeal, actor=official, department=departments["social"], study_needed=True)
    assert routed.status == Status.IN_WORK and routed.department == departments["social"]
    assert routed.due_date == answer_due(calendar(community), routed.received_on, study_needed=True)
    # The registry routed it away: its official is no longer a handler.
    with pytest.raises(ActionRefused) as refused:
        services.appeal_route(appeal=routed, actor=official, department=departments["housing"], study_needed=False)
    assert refused.value.code == "not_handler"


def test_extension_with_reasons_and_notice(
    resident: Any, community: Any, departments: Any, social_official: Any
) -> None:
    appeal = _file(resident, community)
    before = Notification.objects.filter(user=resident).count()
    extended = services.appeal_extend(
        appeal=appeal, actor=social_official, new_due=appeal.ceiling_date, reasons=REASONS
    )
    assert extended.due_date == appeal.ceiling_date and extended.extension_reasons == REASONS
    notice = Notification.objects.filter(user=resident).latest("pk")
    assert Notification.objects.filter(user=resident).count() == before + 1 and REASONS in notice.body


@pytest.mark.parametrize(
    ("days_after_ceiling", "reasons", "code"),
    [(0, "", "reasons_required"), (0, "бо так", "reasons_required"), (1, REASONS, "over_45_days")],
)
def test_extension_refused(
    resident: Any,
    community: Any,
    departments: Any,
    social_official: Any,
    days_after_ceiling: int,
    reasons: str,
    code: str,
) -> None:
    appeal = _file(resident, community)
    new_due = appeal.ceiling_date + timedelta(days=days_after_ceiling)
    with pytest.raises(ActionRefused) as refused:
        services.appeal_extend(appeal=appeal, actor=social_official, new_due=new_due, reasons=reasons)
    assert refused.value.code == code
    appeal.refresh_from_db()
    assert not appeal.extension_reasons and appeal.due_date < appeal.ceiling_date


def test_forwarding_within_five_days_tells_the_person(
    resident: Any, community: Any, departments: Any, social_official: Any
) -> None:
    appeal = _file(resident, community)
    before = Notification.objects.filter(user=resident).count()
    forwarded = services.appeal_forward(
        appeal=appeal, actor=social_official, body="Пенсійний фонд України", on=appeal.forward_due
    )
    assert forwarded.status == Status.FORWARDED and forwarded.forwarded_on == appeal.forward_due
    notice = Notification.objects.filter(user=resident).latest("pk")
    assert Notification.objects.filter(user=resident).count() == before + 1
    assert "Пенсійний фонд України" in notice.body


def test_forwarding_after_five_days_is_refused(
    resident: Any, community: Any, departments: Any, social_official: Any
) -> None:
    appeal = _file(resident, community)
    with pytest.raises(ActionRefused) as refused:
        services.appeal_forward(
            appeal=appeal, actor=social_official, body="Пенсійний фонд", on=appeal.forward_due + timedelta(days=1)
        )
    assert refused.value.code == "forward_too_late"
    appeal.refresh_from_db()
    assert appeal.status == Status.REGISTERED and not appeal.forwarded_to


def test_priority_claimed_then_checked(resident: Any, community: Any, departments: Any, social_official: Any) -> None:
    appeal = _file(resident, community, priority="war_disability")
    assert appeal.priority_check == PriorityCheck.CLAIMED
    checked = services.appeal_check_priority(appeal=appeal, actor=social_official, confirmed=True)
    assert checked.priority_check == PriorityCheck.CONFIRMED
    plain = _file(resident, community)
    with pytest.raises(ActionRefused) as refused:
        services.appeal_check_priority(appeal=plain, actor=social_official, confirmed=True)
    assert refused.value.code == "no_priority"


def test_answer_closes_rating_and_complaint_to_next_level(
    resident: Any, community: Any, departments: Any, social_official: Any
) -> None:
    appeal = _file(resident, community)
    answered = services.appeal_answer(appeal=appeal, actor=social_official, text="Допомогу нараховано 3 грудня.")
    assert answered.status == Status.ANSWERED and answered.answered_on_time is True
    assert answered.answered_by == social_official
    with pytest.raises(ActionRefused) as refused:
        services.appeal_answer(appeal=answered, actor=social_official, text="Ще одна відповідь на звернення.")
    assert refused.value.code == "closed"
    answered.refresh_from_db()
    assert answered.answer_text == "Допомогу нараховано 3 грудня."
    assert services.appeal_rate(appeal=answered, user=resident, rating=2).rating == 2
    with pytest.raises(ActionRefused) as bad:
        services.appeal_rate(appeal=answered, user=resident, rating=6)
    assert bad.value.code == "bad_rating"
    complaint = services.appeal_complain(
        appeal=answered, user=resident, text="Допомогу нараховано не в повному обсязі."
    )
    assert complaint.kind == Kind.COMPLAINT and complaint.complaint_about == answered
    assert complaint.department == departments["registry"]  # the social department's parent
    assert complaint.full_name == "Олена Шевчук"


def test_complaint_before_answer_refused(resident: Any, community: Any, departments: Any) -> None:
    appeal = _file(resident, community)
    with pytest.raises(ActionRefused) as refused:
        services.appeal_complain(appeal=appeal, user=resident, text="Чому досі немає відповіді на звернення?")
    assert refused.value.code == "not_answered"


def test_repeated_appeal_is_marked(resident: Any, community: Any, departments: Any, social_official: Any) -> None:
    first = _file(resident, community)
    services.appeal_answer(appeal=first, actor=social_official, text="Допомогу нараховано 3 грудня.")
    again = _file(resident, community, subject="затримка виплати допомоги на проживання")
    assert again.repeated_of == first
    other_person = make_user(full_name="Іван Ткачук", email="ivan@example.org")
    assert _file(other_person, community).repeated_of is None


def test_collective_appeal_with_a_cosigner_who_withdraws(
    resident: Any, community: Any, departments: Any, social_official: Any
) -> None:
    ivan = make_user(full_name="Іван Ткачук", email="ivan@example.org")
    halyna = make_user(full_name="Галина Мороз", email="halyna@example.org")
    appeal = _file(resident, community, cosigner_emails=["IVAN@example.org", "halyna@example.org"])
    services.cosigner_confirm(appeal=appeal, user=ivan)
    services.cosigner_confirm(appeal=appeal, user=halyna)
    assert ivan.has_perm("appeals.view_personal", appeal)
    services.cosigner_withdraw(appeal=appeal, user=halyna)
    assert not halyna.has_perm("appeals.view_appeal", appeal)
    with pytest.raises(ActionRefused) as refused:
        services.cosigner_withdraw(appeal=appeal, user=halyna)
    assert refused.value.code == "not_cosigner"
    outsider = make_user(email="outsider@example.org")
    with pytest.raises(ActionRefused) as not_invited:
        services.cosigner_confirm(appeal=appeal, user=outsider)
    assert not_invited.value.code == "not_invited"
    last = Notification.objects.latest("pk").pk
    services.appeal_answer(appeal=appeal, actor=social_official, text="Відповідь на колективне звернення.")
    told = set(Notification.objects.filter(pk__gt=last).values_list("user_id", flat=True))
    assert {resident.pk, ivan.pk} <= told and halyna.pk not in told
    assert CoSigner.objects.get(appeal=appeal, user=halyna).withdrawn_at is not None


def test_official_of_another_department_cannot_read_a_private_appeal(
    resident: Any, community: Any, departments: Any, social_official: Any, housing_official: Any
) -> None:
    from django.http import Http404

    from uchast.appeals import selectors

    appeal = _file(resident, community)
    with pytest.raises(Http404):
        selectors.access_appeal(housing_official, community, appeal.pk)
    assert not AccessLog.objects.exists()
    selectors.access_appeal(social_official, community, appeal.pk)
    selectors.access_appeal(resident, community, appeal.pk)
    assert list(AccessLog.objects.order_by("pk").values_list("user_id", flat=True)) == [social_official.pk, resident.pk]


def test_tick_reminds_then_tells_the_head_once(
    resident: Any, community: Any, departments: Any, social_official: Any
) -> None:
    appeal = _file(resident, community)
    head = departments["social"].head
    assert services.appeals_tick(appeal.due_date - timedelta(days=1))["reminded"] == 1
    assert services.appeals_tick(appeal.due_date - timedelta(days=1))["reminded"] == 0
    before = Notification.objects.filter(user=head).count()
    late = services.appeals_tick(appeal.due_date + timedelta(days=1))
    assert late["overdue"] == 1
    assert services.appeals_tick(appeal.due_date + timedelta(days=2))["overdue"] == 0
    assert Notification.objects.filter(user=head).count() == before + 1


def test_retention_erases_personal_data_after_the_set_years(
    resident: Any, community: Any, departments: Any, social_official: Any, settings: Any
) -> None:
    settings.UCHAST_APPEALS_RETENTION_YEARS = 5
    appeal = services.appeal_file(author=resident, community=community, draft=make_draft(), files=[_photo()])
    services.appeal_answer(appeal=appeal, actor=social_official, text="Допомогу нараховано 3 грудня.")
    today = timezone.localdate()
    assert services.enforce_retention(today.replace(year=today.year + 4)) == 0
    assert services.enforce_retention(today.replace(year=today.year + 5) + timedelta(days=1)) == 1
    appeal.refresh_from_db()
    assert appeal.anonymised_at and not appeal.full_name and not appeal.contact and not appeal.text
    assert not AppealFile.objects.filter(appeal=appeal).exists()
    assert appeal.status == Status.ANSWERED and appeal.answered_on_time  # the figures stay


def test_personal_data_export_and_account_deletion(resident: Any, community: Any, departments: Any) -> None:
    from uchast.appeals.selectors import personal_data

    appeal = _file(resident, community)
    exported = personal_data(resident)
    assert exported["appeals"][0]["reg_number"] == appeal.reg_number
    assert exported["appeals"][0]["current_address"] == "м. Дніпро, вул. Робоча, 18, кв. 40"
    services.anonymise_user(resident)
    appeal.refresh_from_db()
    assert appeal.anonymised_at and not appeal.full_name and not appeal.contact
