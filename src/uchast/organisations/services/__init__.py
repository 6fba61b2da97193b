"""Every write of the organisations module, by topic: ``registry`` (organisations, members,
invitations), ``competitions`` (announcing, applying, phases), ``review`` (eligibility, conflicts,
scores, results, reports), ``uploads`` (logo, statute, application documents, report photos)."""

from uchast.organisations.services.competitions import (
    application_submit,
    competition_announce,
    competition_resume,
    competition_suspend,
    competition_sync_phase,
)
from uchast.organisations.services.registry import (
    anonymise_user,
    invitation_accept,
    invitation_send,
    organisation_confirm,
    organisation_refuse,
    organisation_register,
)
from uchast.organisations.services.review import (
    application_set_eligibility,
    conflict_declare,
    report_decide,
    report_submit,
    results_publish,
    scores_submit,
)
from uchast.organisations.services.uploads import (
    application_document_remove,
    application_documents_add,
    organisation_files_set,
    report_photo_remove,
    report_photos_add,
)

__all__ = [
    "anonymise_user",
    "application_document_remove",
    "application_documents_add",
    "organisation_files_set",
    "report_photo_remove",
    "report_photos_add",
    "application_set_eligibility",
    "application_submit",
    "competition_announce",
    "competition_resume",
    "competition_suspend",
    "competition_sync_phase",
    "conflict_declare",
    "invitation_accept",
    "invitation_send",
    "organisation_confirm",
    "organisation_refuse",
    "organisation_register",
    "report_decide",
    "report_submit",
    "results_publish",
    "scores_submit",
]
