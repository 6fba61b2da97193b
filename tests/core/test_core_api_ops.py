"""Core's comments, follows and moderation through the API (issue 18, everything scriptable): each
operation does what its page does (same service, permission, audit entry) and refuses with its code."""

from __future__ import annotations

from typing import Any

import pytest
import rules
from django.test import Client

from uchast.accounts.services import api_token_create
from uchast.core import comments, moderation, notifications
from uchast.core.models import AuditEntry, Comment, ModerationReport, UserBlock
from uchast.testing.factories import make_user

pytestmark = pytest.mark.django_db


def _auth(user: Any, *scopes: str) -> dict[str, str]:
    _token, key = api_token_create(
        user=user, name="test", scopes=scopes or ("read", "participate"), second_factor_recent=True
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _staff(user: Any) -> dict[str, str]:
    return _auth(user, "read", "participate", "staff")


def _post(client: Client, path: str, body: Any = None, **headers: str) -> Any:
    return client.post(path, body or {}, content_type="application/json", **headers)


def _code(response: Any) -> str:
    return str(response.json()["error"]["code"])


@pytest.fixture
def target(community):
    """A district stands in for a module's object, opted in to comments and follows as modules do."""
    rules.add_perm("core.comment_district", rules.is_authenticated)
    rules.add_perm("core.follow_district", rules.is_authenticated)
    yield community.districts.first()
    rules.remove_perm("core.comment_district")
    rules.remove_perm("core.follow_district")


def _last_audit() -> AuditEntry:
    return AuditEntry.objects.order_by("-sequence").first()


# --- Comments ------------------------------------------------------------------------------------


def test_comment_and_reply_through_the_api(client, target, resident):
    path = f"/api/v1/comments/core.district/{target.pk}"
    response = _post(client, path, {"body": "  Добра ідея  "}, **_auth(resident))
    assert response.status_code == 201, response.content
    created = response.json()
    comment = Comment.objects.get(pk=created["id"])
    assert comment.body == "Добра ідея" and comment.author == resident and comment.target == target
    assert created["kind"] == "core.district" and created["target_id"] == str(target.pk)
    reply = _post(client, path, {"body": "Згоден", "parent": comment.pk}, **_auth(resident))
    assert reply.status_code == 201 and reply.json()["parent"] == comment.pk


def test_comment_refusals(client, target, resident, moderator):
    path = f"/api/v1/comments/core.district/{target.pk}"
    assert _code(_post(client, path, {"body": "x"})) == "not_authenticated"
    empty = _post(client, path, {"body": "   "}, **_auth(resident))
    assert empty.status_code == 422 and _code(empty) == "empty"
    too_long = _post(client, path, {"body": "я" * (comments.MAX_COMMENT_LENGTH + 1)}, **_auth(resident))
    assert too_long.status_code == 422 and _code(too_long) == "too_long"
    no_parent = _post(client, path, {"body": "x", "parent": 999999}, **_auth(resident))
    assert no_parent.status_code == 422 and _code(no_parent) == "bad_parent"
    # Models that did not opt in, unknown objects and malformed kinds are all 404 or 422.
    assert (
        _post(
            client, f"/api/v1/comments/core.community/{target.community.pk}", {"body": "x"}, **_auth(resident)
        ).status_code
        == 404
    )
    assert _post(client, "/api/v1/comments/core.district/999999", {"body": "x"}, **_auth(resident)).status_code == 404
    assert _code(_post(client, "/api/v1/comments/district/1", {"body": "x"}, **_auth(resident))) == "invalid_input"
    moderation.user_block(moderator=moderator, user=resident, community=target.community, reason="Спам")
    blocked = _post(client, path, {"body": "Знову я"}, **_auth(resident))
    assert blocked.status_code == 403 and _code(blocked) == "blocked"
    assert not Comment.objects.exists()


def test_comment_needs_the_modules_permission(client, target, resident):
    rules.set_perm("core.comment_district", rules.always_deny)
    response = _post(client, f"/api/v1/comments/core.district/{target.pk}", {"body": "x"}, **_auth(resident))
    assert response.status_code == 403 and _code(response) == "forbidden"


# --- Follows -------------------------------------------------------------------------------------


def test_follow_and_unfollow_through_the_api(client, target, resident):
    path = f"/api/v1/follows/core.district/{target.pk}"
    assert client.get(path, **_auth(resident)).json()["following"] is False
    followed = client.put(path, **_auth(resident))
    assert followed.status_code == 200 and followed.json()["following"] is True
    assert notifications.is_following(resident, target)
    assert client.put(path, **_auth(resident)).json()["following"] is True  # idempotent
    assert client.get(path, **_auth(resident)).json()["following"] is True
    assert client.delete(path, **_auth(resident)).json()["following"] is False
    assert not notifications.is_following(resident, target)


def test_follow_refusals(client, target, resident):
    assert client.put(f"/api/v1/follows/core.district/{target.pk}").status_code == 401
    assert client.put("/api/v1/follows/core.district/999999", **_auth(resident)).status_code == 404
    rules.set_perm("core.follow_district", rules.always_deny)
    refused = client.put(f"/api/v1/follows/core.district/{target.pk}", **_auth(resident))
    assert refused.status_code == 403 and _code(refused) == "forbidden"


# --- Moderation ----------------------------------------------------------------------------------


def test_report_queue_dismiss_hide_and_restore_through_the_api(client, target, resident, moderator):
    comment = comments.comment_create(author=resident, target=target, body="образа")
    base = f"/api/v1/moderation/core.comment/{comment.pk}"
    reporter = make_user()
    reported = _post(client, f"{base}/report", {"reason": "Образливо"}, **_auth(reporter))
    assert reported.status_code == 201 and reported.json()["target_id"] == str(comment.pk)
    assert ModerationReport.objects.get().reporter == reporter
    again = _post(client, f"{base}/report", {"reason": "Ще раз"}, **_auth(reporter))
    assert again.status_code == 409 and _code(again) == "already_reported"

    queue = client.get("/api/v1/moderation/queue", **_staff(moderator))
    assert queue.status_code == 200
    [item] = queue.json()
    assert item["kind"] == "core.comment" and item["id"] == str(comment.pk) and item["reasons"] == ["Образливо"]

    dismissed = _post(client, f"{base}/dismiss", **_staff(moderator))
    assert dismissed.status_code == 200 and dismissed.json()["hidden"] is False
    assert _last_audit().action == "moderation.reports_dismissed"
    assert client.get("/api/v1/moderation/queue", **_staff(moderator)).json() == []

    hidden = _post(client, f"{base}/hide", {"reason": "Мова ворожнечі"}, **_staff(moderator))
    assert hidden.status_code == 200
    assert hidden.json() == {
        "kind": "core.comment", "id": str(comment.pk), "hidden": True, "hidden_reason": "Мова ворожнечі",
        "report_count": 1,
    }  # fmt: skip
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_by == moderator
    entry = _last_audit()
    assert entry.action == "moderation.comment_hidden" and entry.actor == moderator

    restored = _post(client, f"{base}/restore", **_staff(moderator))
    assert restored.status_code == 200 and restored.json()["hidden"] is False
    assert _last_audit().action == "moderation.comment_restored"


def test_moderation_refusals(client, target, resident, moderator):
    comment = comments.comment_create(author=resident, target=target, body="образа")
    base = f"/api/v1/moderation/core.comment/{comment.pk}"
    assert _post(client, f"{base}/report", {"reason": "x"}).status_code == 401
    # A resident may report but not hide; a moderator's token without the staff scope may not either.
    forbidden = _post(client, f"{base}/hide", {"reason": "x"}, **_auth(resident))
    assert forbidden.status_code == 403 and _code(forbidden) == "forbidden"
    unscoped = _post(client, f"{base}/hide", {"reason": "x"}, **_auth(moderator))
    assert unscoped.status_code == 403 and _code(unscoped) == "insufficient_scope"
    assert client.get("/api/v1/moderation/queue", **_auth(resident)).status_code == 403
    no_reason = _post(client, f"{base}/hide", {"reason": "  "}, **_staff(moderator))
    assert no_reason.status_code == 422 and _code(no_reason) == "reason_required"
    assert (
        _post(client, "/api/v1/moderation/core.comment/999999/hide", {"reason": "x"}, **_staff(moderator)).status_code
        == 404
    )
    assert (
        _post(
            client, f"/api/v1/moderation/core.community/{comment.pk}/hide", {"reason": "x"}, **_staff(moderator)
        ).status_code
        == 404
    )
    too_long = _post(client, f"{base}/report", {"reason": "x" * 301}, **_auth(resident))
    assert too_long.status_code == 422 and _code(too_long) == "invalid_input"
    comment.refresh_from_db()
    assert not comment.is_hidden and not ModerationReport.objects.exists()


def test_block_list_and_lift_through_the_api(client, target, resident, moderator):
    blocked = _post(client, f"/api/v1/moderation/users/{resident.pk}/block", {"reason": "Спам"}, **_staff(moderator))
    assert blocked.status_code == 201, blocked.content
    block = UserBlock.objects.get()
    assert blocked.json()["id"] == block.pk and blocked.json()["lifted"] is False
    assert moderation.is_blocked(resident, target.community)
    assert _last_audit().action == "moderation.user_blocked"
    listed = client.get("/api/v1/moderation/blocks", **_staff(moderator)).json()
    assert [b["user"] for b in listed] == [resident.pk]

    lifted = _post(client, f"/api/v1/moderation/blocks/{block.pk}/lift", **_staff(moderator))
    assert lifted.status_code == 200 and lifted.json()["lifted"] is True
    assert not moderation.is_blocked(resident, target.community)
    assert _last_audit().action == "moderation.user_unblocked"
    assert client.get("/api/v1/moderation/blocks", **_staff(moderator)).json() == []


def test_block_refusals(client, target, resident, moderator):
    path = f"/api/v1/moderation/users/{resident.pk}/block"
    assert _post(client, path, {"reason": "Спам"}).status_code == 401
    refused = _post(client, f"/api/v1/moderation/users/{moderator.pk}/block", {"reason": "x"}, **_auth(resident))
    assert refused.status_code == 403 and _code(refused) == "forbidden"
    myself = _post(client, f"/api/v1/moderation/users/{moderator.pk}/block", {"reason": "x"}, **_staff(moderator))
    assert myself.status_code == 422 and _code(myself) == "self"
    assert (
        _post(client, "/api/v1/moderation/users/999999/block", {"reason": "x"}, **_staff(moderator)).status_code == 404
    )
    assert _post(client, "/api/v1/moderation/blocks/999999/lift", **_staff(moderator)).status_code == 404
    missing = _post(client, path, {}, **_staff(moderator))
    assert missing.status_code == 422 and _code(missing) == "invalid_input"
    assert not UserBlock.objects.exists()
