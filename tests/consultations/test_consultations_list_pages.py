"""The consultation lists that grow with participation: the statements with their votes
(``views.statements``), the officials' answers worklist and the report (``views.report``), the
proposals raised at a meeting and the proposed meetings (``views.meetings``). Keyset pages that run
the same queries at any size."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.organisations.conftest import register
from uchast.consultations import selectors, services
from uchast.consultations.models import MeetingProposal, Proposal, Statement, StatementVote
from uchast.core import pagination
from uchast.organisations import services as org_services
from uchast.testing.factories import make_verified_resident, sign_in_reauthenticated
from uchast.testing.pages import assert_keyset_list, read

pytestmark = pytest.mark.django_db
FIRST = ["Пропозиція 00", "Пропозиція 01", "Пропозиція 02"]
THEN = ["Пропозиція 03", "Пропозиція 04", "Пропозиція 05"]


@pytest.fixture(autouse=True)
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)


def test_statements_table_is_a_keyset_page_with_the_votes_counted(
    client: Client, consultation: Any, official: Any
) -> None:
    def grow(start: int, count: int) -> None:
        made = Statement.objects.bulk_create(
            Statement(consultation=consultation, author=official, text=f"Твердження {n:02d}")
            for n in range(start, start + count)
        )
        StatementVote.objects.bulk_create(
            StatementVote(statement=s, consultation=consultation, user=official, value=1) for s in made
        )

    assert_keyset_list(
        client,
        reverse("consultations:statements", args=[consultation.pk]),
        grow=grow,
        page="page",
        label=lambda s: (s.text, s.agree, s.disagree),
        first=[("Твердження 00", 1, 0), ("Твердження 01", 1, 0), ("Твердження 02", 1, 0)],
        then=[("Твердження 03", 1, 0), ("Твердження 04", 1, 0), ("Твердження 05", 1, 0)],
    )


def _proposals(consultation: Any, section: Any = None, meeting: Any = None) -> Any:
    """``grow(start, count)``: proposals on ``section`` (or raised at ``meeting``), one by one so
    that created_at orders them."""

    def grow(start: int, count: int) -> None:
        author = make_verified_resident(consultation.community, email=f"proposer{start}@example.org")
        for n in range(start, start + count):
            Proposal.objects.create(consultation=consultation, section=section, meeting=meeting, author=author,
                                    body=f"Пропозиція {n:02d}")  # fmt: skip

    return grow


def test_answers_worklist_is_a_keyset_page_in_the_reports_order(
    client: Client, consultation: Any, official: Any
) -> None:
    first, second = selectors.sections_of(selectors.current_version(consultation))[:2]
    url = reverse("consultations:answers", args=[consultation.pk])
    _proposals(consultation, second)(90, 1)  # the later section's proposal comes after the earlier's
    sign_in_reauthenticated(client, official)
    response, following = assert_keyset_list(
        client, url, grow=_proposals(consultation, first), page="page", label=lambda p: p.body, first=FIRST, then=THEN
    )
    assert "Пропозиція 03" not in response.content.decode()
    last = following
    while last.context["page"].next_url:
        last = client.get(url + last.context["page"].next_url)
    assert [row["p"].body for row in last.context["rows"]][-1] == "Пропозиція 90"
    # An answer given on a later page brings the official back to that page.
    later = response.context["page"].next_url
    proposal = following.context["rows"][0]["p"]
    answered = client.post(url + later, {"proposal": proposal.pk, "status": "accepted", "reason": "Врахуємо."})
    assert answered.status_code == 302
    assert answered["Location"] == f"{url}{later}#proposal-{proposal.pk}"


def test_report_pages_its_proposals(client: Client, consultation: Any, official: Any) -> None:
    section = selectors.sections_of(selectors.current_version(consultation))[0]
    sign_in_reauthenticated(client, official)  # officials see the report taking shape
    response, _ = assert_keyset_list(
        client,
        reverse("consultations:report", args=[consultation.pk]),
        grow=_proposals(consultation, section),
        page="proposals_page",
        label=lambda p: p.body,
        first=FIRST,
        then=THEN,
    )
    assert "proposals=" in response.context["proposals_page"].next_url  # its own parameter


def _plan() -> dict[str, Any]:
    return {"title": "Зустріч переселенців", "kind": "in_person", "starts_at": timezone.now() + timedelta(days=3),
            "capacity": 20, "place": "м. Запоріжжя, вул. Вигадана, 7", "agenda": "Житло й робота."}  # fmt: skip


def test_meeting_page_pages_the_proposals_raised_there(client: Client, consultation: Any, official: Any) -> None:
    meeting = services.meeting_create(actor=official, consultation=consultation, **_plan())
    assert_keyset_list(
        client,
        reverse("consultations:meeting", args=[meeting.pk]),
        grow=_proposals(consultation, meeting=meeting),
        page="proposals",
        label=lambda p: p.body,
        first=FIRST,
        then=THEN,
    )


def test_proposed_meetings_are_a_keyset_page_pending_first(
    client: Client, community: Any, consultation: Any, official: Any
) -> None:
    member = make_verified_resident(community, email="olena.koval@example.org")
    organisation = org_services.organisation_confirm(organisation=register(community, member), actor=official)
    url = reverse("consultations:meeting_proposals", args=[consultation.pk])

    def grow(start: int, count: int) -> None:
        for n in range(start, start + count):  # one by one: created_at orders them; every third decided
            MeetingProposal.objects.create(consultation=consultation, organisation=organisation, proposed_by=member,
                                           status="pending" if n % 3 else "declined",
                                           decline_reason="" if n % 3 else "Цього дня інший захід.",
                                           **{**_plan(), "title": f"Зустріч {n:02d}"})  # fmt: skip

    sign_in_reauthenticated(client, official)
    response, _ = assert_keyset_list(
        client,
        url,
        grow=grow,
        page="page",
        label=lambda p: p.title,
        first=["Зустріч 01", "Зустріч 02", "Зустріч 04"],
        then=["Зустріч 05", "Зустріч 07", "Зустріч 08"],
    )
    titles, page = [], response.context["page"]
    while True:
        titles += [p.title for p in page.items]
        if not page.next_url:
            break
        page = read(client, url + page.next_url)[1].context["page"]
    assert titles == [f"Зустріч {n:02d}" for n in range(16) if n % 3] + [f"Зустріч {n:02d}" for n in range(0, 16, 3)]
    # A proposer sees their own, the newest first, through the same pages.
    mine = Client()
    sign_in_reauthenticated(mine, member)
    assert [p.title for p in mine.get(url).context["page"].items] == ["Зустріч 15", "Зустріч 14", "Зустріч 13"]
