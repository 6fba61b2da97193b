"""Files of organisations: the logo and the statute (the head), documents of an application (its
organisation's members, while applications are accepted) and photos of a report (while staff have
not accepted it).

Every file is validated before anything is written (``core.files.check_uploads``: one bad file
refuses the whole action with a stable code and nothing is kept), then stored in the transaction
that writes its record (``core.files.store_file``: gone again if that transaction does not commit);
a replaced or removed file leaves the disk once that transaction commits.
The limits are here, not only in the forms: the API reaches these services too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from uchast.core import audit
from uchast.core.errors import ActionRefused
from uchast.core.files import (
    atomic_with_files,
    check_uploads,
    delete_after_commit,
    store_file,
    stored_copy,
    upload_title,
)
from uchast.organisations.models import (
    Application,
    ApplicationDocument,
    MemberRole,
    Membership,
    Organisation,
    Report,
    ReportPhoto,
    ReportStatus,
)

MB = 1024 * 1024
LOGO_MAX_BYTES = 2 * MB
LOGO_MAX_SIDE = 512
STATUTE_MAX_BYTES = 10 * MB
DOCUMENT_KINDS = {"pdf", "document"}
DOCUMENT_MAX_BYTES = 10 * MB
MAX_DOCUMENTS = 5
PHOTO_MAX_BYTES = 8 * MB
MAX_PHOTOS = 6

Checked = list[tuple[Any, str]]


def check_logo(upload: Any) -> Checked:
    return check_uploads([upload], kinds={"image"}, max_bytes=LOGO_MAX_BYTES)


def check_statute(upload: Any) -> Checked:
    return check_uploads([upload], kinds={"pdf"}, max_bytes=STATUTE_MAX_BYTES)


def check_documents(uploads: Sequence[Any], *, already: int = 0) -> Checked:
    return check_uploads(
        uploads, kinds=DOCUMENT_KINDS, max_bytes=DOCUMENT_MAX_BYTES, max_count=MAX_DOCUMENTS, already=already
    )


def check_photos(uploads: Sequence[Any], *, already: int = 0) -> Checked:
    return check_uploads(uploads, kinds={"image"}, max_bytes=PHOTO_MAX_BYTES, max_count=MAX_PHOTOS, already=already)


def set_organisation_files(organisation: Organisation, *, logo: Checked, statute: Checked) -> dict[str, str]:
    """Store checked files on ``organisation`` (inside the caller's transaction, row locked); returns
    what changed for the audit summary."""
    changed = {}
    for field, checked in (("logo", logo), ("statute", statute)):
        for upload, kind in checked:
            current: FieldFile = getattr(organisation, field)
            changed[field] = "replaced" if current else "added"
            if current:
                delete_after_commit(current)
            store_file(current, stored_copy(upload, kind, max_side=LOGO_MAX_SIDE))
    if changed:
        organisation.save(update_fields=list(changed))
    return changed


def organisation_files_set(
    *,
    organisation: Organisation,
    actor: Any,
    logo: Any = None,
    statute: Any = None,
    remove_logo: bool = False,
    remove_statute: bool = False,
) -> Organisation:
    """The head replaces or removes the logo (an image) and the statute (a PDF)."""
    checked_logo = check_logo(logo) if logo is not None else []
    checked_statute = check_statute(statute) if statute is not None else []
    if not (checked_logo or checked_statute or remove_logo or remove_statute):
        raise ActionRefused("nothing_to_change", _("Choose a file to upload or one to remove."))
    with atomic_with_files():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if not Membership.objects.filter(organisation=locked, user=actor, role=MemberRole.HEAD).exists():
            raise ActionRefused(
                "not_head", _("Only the head of the organisation can change its logo and statute."), status=403
            )
        changed = {}
        for field, remove, checked in (
            ("logo", remove_logo, checked_logo),
            ("statute", remove_statute, checked_statute),
        ):
            current: FieldFile = getattr(locked, field)
            if remove and not checked and current:
                delete_after_commit(current)
                setattr(locked, field, "")
                changed[field] = "removed"
        if changed:
            locked.save(update_fields=list(changed))
        changed.update(set_organisation_files(locked, logo=checked_logo, statute=checked_statute))
        if not changed:
            raise ActionRefused("nothing_to_change", _("Choose a file to upload or one to remove."))
        audit.record(
            action="organisation.files_changed", actor=actor, obj=locked, community=locked.community, summary=changed
        )
    return locked


# ---- application documents ---------------------------------------------------------------------


def store_documents(application: Application, checked: Checked, *, by: Any) -> list[ApplicationDocument]:
    """Store checked documents privately (inside the caller's transaction)."""
    documents = []
    for upload, kind in checked:
        stored = stored_copy(upload, kind)
        document = ApplicationDocument(
            application=application, title=upload_title(upload), kind=kind, size=stored.size, uploaded_by=by
        )
        store_file(document.file, stored)
        document.save()
        documents.append(document)
    return documents


def _require_editable(application: Application, actor: Any) -> None:
    """Documents change while the competition accepts applications, by the organisation's members."""
    from uchast.organisations.services.competitions import _require_open

    if not Membership.objects.filter(organisation_id=application.organisation_id, user=actor).exists():
        raise ActionRefused(
            "not_member", _("Only members of the organisation can change its application's documents."), status=403
        )
    _require_open(application.competition, timezone.now())


def application_documents_add(*, application: Application, actor: Any, uploads: Sequence[Any]) -> list[Any]:
    """Attach more documents to an application while applications are accepted (at most
    ``MAX_DOCUMENTS`` in all)."""
    if not [u for u in uploads if u is not None]:
        raise ActionRefused("file_required", _("Choose a file."))
    check_documents(uploads)  # the type and size before any lock; the count again under it
    with atomic_with_files():
        locked = Application.objects.select_for_update().select_related("competition").get(pk=application.pk)
        _require_editable(locked, actor)
        checked = check_documents(uploads, already=locked.documents.count())
        documents = store_documents(locked, checked, by=actor)
        audit.record(
            action="competition.documents_added",
            actor=actor,
            obj=locked,
            community=locked.competition.community,
            summary={"documents": [d.pk for d in documents]},
        )
    return documents


def application_document_remove(*, document: ApplicationDocument, actor: Any) -> Application:
    with transaction.atomic():
        locked = Application.objects.select_for_update().select_related("competition").get(pk=document.application_id)
        _require_editable(locked, actor)
        current = ApplicationDocument.objects.filter(pk=document.pk, application=locked).first()
        if current is None:
            raise ActionRefused("not_found", _("This document is no longer attached."))
        delete_after_commit(current.file)
        current.delete()
        audit.record(
            action="competition.document_removed",
            actor=actor,
            obj=locked,
            community=locked.competition.community,
            summary={"document": document.pk},
        )
    return locked


# ---- report photos -------------------------------------------------------------------------------


def store_photos(report: Report, checked: Checked, *, by: Any) -> list[ReportPhoto]:
    """Store checked photos privately, re-encoded without metadata (inside the caller's transaction)."""
    photos = []
    for upload, kind in checked:
        stored = stored_copy(upload, kind)
        photo = ReportPhoto(report=report, size=stored.size, uploaded_by=by)
        store_file(photo.file, stored)
        photo.save()
        photos.append(photo)
    return photos


def _lock_open_report(report: Report, actor: Any) -> Report:
    locked = Report.objects.select_for_update().select_related("application__competition").get(pk=report.pk)
    if not Membership.objects.filter(organisation_id=locked.application.organisation_id, user=actor).exists():
        raise ActionRefused(
            "not_member", _("Only members of the organisation can change its report's photos."), status=403
        )
    if locked.status == ReportStatus.ACCEPTED:
        raise ActionRefused("already_decided", _("The report is accepted; its photos no longer change."), status=409)
    return locked


def report_photos_add(*, report: Report, actor: Any, uploads: Sequence[Any]) -> list[ReportPhoto]:
    """Add photos to a report staff have not accepted yet (at most ``MAX_PHOTOS`` in all)."""
    if not [u for u in uploads if u is not None]:
        raise ActionRefused("file_required", _("Choose a file."))
    check_photos(uploads)
    with atomic_with_files():
        locked = _lock_open_report(report, actor)
        checked = check_photos(uploads, already=locked.photos.count())
        photos = store_photos(locked, checked, by=actor)
        application = locked.application
        audit.record(
            action="competition.report_photos_added",
            actor=actor,
            obj=application,
            community=application.competition.community,
            summary={"kind": locked.kind, "photos": [p.pk for p in photos]},
        )
    return photos


def report_photo_remove(*, photo: ReportPhoto, actor: Any) -> Report:
    with transaction.atomic():
        locked = _lock_open_report(photo.report, actor)
        current = ReportPhoto.objects.filter(pk=photo.pk, report=locked).first()
        if current is None:
            raise ActionRefused("not_found", _("This photo is no longer attached."))
        delete_after_commit(current.file)
        current.delete()
        application = locked.application
        audit.record(
            action="competition.report_photo_removed",
            actor=actor,
            obj=application,
            community=application.competition.community,
            summary={"kind": locked.kind, "photo": photo.pk},
        )
    return locked
