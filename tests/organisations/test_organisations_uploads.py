"""Organisations' files (issue 15): the logo (public, metadata stripped) and the statute (public once
confirmed), an application's documents (never public: members, staff, the commission) and a
report's photos (public once staff accept the report); refusals by code, nothing kept on a refusal."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.organisations.conftest import apply, audited, close_applications, register
from uchast.core.errors import ActionRefused
from uchast.organisations import services
from uchast.organisations.models import ApplicationDocument, Organisation, ReportPhoto
from uchast.organisations.services import uploads
from uchast.testing.factories import make_user, make_verified_resident, sign_in_reauthenticated
from uchast.testing.files import REFUSED_LATER, refused_after_files, stored_files

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
DOCX = b"PK\x03\x04" + b"\x00" * 60


def png(*, exif: bool = False, size: tuple[int, int] = (40, 30)) -> bytes:
    image = Image.new("RGB", size, "teal")
    out = io.BytesIO()
    if exif:
        tags = Image.Exif()
        tags[0x010F] = "SecretCamera"  # Make
        tags[0x8825] = {2: (50.0, 27.0, 0.0)}  # GPS latitude
        image.save(out, format="JPEG", exif=tags)
    else:
        image.save(out, format="PNG")
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refused(code: str, action: Any, **kwargs: Any) -> ActionRefused:
    with pytest.raises(ActionRefused) as caught:
        action(**kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


@pytest.fixture
def winner(organisation: Any, competition: Any, head: Any, official: Any, commission: list[Any]) -> Any:
    application = apply(competition, organisation, head)
    competition = close_applications(competition)
    services.application_set_eligibility(application=application, actor=official, eligible=True)
    criteria = list(competition.criteria.all())
    services.scores_submit(application=application, member_user=official, values={c.pk: 7 for c in criteria})
    services.results_publish(competition=competition, actor=official)
    application.refresh_from_db()
    return application


def report_with_photo(winner: Any, head: Any) -> Any:
    return services.report_submit(
        application=winner,
        actor=head,
        kind="interim",
        text="Проведено 40 консультацій",
        spending=[],
        photos=[upload("на прийомі.png", png())],
    )


# ---- logo and statute -------------------------------------------------------------------------


def test_logo_loses_its_exif_and_gets_a_random_public_name(community: Any, head: Any) -> None:
    organisation = register(community, head, logo=upload("Олена Коваль вдома.jpg", png(exif=True)))
    assert organisation.logo and "Коваль" not in organisation.logo.name
    assert organisation.logo.name.startswith("organisations/logos/")
    with Image.open(organisation.logo.path) as stored:
        assert not stored.getexif()
        assert "exif" not in stored.info
    assert b"SecretCamera" not in organisation.logo.read()
    assert audited("organisation.registered", head).summary["logo"] == "added"


def test_refusals_by_code_keep_nothing(community: Any, head: Any) -> None:
    error = refused("bad_file", register, community=community, head=head, logo=upload("logo.pdf", PDF))
    assert error.details["problem"] == "bad_type"
    refused("bad_file", register, community=community, head=head, statute=upload("statute.png", png()))
    refused("bad_file", register, community=community, head=head, statute=upload("statute.pdf", b"not a pdf"))
    too_big = upload("logo.png", png())
    too_big.size = uploads.LOGO_MAX_BYTES + 1
    refused("file_too_large", register, community=community, head=head, logo=too_big)
    assert not Organisation.objects.exists()


def test_the_head_changes_and_removes_the_files(
    community: Any, head: Any, organisation: Any, django_capture_on_commit_callbacks: Any
) -> None:
    organisation = services.organisation_files_set(
        organisation=organisation, actor=head, logo=upload("a.png", png()), statute=upload("s.pdf", PDF)
    )
    old_logo = organisation.logo.name
    storage = organisation.logo.storage
    with django_capture_on_commit_callbacks(execute=True):
        organisation = services.organisation_files_set(
            organisation=organisation, actor=head, logo=upload("b.png", png())
        )
    assert organisation.logo.name != old_logo and not storage.exists(old_logo)  # deleted once committed
    member = make_verified_resident(community, email="member@example.org")
    organisation.memberships.create(user=member, role="member")
    refused("not_head", services.organisation_files_set, organisation=organisation, actor=member, remove_logo=True)
    refused("nothing_to_change", services.organisation_files_set, organisation=organisation, actor=head)
    organisation = services.organisation_files_set(
        organisation=organisation, actor=head, remove_logo=True, remove_statute=True
    )
    assert not organisation.logo and not organisation.statute


def test_statute_is_public_once_confirmed_and_logo_listed(
    client: Any, community: Any, head: Any, official: Any
) -> None:
    pending = register(community, head, logo=upload("logo.png", png()), statute=upload("статут.pdf", PDF))
    url = reverse("organisations:statute", args=[pending.pk])
    assert client.get(url).status_code == 404  # the profile is not public yet
    client.force_login(head)
    assert client.get(url).status_code == 200
    client.logout()
    services.organisation_confirm(organisation=pending, actor=official)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    profile = client.get(pending.get_absolute_url()).content.decode()
    assert url in profile and f'alt="{pending.name}"' in profile
    listing = client.get(reverse("organisations:index")).content.decode()
    assert pending.logo.url in listing
    assert 'alt="ГО «Зорянські переселенці»"' in listing


def test_files_page_for_the_head_only(client: Any, community: Any, head: Any, organisation: Any) -> None:
    url = reverse("organisations:files", args=[organisation.pk])
    client.force_login(make_verified_resident(community, email="other@example.org"))
    assert client.get(url).status_code == 403
    client.force_login(head)
    assert client.get(url).status_code == 200
    response = client.post(url, {"logo": upload("logo.txt", b"hello")})
    assert response.status_code == 400 and "не приймається" in response.content.decode()
    response = client.post(url, {"logo": upload("logo.png", png())})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.logo
    assert audited("organisation.files_changed", head).summary == {"logo": "added"}


# ---- application documents --------------------------------------------------------------------


def test_documents_at_application_and_limits(
    organisation: Any, competition: Any, head: Any, django_capture_on_commit_callbacks: Any
) -> None:
    def submit(documents: list[Any]) -> Any:
        return services.application_submit(
            competition=competition,
            organisation=organisation,
            actor=head,
            values={
                "title": "Юридичний супровід ВПО",
                "goals": "Консультації",
                "activities": "Щотижня",
                "schedule": "2027",
                "own_total": 10_000_00,
                "requested_total": 50_000_00,
            },
            lines=[("Оренда", 10_000_00, 0), ("Юристи", 0, 50_000_00)],
            documents=documents,
        )

    refused("too_many_files", submit, documents=[upload(f"d{i}.pdf", PDF) for i in range(6)])
    refused("bad_file", submit, documents=[upload("d.pdf", PDF), upload("photo.png", png())])
    big = upload("big.pdf", PDF)
    big.size = uploads.DOCUMENT_MAX_BYTES + 1
    refused("file_too_large", submit, documents=[big])
    assert not ApplicationDocument.objects.exists() and not organisation.applications.exists()
    application = submit([upload("Кошторис.docx", DOCX), upload("Статут.pdf", PDF)])
    assert [d.title for d in application.documents.all()] == ["Кошторис.docx", "Статут.pdf"]
    assert {d.kind for d in application.documents.all()} == {"document", "pdf"}
    services.application_documents_add(
        application=application, actor=head, uploads=[upload(f"{i}.pdf", PDF) for i in range(3)]
    )
    refused(
        "too_many_files",
        services.application_documents_add,
        application=application,
        actor=head,
        uploads=[upload("6.pdf", PDF)],
    )
    document = application.documents.first()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_document_remove(document=document, actor=head)
    assert application.documents.count() == 4
    assert not document.file.storage.exists(document.file.name)
    assert audited("competition.document_removed", head).summary == {"document": document.pk}


def test_documents_change_only_while_applications_are_accepted(organisation: Any, competition: Any, head: Any) -> None:
    application = apply(competition, organisation, head)
    close_applications(competition)
    refused(
        "deadline_passed",
        services.application_documents_add,
        application=application,
        actor=head,
        uploads=[upload("late.pdf", PDF)],
    )


def test_private_document_served_only_to_members_staff_and_commission(
    client: Any, community: Any, organisation: Any, competition: Any, head: Any, official: Any, commission: Any
) -> None:
    application = apply(competition, organisation, head)
    (document,) = services.application_documents_add(
        application=application, actor=head, uploads=[upload("Кошторис.pdf", PDF)]
    )
    url = reverse("organisations:document", args=[application.pk, document.pk])
    assert document.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))  # no media URL reaches it
    assert client.get(url).status_code in (403, 404)  # anonymous
    client.force_login(make_verified_resident(community, email="outsider@example.org"))
    assert client.get(url).status_code in (403, 404)
    for reader in (head, official, commission[1]):
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == 200, reader
        assert b"".join(response.streaming_content) == PDF
        assert "attachment" in response["Content-Disposition"] and response["Cache-Control"] == "no-store, private"
    # Published results make the application public, never its documents.
    competition = close_applications(competition)
    services.application_set_eligibility(application=application, actor=official, eligible=True)
    criteria = list(competition.criteria.all())
    services.scores_submit(application=application, member_user=official, values={c.pk: 7 for c in criteria})
    services.results_publish(competition=competition, actor=official)
    client.logout()
    page = client.get(application.get_absolute_url())
    assert page.status_code == 200 and "Кошторис.pdf" not in page.content.decode()
    assert client.get(url).status_code in (403, 404)
    client.force_login(make_verified_resident(community, email="outsider2@example.org"))
    assert client.get(url).status_code in (403, 404)


def test_documents_through_the_pages(
    client: Any, community: Any, organisation: Any, competition: Any, head: Any
) -> None:
    client.force_login(head)
    form = {
        "organisation": organisation.pk,
        "title": "Юридичний супровід ВПО",
        "goals": "Консультації",
        "activities": "Щотижня",
        "schedule": "2027",
        "own_total": "1000",
        "requested_total": "5000",
        "item_0": "Оренда",
        "own_0": "1000",
        "requested_0": "0",
        "item_1": "Юристи",
        "own_1": "0",
        "requested_1": "5000",
    }
    url = reverse("organisations:apply", args=[competition.pk])
    bad = client.post(url, {**form, "documents": [upload("x.exe", b"MZ\x90\x00")]})
    assert bad.status_code == 400 and not organisation.applications.exists()
    response = client.post(url, {**form, "documents": [upload("a.pdf", PDF), upload("b.docx", DOCX)]})
    assert response.status_code == 302, response.content.decode()[:2000]
    application = organisation.applications.get()
    assert application.documents.count() == 2
    page = client.get(application.get_absolute_url()).content.decode()
    assert "a.pdf" in page and 'enctype="multipart/form-data"' in page
    client.post(reverse("organisations:documents", args=[application.pk]), {"documents": [upload("c.pdf", PDF)]})
    assert application.documents.count() == 3
    document = application.documents.first()
    client.post(reverse("organisations:document_remove", args=[application.pk, document.pk]))
    assert application.documents.count() == 2


# ---- report photos ----------------------------------------------------------------------------


def test_report_photos_hidden_until_accepted(
    client: Any, community: Any, winner: Any, head: Any, official: Any
) -> None:
    report = report_with_photo(winner, head)
    (photo,) = report.photos.all()
    url = reverse("organisations:report_photo", args=[report.pk, photo.pk])
    assert client.get(url).status_code == 404
    assert url not in client.get(winner.get_absolute_url()).content.decode()
    client.force_login(make_verified_resident(community, email="outsider@example.org"))
    assert client.get(url).status_code == 404
    for reader in (head, official):
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == 200 and response["Cache-Control"] == "no-store, private"
        assert url in client.get(winner.get_absolute_url()).content.decode()
    services.report_decide(report=report, actor=official, accept=True)
    client.logout()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("image/")
    assert url in client.get(winner.get_absolute_url()).content.decode()
    refused("already_decided", services.report_photos_add, report=report, actor=head, uploads=[upload("x.png", png())])


def test_report_photo_limits_and_removal(winner: Any, head: Any, community: Any) -> None:
    report = report_with_photo(winner, head)
    refused(
        "too_many_files",
        services.report_photos_add,
        report=report,
        actor=head,
        uploads=[upload(f"{i}.png", png()) for i in range(uploads.MAX_PHOTOS)],
    )
    refused("bad_file", services.report_photos_add, report=report, actor=head, uploads=[upload("r.pdf", PDF)])
    outsider = make_user(email="outsider@example.org")
    refused("not_member", services.report_photos_add, report=report, actor=outsider, uploads=[upload("a.png", png())])
    photo = report.photos.get()
    services.report_photo_remove(photo=photo, actor=head)
    assert not ReportPhoto.objects.exists()
    assert audited("competition.report_photo_removed", head).summary["photo"] == photo.pk


def test_report_photos_through_the_pages(client: Any, winner: Any, head: Any) -> None:
    sign_in_reauthenticated(client, head)
    line = winner.lines.first()
    response = client.post(
        reverse("organisations:report", args=[winner.pk]),
        {"kind": "interim", "text": "Зроблено", f"line_{line.pk}": "10", "photos": [upload("p.png", png())]},
    )
    assert response.status_code == 302
    report = winner.reports.get()
    assert report.photos.count() == 1
    client.post(reverse("organisations:report_photos", args=[report.pk]), {"photos": [upload("q.png", png())]})
    assert report.photos.count() == 2


# ---- a transaction that rolls back after its files were written keeps none ---------------------------


def test_registration_refused_after_its_files_are_written_keeps_none(community: Any, head: Any) -> None:
    with pytest.raises(ActionRefused) as caught, refused_after_files():
        register(community, head, logo=upload("logo.png", png()), statute=upload("statute.pdf", PDF))
    assert caught.value.code == REFUSED_LATER
    assert not Organisation.objects.exists()
    assert stored_files() == []


def test_a_replacement_refused_after_it_is_written_keeps_the_old_files_only(
    organisation: Any, head: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        organisation = services.organisation_files_set(
            organisation=organisation, actor=head, logo=upload("logo.png", png()), statute=upload("s.pdf", PDF)
        )
    before = stored_files()
    assert before == sorted([f"media/{organisation.logo.name}", f"private/{organisation.statute.name}"])
    with pytest.raises(ActionRefused), refused_after_files(), django_capture_on_commit_callbacks(execute=True):
        services.organisation_files_set(
            organisation=organisation, actor=head, logo=upload("new.png", png()), statute=upload("new.pdf", PDF)
        )
    assert stored_files() == before


def test_an_application_refused_after_its_documents_are_written_keeps_none(
    organisation: Any, competition: Any, head: Any
) -> None:
    with pytest.raises(ActionRefused), refused_after_files():
        apply(competition, organisation, head, documents=[upload("Кошторис.docx", DOCX), upload("Статут.pdf", PDF)])
    assert not organisation.applications.exists() and not ApplicationDocument.objects.exists()
    assert stored_files() == []
    application = apply(competition, organisation, head, documents=[upload("Статут.pdf", PDF)])
    kept = [f"private/{d.file.name}" for d in application.documents.all()]
    assert stored_files() == kept
    with pytest.raises(ActionRefused), refused_after_files():
        services.application_documents_add(application=application, actor=head, uploads=[upload("1.pdf", PDF)])
    assert stored_files() == kept and application.documents.count() == 1


def test_report_photos_refused_after_they_are_written_are_not_kept(winner: Any, head: Any) -> None:
    with pytest.raises(ActionRefused), refused_after_files():
        report_with_photo(winner, head)
    assert not ReportPhoto.objects.exists() and not winner.reports.exists()
    assert stored_files() == []
    report = report_with_photo(winner, head)
    kept = [f"private/{p.file.name}" for p in report.photos.all()]
    assert len(kept) == 1 and stored_files() == kept
    with pytest.raises(ActionRefused), refused_after_files():
        services.report_photos_add(report=report, actor=head, uploads=[upload("ще.png", png())])
    assert stored_files() == kept and report.photos.count() == 1
