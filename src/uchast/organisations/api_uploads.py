"""Files through the API (multipart): the head changes the logo and statute; members attach and
remove an application's documents and a report's photos; an application's document is downloaded
by those who may read it (its organisation's members, staff, the competition's commission). The
same services, permissions and audit as the pages (``views.uploads``); registered on ``api.router``.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext_lazy
from ninja import File, Form, Schema, Status
from ninja.files import UploadedFile

from uchast.accounts.apiauth import AUTHENTICATED, require_scope
from uchast.core.api.errors import require_permission
from uchast.core.api.operations import SIGNED_IN_ITEM_ERRORS, WRITE_ERRORS, lazy_text
from uchast.core.files import private_file_response
from uchast.core.web import UchastRequest
from uchast.organisations import selectors, services
from uchast.organisations.api import ApplicationOut, DocumentOut, OrganisationOut, ReportOut, router
from uchast.organisations.models import Application, Organisation, Report

#: Files are answered as bytes, whatever their kind (the title in Content-Disposition says it).
BINARY: dict[str, Any] = {
    "responses": {
        200: {
            "description": "the file",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _staff_read_needs_scope(request: UchastRequest, application: Application) -> None:
    """An application's documents are never public: a reader who sees them only for being staff
    (not a member of the applying organisation, not on the competition's commission) makes a staff
    read, which with a token needs the ``staff`` scope (docs/api.md). A session has every scope."""
    if not selectors.reads_documents_as_party(request.user, application):
        require_scope(request, "staff")


class OrganisationFilesIn(Schema):
    remove_logo: bool = False
    remove_statute: bool = False


@router.post(
    "/{int:organisation_id}/files",
    response={200: OrganisationOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Change my organisation's logo or statute (multipart)")),
)
def set_organisation_files(
    request: UchastRequest,
    organisation_id: int,
    payload: Form[OrganisationFilesIn],
    logo: File[UploadedFile | None] = None,
    statute: File[UploadedFile | None] = None,
) -> Organisation:
    """The head only. ``logo``: JPG, PNG or WebP up to 2 MB (public); ``statute``: PDF up to 10 MB
    (public once the organisation is confirmed). A file sent replaces the one stored."""
    organisation = selectors.access_organisation(request.user, request.community, organisation_id)
    require_permission(request, "organisations.edit_files", organisation)
    return services.organisation_files_set(
        organisation=organisation, actor=request.user, logo=logo, statute=statute, **payload.dict()
    )


@router.post(
    "/applications/{application_id}/documents",
    response={201: list[DocumentOut], **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Attach documents to my organisation's application (multipart)")),
)
def add_documents(request: UchastRequest, application_id: int, files: File[list[UploadedFile]]) -> Status:
    """While the competition accepts applications; PDF, DOCX, ODT, XLSX or ODS up to 10 MB each,
    at most 5 in all. Never public."""
    application = selectors.access_application(request.user, request.community, application_id)
    require_permission(request, "organisations.edit_documents", application)
    documents = services.application_documents_add(application=application, actor=request.user, uploads=files)
    return Status(201, documents)


@router.get(
    "/applications/{application_id}/documents",
    response={200: list[DocumentOut], **SIGNED_IN_ITEM_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Documents of an application")),
)
def list_documents(request: UchastRequest, application_id: int) -> list[Any]:
    """For the organisation's members, staff and the competition's commission; 403 for anyone else
    who may see the application. Staff who are neither members nor on the commission read them as
    staff: with a token, one with the ``staff`` scope (403 ``insufficient_scope`` otherwise)."""
    application = selectors.access_application(request.user, request.community, application_id)
    require_permission(request, "organisations.view_documents", application)
    _staff_read_needs_scope(request, application)
    return selectors.documents_of(request.user, application)


@router.get(
    "/applications/{application_id}/documents/{document_id}",
    response={200: None, **SIGNED_IN_ITEM_ERRORS},
    auth=AUTHENTICATED,
    url_name="organisation_document",
    openapi_extra=BINARY,
    summary=lazy_text(gettext_lazy("Download a document of an application")),
)
def get_document(request: UchastRequest, application_id: int, document_id: int) -> FileResponse:
    """For the organisation's members, staff and the competition's commission; 404 for anyone else.
    Staff who are neither members nor on the commission read it as staff: with a token, one with
    the ``staff`` scope (403 ``insufficient_scope`` otherwise)."""
    document = selectors.access_document(request.user, request.community, application_id, document_id)
    _staff_read_needs_scope(request, document.application)
    return private_file_response(document.file, filename=document.title, content_type="application/octet-stream")


@router.delete(
    "/applications/{application_id}/documents/{document_id}",
    response={200: ApplicationOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Remove a document from my organisation's application")),
)
def remove_document(request: UchastRequest, application_id: int, document_id: int) -> Any:
    document = selectors.access_document(request.user, request.community, application_id, document_id)
    require_permission(request, "organisations.edit_documents", document.application)
    return services.application_document_remove(document=document, actor=request.user)


@router.post(
    "/reports/{report_id}/photos",
    response={201: ReportOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Add photos to a report on a funded programme (multipart)")),
)
def add_report_photos(request: UchastRequest, report_id: int, files: File[list[UploadedFile]]) -> Status:
    """Until staff accept the report; JPG, PNG or WebP up to 8 MB each, at most 6 in all. The photos
    are public (``photos`` of the report) once staff accept it."""
    report = selectors.access_report(request.user, request.community, report_id)
    require_permission(request, "organisations.edit_report_photos", report)
    services.report_photos_add(report=report, actor=request.user, uploads=files)
    return Status(201, Report.objects.get(pk=report.pk))


@router.delete(
    "/reports/{report_id}/photos/{photo_id}",
    response={200: ReportOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Remove a photo from a report on a funded programme")),
)
def remove_report_photo(request: UchastRequest, report_id: int, photo_id: int) -> Any:
    photo = selectors.access_report_photo(request.user, request.community, report_id, photo_id)
    require_permission(request, "organisations.edit_report_photos", photo.report)
    return services.report_photo_remove(photo=photo, actor=request.user)
