"""Every action through its URL, and the permission matrix: action × role × phase."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from tests.organisations.conftest import apply, close_applications, register
from uchast.organisations import services
from uchast.organisations.models import (
    Application,
    ApplicationStatus,
    ConflictDeclaration,
    Membership,
    Organisation,
    OrganisationStatus,
    Phase,
    Report,
    Score,
)
from uchast.testing.factories import make_user, sign_in_reauthenticated

pytestmark = pytest.mark.django_db

FORM = {
    "name": "ГО «Світло громади»",
    "edrpou": "14360570",
    "legal_form": "public_organisation",
    "registered_on": "2018-05-04",
    "areas": "освіта дорослих",
    "email": "svitlo@example.org",
}


def test_register_confirm_and_public_profile(client: Any, community: Any, head: Any, official: Any) -> None:
    client.force_login(head)
    bad = client.post(reverse("organisations:register"), {**FORM, "edrpou": "14360571"})
    assert bad.status_code == 400 and "контрольна цифра" in bad.content.decode()
    response = client.post(reverse("organisations:register"), FORM)
    organisation = Organisation.objects.get()
    assert response.status_code == 302 and organisation.status == OrganisationStatus.PENDING
    client.logout()
    assert client.get(organisation.get_absolute_url()).status_code == 404  # not public until confirmed
    sign_in_reauthenticated(client, official)
    assert organisation.name in client.get(reverse("organisations:queue")).content.decode()
    client.post(reverse("organisations:confirm", args=[organisation.pk]))
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.CONFIRMED
    client.logout()
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert "14360570" in page and head.display_name in page
    assert organisation.name in client.get(reverse("organisations:index")).content.decode()


def test_refuse_through_the_url(client: Any, community: Any, head: Any, official: Any) -> None:
    organisation = register(community, head)
    sign_in_reauthenticated(client, official)
    client.post(reverse("organisations:refuse", args=[organisation.pk]), {"reason": ""})
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.PENDING  # a refusal needs its reason
    client.post(reverse("organisations:refuse", args=[organisation.pk]), {"reason": "Код не збігається з ЄДР"})
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.REFUSED


def test_invite_and_accept_through_the_urls(
    client: Any, organisation: Any, head: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(head)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("organisations:invite", args=[organisation.pk]), {"email": "ivan@example.org", "role": "member"}
        )
    body = smtp_server.body(smtp_server.wait_for("ivan@example.org")[0])
    token = body.split("/organisations/invitations/")[1].split("/")[0]
    ivan = make_user(email="ivan@example.org")
    client.force_login(ivan)
    assert client.get(reverse("organisations:accept", args=[token])).status_code == 200
    client.post(reverse("organisations:accept", args=[token]))
    assert Membership.objects.filter(organisation=organisation, user=ivan).exists()


def test_apply_score_publish_and_report_through_the_urls(
    client: Any, competition: Any, organisation: Any, head: Any, official: Any, commission: list[Any]
) -> None:
    client.force_login(head)
    data = {
        "organisation": organisation.pk, "title": "Курси української", "goals": "Мова", "activities": "Заняття",
        "schedule": "2027", "own_total": "1000", "requested_total": "9000",
        "item_0": "Оренда", "own_0": "1000", "item_1": "Викладачі", "requested_1": "8000",
    }  # fmt: skip
    url = reverse("organisations:apply", args=[competition.pk])
    mismatch = client.post(url, data)
    assert mismatch.status_code == 400 and "8 000.00" in mismatch.content.decode()
    response = client.post(url, {**data, "requested_1": "9000"})
    application = Application.objects.get()
    assert response.status_code == 302 and application.requested_total == 9000_00
    competition = close_applications(competition)
    sign_in_reauthenticated(client, official)
    client.post(reverse("organisations:eligibility", args=[application.pk]), {"eligible": "1"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ELIGIBLE
    criteria = list(competition.criteria.all())
    scores = {f"c{c.pk}": 8 for c in criteria}
    client.post(reverse("organisations:score", args=[application.pk]), scores)
    member = commission[1]
    client.force_login(member)
    client.post(reverse("organisations:conflict", args=[application.pk]), {"note": "Родич голови"})
    assert ConflictDeclaration.objects.filter(member__user=member).exists()
    client.post(reverse("organisations:score", args=[application.pk]), scores)
    assert not Score.objects.filter(member__user=member).exists()  # refused: conflict
    page = client.get(application.get_absolute_url()).content.decode()
    assert reverse("organisations:score", args=[application.pk]) not in page
    sign_in_reauthenticated(client, official)
    client.post(reverse("organisations:publish", args=[competition.pk]))
    competition.refresh_from_db()
    assert competition.status == Phase.RESULTS
    client.logout()
    public = client.get(application.get_absolute_url()).content.decode()
    assert official.display_name in public and "16" in public  # the member's scores are published
    client.force_login(head)
    line = application.lines.first()
    client.post(
        reverse("organisations:report", args=[application.pk]),
        {"kind": "interim", "text": "Проведено 20 занять", f"line_{line.pk}": "500"},
    )
    report = Report.objects.get()
    assert report.spending.get().spent == 500_00
    sign_in_reauthenticated(client, official)
    client.post(reverse("organisations:decide_report", args=[report.pk]), {"accept": "0", "note": "Додайте фото"})
    report.refresh_from_db()
    assert report.status == "returned"


def test_suspend_and_resume_through_the_urls(client: Any, competition: Any, official: Any) -> None:
    sign_in_reauthenticated(client, official)
    client.post(reverse("organisations:suspend", args=[competition.pk]), {"reason": "Секвестр бюджету"})
    competition.refresh_from_db()
    assert competition.status == Phase.SUSPENDED
    page = client.get(competition.get_absolute_url()).content.decode()
    assert "Секвестр бюджету" in page
    client.post(
        reverse("organisations:resume", args=[competition.pk]),
        {"applications_open_at": "2026-01-01T10:00", "applications_close_at": "2099-01-01T10:00"},
    )
    competition.refresh_from_db()
    assert competition.status == Phase.APPLICATIONS


def test_announce_through_the_url(client: Any, official: Any, commission: list[Any]) -> None:
    sign_in_reauthenticated(client, official)
    data = {
        "title": "Конкурс 2028", "description": "Опис", "priorities": "ВПО", "budget": "500000",
        "max_per_programme": "100000", "min_own_percent": "10", "min_registered_months": "6",
        "aggregation": "trimmed_mean", "applications_open_at": "2027-01-10T09:00",
        "applications_close_at": "2027-02-10T18:00", "criteria": "Актуальність; 10\nБюджет; 5",
        "staff_members": official.email, "public_members": f"{commission[1].email}\n{commission[2].email}",
    }  # fmt: skip
    assert client.post(reverse("organisations:announce"), {**data, "criteria": "без бала"}).status_code == 400
    response = client.post(reverse("organisations:announce"), data)
    assert response.status_code == 302
    from uchast.organisations.models import Competition

    created = Competition.objects.get(title="Конкурс 2028")
    assert created.commission.count() == 3 and created.criteria.count() == 2 and created.budget == 500_000_00


@pytest.mark.parametrize(
    ("old", "moved"),
    [
        ("organisations", "organisations"),
        ("competitions", "organisations-competitions"),
        ("applications", "organisations-applications"),
        ("scores", "organisations-scores"),
        ("reports", "organisations-report-spending"),
    ],
)
def test_the_first_open_data_files_moved_to_the_catalogue(client: Any, old: str, moved: str) -> None:
    for fmt in ("csv", "json"):
        response = client.get(reverse("organisations:open_data", args=[old, fmt]))
        assert (response.status_code, response["Location"]) == (301, f"/open-data/files/{moved}.{fmt}")


def test_the_old_address_leads_to_the_registry_in_csv_and_json(client: Any, organisation: Any) -> None:
    csv = client.get(reverse("organisations:open_data", args=["organisations", "csv"]), follow=True)
    assert csv.status_code == 200 and "43005393" in b"".join(csv.streaming_content).decode("utf-8-sig")
    data = client.get(reverse("organisations:open_data", args=["organisations", "json"]), follow=True)
    assert json.loads(b"".join(data.streaming_content))[0]["edrpou"] == "43005393"


# ---- the permission matrix ------------------------------------------------------------------------

ROLES = ("anonymous", "resident", "member", "head", "commission", "official")
#: (action, phase) → the roles allowed. Phases: the competition's ("applications", "review", "results").
MATRIX: dict[tuple[str, str], set[str]] = {
    ("organisations.apply", "applications"): {"member", "head"},
    ("organisations.apply", "review"): {"member", "head"},  # permission; the service refuses by date
    ("organisations.score", "applications"): set(),
    ("organisations.score", "review"): {"commission", "official"},
    ("organisations.score", "results"): set(),
    ("organisations.check_eligibility", "applications"): set(),
    ("organisations.check_eligibility", "review"): {"official"},
    ("organisations.check_eligibility", "results"): set(),
    ("organisations.view_application", "applications"): {"member", "head", "commission", "official"},
    ("organisations.view_application", "results"): set(ROLES),
    ("organisations.report", "results"): {"member", "head"},
    ("organisations.report", "review"): set(),
    ("organisations.manage_competition", "applications"): {"official"},
    ("organisations.invite", "applications"): {"head"},
    ("organisations.decide", "applications"): {"official"},
    # An application's documents are never public, in any phase; members change them (the service
    # allows it while applications are accepted, refusal `closed`).
    ("organisations.view_documents", "applications"): {"member", "head", "commission", "official"},
    ("organisations.view_documents", "review"): {"member", "head", "commission", "official"},
    ("organisations.view_documents", "results"): {"member", "head", "commission", "official"},
    ("organisations.edit_documents", "applications"): {"member", "head"},
    # Residents report a public text to the moderators: an application is public once results are.
    ("organisations.report_public_text", "applications"): set(),
    ("organisations.report_public_text", "review"): set(),
    ("organisations.report_public_text", "results"): {"resident", "member", "head", "commission", "official"},
}


@pytest.fixture
def people(organisation: Any, head: Any, official: Any, commission: list[Any]) -> dict[str, Any]:
    from django.contrib.auth.models import AnonymousUser

    member = make_user(email="member@example.org")
    Membership.objects.create(organisation=organisation, user=member)
    return {
        "anonymous": AnonymousUser(),
        "resident": make_user(email="resident@example.org"),
        "member": member,
        "head": head,
        "commission": commission[1],
        "official": official,
    }


def _at_phase(competition: Any, application: Any, phase: str, official: Any) -> Any:
    if phase == "applications":
        return application
    competition = close_applications(competition)
    if phase == "results":
        services.application_set_eligibility(application=application, actor=official, eligible=True)
        values = {c.pk: 5 for c in competition.criteria.all()}
        services.scores_submit(application=application, member_user=official, values=values)
        services.results_publish(competition=competition, actor=official)
    return Application.objects.select_related("competition", "organisation").get(pk=application.pk)


@pytest.mark.parametrize("phase", ["applications", "review", "results"])
def test_permission_matrix(
    phase: str, competition: Any, organisation: Any, people: dict[str, Any], official: Any
) -> None:
    application = _at_phase(competition, apply(competition, organisation, people["head"]), phase, official)
    assert application.competition.status == phase
    for (action, matrix_phase), allowed in MATRIX.items():
        if matrix_phase != phase:
            continue
        target = organisation if action in {"organisations.apply", "organisations.invite"} else application
        for role in ROLES:
            assert people[role].has_perm(action, target) == (role in allowed), (action, phase, role)


def test_views_refuse_what_the_matrix_refuses(
    client: Any, competition: Any, organisation: Any, people: dict[str, Any], official: Any
) -> None:
    application = apply(competition, organisation, people["head"])
    client.force_login(people["resident"])
    assert client.get(application.get_absolute_url()).status_code == 404
    assert client.post(reverse("organisations:score", args=[application.pk]), {}).status_code == 404
    assert client.post(reverse("organisations:publish", args=[competition.pk])).status_code == 403
    assert client.post(reverse("organisations:confirm", args=[organisation.pk])).status_code == 403
    assert client.get(reverse("organisations:apply", args=[competition.pk])).status_code == 403
    client.force_login(people["commission"])
    # Applications are open: commission members may read, not score.
    assert client.post(reverse("organisations:score", args=[application.pk]), {}).status_code == 403
    client.logout()
    assert client.post(reverse("organisations:invite", args=[organisation.pk]), {}).status_code == 403
