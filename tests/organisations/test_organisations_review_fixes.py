"""Three defects found in review, each held by a test: staff's notes on reports are read by staff
and the organisation only (API and page), reports under review are not public, and the API checks
permission before it writes a competition's phase."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.organisations.conftest import apply, bearer, close_applications, refusal
from uchast.core.models import AuditEntry
from uchast.organisations import services
from uchast.organisations.models import Competition, Phase
from uchast.testing.factories import make_user

pytestmark = pytest.mark.django_db

NOTE = "Додайте акти виконаних робіт"
JSON = "application/json"


@pytest.fixture
def reported(organisation: Any, competition: Any, head: Any, official: Any) -> Any:
    """A winner with an accepted interim report and a final report returned with staff's note."""
    application = apply(competition, organisation, head)
    competition = close_applications(competition)
    services.application_set_eligibility(application=application, actor=official, eligible=True)
    criteria = list(competition.criteria.all())
    services.scores_submit(application=application, member_user=official, values={c.pk: 8 for c in criteria})
    services.results_publish(competition=competition, actor=official)
    application.refresh_from_db()
    line = application.lines.first()
    interim = services.report_submit(application=application, actor=head, kind="interim", text="Пів року",
                                     spending=[(line.pk, 100_00)])  # fmt: skip
    services.report_decide(report=interim, actor=official, accept=True, note="Дякуємо")
    final = services.report_submit(application=application, actor=head, kind="final", text="Рік роботи",
                                   spending=[(line.pk, 200_00)])  # fmt: skip
    services.report_decide(report=final, actor=official, accept=False, note=NOTE)
    return application


def _reports(response: Any) -> dict[str, dict[str, Any]]:
    assert response.status_code == 200, response.content
    return {r["kind"]: r for r in response.json()["reports"]}


def test_a_residents_or_anonymous_api_read_has_no_staff_notes(reported: Any, head: Any, official: Any) -> None:
    url = f"/api/organisations/applications/{reported.pk}"
    resident = make_user(email="neighbour@example.org")
    signed_in = Client()
    signed_in.force_login(resident)
    for client in (Client(), signed_in):
        reports = _reports(client.get(url))
        assert set(reports) == {"interim"}  # the returned report is not public
        assert reports["interim"]["staff_note"] == "" and reports["interim"]["status"] == "accepted"
        listed = client.get(f"/api/organisations/competitions/{reported.competition_id}/applications")
        assert NOTE not in listed.content.decode() and "Дякуємо" not in listed.content.decode()
    for person in (head, official):  # reads take the session (a token is for writes)
        client = Client()
        client.force_login(person)
        reports = _reports(client.get(url))
        assert reports["final"]["staff_note"] == NOTE and reports["final"]["status"] == "returned"


def test_the_page_shows_notes_and_reports_under_review_to_staff_and_members_only(
    reported: Any, head: Any, official: Any
) -> None:
    url = reported.get_absolute_url()
    resident = Client()
    resident.force_login(make_user(email="neighbour@example.org"))
    for client in (Client(), resident):
        page = client.get(url).content.decode()
        assert "Пів року" in page and "Рік роботи" not in page and NOTE not in page and "Дякуємо" not in page
    member = Client()
    member.force_login(head)
    page = member.get(url).content.decode()
    assert "Рік роботи" in page and NOTE in page


def test_the_api_checks_permission_before_writing_the_phase(
    organisation: Any, competition: Any, head: Any, official: Any
) -> None:
    """The dates put the competition under review, but nobody has opened a page since: a caller
    refused scoring (the applicant's head, not on the commission) leaves no phase written."""
    application = apply(competition, organisation, head)
    now = timezone.now()
    Competition.objects.filter(pk=competition.pk).update(
        applications_open_at=now - timedelta(days=20), applications_close_at=now - timedelta(seconds=1)
    )
    criteria = list(competition.criteria.all())
    scores = {"scores": [{"criterion": c.pk, "value": 5} for c in criteria]}
    url = f"/api/organisations/applications/{application.pk}"
    response = Client().post(f"{url}/scores", scores, content_type=JSON, **bearer(head))
    assert refusal(response) == (403, "forbidden")
    response = Client().post(f"{url}/conflict", {"note": "Я подавала"}, content_type=JSON, **bearer(head))
    assert refusal(response) == (403, "forbidden")
    assert Competition.objects.get(pk=competition.pk).status == Phase.APPLICATIONS
    assert not AuditEntry.objects.filter(action="competition.phase").exists()
    # A commission member is judged on the phase the dates give, and then the phase is written.
    response = Client().post(f"{url}/scores", scores, content_type=JSON, **bearer(official))
    assert refusal(response) == (409, "not_eligible_application")  # allowed in; the application is unchecked
    assert Competition.objects.get(pk=competition.pk).status == Phase.REVIEW
    assert AuditEntry.objects.filter(action="competition.phase").count() == 1
