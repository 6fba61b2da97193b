"""Problem reports through the API (issue 18): reading them as the pages show them (a hidden one
only with its public reason), reporting one with a photo, "me too" and the council's status updates
(staff), through the same services, permissions and audit entries as the pages."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from uchast.accounts.services import api_token_create
from uchast.appeals import services
from uchast.appeals.models import MeToo, ProblemReport, ReportStatus, ReportUpdate
from uchast.core import moderation
from uchast.core.files import attachments_for
from uchast.core.models import AuditEntry
from uchast.testing.factories import make_user

pytestmark = pytest.mark.django_db

API = "/api/v1/appeals/problems"
TITLE = "Зламаний ліхтар біля школи"
REASON = "Образливі слова про сусідів"


def _token(user: Any, *, staff: bool = False) -> dict[str, str]:
    scopes = ("read", "participate", "staff") if staff else ("read", "participate")
    _row, key = api_token_create(user=user, name="script", scopes=scopes, second_factor_recent=staff)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _code(response: Any) -> str:
    return response.json()["error"]["code"]


def _jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, format="JPEG")
    return SimpleUploadedFile("likhtar.jpg", buffer.getvalue(), content_type="image/jpeg")


def _audited(action: str, report: ProblemReport) -> bool:
    return AuditEntry.objects.filter(action=action, object_id=str(report.pk)).exists()


def _make(resident: Any, community: Any, **overrides: Any) -> ProblemReport:
    values = {"title": TITLE, "text": "Не світить третій тиждень.", "address": "вул. Шкільна, 5", **overrides}
    return services.report_create(author=resident, community=community, **values)


def test_report_a_problem_with_a_photo(resident: Any, community: Any) -> None:
    form = {"title": TITLE, "topic": "safety", "text": "Не світить.", "latitude": "50.45", "longitude": "30.52"}
    response = Client().post(API, {**form, "photo": _jpeg()}, **_token(resident))
    assert response.status_code == 201, response.content
    body = response.json()
    report = ProblemReport.objects.get(pk=body["id"])
    assert (report.title, report.topic, report.author) == (TITLE, "safety", resident)
    assert body["photos"] == [a.file.url for a in attachments_for(report)] and len(body["photos"]) == 1
    assert float(body["latitude"]) == 50.45 and float(body["longitude"]) == 30.52
    assert _audited("report.created", report)
    without_photo = Client().post(API, {"title": TITLE, "address": "вул. Садова, 3"}, **_token(resident))
    assert without_photo.status_code == 201 and without_photo.json()["photos"] == []


def test_reporting_refusals(resident: Any, community: Any) -> None:
    auth = _token(resident)
    nowhere = Client().post(API, {"title": TITLE}, **auth)
    assert nowhere.status_code == 422 and _code(nowhere) == "place_required"
    half_point = Client().post(API, {"title": TITLE, "latitude": "50.45"}, **auth)
    assert half_point.status_code == 422 and _code(half_point) == "bad_point"
    not_a_photo = SimpleUploadedFile("photo.jpg", b"plain text", content_type="image/jpeg")
    bad_photo = Client().post(API, {"title": TITLE, "address": "вул. Садова, 3", "photo": not_a_photo}, **auth)
    assert bad_photo.status_code == 422 and _code(bad_photo) == "bad_file"
    anonymous = Client().post(API, {"title": TITLE, "address": "вул. Садова, 3"})
    assert anonymous.status_code == 401 and _code(anonymous) == "not_authenticated"
    _row, key = api_token_create(user=resident, name="reader", scopes=("read",))
    read_only = Client().post(API, {"title": TITLE, "address": "вул. Садова, 3"}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert read_only.status_code == 403 and _code(read_only) == "insufficient_scope"
    assert not ProblemReport.objects.exists()


def test_list_and_read_a_hidden_report_shows_only_its_reason(resident: Any, community: Any, moderator: Any) -> None:
    shown = _make(resident, community)
    hidden = _make(resident, community, title="Сусіди з п'ятого поверху — негідники")
    moderation.contribution_hide(moderator=moderator, target=hidden, reason=REASON)
    listing = Client().get(API)
    assert listing.status_code == 200
    rows = {row["id"]: row for row in listing.json()}
    assert rows[shown.pk]["title"] == TITLE and rows[shown.pk]["hidden"] is False
    assert rows[hidden.pk]["hidden"] is True and rows[hidden.pk]["hidden_reason"] == REASON
    assert rows[hidden.pk]["title"] is None and rows[hidden.pk]["text"] is None and rows[hidden.pk]["address"] is None
    assert "негідники" not in listing.content.decode()
    one = Client().get(f"{API}/{hidden.pk}").json()
    assert one["hidden_reason"] == REASON and one["title"] is None and one["photos"] == []
    assert "негідники" not in Client().get(f"{API}/{hidden.pk}").content.decode()
    assert Client().get(f"{API}/{shown.pk}").json()["text"] == "Не світить третій тиждень."
    assert Client().get(f"{API}/999999").status_code == 404
    filtered = Client().get(API, {"status": ReportStatus.RESOLVED}).json()
    assert filtered == []


def test_metoo_once_and_not_on_ones_own_or_a_hidden_report(resident: Any, community: Any, moderator: Any) -> None:
    report = _make(resident, community)
    neighbour = make_user(email="neighbour@example.org")
    response = Client().post(f"{API}/{report.pk}/metoo", **_token(neighbour))
    assert response.status_code == 200 and response.json()["metoo_count"] == 1
    assert MeToo.objects.filter(report=report, user=neighbour).exists() and _audited("report.metoo", report)
    twice = Client().post(f"{API}/{report.pk}/metoo", **_token(neighbour))
    assert twice.status_code == 409 and _code(twice) == "already_metoo"
    own = Client().post(f"{API}/{report.pk}/metoo", **_token(resident))
    assert own.status_code == 422 and _code(own) == "own_report"
    moderation.contribution_hide(moderator=moderator, target=report, reason=REASON)
    hidden = Client().post(f"{API}/{report.pk}/metoo", **_token(make_user(email="third@example.org")))
    assert hidden.status_code == 409 and _code(hidden) == "hidden"
    assert Client().post(f"{API}/999999/metoo", **_token(neighbour)).status_code == 404
    assert ProblemReport.objects.get(pk=report.pk).metoo_count == 1


def test_status_update_by_an_official(resident: Any, community: Any, official: Any) -> None:
    report = _make(resident, community)
    staff = _token(official, staff=True)
    response = Client().post(
        f"{API}/{report.pk}/status",
        {"status": "resolved", "text": "Лампу замінено."},
        content_type="application/json",
        **staff,
    )
    assert response.status_code == 200 and response.json()["status"] == ReportStatus.RESOLVED
    assert response.json()["updates"][-1]["text"] == "Лампу замінено."
    assert ReportUpdate.objects.filter(report=report, by=official).exists() and _audited("report.status", report)
    bad = Client().post(f"{API}/{report.pk}/status", {"status": "done"}, content_type="application/json", **staff)
    assert bad.status_code == 422 and _code(bad) == "bad_status"
    without_scope = Client().post(
        f"{API}/{report.pk}/status", {"status": "accepted"}, content_type="application/json", **_token(official)
    )
    assert without_scope.status_code == 403 and _code(without_scope) == "insufficient_scope"
    author = Client()
    author.force_login(resident)
    by_resident = author.post(f"{API}/{report.pk}/status", {"status": "accepted"}, content_type="application/json")
    assert by_resident.status_code == 403 and _code(by_resident) == "forbidden"
    assert ProblemReport.objects.get(pk=report.pk).status == ReportStatus.RESOLVED
    # Closed: nobody can say "me too" any more.
    closed = Client().post(f"{API}/{report.pk}/metoo", **_token(make_user(email="late@example.org")))
    assert closed.status_code == 403 and _code(closed) == "forbidden"
