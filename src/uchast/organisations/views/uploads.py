"""Files' pages: the head changes the logo and statute; members add and remove an application's
documents and a report's photos; the private files are served by checked views (never a media URL)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from uchast.core.files import private_file_response
from uchast.core.permissions import permission_required
from uchast.core.views import public_view
from uchast.core.web import UchastRequest, form_action, post_action
from uchast.organisations import selectors, services
from uchast.organisations.forms import DocumentsForm, OrganisationFilesForm, PhotosForm
from uchast.organisations.models import ReportStatus


@require_http_methods(["GET", "POST"])
@permission_required("organisations.take_part")
def organisation_files(request: UchastRequest, pk: int) -> HttpResponse:
    organisation = selectors.access_organisation(request.user, request.community, pk)
    if not request.user.has_perm("organisations.edit_files", organisation):
        raise PermissionDenied
    form = OrganisationFilesForm(request.POST or None, request.FILES or None)
    return form_action(
        request,
        form,
        lambda: services.organisation_files_set(organisation=organisation, actor=request.user, **form.cleaned_data),
        template="organisations/files.html",
        context={"organisation": organisation},
        success=_("The organisation's files are saved."),
        to=organisation.get_absolute_url(),
    )


@require_safe
@public_view
def statute(request: UchastRequest, pk: int) -> FileResponse:
    """Wherever the profile may be seen: everyone's once the organisation is confirmed."""
    organisation = selectors.access_organisation(request.user, request.community, pk)
    if not organisation.statute:
        raise Http404
    return private_file_response(
        organisation.statute, filename=f"statute-{organisation.edrpou}.pdf", public=organisation.is_confirmed
    )


@require_POST
@permission_required("organisations.take_part", raise_exception=True)
def documents_add(request: UchastRequest, pk: int) -> HttpResponse:
    application = selectors.access_application(request.user, request.community, pk)
    if not request.user.has_perm("organisations.edit_documents", application):
        raise PermissionDenied
    form = DocumentsForm(request.POST, request.FILES)
    uploads = form.cleaned_data["documents"] if form.is_valid() else []
    return post_action(
        request,
        lambda: services.application_documents_add(application=application, actor=request.user, uploads=uploads),
        success=_("The documents are attached."),
        to=application.get_absolute_url(),
    )


@require_safe
@permission_required("organisations.take_part", raise_exception=True)
def document(request: UchastRequest, pk: int, document_pk: int) -> FileResponse:
    item = selectors.access_document(request.user, request.community, pk, document_pk)
    return private_file_response(item.file, filename=item.title)


@require_POST
@permission_required("organisations.take_part", raise_exception=True)
def document_remove(request: UchastRequest, pk: int, document_pk: int) -> HttpResponse:
    item = selectors.access_document(request.user, request.community, pk, document_pk)
    if not request.user.has_perm("organisations.edit_documents", item.application):
        raise PermissionDenied
    return post_action(
        request,
        lambda: services.application_document_remove(document=item, actor=request.user),
        success=_("The document is removed."),
        to=item.application.get_absolute_url(),
    )


@require_POST
@permission_required("organisations.take_part", raise_exception=True)
def report_photos_add(request: UchastRequest, pk: int) -> HttpResponse:
    report = selectors.access_report(request.user, request.community, pk)
    if not request.user.has_perm("organisations.edit_report_photos", report):
        raise PermissionDenied
    form = PhotosForm(request.POST, request.FILES)
    uploads = form.cleaned_data["photos"] if form.is_valid() else []
    return post_action(
        request,
        lambda: services.report_photos_add(report=report, actor=request.user, uploads=uploads),
        success=_("The photos are added to the report."),
        to=report.application.get_absolute_url(),
    )


@require_safe
@public_view
def report_photo(request: UchastRequest, pk: int, photo_pk: int) -> FileResponse:
    """Everyone's once staff accepted the report; until then its organisation's members' and staff's."""
    photo = selectors.access_report_photo(request.user, request.community, pk, photo_pk)
    public = photo.report.status == ReportStatus.ACCEPTED
    return private_file_response(
        photo.file, filename=str(photo.file.name).rsplit("/", 1)[-1], inline=True, public=public
    )


@require_POST
@permission_required("organisations.take_part", raise_exception=True)
def report_photo_remove(request: UchastRequest, pk: int, photo_pk: int) -> HttpResponse:
    photo = selectors.access_report_photo(request.user, request.community, pk, photo_pk)
    if not request.user.has_perm("organisations.edit_report_photos", photo.report):
        raise PermissionDenied
    return post_action(
        request,
        lambda: services.report_photo_remove(photo=photo, actor=request.user),
        success=_("The photo is removed."),
        to=photo.report.application.get_absolute_url(),
    )
