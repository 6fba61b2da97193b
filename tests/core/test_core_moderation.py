"""Core moderation: one registry, every action through its own URL, blocks, the audit log.
(The queue across kinds and the data migrations: tests/consultations/test_consultations_moderation.py.)"""

from __future__ import annotations

import pytest
import rules
from django.contrib.contenttypes.models import ContentType
from django.urls import Resolver404, resolve

from uchast.core import comments, moderation, moderation_views
from uchast.core.errors import ActionRefused
from uchast.core.models import Comment, Community, ModerationReport, UserBlock
from uchast.testing.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(community):
    """A district stands in for a module's object, opted in to comments as modules do in rules.py."""
    rules.add_perm("core.comment_district", rules.is_authenticated)
    yield community.districts.first()
    rules.remove_perm("core.comment_district")


# --- Routes --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "view"),
    [
        ("/comments/12/34/add/", moderation_views.comment_add),
        ("/comments/12/", moderation_views.comment_permalink),
        ("/follow/12/34/", moderation_views.follow_toggle),
        ("/moderation/", moderation_views.moderation_queue),
        ("/moderation/core.comment/5/report/", moderation_views.contribution_report),
        ("/moderation/core.comment/5/hide/", moderation_views.contribution_hide),
        ("/moderation/core.comment/5/restore/", moderation_views.contribution_restore),
        ("/moderation/core.comment/5/dismiss/", moderation_views.reports_dismiss),
        ("/moderation/consultations.proposal/5/report/", moderation_views.contribution_report),
        ("/moderation/users/5/block/", moderation_views.user_block),
        ("/moderation/blocks/5/lift/", moderation_views.user_unblock),
    ],
)
def test_every_action_has_its_own_route(path, view):
    """A route ``comments/<int>/<str>/`` once swallowed ``comments/<pk>/report/`` (404 on report and
    hide): each path resolves to its own view, and no other core pattern matches it."""
    from uchast.core.urls import urlpatterns

    assert resolve(path).func is view
    assert sum(pattern.resolve(path.lstrip("/")) is not None for pattern in urlpatterns) == 1


def test_old_comment_action_routes_are_gone():
    for path in ("/comments/5/report/", "/comments/5/hide/", "/comments/5/restore/"):
        with pytest.raises(Resolver404):
            resolve(path)


# --- Registry ------------------------------------------------------------------------------------


def test_registry_knows_comments_proposals_and_statements_and_refuses_plain_models():
    assert {"core.comment", "consultations.proposal", "consultations.statement"} <= {
        kind.key for kind in moderation.moderated_kinds()
    }
    assert moderation.moderated_kind("core.community") is None
    with pytest.raises(TypeError):
        moderation.register_moderated(Community, report_permission="x", url=str, text=str)


# --- Comments through their URLs -----------------------------------------------------------------


def _comment(target, author):
    return comments.comment_create(author=author, target=target, body="образа")


def test_comment_report_hide_restore_and_dismiss_through_their_urls(client, target, resident, moderator):
    comment = _comment(target, resident)
    base = f"/moderation/core.comment/{comment.pk}"
    reporter = make_user()
    client.force_login(reporter)
    assert client.post(f"{base}/report/", {"reason": "", "next": "/about/"}).status_code == 302
    assert not ModerationReport.objects.exists()  # a reason is required
    response = client.post(f"{base}/report/", {"reason": "Образливо", "next": "/about/"})
    assert response.status_code == 302 and response["Location"] == "/about/"
    assert ModerationReport.objects.get().target_id == str(comment.pk)
    assert client.post(f"{base}/hide/", {"reason": "ні"}).status_code == 403
    assert client.post(f"{base}/dismiss/").status_code == 403

    client.force_login(moderator)
    queue = client.get("/moderation/").content.decode()
    assert "Образливо" in queue and f"/moderation/core.comment/{comment.pk}/hide/" in queue
    assert client.post(f"{base}/dismiss/").status_code == 302
    assert not ModerationReport.objects.filter(resolved_at__isnull=True).exists()
    assert "Образливо" not in client.get("/moderation/").content.decode()

    assert client.post(f"{base}/hide/", {"reason": "Мова ворожнечі", "next": "/about/"}).status_code == 302
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_reason == "Мова ворожнечі" and comment.hidden_by == moderator
    assert client.post(f"{base}/restore/", {"next": "/about/"}).status_code == 302
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_anonymous_reporter_is_sent_to_sign_in_and_unknown_targets_are_404(client, target, resident, moderator):
    comment = _comment(target, resident)
    response = client.post(f"/moderation/core.comment/{comment.pk}/report/", {"reason": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(moderator)
    assert client.post("/moderation/core.comment/999999/hide/", {"reason": "x"}).status_code == 404
    assert client.post("/moderation/core.comment/abc/hide/", {"reason": "x"}).status_code == 404
    assert client.post(f"/moderation/core.community/{comment.pk}/hide/", {"reason": "x"}).status_code == 404


def test_contribution_of_another_community_is_404(client, target, resident, moderator):
    from uchast.testing.factories import CommunityFactory

    other = CommunityFactory(slug="inshe")
    comment = Comment.objects.create(
        community=other,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        author=resident,
        body="x",
    )
    client.force_login(moderator)
    assert client.post(f"/moderation/core.comment/{comment.pk}/hide/", {"reason": "x"}).status_code == 404


def test_block_and_lift_through_their_urls(client, target, resident, moderator):
    client.force_login(moderator)
    assert client.post(f"/moderation/users/{resident.pk}/block/", {"reason": ""}).status_code == 302
    assert not UserBlock.objects.exists()
    assert client.post(f"/moderation/users/{resident.pk}/block/", {"reason": "Спам"}).status_code == 302
    block = UserBlock.objects.get()
    assert moderation.is_blocked(resident, target.community)
    assert "Спам" in client.get("/moderation/").content.decode()
    assert client.post(f"/moderation/blocks/{block.pk}/lift/").status_code == 302
    assert not moderation.is_blocked(resident, target.community)
    client.force_login(resident)
    assert client.post(f"/moderation/users/{moderator.pk}/block/", {"reason": "x"}).status_code == 403


# --- The queue -----------------------------------------------------------------------------------


def test_hidden_contribution_cannot_be_reported(target, resident, moderator):
    comment = _comment(target, resident)
    moderation.contribution_hide(moderator=moderator, target=comment, reason="Образа")
    with pytest.raises(ActionRefused) as refused:
        moderation.contribution_report(reporter=make_user(), target=comment, reason="x")
    assert refused.value.code == "hidden"


def test_hide_and_restore_are_on_the_audit_log(target, resident, moderator):
    from uchast.core.models import AuditEntry

    comment = _comment(target, resident)
    moderation.contribution_hide(moderator=moderator, target=comment, reason="Образа")
    moderation.contribution_restore(moderator=moderator, target=comment)
    moderation.user_block(moderator=moderator, user=resident, community=target.community, reason="Спам")
    actions = list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True))
    assert actions[-3:] == ["moderation.comment_hidden", "moderation.comment_restored", "moderation.user_blocked"]
