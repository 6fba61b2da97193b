"""Staff announcements: to everyone opted in, narrowed by district or basis, throttled, audited."""

from __future__ import annotations

import pytest

from uchast.channels.announcements import announcement_send
from uchast.channels.models import Announcement
from uchast.core.errors import ActionRefused
from uchast.core.models import AuditEntry, Notification
from uchast.testing.factories import make_user, make_verified_resident

pytestmark = pytest.mark.django_db
OPTED_IN = {"announcements": True}


@pytest.fixture
def people(community):
    centre = community.districts.get(code="center")
    return {
        "idp_centre": make_verified_resident(
            community, basis="idp", district=centre, notification_preferences=OPTED_IN
        ),
        "registered": make_verified_resident(community, basis="registered", notification_preferences=OPTED_IN),
        "unverified": make_user(notification_preferences=OPTED_IN),
        "not_opted_in": make_verified_resident(community, basis="idp", district=centre),
    }


def _told(people):
    return {
        name for name, user in people.items() if Notification.objects.filter(user=user, topic="announcements").exists()
    }


def test_to_everyone_who_opted_in_by_url_with_audit(client, community, official, people):
    client.force_login(official)
    assert client.get("/staff/announcements/").status_code == 200
    response = client.post(
        "/staff/announcements/", {"subject": "Гуманітарна допомога", "body": "Видача допомоги в суботу о 10:00."}
    )
    assert response.status_code == 302
    assert _told(people) == {"idp_centre", "registered", "unverified"}
    announcement = Announcement.objects.get()
    assert announcement.recipients == 3
    entry = AuditEntry.objects.get(action="channels.announcement_sent")
    assert entry.summary["recipients"] == 3


def test_narrowed_by_basis_and_district(community, official, people):
    announcement_send(
        actor=official, community=community, subject="Для ВПО", body="Зустріч для ВПО у Дніпрі.", basis="idp"
    )
    assert _told(people) == {"idp_centre"}
    Notification.objects.all().delete()
    announcement_send(
        actor=official, community=community, subject="Центр", body="Відключення води в центрі.", district_code="center"
    )
    assert _told(people) == {"idp_centre"}


def test_throttled_per_day(community, official, people, settings):
    settings.UCHAST_ANNOUNCEMENTS_PER_DAY = 2
    for n in range(2):
        announcement_send(actor=official, community=community, subject=f"Оголошення {n}", body="Текст оголошення.")
    with pytest.raises(ActionRefused) as refused:
        announcement_send(actor=official, community=community, subject="Третє", body="Текст оголошення.")
    assert refused.value.code == "too_many" and refused.value.status == 429
    assert Announcement.objects.count() == 2


def test_bad_input_refused_and_residents_cannot_announce(client, community, official, resident, people):
    for kwargs, code in (
        ({"subject": "x", "body": "Текст оголошення."}, "bad_subject"),
        ({"subject": "Тема", "body": "мало"}, "bad_text"),
        ({"subject": "Тема", "body": "Текст оголошення.", "district_code": "nowhere"}, "bad_district"),
        ({"subject": "Тема", "body": "Текст оголошення.", "basis": "martian"}, "bad_basis"),
    ):
        with pytest.raises(ActionRefused) as refused:
            announcement_send(actor=official, community=community, **kwargs)
        assert refused.value.code == code
    assert not Announcement.objects.exists() and not Notification.objects.exists()
    client.force_login(resident)
    assert client.get("/staff/announcements/").status_code == 403
    assert client.post("/staff/announcements/", {"subject": "Тема", "body": "Текст оголошення."}).status_code == 403
