"""Partnership competitions through the API (issues 15 and 18): announcing, suspending, resuming,
eligibility, conflicts, scores, publishing and report decisions, with the same services,
permissions, refusal codes and audit as the pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.organisations.conftest import apply, audited, bearer, close_applications, refusal
from uchast.organisations import services
from uchast.organisations.models import Application, Competition, ConflictDeclaration, Report, Score

pytestmark = pytest.mark.django_db

JSON = "application/json"


def announcement(members: list[Any], **overrides: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "title": "Конкурс програм ІГС на 2028 рік",
        "description": "Підтримка програм громадських організацій.",
        "priorities": "ВПО; молодь",
        "budget": 100_000_00,
        "max_per_programme": 50_000_00,
        "aggregation": "trimmed_mean",
        "applications_open_at": (now + timedelta(days=1)).isoformat(),
        "applications_close_at": (now + timedelta(days=30)).isoformat(),
        "criteria": [{"title": "Актуальність", "max_score": 10}, {"title": "Бюджет", "max_score": 5}],
        "commission": [
            {"email": members[0].email, "kind": "staff"},
            {"email": members[1].email, "kind": "public"},
        ],
        **overrides,
    }


def test_staff_announce_a_competition(client: Any, community: Any, official: Any, commission: list[Any]) -> None:
    response = client.post(
        "/api/organisations/competitions", announcement(commission), content_type=JSON, **bearer(official, staff=True)
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "announced" and [c["max_score"] for c in data["criteria"]] == [10, 5]
    assert {(m["name"], m["kind"]) for m in data["commission"]} == {
        (commission[0].display_name, "staff"),
        (commission[1].display_name, "public"),
    }
    assert audited("competition.announced", official).object_id == str(data["id"])
    assert client.get(f"/api/organisations/competitions/{data['id']}").json()["commission"] == data["commission"]


def test_announcing_is_refused_with_its_codes(client: Any, official: Any, commission: list[Any], head: Any) -> None:
    url, staff = "/api/organisations/competitions", bearer(official, staff=True)
    assert refusal(client.post(url, announcement(commission), content_type=JSON, **bearer(head))) == (
        403,
        "insufficient_scope",
    )
    unknown = announcement(commission, commission=[{"email": "nobody@example.org", "kind": "staff"}])
    assert refusal(client.post(url, unknown, content_type=JSON, **staff)) == (422, "commission_required")
    over = announcement(commission, max_per_programme=200_000_00)
    assert refusal(client.post(url, over, content_type=JSON, **staff)) == (422, "bad_budget")
    naive = announcement(commission, applications_open_at="2030-01-01T10:00:00")
    assert client.post(url, naive, content_type=JSON, **staff).status_code == 422  # a time without its offset
    backwards = announcement(commission, applications_close_at=timezone.now().isoformat())
    assert refusal(client.post(url, backwards, content_type=JSON, **staff)) == (422, "dates_out_of_order")
    assert not Competition.objects.exists()


def test_suspend_and_resume(client: Any, competition: Any, official: Any, head: Any) -> None:
    staff = bearer(official, staff=True)
    url = f"/api/organisations/competitions/{competition.pk}"
    assert refusal(client.post(f"{url}/suspend", {"reason": "Воєнний стан"}, content_type=JSON, **bearer(head))) == (
        403,
        "insufficient_scope",
    )
    response = client.post(f"{url}/suspend", {"reason": "Воєнний стан"}, content_type=JSON, **staff)
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    assert response.json()["suspension_reason"] == "Воєнний стан"
    assert audited("competition.suspended", official).summary == {"reason": "Воєнний стан"}
    again = client.post(f"{url}/suspend", {"reason": "Ще раз"}, content_type=JSON, **staff)
    assert refusal(again) == (422, "already_suspended")  # the timeline's refusal, as on the page
    now = timezone.now()
    dates = {
        "applications_open_at": (now - timedelta(days=1)).isoformat(),
        "applications_close_at": (now + timedelta(days=20)).isoformat(),
    }
    response = client.post(f"{url}/resume", dates, content_type=JSON, **staff)
    assert response.status_code == 200 and response.json()["status"] == "applications"
    assert audited("competition.resumed", official)
    assert refusal(client.post(f"{url}/resume", dates, content_type=JSON, **staff)) == (422, "not_suspended")
    assert refusal(client.post("/api/organisations/competitions/999999/resume", dates, content_type=JSON, **staff)) == (
        404,
        "not_found",
    )


@pytest.fixture
def in_review(competition: Any, organisation: Any, head: Any) -> Application:
    application = apply(competition, organisation, head)
    close_applications(competition)
    return Application.objects.get(pk=application.pk)


def test_eligibility_through_the_api(client: Any, in_review: Application, official: Any, head: Any) -> None:
    url = f"/api/organisations/applications/{in_review.pk}/eligibility"
    staff = bearer(official, staff=True)
    assert refusal(client.post(url, {"eligible": True}, content_type=JSON, **bearer(head))) == (
        403,
        "insufficient_scope",
    )
    assert refusal(client.post(url, {"eligible": False}, content_type=JSON, **staff)) == (422, "reason_required")
    response = client.post(url, {"eligible": False, "reason": "Немає статуту"}, content_type=JSON, **staff)
    assert response.status_code == 200 and response.json()["status"] == "ineligible"
    assert audited("competition.eligibility", official).summary == {"eligible": False, "reason": "Немає статуту"}
    assert refusal(client.post("/api/organisations/applications/999999/eligibility", {"eligible": True},
                               content_type=JSON, **staff)) == (404, "not_found")  # fmt: skip


def test_scoring_and_conflict_of_interest(
    client: Any, in_review: Application, official: Any, commission: list[Any], head: Any
) -> None:
    services.application_set_eligibility(application=in_review, actor=official, eligible=True)
    member = commission[1]
    criteria = list(in_review.competition.criteria.all())
    scores = {"scores": [{"criterion": c.pk, "value": 8} for c in criteria]}
    url = f"/api/organisations/applications/{in_review.pk}"
    response = client.post(f"{url}/scores", scores, content_type=JSON, **bearer(member))
    assert response.status_code == 200, response.content
    assert sorted(s["value"] for s in response.json()) == [8, 8]
    assert Score.objects.filter(member__user=member).count() == 2
    assert audited("competition.scored", member).object_id == str(in_review.pk)
    partial = {"scores": [{"criterion": criteria[0].pk, "value": 8}]}
    assert refusal(client.post(f"{url}/scores", partial, content_type=JSON, **bearer(member))) == (422, "all_criteria")
    twice = {"scores": [{"criterion": criteria[0].pk, "value": 8}] * 2}
    assert refusal(client.post(f"{url}/scores", twice, content_type=JSON, **bearer(member))) == (422, "all_criteria")
    too_high = {"scores": [{"criterion": c.pk, "value": 11} for c in criteria]}
    assert refusal(client.post(f"{url}/scores", too_high, content_type=JSON, **bearer(member))) == (
        422,
        "score_out_of_range",
    )
    assert refusal(client.post(f"{url}/scores", scores, content_type=JSON, **bearer(head))) == (403, "forbidden")

    response = client.post(f"{url}/conflict", {"note": "Мій родич керує ГО"}, content_type=JSON, **bearer(member))
    assert response.status_code == 201 and response.json()["application"] == in_review.pk
    assert ConflictDeclaration.objects.get().member.user == member
    assert audited("competition.conflict_declared", member).summary["scores_removed"] == 2
    assert not Score.objects.filter(member__user=member).exists()
    # After the declaration, scoring is refused with the page's code.
    assert refusal(client.post(f"{url}/scores", scores, content_type=JSON, **bearer(member))) == (
        403,
        "conflict_of_interest",
    )
    assert not Score.objects.filter(member__user=member).exists()
    again = client.post(f"{url}/conflict", {"note": "Ще раз"}, content_type=JSON, **bearer(member))
    assert refusal(again) == (409, "already_declared")


def test_publish_results_and_decide_reports(
    client: Any, in_review: Application, official: Any, commission: list[Any], head: Any
) -> None:
    competition = in_review.competition
    staff = bearer(official, staff=True)
    publish = f"/api/organisations/competitions/{competition.pk}/publish"
    assert refusal(client.post(publish, **staff)) == (409, "unchecked")
    services.application_set_eligibility(application=in_review, actor=official, eligible=True)
    criteria = list(competition.criteria.all())
    for member in commission:
        services.scores_submit(application=in_review, member_user=member, values={c.pk: 7 for c in criteria})
    response = client.post(publish, **staff)
    assert response.status_code == 200 and response.json()["results_published_at"]
    assert audited("competition.results_published", official).object_id == str(competition.pk)
    assert refusal(client.post(publish, **staff)) == (409, "wrong_phase")
    public = client.get(f"/api/organisations/competitions/{competition.pk}/applications").json()
    assert public[0]["status"] == "winner" and public[0]["rank"] == 1
    assert len(public[0]["scores"]) == len(commission) * len(criteria)
    assert {s["member_kind"] for s in public[0]["scores"]} == {"staff", "public"}

    application = Application.objects.get(pk=in_review.pk)
    line = application.lines.first()
    report = services.report_submit(application=application, actor=head, kind="final", text="Зроблено",
                                    spending=[(line.pk, 100_00)])  # fmt: skip
    url = f"/api/organisations/reports/{report.pk}/decide"
    assert refusal(client.post(url, {"accept": True}, content_type=JSON, **bearer(head))) == (403, "insufficient_scope")
    assert refusal(client.post(url, {"accept": False}, content_type=JSON, **staff)) == (422, "reason_required")
    response = client.post(url, {"accept": True}, content_type=JSON, **staff)
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert Report.objects.get().status == "accepted"
    entry = audited("competition.report_accepted", official)  # recorded on the application
    assert (entry.object_id, entry.summary["kind"]) == (str(application.pk), "final")
    assert refusal(client.post(url, {"accept": True}, content_type=JSON, **staff)) == (409, "already_decided")
    missing = client.post("/api/organisations/reports/999999/decide", {"accept": True}, content_type=JSON, **staff)
    assert refusal(missing) == (404, "not_found")
