"""iCalendar feeds: the community's and a person's secret one, read back with the icalendar library."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from uchast.channels import calendars
from uchast.consultations import services as consultation_services
from uchast.consultations.drafts import sections_from_markdown
from uchast.core.notifications import follow

pytestmark = pytest.mark.django_db


def _consultation(community, official, title):
    now = timezone.now()
    c = consultation_services.consultation_create(
        actor=official, community=community, title=title, summary="Коротко.", starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=10), responsible_name="Андрій", responsible_contacts="rada@example.org",
    )  # fmt: skip
    consultation_services.draft_version_publish(
        actor=official, consultation=c, sections=sections_from_markdown("# Проєкт\n\n## Суть\nТекст.\n")
    )
    for _ in range(2):
        c = consultation_services.consultation_advance(actor=official, consultation=c)
    return c


def _read(response) -> dict[str, Calendar]:
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}


@pytest.fixture
def scene(community, official, resident):
    followed = _consultation(community, official, "Про сквер, де будуть лавки; і ліхтарі")
    other = _consultation(community, official, "Про тарифи")
    meeting = consultation_services.meeting_create(
        actor=official, consultation=other, title="Зустріч у Дніпрі", kind="in_person",
        starts_at=timezone.now() + timedelta(days=3), capacity=20, place="Дніпро, вул. Січеславська, 1",
    )  # fmt: skip
    unjoined = consultation_services.meeting_create(
        actor=official, consultation=other, title="Онлайн-зустріч", kind="online",
        starts_at=timezone.now() + timedelta(days=4), capacity=20, link="https://meet.example.org/x",
    )  # fmt: skip
    follow(resident, followed)
    consultation_services.meeting_register(user=resident, meeting=meeting)
    return followed, other, meeting, unjoined


def test_community_feed_has_every_process_and_meeting(client, scene):
    followed, other, meeting, unjoined = scene
    events = _read(client.get("/calendar/community.ics"))
    assert {
        f"consultation-{followed.pk}",
        f"consultation-{other.pk}",
        f"meeting-{meeting.pk}",
        f"meeting-{unjoined.pk}",
    } <= set(events)
    event = events[f"consultation-{followed.pk}"]
    assert "лавки; і ліхтарі" in str(event["SUMMARY"])  # escaping round-trips
    assert event.decoded("DTEND") > event.decoded("DTSTART")
    assert str(events[f"meeting-{meeting.pk}"]["LOCATION"]) == "Дніпро, вул. Січеславська, 1"


def test_personal_feed_is_secret_has_only_mine_and_can_be_reset(client, scene, resident):
    followed, other, meeting, unjoined = scene
    url = calendars.personal_url(resident)
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    response = client.get(path)
    assert response["Cache-Control"] == "private, no-store"
    assert set(_read(response)) == {f"consultation-{followed.pk}", f"meeting-{meeting.pk}"}

    assert client.get(path.replace(f"/{resident.pk}-", f"/{resident.pk + 1}-")).status_code == 404
    assert client.get(path[:-8] + "AAAA.ics").status_code == 404

    client.force_login(resident)
    assert url in client.get("/me/channels/").content.decode()
    assert client.post("/me/channels/calendar/reset/").status_code == 302
    client.logout()
    assert client.get(path).status_code == 404
    new_path = "/" + calendars.personal_url(resident).split("://", 1)[1].split("/", 1)[1]
    assert new_path != path and client.get(new_path).status_code == 200


def test_petition_deadlines_in_feeds(client, community, resident, moderator):
    from uchast.petitions import services as petition_services
    from uchast.testing.factories import make_verified_resident

    author = make_verified_resident(community)
    petition = petition_services.petition_create(
        author=author, community=community, title="Укриття біля школи",
        text="Просимо облаштувати укриття біля школи до початку навчального року.",
    )  # fmt: skip
    petition = petition_services.petition_submit(petition=petition, actor=author)
    petition = petition_services.petition_publish(petition=petition, actor=moderator)
    events = _read(client.get("/calendar/community.ics"))
    assert events[f"petition-{petition.pk}-collection"].decoded("DTSTART") == petition.collection_deadline
    author_feed = "/" + calendars.personal_url(author).split("://", 1)[1].split("/", 1)[1]
    assert f"petition-{petition.pk}-collection" in _read(client.get(author_feed))
    mine = "/" + calendars.personal_url(resident).split("://", 1)[1].split("/", 1)[1]
    assert _read(client.get(mine)) == {}
