"""Core's shared blocks through the API (issue 18, "everything scriptable"): comments and follows on
any module's object, and moderation of every registered contribution — the same services,
permissions and audit entries as the pages (``moderation_views``).

Objects are named as moderation names them: ``kind`` is the model's ``app_label.model_name``
(``petitions.petition``, ``core.comment``) and ``target_id``/``pk`` its primary key.

Core sits below accounts, so this router names no authentication of its own: the assembly
(``uchast.api.api``) mounts it with the API's token and session authentication, and every
operation here needs a signed-in caller. Moderation needs the ``staff`` scope on top of
``core.moderate``, as the staff operations of every module do.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import rules
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Path, Query, Router, Schema, Status

from uchast.core import comments as comment_services
from uchast.core import moderation, notifications
from uchast.core.api.operations import SIGNED_IN_ITEM_ERRORS, WRITE_ERRORS, lazy_text
from uchast.core.api.pagination import PageIn, page
from uchast.core.api.scopes import require_scope
from uchast.core.errors import ActionRefused
from uchast.core.models import Comment, Community, Moderated, UserBlock
from uchast.core.web import UchastRequest

router = Router(tags=["comments and moderation"])


KIND_PATTERN = r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"
Kind = Annotated[str, Path(max_length=100, pattern=KIND_PATTERN, description="The model, as app_label.model_name.")]
TargetId = Annotated[str, Path(min_length=1, max_length=64, description="The object's primary key.")]


class ObjectCommentIn(Schema):
    # The service counts the trimmed text and says how long it may be; this bound only stops absurd bodies.
    body: str = Field(..., max_length=2 * comment_services.MAX_COMMENT_LENGTH)
    parent: int | None = Field(None, ge=1, description="The comment replied to (on the same object).")


class ObjectCommentOut(Schema):
    id: int
    kind: str
    target_id: str
    parent: int | None
    body: str
    created_at: datetime
    url: str

    @staticmethod
    def resolve_kind(comment: Comment) -> str:
        return f"{comment.target_type.app_label}.{comment.target_type.model}"

    @staticmethod
    def resolve_parent(comment: Comment) -> int | None:
        return comment.parent_id

    @staticmethod
    def resolve_url(comment: Comment) -> str:
        return comment_services.comment_url(comment)


class FollowOut(Schema):
    kind: str
    target_id: str
    following: bool


class ModerationReasonIn(Schema):
    reason: str = Field(..., max_length=moderation.MAX_REASON_LENGTH)


class ContributionOut(Schema):
    """A moderated contribution's state as moderators see it."""

    kind: str
    id: str
    hidden: bool
    hidden_reason: str
    report_count: int


class ModerationReportOut(Schema):
    id: int
    kind: str
    target_id: str
    reason: str
    created_at: datetime


class QueueItemOut(Schema):
    kind: str
    id: str
    text: str
    url: str
    author: str
    reasons: list[str]
    open_reports: int
    first_reported_at: datetime


class UserBlockOut(Schema):
    id: int
    user: int
    user_name: str
    reason: str
    blocked_by: int
    created_at: datetime
    until: datetime | None
    lifted: bool

    @staticmethod
    def resolve_user(block: UserBlock) -> int:
        return block.user_id

    @staticmethod
    def resolve_user_name(block: UserBlock) -> str:
        return str(block.user.display_name)

    @staticmethod
    def resolve_blocked_by(block: UserBlock) -> int:
        return block.blocked_by_id

    @staticmethod
    def resolve_lifted(block: UserBlock) -> bool:
        return block.lifted_at is not None


# --- Comments and follows on any module's object ------------------------------------------------


def _target(kind: str, target_id: str, action: str) -> models.Model:
    """The object behind ``kind``/``target_id``, as the pages find it: only models whose app registered
    ``<app>.<action>_<model>`` take part (that registration is the opt-in); anything else is 404."""
    app_label, _dot, model_name = kind.partition(".")
    if not rules.perm_exists(f"{app_label}.{action}_{model_name}"):
        raise Http404
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model_name)
        return content_type.get_object_for_this_type(pk=target_id)  # type: ignore[no-any-return]
    except (ObjectDoesNotExist, ValueError, ValidationError):
        raise Http404 from None


@router.post(
    "/comments/{kind}/{target_id}",
    response={201: ObjectCommentOut, **WRITE_ERRORS},
    summary=lazy_text(gettext_lazy("Comment on an object (or reply to a comment)")),
)
def add_comment(request: UchastRequest, payload: ObjectCommentIn, kind: Kind, target_id: TargetId) -> Status[Comment]:
    target = _target(kind, target_id, "comment")
    if not request.user.has_perm(comment_services.comment_permission(target), target):
        raise PermissionDenied
    parent = None
    if payload.parent is not None:
        parent = Comment.objects.filter(pk=payload.parent).first()
        if parent is None:
            raise ActionRefused("bad_parent", _("You can reply only to a comment on the same page."))
    comment = comment_services.comment_create(author=request.user, target=target, body=payload.body, parent=parent)
    return Status(201, comment)


def _followable(request: UchastRequest, kind: str, target_id: str) -> models.Model:
    target = _target(kind, target_id, "follow")
    if not request.user.has_perm(f"{target._meta.app_label}.follow_{target._meta.model_name}", target):
        raise PermissionDenied
    return target


@router.put(
    "/follows/{kind}/{target_id}",
    response={200: FollowOut, **WRITE_ERRORS},
    summary=lazy_text(gettext_lazy("Follow an object: its news reach me")),
)
def follow(request: UchastRequest, kind: Kind, target_id: TargetId) -> FollowOut:
    """Idempotent: following an object already followed changes nothing."""
    notifications.follow(request.user, _followable(request, kind, target_id))
    return FollowOut(kind=kind, target_id=target_id, following=True)


@router.delete(
    "/follows/{kind}/{target_id}",
    response={200: FollowOut, **WRITE_ERRORS},
    summary=lazy_text(gettext_lazy("Stop following an object")),
)
def unfollow(request: UchastRequest, kind: Kind, target_id: TargetId) -> FollowOut:
    notifications.unfollow(request.user, _followable(request, kind, target_id))
    return FollowOut(kind=kind, target_id=target_id, following=False)


@router.get(
    "/follows/{kind}/{target_id}",
    response={200: FollowOut, **SIGNED_IN_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("Whether I follow an object")),
)
def following(request: UchastRequest, kind: Kind, target_id: TargetId) -> FollowOut:
    target = _followable(request, kind, target_id)
    return FollowOut(kind=kind, target_id=target_id, following=notifications.is_following(request.user, target))


# --- Moderation ---------------------------------------------------------------------------------


def _community(request: UchastRequest) -> Community:
    if request.community is None:
        raise Http404
    return request.community


def _moderator(request: UchastRequest) -> Community:
    """The community moderated, if the caller moderates (``core.moderate``) with a staff-scoped token."""
    if not request.user.has_perm("core.moderate"):
        raise PermissionDenied
    require_scope(request, "staff")
    return _community(request)


def _contribution(request: UchastRequest, kind_key: str, pk: str) -> tuple[moderation.ModeratedKind, Moderated]:
    """The contribution, as the pages find it: 404 unless its kind is registered for moderation and
    it belongs to the community being served."""
    community = _community(request)
    kind = moderation.moderated_kind(kind_key)
    if kind is None:
        raise Http404
    try:
        target = kind.model._default_manager.select_related(*kind.related).filter(pk=pk).first()
    except (ValueError, ValidationError):
        raise Http404 from None
    if target is None or kind.community(target).pk != community.pk:
        raise Http404
    return kind, target


def _state(kind: moderation.ModeratedKind, target: Moderated) -> ContributionOut:
    target.refresh_from_db(fields=["is_hidden", "hidden_reason", "report_count"])
    return ContributionOut(
        kind=kind.key,
        id=str(target.pk),
        hidden=target.is_hidden,
        hidden_reason=target.hidden_reason,
        report_count=target.report_count,
    )


@router.post(
    "/moderation/{kind}/{pk}/report",
    response={201: ModerationReportOut, **WRITE_ERRORS},
    summary=lazy_text(gettext_lazy("Report a contribution to the moderators")),
)
def report_contribution(
    request: UchastRequest, payload: ModerationReasonIn, kind: Kind, pk: TargetId
) -> Status[ModerationReportOut]:
    entry, target = _contribution(request, kind, pk)
    if not request.user.has_perm(entry.report_permission, target):
        raise PermissionDenied
    report = moderation.contribution_report(reporter=request.user, target=target, reason=payload.reason)
    out = ModerationReportOut(
        id=report.pk, kind=entry.key, target_id=str(target.pk), reason=report.reason, created_at=report.created_at
    )
    return Status(201, out)


@router.post(
    "/moderation/{kind}/{pk}/hide",
    response={200: ContributionOut, **WRITE_ERRORS},
    summary=lazy_text(gettext_lazy("Hide a contribution with a public reason (moderators)")),
)
def hide_contribution(request: UchastRequest, payload: ModerationReasonIn, kind: Kind, pk: TargetId) -> ContributionOut:
    _moderator(request)
    entry, target = _contribution(request, kind, pk)
    moderation.contribution_hide(moderator=request.user, target=target, reason=payload.reason)
    return _state(entry, target)


@router.post(
    "/moderation/{kind}/{pk}/restore",
    response={200: ContributionOut, **WRITE_ERRORS},
    summary=lazy_text(gettext_lazy("Show a hidden contribution again (moderators)")),
)
def restore_contribution(request: UchastRequest, kind: Kind, pk: TargetId) -> ContributionOut:
    _moderator(request)
    entry, target = _contribution(request, kind, pk)
    moderation.contribution_restore(moderator=request.user, target=target)
    return _state(entry, target)


@router.post(
    "/moderation/{kind}/{pk}/dismiss",
    response={200: ContributionOut, **WRITE_ERRORS},
    summary=lazy_text(gettext_lazy("Dismiss the reports of a contribution; it stays visible (moderators)")),
)
def dismiss_reports(request: UchastRequest, kind: Kind, pk: TargetId) -> ContributionOut:
    _moderator(request)
    entry, target = _contribution(request, kind, pk)
    moderation.reports_dismiss(moderator=request.user, target=target)
    return _state(entry, target)


@router.get(
    "/moderation/queue",
    response={200: list[QueueItemOut], **SIGNED_IN_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("Reported contributions, most reported first (moderators)")),
)
def moderation_queue(request: UchastRequest, paging: Query[PageIn]) -> list[QueueItemOut]:
    community = _moderator(request)
    return [
        QueueItemOut(
            kind=item.key,
            id=str(item.obj.pk),
            text=item.text,
            url=item.url,
            author=str(item.author.display_name) if item.author is not None else "",
            reasons=item.reasons,
            open_reports=item.open_reports,
            first_reported_at=item.first_reported_at,
        )  # fmt: skip
        for item in moderation.moderation_queue(community, size=paging.limit, offset=paging.offset)
    ]


class UserBlockIn(Schema):
    reason: str = Field(..., max_length=moderation.MAX_REASON_LENGTH)


@router.post(
    "/moderation/users/{user_id}/block",
    response={201: UserBlockOut, **WRITE_ERRORS},
    summary=lazy_text(gettext_lazy("Block an account from contributing (moderators)")),
)
def block_user(request: UchastRequest, user_id: int, payload: UserBlockIn) -> Status[UserBlock]:
    community = _moderator(request)
    person = get_user_model().objects.filter(pk=user_id).first()
    if person is None:
        raise Http404
    block = moderation.user_block(moderator=request.user, user=person, community=community, reason=payload.reason)
    return Status(201, block)


@router.post(
    "/moderation/blocks/{block_id}/lift",
    response={200: UserBlockOut, **WRITE_ERRORS},
    summary=lazy_text(gettext_lazy("Lift a block (moderators)")),
)
def unblock_user(request: UchastRequest, block_id: int) -> UserBlock:
    community = _moderator(request)
    block = UserBlock.objects.select_related("user").filter(pk=block_id, community=community).first()
    if block is None:
        raise Http404
    moderation.user_unblock(moderator=request.user, block=block)
    block.refresh_from_db(fields=["lifted_at"])
    return block


@router.get(
    "/moderation/blocks",
    response={200: list[UserBlockOut], **SIGNED_IN_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("Blocks not lifted, newest first (moderators)")),
)
def list_blocks(request: UchastRequest, paging: Query[PageIn]) -> list[UserBlock]:
    community = _moderator(request)
    blocks = (
        UserBlock.objects.filter(community=community, lifted_at__isnull=True)
        .select_related("user")
        .order_by("-created_at", "-pk")
    )
    return page(blocks, paging)
