"""The actions on an appeal through the API (issue 18): co-signing, the department's handling steps
(staff, a token with the ``staff`` scope) and the person's rating and complaint, through the same
services, permissions and audit entries as the page's forms; refusals with their code."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from uchast.accounts.services import api_token_create
from uchast.appeals import services
from uchast.appeals.models import Appeal, CoSigner, Kind, PriorityCheck, Status
from uchast.core.models import AuditEntry
from uchast.testing.factories import make_user

from .conftest import make_draft

pytestmark = pytest.mark.django_db

REASONS = "Потрібен виїзд комісії та запит до обласної служби."


def _token(user: Any, *, staff: bool = False) -> dict[str, str]:
    scopes = ("read", "participate", "staff") if staff else ("read", "participate")
    _row, key = api_token_create(user=user, name="script", scopes=scopes, second_factor_recent=staff)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _post(path: str, body: dict[str, Any], auth: dict[str, str]) -> Any:
    return Client().post(f"/api/v1/appeals/{path}", body, content_type="application/json", **auth)


def _code(response: Any) -> str:
    return response.json()["error"]["code"]


def _audited(action: str, appeal: Appeal, actor: Any = None) -> bool:
    entries = AuditEntry.objects.filter(action=action, object_id=str(appeal.pk))
    return (entries.filter(actor=actor) if actor is not None else entries).exists()


def _file(resident: Any, community: Any, **overrides: Any) -> Appeal:
    return services.appeal_file(author=resident, community=community, draft=make_draft(**overrides))


def test_cosign_and_withdraw(resident: Any, community: Any, departments: Any) -> None:
    ivan = make_user(full_name="Іван Ткачук", email="ivan@example.org")
    appeal = _file(resident, community, cosigner_emails=["ivan@example.org"])
    response = _post(f"{appeal.pk}/cosign", {}, _token(ivan))
    assert response.status_code == 200 and response.json() == {"appeal": appeal.pk, "cosigned": True}
    assert CoSigner.objects.get(appeal=appeal, user=ivan).confirmed_at is not None
    assert _audited("appeal.cosigned", appeal)
    withdrawn = _post(f"{appeal.pk}/withdraw", {}, _token(ivan))
    assert withdrawn.status_code == 200 and withdrawn.json()["cosigned"] is False
    assert CoSigner.objects.get(appeal=appeal, user=ivan).withdrawn_at is not None
    assert _audited("appeal.cosign_withdrawn", appeal)
    # Withdrawn: no longer a party, so the private appeal is not there for them any more.
    again = _post(f"{appeal.pk}/cosign", {}, _token(ivan))
    assert again.status_code == 404 and _code(again) == "not_found"


def test_cosign_refusals(resident: Any, community: Any, departments: Any, social_official: Any) -> None:
    make_user(email="ivan@example.org")
    appeal = _file(resident, community, cosigner_emails=["ivan@example.org"])
    outsider = _post(f"{appeal.pk}/cosign", {}, _token(make_user(email="outsider@example.org")))
    assert outsider.status_code == 404 and _code(outsider) == "not_found"
    by_author = _post(f"{appeal.pk}/cosign", {}, _token(resident))
    assert by_author.status_code == 403 and _code(by_author) == "forbidden"
    anonymous = _post(f"{appeal.pk}/cosign", {}, {})
    assert anonymous.status_code == 401 and _code(anonymous) == "not_authenticated"
    assert not _audited("appeal.cosigned", appeal)


def test_route_priority_forward_extend_by_the_handling_department(
    resident: Any, community: Any, departments: Any, social_official: Any, housing_official: Any
) -> None:
    appeal = _file(resident, community, priority="war_disability")
    staff = _token(social_official, staff=True)
    priority = _post(f"{appeal.pk}/priority", {"confirmed": True}, staff)
    assert priority.status_code == 200 and priority.json()["personal"]["priority_check"] == PriorityCheck.CONFIRMED
    assert _audited("appeal.priority_checked", appeal, social_official)
    extended = _post(f"{appeal.pk}/extend", {"new_due": appeal.ceiling_date.isoformat(), "reasons": REASONS}, staff)
    assert extended.status_code == 200 and extended.json()["extension_reasons"] == REASONS
    assert extended.json()["due_date"] == appeal.ceiling_date.isoformat() and _audited("appeal.extended", appeal)
    no_reasons = _post(f"{appeal.pk}/extend", {"new_due": appeal.ceiling_date.isoformat()}, staff)
    assert no_reasons.status_code == 422 and _code(no_reasons) == "reasons_required"
    routed = _post(f"{appeal.pk}/route", {"department": departments["housing"].pk}, staff)
    assert routed.status_code == 200 and routed.json()["status"] == Status.IN_WORK
    assert Appeal.objects.get(pk=appeal.pk).department == departments["housing"]
    assert _audited("appeal.routed", appeal, social_official)
    # Routed away: social protection no longer sees it; housing passes it on.
    gone = _post(f"{appeal.pk}/forward", {"body": "Пенсійний фонд України"}, staff)
    assert gone.status_code == 404
    forwarded = _post(f"{appeal.pk}/forward", {"body": "Пенсійний фонд України"}, _token(housing_official, staff=True))
    assert forwarded.status_code == 200 and forwarded.json()["forwarded_to"] == "Пенсійний фонд України"
    assert Appeal.objects.get(pk=appeal.pk).status == Status.FORWARDED and _audited("appeal.forwarded", appeal)


def test_handling_refusals(
    resident: Any, community: Any, departments: Any, social_official: Any, housing_official: Any
) -> None:
    appeal = _file(resident, community)
    staff = _token(social_official, staff=True)
    without_scope = _post(f"{appeal.pk}/priority", {"confirmed": True}, _token(social_official))
    assert without_scope.status_code == 403 and _code(without_scope) == "insufficient_scope"
    no_priority = _post(f"{appeal.pk}/priority", {"confirmed": True}, staff)
    assert no_priority.status_code == 422 and _code(no_priority) == "no_priority"
    other_department = _post(
        f"{appeal.pk}/route", {"department": departments["housing"].pk}, _token(housing_official, staff=True)
    )
    assert other_department.status_code == 404 and _code(other_department) == "not_found"
    unknown = _post(f"{appeal.pk}/route", {"department": 999999}, staff)
    assert unknown.status_code == 422 and _code(unknown) == "bad_department"
    too_short = _post(f"{appeal.pk}/forward", {"body": "ПФ"}, staff)
    assert too_short.status_code == 422 and _code(too_short) == "body_required"
    author = Client()
    author.force_login(resident)  # a session has every scope: only the permission refuses
    by_author = author.post(
        f"/api/v1/appeals/{appeal.pk}/forward", {"body": "Пенсійний фонд"}, content_type="application/json"
    )
    assert by_author.status_code == 403 and _code(by_author) == "forbidden"
    missing = _post("999999/extend", {"new_due": "2030-01-01", "reasons": REASONS}, staff)
    assert missing.status_code == 404
    appeal.refresh_from_db()
    assert appeal.status == Status.REGISTERED and not appeal.forwarded_to


def test_rate_and_complain_after_the_answer(
    resident: Any, community: Any, departments: Any, social_official: Any
) -> None:
    appeal = _file(resident, community)
    early = _post(f"{appeal.pk}/rate", {"rating": 4}, _token(resident))
    assert early.status_code == 403 and _code(early) == "forbidden"
    services.appeal_answer(appeal=appeal, actor=social_official, text="Допомогу нараховано 3 грудня.")
    out_of_range = _post(f"{appeal.pk}/rate", {"rating": 6}, _token(resident))
    assert out_of_range.status_code == 422 and _code(out_of_range) == "invalid_input"
    rated = _post(f"{appeal.pk}/rate", {"rating": 4}, _token(resident))
    assert rated.status_code == 200 and rated.json()["personal"]["rating"] == 4
    assert Appeal.objects.get(pk=appeal.pk).rating == 4 and _audited("appeal.rated", appeal)
    handler = _post(f"{appeal.pk}/rate", {"rating": 1}, _token(social_official))
    assert handler.status_code == 403 and _code(handler) == "forbidden"
    complaint = _post(f"{appeal.pk}/complain", {"text": "Допомогу так і не виплачено, хоча обіцяли."}, _token(resident))
    assert complaint.status_code == 201, complaint.content
    created = Appeal.objects.get(pk=complaint.json()["id"])
    assert created.kind == Kind.COMPLAINT and created.complaint_about == appeal
    assert _audited("appeal.complained", appeal) and _audited("appeal.filed", created)
