"""Everything scriptable (issue 18, item 3): every state-changing page of the site has an API
operation, or is in the exception list below with its reason.

A view is state-changing when it accepts POST (read from its ``require_POST`` /
``require_http_methods`` decorator); a view whose methods cannot be read fails the test until it is
declared. Every exception gives its reason: a page whose action must not be done by a program.
Removing an entry without adding the operation fails here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from uchast.api.api import api

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("api/", "admin/", "accounts/", "i18n/", "media/")  # the API itself, Django admin, allauth

#: URL name → the API operation (its operationId) doing the same through the same service.
COUNTERPARTS = {
    "accounts:profile": "uchast_api_api_update_my_profile",
    "budget:project_new": "uchast_budget_api_write_propose_project",
    "budget:review": "uchast_budget_api_write_review_project",
    "budget:vote": "uchast_budget_api_cast_ballot",
    "consultations:statement_vote": "uchast_consultations_api_vote",
    "consultations:survey": "uchast_consultations_api_answer_survey",
    "petitions:create": "uchast_petitions_api_write_create_petition",
    "petitions:submit": "uchast_petitions_api_write_submit_petition",
    "petitions:sign": "uchast_petitions_api_sign_petition",
    "petitions:withdraw": "uchast_petitions_api_withdraw_signature",
    "petitions:publish": "uchast_petitions_api_write_publish_petition",
    "petitions:answer": "uchast_petitions_api_write_answer_petition",
    "appeals:create": "uchast_appeals_api_file_appeal",
    "appeals:answer": "uchast_appeals_api_answer_appeal",
    "organisations:apply": "uchast_organisations_api_apply",
    "organisations:report": "uchast_organisations_api_file_report",
    "accounts:token_revoke": "uchast_accounts_api_revoke_my_token",
    "core:comment_add": "uchast_core_api_ops_add_comment",
    "core:follow_toggle": "uchast_core_api_ops_follow",
    "core:user_block": "uchast_core_api_ops_block_user",
    "core:user_unblock": "uchast_core_api_ops_unblock_user",
    "core:report": "uchast_core_api_ops_report_contribution",
    "core:hide": "uchast_core_api_ops_hide_contribution",
    "core:restore": "uchast_core_api_ops_restore_contribution",
    "core:reports_dismiss": "uchast_core_api_ops_dismiss_reports",
    "channels:open": "uchast_channels_api_open_item",
    "channels:read_all": "uchast_channels_api_read_all",
    "channels:settings": "uchast_channels_api_update_settings",
    "channels:telegram": "uchast_channels_api_telegram_link_code",
    "channels:telegram_unlink": "uchast_channels_api_telegram_unlink",
    "channels:push_subscribe": "uchast_channels_api_push_subscribe",
    "channels:push_off": "uchast_channels_api_push_off",
    "channels:calendar_reset": "uchast_channels_api_calendar_reset",
    "channels:announcements": "uchast_channels_api_send_announcement",
    "budget:receipt": "uchast_budget_api_receipt_check_receipt",
    "budget:cycle_new": "uchast_budget_api_cycle_create_cycle",
    "budget:category_new": "uchast_budget_api_cycle_create_category",
    "budget:category_edit": "uchast_budget_api_cycle_change_category",
    "budget:cycle_supports": "uchast_budget_api_cycle_set_supports",
    "budget:cycle_phase": "uchast_budget_api_cycle_set_phase",
    "budget:cycle_suspend": "uchast_budget_api_cycle_suspend_cycle",
    "budget:cycle_resume": "uchast_budget_api_cycle_resume_cycle",
    "budget:cycle_count": "uchast_budget_api_cycle_count_ballots",
    "budget:cycle_publish": "uchast_budget_api_cycle_publish_results",
    "budget:review_assign": "uchast_budget_api_write_assign_reviewer",
    "budget:milestones": "uchast_budget_api_projects_add_milestone",
    "budget:batch_new": "uchast_budget_api_paper_create_paper_batch",
    "budget:batch": "uchast_budget_api_paper_enter_paper_ballot",
    "budget:batch_check": "uchast_budget_api_paper_check_paper_ballot",
    "budget:batch_resolve": "uchast_budget_api_paper_resolve_paper_position",
    "budget:ballot_resolve": "uchast_budget_api_paper_resolve_flagged_ballot",
    "budget:project_edit": "uchast_budget_api_projects_edit_project",
    "budget:project_appeal": "uchast_budget_api_projects_appeal_project",
    "budget:project_support": "uchast_budget_api_projects_support_project",
    "budget:coauthor_invite": "uchast_budget_api_projects_invite_coauthor",
    "budget:coauthor_revoke": "uchast_budget_api_projects_revoke_coauthor_invitation",
    "budget:invitation": "uchast_budget_api_projects_accept_invitation",
    "budget:project_follow": "uchast_budget_api_projects_follow_project",
    "consultations:create": "uchast_consultations_api_staff_create_consultation",
    "consultations:draft": "uchast_consultations_api_staff_publish_draft",
    "consultations:attachment_add": "uchast_consultations_api_staff_add_attachment",
    "consultations:advance": "uchast_consultations_api_staff_advance_consultation",
    "consultations:statements": "uchast_consultations_api_participation_add_statement",
    "consultations:survey_create": "uchast_consultations_api_staff_create_survey",
    "consultations:survey_binding": "uchast_consultations_api_staff_set_survey_binding",
    "consultations:question_add": "uchast_consultations_api_staff_add_question",
    "consultations:meeting_create": "uchast_consultations_api_staff_create_meeting",
    "consultations:meeting_minutes": "uchast_consultations_api_staff_record_minutes",
    "consultations:answers": "uchast_consultations_api_staff_answer_proposal",
    "consultations:report_publish": "uchast_consultations_api_staff_publish_report",
    "consultations:section_propose": "uchast_consultations_api_participation_propose",
    "consultations:proposal_support": "uchast_consultations_api_participation_support_proposal",
    "consultations:meeting_register": "uchast_consultations_api_participation_register_for_meeting",
    "consultations:meeting_propose": "uchast_consultations_api_participation_propose_meeting",
    "consultations:meeting_proposal_accept": "uchast_consultations_api_staff_accept_meeting_proposal",
    "consultations:meeting_proposal_decline": "uchast_consultations_api_staff_decline_meeting_proposal",
    "petitions:edit": "uchast_petitions_api_write_edit_petition",
    "petitions:refuse": "uchast_petitions_api_write_refuse_petition",
    "petitions:assign": "uchast_petitions_api_write_assign_petition",
    "petitions:archive": "uchast_petitions_api_write_archive_petition",
    "verification:document": "uchast_verification_api_submit_document",
    "verification:census": "uchast_verification_api_claim_census",
    "verification:code": "uchast_verification_api_redeem_code",
    "verification:person_number": "uchast_verification_api_add_person_number",
    "verification:staff_verification": "uchast_verification_api_staff_revoke_verification",
    "verification:staff_codes": "uchast_verification_api_staff_issue_codes",
    "verification:staff_census": "uchast_verification_api_staff_import_census",
    "verification:staff_census_unlock": "uchast_verification_api_staff_unlock_census_entry",
    "verification:staff_methods": "uchast_verification_api_staff_switch_method",
    "verification:staff_providers": "uchast_verification_api_staff_switch_provider",
    "verification:staff_provider_new": "uchast_verification_api_staff_create_provider",
    "verification:staff_provider": "uchast_verification_api_staff_change_provider",
    "appeals:cosign": "uchast_appeals_api_actions_cosign_appeal",
    "appeals:withdraw": "uchast_appeals_api_actions_withdraw_cosignature",
    "appeals:route": "uchast_appeals_api_actions_route_appeal",
    "appeals:priority": "uchast_appeals_api_actions_check_priority",
    "appeals:forward": "uchast_appeals_api_actions_forward_appeal",
    "appeals:extend": "uchast_appeals_api_actions_extend_appeal",
    "appeals:rate": "uchast_appeals_api_actions_rate_answer",
    "appeals:complain": "uchast_appeals_api_actions_complain_about_answer",
    "appeals:report_create": "uchast_appeals_api_reports_report_problem",
    "appeals:metoo": "uchast_appeals_api_reports_metoo",
    "appeals:report_status": "uchast_appeals_api_reports_update_report_status",
    "organisations:register": "uchast_organisations_api_registry_register_organisation",
    "organisations:confirm": "uchast_organisations_api_registry_confirm_organisation",
    "organisations:refuse": "uchast_organisations_api_registry_refuse_organisation",
    "organisations:invite": "uchast_organisations_api_registry_invite_member",
    "organisations:accept": "uchast_organisations_api_registry_accept_invitation",
    "organisations:announce": "uchast_organisations_api_competitions_announce_competition",
    "organisations:suspend": "uchast_organisations_api_competitions_suspend_competition",
    "organisations:resume": "uchast_organisations_api_competitions_resume_competition",
    "organisations:publish": "uchast_organisations_api_competitions_publish_results",
    "organisations:eligibility": "uchast_organisations_api_competitions_set_eligibility",
    "organisations:conflict": "uchast_organisations_api_competitions_declare_conflict",
    "organisations:score": "uchast_organisations_api_competitions_score_application",
    "organisations:decide_report": "uchast_organisations_api_competitions_decide_report",
    "organisations:body_new": "uchast_organisations_api_bodies_create_body",
    "organisations:meeting_new": "uchast_organisations_api_bodies_schedule_meeting",
    "organisations:election_new": "uchast_organisations_api_bodies_open_election",
    "organisations:election_vote": "uchast_organisations_api_bodies_vote_in_election",
    "organisations:election_count": "uchast_organisations_api_bodies_count_election",
    "organisations:body_members": "uchast_organisations_api_bodies_add_seat",
    "organisations:body_member_end": "uchast_organisations_api_bodies_end_seat",
    "organisations:files": "uchast_organisations_api_uploads_set_organisation_files",
    "organisations:documents": "uchast_organisations_api_uploads_add_documents",
    "organisations:document_remove": "uchast_organisations_api_uploads_remove_document",
    "organisations:report_photos": "uchast_organisations_api_uploads_add_report_photos",
    "organisations:report_photo_remove": "uchast_organisations_api_uploads_remove_report_photo",
    "organisations:minutes": "uchast_organisations_api_bodies_publish_minutes",
    "organisations:decision_send": "uchast_organisations_api_bodies_send_decision",
}

#: URL name → why it has no API operation.
EXCEPTIONS = {
    # Justified: not to be done by a program.
    "accounts:token_create": "a token is created in the browser only: a token that mints tokens would outlive "
    "its own revocation, and a staff token needs the second factor typed by a person",
    "accounts:confirmation_help": "for an account whose e-mail is not confirmed yet, which cannot hold a token; "
    "it asks for the password",
    "accounts:delete": "deleting the account asks for the password again (allauth reauthentication), which a "
    "token cannot give; the data download (GET) is scriptable",
    "verification:staff_document": "reviewing identity documents shows scans of personal documents: kept to "
    "the browser, where the file is streamed once to the reviewing official",
    "budget:cycle_key": "the commission key's shares are shown once to the members in the room and never "
    "stored: a program that fetched them would hold every share at once, which the k-of-n split exists to prevent",
    "channels:telegram_webhook": "Telegram's own webhook: already a machine endpoint, authenticated by the secret "
    "token header Telegram sends",
    "channels:unsubscribe": "the RFC 8058 one-click unsubscribe a mail client posts: already a machine endpoint, "
    "authenticated by the signed token in its address",
}

#: Views whose methods cannot be read from a decorator, and that change nothing (feeds).
READ_ONLY = {"core:audit_checkpoints_feed", "petitions:feed_rss", "petitions:feed_atom"}

_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def allowed_methods(view: Callable[..., Any] | None, depth: int = 0) -> set[str] | None:
    """The methods a view accepts, read from Django's ``require_http_methods`` closure, or None."""
    if view is None or depth > 8:
        return None
    cells = []
    for cell in getattr(view, "__closure__", None) or ():
        try:
            cells.append(cell.cell_contents)
        except ValueError:  # an empty cell
            continue
    for value in cells:
        if isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value):
            if set(value) <= _METHODS:
                return set(value)
    for value in cells:
        if callable(value) and (found := allowed_methods(value, depth + 1)):
            return found
    return allowed_methods(getattr(view, "__wrapped__", None), depth + 1)


def site_views(resolver: URLResolver | None = None, prefix: str = "", namespace: str = "") -> Iterator[Any]:
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from site_views(pattern, route, inner)
        elif isinstance(pattern, URLPattern) and not route.startswith(SKIPPED_PREFIXES):
            yield route, namespace + (pattern.name or ""), pattern.callback


def _operation_ids() -> set[str]:
    schema = api.get_openapi_schema()
    return {op["operationId"] for methods in schema["paths"].values() for op in methods.values()}


def test_every_state_changing_view_has_an_api_operation_or_a_reason() -> None:
    missing, unreadable, changing = [], [], set()
    for route, name, view in site_views():
        methods = allowed_methods(view)
        if methods is None:
            if name not in READ_ONLY:
                unreadable.append(f"{name} ({route})")
            continue
        if "POST" in methods:
            changing.add(name)
            if name not in COUNTERPARTS and name not in EXCEPTIONS:
                missing.append(f"{name} ({route})")
    assert not unreadable, f"views whose methods cannot be read (declare them): {unreadable}"
    assert not missing, "state-changing views with no API operation and no reason:\n" + "\n".join(missing)
    stale = (set(COUNTERPARTS) | set(EXCEPTIONS)) - changing
    assert not stale, f"entries for views that no longer exist or no longer change state: {sorted(stale)}"
    assert not set(COUNTERPARTS) & set(EXCEPTIONS)


def test_every_counterpart_is_a_real_operation() -> None:
    unknown = set(COUNTERPARTS.values()) - _operation_ids()
    assert not unknown, unknown


def test_method_detection_reads_the_decorators() -> None:
    from uchast.petitions import views

    assert allowed_methods(views.sign) == {"POST"}
    assert allowed_methods(views.index) == {"GET", "HEAD"}
