"""The statements with their votes (``views.statements``) and the officials' answers worklist
(``views.report.answers``): keyset pages that run the same queries at any size."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.organisations.conftest import register
from uchast.consultations import selectors, services
from uchast.consultations.models import MeetingProposal, Proposal, Statement, StatementVote
from uchast.core import pagination
from uchast.organisations import services as org_services
from uchast.testing.factories import make_verified_resident, sign_in_reauthenticated

pytestmark = pytest.mark.django_db


def _read(client: Client, url: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def _statements(consultation: Any, official: Any, start: int, count: int) -> None:
    made = Statement.objects.bulk_create(
        Statement(consultation=consultation, author=official, text=f"Твердження {n:02d}")
        for n in range(start, start + count)
    )
    StatementVote.objects.bulk_create(
        StatementVote(statement=s, consultation=consultation, user=official, value=1) for s in made
    )


def test_statements_table_is_a_keyset_page_with_constant_queries(
    client: Client, consultation: Any, official: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    url = reverse("consultations:statements", args=[consultation.pk])
    _statements(consultation, official, 0, 4)
    client.get(url)
    small, response = _read(client, url)
    _statements(consultation, official, 4, 12)
    large, response = _read(client, url)
    assert large == small
    rows = response.context["rows"]
    assert [(s.text, s.agree, s.disagree) for s in rows] == [
        ("Твердження 00", 1, 0),
        ("Твердження 01", 1, 0),
        ("Твердження 02", 1, 0),
    ]
    assert 'rel="next"' in response.content.decode()
    count, following = _read(client, url + response.context["page"].next_url)
    assert count == large
    assert [s.text for s in following.context["rows"]] == ["Твердження 03", "Твердження 04", "Твердження 05"]
    assert following.context["page"].first_url == url


def _proposals(consultation: Any, section: Any, start: int, count: int) -> None:
    author = make_verified_resident(consultation.community, email=f"proposer{start}@example.org")
    for n in range(start, start + count):  # one by one: created_at orders them
        Proposal.objects.create(consultation=consultation, section=section, author=author, body=f"Пропозиція {n:02d}")


def test_answers_worklist_is_a_keyset_page_with_constant_queries(
    client: Client, consultation: Any, official: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    first, second = selectors.sections_of(selectors.current_version(consultation))[:2]
    url = reverse("consultations:answers", args=[consultation.pk])
    _proposals(consultation, second, 90, 1)  # the later section's proposal comes after the earlier's
    _proposals(consultation, first, 0, 3)
    sign_in_reauthenticated(client, official)
    client.get(url)
    small, response = _read(client, url)
    _proposals(consultation, first, 3, 12)
    large, response = _read(client, url)
    assert large == small
    assert [row["p"].body for row in response.context["rows"]] == ["Пропозиція 00", "Пропозиція 01", "Пропозиція 02"]
    html = response.content.decode()
    assert 'rel="next"' in html and "Пропозиція 03" not in html
    page = response.context["page"]
    count, following = _read(client, url + page.next_url)
    assert count == large
    assert [row["p"].body for row in following.context["rows"]] == ["Пропозиція 03", "Пропозиція 04", "Пропозиція 05"]
    last = following
    while last.context["page"].next_url:
        last = client.get(url + last.context["page"].next_url)
    assert [row["p"].body for row in last.context["rows"]][-1] == "Пропозиція 90"
    # An answer given on a later page brings the official back to that page.
    proposal = following.context["rows"][0]["p"]
    answered = client.post(url + page.next_url, {"proposal": proposal.pk, "status": "accepted", "reason": "Врахуємо."})
    assert answered.status_code == 302
    assert answered["Location"] == f"{url}{page.next_url}#proposal-{proposal.pk}"


def test_report_pages_its_proposals_with_constant_queries(
    client: Client, consultation: Any, official: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    section = selectors.sections_of(selectors.current_version(consultation))[0]
    url = reverse("consultations:report", args=[consultation.pk])
    _proposals(consultation, section, 0, 4)
    sign_in_reauthenticated(client, official)  # officials see the report taking shape
    client.get(url)
    small, response = _read(client, url)
    _proposals(consultation, section, 4, 12)
    large, response = _read(client, url)
    assert large == small
    assert [p.body for p in response.context["proposals"]] == ["Пропозиція 00", "Пропозиція 01", "Пропозиція 02"]
    page = response.context["proposals_page"]
    assert "proposals=" in page.next_url and 'rel="next"' in response.content.decode()
    count, following = _read(client, url + page.next_url)
    assert count == large
    assert [p.body for p in following.context["proposals"]] == ["Пропозиція 03", "Пропозиція 04", "Пропозиція 05"]


def _plan() -> dict[str, Any]:
    return {"title": "Зустріч переселенців", "kind": "in_person", "starts_at": timezone.now() + timedelta(days=3),
            "capacity": 20, "place": "м. Запоріжжя, вул. Вигадана, 7", "agenda": "Житло й робота."}  # fmt: skip


def test_meeting_page_pages_the_proposals_raised_there(
    client: Client, consultation: Any, official: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    meeting = services.meeting_create(actor=official, consultation=consultation, **_plan())
    url = reverse("consultations:meeting", args=[meeting.pk])

    def grow(start: int, count: int) -> None:
        for n in range(start, start + count):
            Proposal.objects.create(consultation=consultation, meeting=meeting, author_label="З зали",
                                    body=f"Пропозиція {n:02d}")  # fmt: skip

    grow(0, 4)
    client.get(url)
    small, response = _read(client, url)
    grow(4, 12)
    large, response = _read(client, url)
    assert large == small
    page = response.context["proposals"]
    assert [p.body for p in page.items] == ["Пропозиція 00", "Пропозиція 01", "Пропозиція 02"]
    count, following = _read(client, url + page.next_url)
    assert count == large
    assert [p.body for p in following.context["proposals"].items] == ["Пропозиція 03", "Пропозиція 04", "Пропозиція 05"]


def test_proposed_meetings_are_a_keyset_page_pending_first(
    client: Client, community: Any, consultation: Any, official: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    member = make_verified_resident(community, email="olena.koval@example.org")
    organisation = org_services.organisation_confirm(organisation=register(community, member), actor=official)
    url = reverse("consultations:meeting_proposals", args=[consultation.pk])

    def grow(start: int, count: int) -> None:
        for n in range(start, start + count):  # one by one: created_at orders them; every third decided
            MeetingProposal.objects.create(consultation=consultation, organisation=organisation, proposed_by=member,
                                           status="pending" if n % 3 else "declined",
                                           decline_reason="" if n % 3 else "Цього дня інший захід.",
                                           **{**_plan(), "title": f"Зустріч {n:02d}"})  # fmt: skip

    grow(0, 4)
    sign_in_reauthenticated(client, official)
    client.get(url)
    small, response = _read(client, url)
    grow(4, 12)
    large, response = _read(client, url)
    assert large == small
    assert [p.title for p, _ in response.context["proposals"]] == ["Зустріч 01", "Зустріч 02", "Зустріч 04"]
    titles, page = [], response.context["page"]
    while True:
        titles += [p.title for p, _ in response.context["proposals"]]
        if not page.next_url:
            break
        count, response = _read(client, url + page.next_url)
        assert count == large
        page = response.context["page"]
    pending = [f"Зустріч {n:02d}" for n in range(16) if n % 3]
    assert titles == pending + [f"Зустріч {n:02d}" for n in range(16) if not n % 3]
    # A proposer sees their own, the newest first, through the same pages.
    mine = Client()
    sign_in_reauthenticated(mine, member)
    assert [p.title for p, _ in mine.get(url).context["proposals"]] == ["Зустріч 15", "Зустріч 14", "Зустріч 13"]
