"""Everything scriptable (issue 18, item 3): every state-changing page of the site has an API
operation, or is in the exception list below with its reason.

A view is state-changing when it accepts POST (read from its ``require_POST`` /
``require_http_methods`` decorator); a view whose methods cannot be read fails the test until it is
declared. Entries marked ``TODO(#18)`` are operations not written yet: the list says so honestly,
and removing an entry without adding the operation fails here.
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
}

_TODO = "TODO(#18): the operation is not written yet"

#: URL name → why it has no API operation.
EXCEPTIONS = {
    # Justified: not to be done by a program.
    "accounts:token_create": "a token is created in the browser only: a token that mints tokens would outlive "
    "its own revocation, and a staff token needs the second factor typed by a person",
    "accounts:confirmation_help": "for an account whose e-mail is not confirmed yet, which cannot hold a token; "
    "it asks for the password",
    "accounts:delete": "deleting the account asks for the password again (allauth reauthentication), which a "
    "token cannot give; the data download (GET) is scriptable",
    "budget:receipt": "a lookup sent by POST so the receipt code stays out of logs and history; changes nothing "
    "(TODO(#18): a GET operation for the same lookup)",
    "verification:staff_document": "reviewing identity documents shows scans of personal documents: kept to "
    "the browser, where the file is streamed once to the reviewing official",
    "budget:cycle_key": "the commission key's shares are shown once to the members in the room and never "
    "stored: a program that fetched them would hold every share at once, which the k-of-n split exists to prevent",
    "channels:telegram_webhook": "Telegram's own webhook: already a machine endpoint, authenticated by the secret "
    "token header Telegram sends",
    "channels:unsubscribe": "the RFC 8058 one-click unsubscribe a mail client posts: already a machine endpoint, "
    "authenticated by the signed token in its address",
    # Not done in this session: honest TODOs.
    "accounts:token_revoke": _TODO,
    "core:comment_add": _TODO + " (comments on consultation sections exist: uchast_consultations_api_comment)",
    "core:follow_toggle": _TODO,
    "core:user_block": _TODO,
    "core:user_unblock": _TODO,
    "core:report": _TODO,
    "core:hide": _TODO,
    "core:restore": _TODO,
    "core:reports_dismiss": _TODO,
    "verification:document": _TODO + " (a multipart upload of the document)",
    "verification:census": _TODO,
    "verification:code": _TODO,
    "verification:person_number": _TODO,
    "verification:staff_verification": _TODO,
    "verification:staff_codes": _TODO,
    "verification:staff_census": _TODO,
    "verification:staff_census_unlock": _TODO,
    "verification:staff_methods": _TODO,
    "verification:staff_providers": _TODO,
    "verification:staff_provider_new": _TODO,
    "verification:staff_provider": _TODO,
    "budget:cycle_new": _TODO,
    "budget:category_new": _TODO,
    "budget:category_edit": _TODO,
    "budget:cycle_supports": _TODO,
    "budget:cycle_phase": _TODO,
    "budget:cycle_suspend": _TODO,
    "budget:cycle_resume": _TODO,
    "budget:cycle_count": _TODO,
    "budget:cycle_publish": _TODO,
    "budget:batch_new": _TODO,
    "budget:ballot_resolve": _TODO,
    "budget:project_edit": _TODO,
    "budget:project_appeal": _TODO,
    "budget:project_support": _TODO,
    "budget:coauthor_invite": _TODO,
    "budget:coauthor_revoke": _TODO,
    "budget:invitation": _TODO,
    "budget:project_follow": _TODO,
    "budget:review_assign": _TODO,
    "budget:milestones": _TODO,
    "budget:batch": _TODO + " (paper ballots)",
    "budget:batch_check": _TODO,
    "consultations:create": _TODO,
    "consultations:draft": _TODO,
    "consultations:attachment_add": _TODO,
    "consultations:advance": _TODO,
    "consultations:statements": _TODO + " (adding a statement)",
    "consultations:survey_create": _TODO,
    "consultations:meeting_create": _TODO,
    "consultations:answers": _TODO,
    "consultations:report_publish": _TODO,
    "consultations:section_propose": _TODO,
    "consultations:proposal_support": _TODO,
    "consultations:question_add": _TODO,
    "consultations:meeting_register": _TODO,
    "consultations:meeting_minutes": _TODO,
    "petitions:edit": _TODO,
    "petitions:refuse": _TODO,
    "petitions:assign": _TODO,
    "petitions:archive": _TODO,
    "channels:open": _TODO,
    "channels:read_all": _TODO,
    "channels:settings": _TODO,
    "channels:telegram": _TODO,
    "channels:telegram_unlink": _TODO,
    "channels:push_subscribe": _TODO,
    "channels:push_off": _TODO,
    "channels:calendar_reset": _TODO,
    "channels:announcements": _TODO,
    "organisations:register": _TODO,
    "organisations:confirm": _TODO,
    "organisations:refuse": _TODO,
    "organisations:invite": _TODO,
    "organisations:accept": _TODO,
    "organisations:announce": _TODO,
    "organisations:suspend": _TODO,
    "organisations:resume": _TODO,
    "organisations:publish": _TODO,
    "organisations:eligibility": _TODO,
    "organisations:conflict": _TODO,
    "organisations:score": _TODO,
    "organisations:decide_report": _TODO,
    "organisations:body_new": _TODO,
    "organisations:meeting_new": _TODO,
    "organisations:election_new": _TODO,
    "organisations:election_vote": _TODO,
    "organisations:election_count": _TODO,
    "organisations:minutes": _TODO,
    "organisations:decision_send": _TODO,
    "budget:batch_resolve": _TODO,
    "consultations:survey_binding": _TODO,
    "appeals:cosign": _TODO,
    "appeals:withdraw": _TODO,
    "appeals:route": _TODO,
    "appeals:priority": _TODO,
    "appeals:forward": _TODO,
    "appeals:extend": _TODO,
    "appeals:rate": _TODO,
    "appeals:complain": _TODO,
    "appeals:report_create": _TODO,
    "appeals:metoo": _TODO,
    "appeals:report_status": _TODO,
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
