"""Files through the API (multipart): logo and statute, an application's documents (upload, the
checked download, removal) and a report's photos, whose URLs appear only once the report is accepted."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.organisations.conftest import apply, bearer, close_applications, refusal
from tests.organisations.test_organisations_uploads import PDF, png
from uchast.organisations import services
from uchast.testing.factories import make_user, make_verified_resident

pytestmark = pytest.mark.django_db

BASE = "/api/v1/organisations"


def test_logo_and_statute_urls_in_the_schema(client: Any, organisation: Any, head: Any) -> None:
    assert client.get(f"{BASE}/{organisation.pk}").json()["logo_url"] is None
    response = client.post(
        f"{BASE}/{organisation.pk}/files",
        {"logo": SimpleUploadedFile("logo.png", png()), "statute": SimpleUploadedFile("s.pdf", PDF)},
        **bearer(head),
    )
    assert response.status_code == 200, response.content
    body = client.get(f"{BASE}/{organisation.pk}").json()
    assert body["logo_url"].startswith("/media/organisations/logos/")
    assert body["statute_url"] == f"/organisations/{organisation.pk}/statute/"
    assert client.get(body["statute_url"]).status_code == 200
    other = make_verified_resident(organisation.community, email="other@example.org")
    response = client.post(
        f"{BASE}/{organisation.pk}/files", {"logo": SimpleUploadedFile("l.png", png())}, **bearer(other)
    )
    assert response.status_code == 403
    response = client.post(
        f"{BASE}/{organisation.pk}/files", {"logo": SimpleUploadedFile("l.gif", b"GIF89a")}, **bearer(head)
    )
    assert refusal(response) == (422, "bad_file")


def test_documents_upload_download_and_removal(
    client: Any, community: Any, organisation: Any, competition: Any, head: Any, official: Any, commission: Any
) -> None:
    application = apply(competition, organisation, head)
    url = f"{BASE}/applications/{application.pk}/documents"
    response = client.post(url, {"files": [SimpleUploadedFile("Кошторис.pdf", PDF)]}, **bearer(head))
    assert response.status_code == 201, response.content
    (document,) = response.json()
    assert document["title"] == "Кошторис.pdf" and document["url"] == f"{url}/{document['id']}"
    too_many = [SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(5)]
    assert refusal(client.post(url, {"files": too_many}, **bearer(head))) == (422, "too_many_files")
    assert refusal(client.post(url, {"files": [SimpleUploadedFile("a.png", png())]}, **bearer(head))) == (
        422,
        "bad_file",
    )
    outsider = make_verified_resident(community, email="outsider@example.org")
    assert client.post(url, {"files": [SimpleUploadedFile("x.pdf", PDF)]}, **bearer(outsider)).status_code == 404
    download = document["url"]
    assert client.get(download).status_code == 401  # anonymous: no token, no session
    assert client.get(download, **bearer(outsider)).status_code == 404
    for reader in (head, official, commission[1]):
        response = client.get(download, **bearer(reader))
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/octet-stream"
    listed = client.get(url, **bearer(commission[1])).json()
    assert [d["id"] for d in listed] == [document["id"]]
    client.force_login(head)
    assert [d["id"] for d in client.get(f"{BASE}/applications/{application.pk}").json()["documents"]] == [
        document["id"]
    ]
    client.logout()
    response = client.delete(download, **bearer(head))
    assert response.status_code == 200 and response.json()["documents"] == []


def _token(user: Any, *scopes: str) -> dict[str, str]:
    from uchast.accounts.services import api_token_create

    _token, secret = api_token_create(user=user, name="test", scopes=scopes, second_factor_recent="staff" in scopes)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_documents_read_only_as_staff_need_a_token_with_the_staff_scope(
    client: Any, organisation: Any, competition: Any, head: Any, official: Any, commission: Any
) -> None:
    """A member and the commission read the documents with a read-only token; a staff member who is
    neither reads them as staff: a token needs the ``staff`` scope (a session has every scope)."""
    application = apply(competition, organisation, head)
    url = f"{BASE}/applications/{application.pk}/documents"
    (document,) = client.post(url, {"files": [SimpleUploadedFile("Кошторис.pdf", PDF)]}, **bearer(head)).json()
    download = document["url"]
    staff_only = make_user("official", full_name="Ігор Бондар", email="bondar@example.org")
    readers = {
        "member": _token(head, "read"),
        "commission (public council)": _token(commission[1], "read"),
        "commission (staff)": _token(official, "read"),
        "staff, staff scope": _token(staff_only, "read", "staff"),
    }
    for who, headers in readers.items():
        listed = client.get(url, **headers)
        assert listed.status_code == 200 and [d["id"] for d in listed.json()] == [document["id"]], who
        response = client.get(download, **headers)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF, who
    for headers in (_token(staff_only, "read"), _token(staff_only, "read", "participate")):
        assert refusal(client.get(url, **headers)) == (403, "insufficient_scope")
        assert refusal(client.get(download, **headers)) == (403, "insufficient_scope")
    assert refusal(client.get(f"{download}0", **_token(staff_only, "read"))) == (404, "not_found")
    client.force_login(staff_only)
    assert client.get(url).status_code == 200 and client.get(download).status_code == 200


def test_report_photos_urls_only_once_accepted(
    client: Any, organisation: Any, competition: Any, head: Any, official: Any
) -> None:
    application = apply(competition, organisation, head)
    competition = close_applications(competition)
    services.application_set_eligibility(application=application, actor=official, eligible=True)
    criteria = list(competition.criteria.all())
    services.scores_submit(application=application, member_user=official, values={c.pk: 7 for c in criteria})
    services.results_publish(competition=competition, actor=official)
    application.refresh_from_db()
    report = services.report_submit(application=application, actor=head, kind="final", text="Зроблено", spending=[])
    url = f"{BASE}/reports/{report.pk}/photos"
    response = client.post(url, {"files": [SimpleUploadedFile("p.png", png())]}, **bearer(head))
    assert response.status_code == 201, response.content
    assert response.json()["photos"] == []  # not public yet
    # A report awaiting review is not public at all (its photos neither); staff and members read it
    # on the page. Once accepted, the report and its photos are.
    assert client.get(f"{BASE}/applications/{application.pk}").json()["reports"] == []
    services.report_decide(report=report, actor=official, accept=True)
    (photo_url,) = client.get(f"{BASE}/applications/{application.pk}").json()["reports"][0]["photos"]
    assert client.get(photo_url).status_code == 200
    response = client.post(url, {"files": [SimpleUploadedFile("q.png", png())]}, **bearer(head))
    assert refusal(response) == (409, "already_decided")
