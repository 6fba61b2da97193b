"""Report deadlines (issue 15): competitions carry the due dates of the interim and final reports
(validated when announced), the winners' members are reminded a week before and once a report is
overdue, each once, never non-winners nor for a filed report; staff see overdue reports."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.organisations.conftest import apply, bearer, close_applications, refusal, register
from uchast.core.errors import ActionRefused
from uchast.core.models import Notification
from uchast.organisations import selectors, services
from uchast.organisations.models import Competition, ReportReminder
from uchast.organisations.services.reminders import REMIND_DAYS_BEFORE, report_reminders
from uchast.testing.factories import make_user, make_verified_resident, sign_in_reauthenticated

pytestmark = pytest.mark.django_db

INTERIM, FINAL = date(2030, 6, 30), date(2030, 12, 20)


def _values(**overrides: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "title": "Конкурс 2030", "description": "Опис", "priorities": "ВПО", "budget": 100_000_00,
        "max_per_programme": 60_000_00, "min_own_percent": 10, "min_registered_months": 6, "eligibility_rules": "",
        "aggregation": "mean", "applications_open_at": now, "applications_close_at": now + timedelta(days=10),
        **overrides,
    }  # fmt: skip


def test_due_dates_are_validated_when_announced(community: Any, official: Any) -> None:
    closes = timezone.localdate() + timedelta(days=10)
    for interim, final in (
        (closes, None),
        (None, closes - timedelta(days=1)),
        (closes + timedelta(days=9), closes + timedelta(days=9)),
    ):
        with pytest.raises(ActionRefused) as refused:
            services.competition_announce(
                actor=official, community=community,
                values=_values(interim_report_due=interim, final_report_due=final),
                criteria=[("Актуальність", 10)], commission=[(official, "staff")],
            )  # fmt: skip
        assert refused.value.code == "bad_report_dates"
    competition = services.competition_announce(
        actor=official, community=community, values=_values(interim_report_due=INTERIM, final_report_due=FINAL),
        criteria=[("Актуальність", 10)], commission=[(official, "staff")],
    )  # fmt: skip
    assert (competition.interim_report_due, competition.final_report_due) == (INTERIM, FINAL)
    page = Client().get(competition.get_absolute_url()).content.decode()
    assert "30.06.2030" in page and "20.12.2030" in page
    read = Client().get(f"/api/organisations/competitions/{competition.pk}").json()
    assert (read["interim_report_due"], read["final_report_due"]) == ("2030-06-30", "2030-12-20")


def test_due_dates_through_the_page_and_the_api(client: Any, community: Any, official: Any) -> None:
    sign_in_reauthenticated(client, official)
    data = {
        "title": "Конкурс 2028", "description": "Опис", "priorities": "ВПО", "budget": "500000",
        "max_per_programme": "100000", "min_own_percent": "10", "min_registered_months": "6",
        "aggregation": "mean", "applications_open_at": "2027-01-10T09:00",
        "applications_close_at": "2027-02-10T18:00", "criteria": "Актуальність; 10",
        "staff_members": official.email, "interim_report_due": "2027-09-01", "final_report_due": "2027-08-01",
    }  # fmt: skip
    response = client.post(reverse("organisations:announce"), data)
    assert response.status_code == 400 and not Competition.objects.exists()
    response = client.post(reverse("organisations:announce"), {**data, "final_report_due": "2027-12-15"})
    assert response.status_code == 302
    assert Competition.objects.get().final_report_due == date(2027, 12, 15)

    payload = {
        "title": "Конкурс 2029", "description": "Опис", "priorities": "ВПО", "budget": 100_000_00,
        "max_per_programme": 50_000_00, "aggregation": "mean",
        "applications_open_at": "2029-01-10T09:00:00+02:00", "applications_close_at": "2029-02-10T18:00:00+02:00",
        "criteria": [{"title": "Актуальність", "max_score": 10}],
        "commission": [{"email": official.email, "kind": "staff"}],
        "interim_report_due": "2029-02-01",
    }  # fmt: skip
    staff = bearer(official, staff=True)
    bad = Client().post("/api/organisations/competitions", payload, content_type="application/json", **staff)
    assert refusal(bad) == (422, "bad_report_dates")
    payload["interim_report_due"] = "2029-06-01"
    good = Client().post("/api/organisations/competitions", payload, content_type="application/json", **staff)
    assert good.status_code == 201 and good.json()["interim_report_due"] == "2029-06-01"


@pytest.fixture
def results(community: Any, organisation: Any, competition: Any, head: Any, official: Any) -> Any:
    """Published results: ``organisation`` won; a second organisation's application was ineligible."""
    other_head = make_verified_resident(community, full_name="Ігор Бондар", email="bondar@example.org")
    other = services.organisation_confirm(
        organisation=register(community, other_head, edrpou="00032129", name="БФ «Світанок»"), actor=official
    )
    won, lost = apply(competition, organisation, head), apply(competition, other, other_head)
    member = make_verified_resident(community, full_name="Марта Лисенко", email="marta@example.org")
    organisation.memberships.create(user=member, role="member")
    competition = close_applications(competition)
    services.application_set_eligibility(application=won, actor=official, eligible=True)
    services.application_set_eligibility(application=lost, actor=official, eligible=False, reason="Пізно")
    criteria = list(competition.criteria.all())
    services.scores_submit(application=won, member_user=official, values={c.pk: 8 for c in criteria})
    services.results_publish(competition=competition, actor=official)
    Competition.objects.filter(pk=competition.pk).update(interim_report_due=INTERIM, final_report_due=FINAL)
    won.refresh_from_db()
    return {"won": won, "member": member, "other_head": other_head}


def _told(user: Any) -> list[str]:
    """What ``user`` was told about reports (not the earlier notices of the registry and results)."""
    told = Notification.objects.filter(user=user, subject__startswith="Звіт (").order_by("pk")
    return list(told.values_list("subject", flat=True))


def test_winners_members_are_reminded_once_a_week_before_and_once_overdue(
    results: Any, head: Any, official: Any
) -> None:
    won, member, other_head = results["won"], results["member"], results["other_head"]
    assert report_reminders(INTERIM - timedelta(days=REMIND_DAYS_BEFORE + 1)) == {"due_soon": 0, "overdue": 0}
    week_before = INTERIM - timedelta(days=REMIND_DAYS_BEFORE)
    assert report_reminders(week_before) == {"due_soon": 1, "overdue": 0}
    for person in (head, member):
        [subject] = _told(person)
        assert "30.06.2030" in subject and won.title in subject
    assert _told(other_head) == [] and _told(official) == []  # not a winner's member
    # Idempotent: later runs (the same day, or days after) send nothing new.
    assert report_reminders(week_before) == {"due_soon": 0, "overdue": 0}
    assert report_reminders(INTERIM) == {"due_soon": 0, "overdue": 0}
    assert report_reminders(INTERIM + timedelta(days=1)) == {"due_soon": 0, "overdue": 1}
    assert report_reminders(INTERIM + timedelta(days=2)) == {"due_soon": 0, "overdue": 0}
    assert len(_told(head)) == 2 and "прострочено" in _told(head)[1]
    assert ReportReminder.objects.filter(application=won).count() == 2


def test_no_reminder_for_a_filed_report_and_staff_see_the_overdue_ones(
    client: Any, results: Any, head: Any, official: Any
) -> None:
    won = results["won"]
    line = won.lines.first()
    services.report_submit(application=won, actor=head, kind="interim", text="Пів року", spending=[(line.pk, 100_00)])
    assert report_reminders(INTERIM - timedelta(days=3)) == {"due_soon": 0, "overdue": 0}
    assert report_reminders(INTERIM + timedelta(days=1)) == {"due_soon": 0, "overdue": 0}
    assert _told(head) == [] and not ReportReminder.objects.exists()
    assert selectors.overdue_reports(won.competition, FINAL + timedelta(days=1))[0]["application"] == won
    assert selectors.overdue_reports(won.competition, FINAL) == []

    Competition.objects.filter(pk=won.competition_id).update(
        interim_report_due=timezone.localdate() - timedelta(days=20),
        final_report_due=timezone.localdate() - timedelta(days=1),
    )
    sign_in_reauthenticated(client, official)
    page = client.get(won.competition.get_absolute_url()).content.decode()
    assert f'id="overdue-{won.pk}"' in page and page.count('id="overdue-') == 1  # the final only: the interim is filed
    public = Client().get(won.competition.get_absolute_url()).content.decode()
    assert 'id="overdue-' not in public
    resident = make_user(email="neighbour@example.org")
    assert resident and 'id="overdue-' not in Client().get(won.competition.get_absolute_url()).content.decode()
