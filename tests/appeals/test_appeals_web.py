"""Every appeals action through its URL, the permission matrix, the access log and the public pages."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from uchast.appeals import services
from uchast.appeals.models import AccessLog, Appeal, AppealFile, CoSigner, ProblemReport, Status
from uchast.testing.factories import make_user

from .conftest import make_draft

pytestmark = pytest.mark.django_db

REASONS = "Потрібен виїзд комісії та запит до обласної служби."


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buffer, format="JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


FORM = {
    "kind": "application",
    "topic": "aid",
    "subject": "Довідка про склад сім'ї",
    "text": "Прошу видати довідку про склад сім'ї для оформлення допомоги на проживання.",
    "full_name": "Олена Шевчук",
    "residence": "с. Калинівка, вул. Садова, 3",
    "displaced": "on",
    "current_address": "м. Дніпро, вул. Робоча, 18",
    "contact": "olena@example.org",
    "priority": "",
    "cosigners": "",
}


def test_file_through_the_form_with_a_photo_and_get_an_answer(
    resident: Any, community: Any, departments: Any, social_official: Any
) -> None:
    client = _client(resident)
    assert client.get(reverse("appeals:create")).status_code == 200
    response = client.post(reverse("appeals:create"), {**FORM, "attachments": _jpeg()})
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response["Location"] == appeal.get_absolute_url()
    assert appeal.displaced and appeal.current_address and AppealFile.objects.filter(appeal=appeal).count() == 1
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert appeal.reg_number in page and "м. Дніпро" in page
    stored = AppealFile.objects.get()
    download = client.get(reverse("appeals:download", args=[appeal.pk, stored.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:3] == b"\xff\xd8\xff"
    staff = _client(social_official)
    answer = staff.post(reverse("appeals:answer", args=[appeal.pk]), {"text": "Довідку надіслано вам на пошту."})
    assert answer.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.ANSWERED
    assert "Довідку надіслано" in client.get(appeal.get_absolute_url()).content.decode()
    assert client.post(reverse("appeals:rate", args=[appeal.pk]), {"rating": "4"}).status_code == 302
    client.post(reverse("appeals:complain", args=[appeal.pk]), {"text": "Довідка містить помилку в прізвищі."})
    appeal.refresh_from_db()
    assert appeal.rating == 4 and Appeal.objects.filter(complaint_about=appeal).count() == 1
    # An answer after the case is closed: a clear message, nothing changed.
    again = staff.post(
        reverse("appeals:answer", args=[appeal.pk]), {"text": "Інша відповідь на це звернення."}, follow=True
    )
    assert "закрите" in again.content.decode() or "closed" in again.content.decode()
    appeal.refresh_from_db()
    assert appeal.answer_text == "Довідку надіслано вам на пошту."


def test_missing_contact_on_the_form_is_an_error_and_nothing_is_written(resident: Any, departments: Any) -> None:
    response = _client(resident).post(reverse("appeals:create"), {**FORM, "contact": ""})
    assert response.status_code == 400 and not Appeal.objects.exists()


def test_anonymous_visitor_is_sent_to_sign_in(client: Client, departments: Any) -> None:
    response = client.post(reverse("appeals:create"), FORM)
    assert response.status_code == 302 and "login" in response["Location"] and not Appeal.objects.exists()


def test_staff_actions_through_their_urls(
    resident: Any, community: Any, departments: Any, social_official: Any, official: Any
) -> None:
    appeal = services.appeal_file(
        author=resident, community=community, draft=make_draft(topic="other", priority="war_veteran")
    )
    registry = _client(official)
    assert registry.get(reverse("appeals:queue")).status_code == 200
    route = registry.post(
        reverse("appeals:route", args=[appeal.pk]), {"department": departments["social"].pk, "study_needed": "on"}
    )
    assert route.status_code == 302
    staff = _client(social_official)
    assert appeal.reg_number in staff.get(reverse("appeals:queue")).content.decode()
    staff.post(reverse("appeals:priority", args=[appeal.pk]), {"confirmed": "1"})
    staff.post(reverse("appeals:extend", args=[appeal.pk]), {"new_due": "", "reasons": REASONS})
    appeal.refresh_from_db()
    assert appeal.priority_check == "confirmed" and not appeal.extension_reasons  # no date: refused
    staff.post(
        reverse("appeals:extend", args=[appeal.pk]), {"new_due": appeal.ceiling_date.isoformat(), "reasons": REASONS}
    )
    staff.post(reverse("appeals:forward", args=[appeal.pk]), {"body": "Пенсійний фонд України"})
    appeal.refresh_from_db()
    assert appeal.study_needed and appeal.extension_reasons == REASONS and appeal.status == Status.FORWARDED


def test_cosign_and_withdraw_through_urls(resident: Any, community: Any, departments: Any) -> None:
    ivan = make_user(full_name="Іван Ткачук", email="ivan@example.org")
    appeal = services.appeal_file(
        author=resident, community=community, draft=make_draft(cosigner_emails=["ivan@example.org"])
    )
    client = _client(ivan)
    assert appeal.subject in client.get(reverse("appeals:index")).content.decode()  # the invitation
    client.post(reverse("appeals:cosign", args=[appeal.pk]))
    assert CoSigner.objects.get().active
    client.post(reverse("appeals:withdraw", args=[appeal.pk]))
    assert not CoSigner.objects.get().active


def _roles(resident: Any, social_official: Any, housing_official: Any, community: Any) -> dict[str, Any]:
    ivan = make_user(full_name="Іван Ткачук", email="ivan@example.org")
    return {
        "anonymous": None,
        "author": resident,
        "cosigner": ivan,
        "other resident": make_user(email="other@example.org"),
        "handling official": social_official,
        "official of another department": housing_official,
        "administrator": make_user("administrator", email="boss@example.org"),
    }


# action -> roles allowed, for a private and a published appeal (before and after the answer).
PRIVATE_OPEN = {
    "view": {"author", "cosigner", "handling official"},
    "view_personal": {"author", "cosigner", "handling official"},
    "handle": {"handling official"},
    "rate": set(),
    "cosign": {"cosigner"},
}
PUBLISHED_ANSWERED = {
    "view": {
        "anonymous",
        "author",
        "cosigner",
        "other resident",
        "handling official",
        "official of another department",
        "administrator",
    },
    "view_personal": {"author", "cosigner", "handling official"},
    "handle": {"handling official"},
    "rate": {"author"},
    "cosign": {"cosigner"},
}
PERMS = {
    "view": "appeals.view_appeal",
    "view_personal": "appeals.view_personal",
    "handle": "appeals.handle",
    "rate": "appeals.rate",
    "cosign": "appeals.cosign",
}


@pytest.mark.parametrize("publish", [False, True])
def test_permission_matrix(
    resident: Any, community: Any, departments: Any, social_official: Any, housing_official: Any, publish: bool
) -> None:
    from django.contrib.auth.models import AnonymousUser

    roles = _roles(resident, social_official, housing_official, community)
    appeal = services.appeal_file(
        author=resident,
        community=community,
        draft=make_draft(publish=publish, cosigner_emails=["ivan@example.org"]),
    )
    services.cosigner_confirm(appeal=appeal, user=roles["cosigner"])
    if publish:
        appeal = services.appeal_answer(appeal=appeal, actor=social_official, text="Допомогу нараховано 3 грудня.")
    expected = PUBLISHED_ANSWERED if publish else PRIVATE_OPEN
    for action, allowed in expected.items():
        for role, user in roles.items():
            has = (user or AnonymousUser()).has_perm(PERMS[action], appeal)
            assert has == (role in allowed), (action, role, publish)
    # The page answers the same: 404 where the appeal may not be seen; personal data only to the allowed.
    for role, user in roles.items():
        response = _client(user).get(appeal.get_absolute_url())
        assert response.status_code == (200 if role in expected["view"] else 404), role
        if response.status_code == 200:
            assert ("olena@example.org" in response.content.decode()) == (role in expected["view_personal"]), role


def test_every_read_with_personal_data_is_logged(
    resident: Any, community: Any, departments: Any, social_official: Any, housing_official: Any
) -> None:
    appeal = services.appeal_file(author=resident, community=community, draft=make_draft())
    _client(social_official).get(appeal.get_absolute_url())
    _client(social_official).get(appeal.get_absolute_url())
    _client(resident).get(appeal.get_absolute_url())
    assert _client(housing_official).get(appeal.get_absolute_url()).status_code == 404
    assert list(AccessLog.objects.order_by("pk").values_list("user_id", "what")) == [
        (social_official.pk, "detail"),
        (social_official.pk, "detail"),
        (resident.pk, "detail"),
    ]


def test_staff_post_by_another_department_is_refused(
    resident: Any, community: Any, departments: Any, housing_official: Any
) -> None:
    appeal = services.appeal_file(author=resident, community=community, draft=make_draft())
    response = _client(housing_official).post(
        reverse("appeals:answer", args=[appeal.pk]), {"text": "Чужа відповідь на звернення."}
    )
    assert response.status_code == 404
    appeal.refresh_from_db()
    assert appeal.status == Status.REGISTERED


def test_problem_report_with_me_too_and_status(resident: Any, community: Any, official: Any, departments: Any) -> None:
    client = _client(resident)
    response = client.post(
        reverse("appeals:report_create"),
        {"title": "Не світить ліхтар", "topic": "roads", "address": "вул. Центральна, 7", "photo": _jpeg()},
    )
    report = ProblemReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    other = _client(make_user(email="neighbour@example.org"))
    other.post(reverse("appeals:metoo", args=[report.pk]))
    other.post(reverse("appeals:metoo", args=[report.pk]))
    report.refresh_from_db()
    assert report.metoo_count == 1
    _client(official).post(
        reverse("appeals:report_status", args=[report.pk]), {"status": "in_progress", "text": "Передано підряднику."}
    )
    page = Client().get(report.get_absolute_url()).content.decode()
    assert "Передано підряднику." in page and Client().get(reverse("appeals:reports")).status_code == 200


def test_problem_report_needs_a_place(resident: Any, departments: Any) -> None:
    response = _client(resident).post(
        reverse("appeals:report_create"), {"title": "Не світить ліхтар", "topic": "roads"}
    )
    assert response.status_code == 400 and not ProblemReport.objects.exists()
    response = _client(resident).post(
        reverse("appeals:report_create"),
        {"title": "Не світить ліхтар", "topic": "roads", "latitude": "50.45", "longitude": "30.52"},
    )
    assert response.status_code == 302 and ProblemReport.objects.get().latitude is not None


def test_statistics_and_published_answers_show_nothing_personal(
    resident: Any, community: Any, departments: Any, social_official: Any
) -> None:
    public = services.appeal_file(author=resident, community=community, draft=make_draft(publish=True))
    private = services.appeal_file(author=resident, community=community, draft=make_draft(subject="Приватна справа"))
    for appeal in (public, private):
        services.appeal_answer(appeal=appeal, actor=social_official, text="Допомогу нараховано 3 грудня.")
    client = Client()
    index = client.get(reverse("appeals:index"), {"q": "склад"}).content.decode()
    listing = client.get(reverse("appeals:index")).content.decode()
    assert public.subject in listing and "Приватна справа" not in listing and public.subject not in index
    stats = client.get(reverse("appeals:stats")).content.decode()
    assert "Шевчук" not in stats and "olena@" not in stats and "Відділ соцзахисту" in stats
    assert "100%" in stats
    detail = client.get(public.get_absolute_url()).content.decode()
    assert "Шевчук" not in detail and "olena@" not in detail and public.reg_number not in detail
