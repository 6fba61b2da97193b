"""Comments with moderation, shared by every module.

A module allows comments on its objects by registering the object-level permission
``"<app_label>.comment_<model_name>"`` in its ``rules.py``; posting checks that permission
with the target as the object, plus the community's blocks.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from uchast.core import audit
from uchast.core.errors import ActionRefused
from uchast.core.models import Comment, CommentReport, Community, UserBlock

MAX_COMMENT_LENGTH = 2000


def comment_permission(target: models.Model) -> str:
    return f"{target._meta.app_label}.comment_{target._meta.model_name}"


def target_community(target: models.Model) -> Community:
    community = getattr(target, "community", None)
    if not isinstance(community, Community):
        raise TypeError(f"{target!r} has no community; comments need one")
    return community


def is_blocked(user: Any, community: Community) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    now = timezone.now()
    return (
        UserBlock.objects.filter(user=user, community=community, lifted_at__isnull=True)
        .filter(Q(until__isnull=True) | Q(until__gt=now))
        .exists()
    )


def comments_for(target: models.Model) -> QuerySet[Comment]:
    content_type = ContentType.objects.get_for_model(target)
    return (
        Comment.objects.filter(target_type=content_type, target_id=str(target.pk))
        .select_related("author", "hidden_by")
        .order_by("created_at", "pk")
    )


def comment_create(*, author: Any, target: models.Model, body: str, parent: Comment | None = None) -> Comment:
    """Post a comment. Refused (nothing written) when empty, too long, blocked or not permitted."""
    text = (body or "").strip()
    if not text:
        raise ActionRefused("empty", _("Write something before sending."))
    if len(text) > MAX_COMMENT_LENGTH:
        raise ActionRefused(
            "too_long",
            _("A comment can be at most %(max)d characters; yours has %(length)d.")
            % {"max": MAX_COMMENT_LENGTH, "length": len(text)},
        )
    community = target_community(target)
    if not author.has_perm(comment_permission(target), target):
        raise ActionRefused("not_allowed", _("You cannot comment here."))
    if is_blocked(author, community):
        raise ActionRefused("blocked", _("Your account is blocked from contributing. You can still read everything."))
    content_type = ContentType.objects.get_for_model(target)
    if parent is not None and (parent.target_type_id != content_type.pk or parent.target_id != str(target.pk)):
        raise ActionRefused("bad_parent", _("You can reply only to a comment on the same page."))
    with transaction.atomic():
        return Comment.objects.create(
            community=community,
            target_type=content_type,
            target_id=str(target.pk),
            author=author,
            parent=parent.parent or parent if parent else None,  # one level of replies keeps threads readable
            body=text,
        )


def comment_report(*, reporter: Any, comment: Comment, reason: str) -> None:
    reason = (reason or "").strip()[:300]
    if not reason:
        raise ActionRefused("reason_required", _("Say what is wrong with the comment."))
    try:
        with transaction.atomic():
            CommentReport.objects.create(comment=comment, reporter=reporter, reason=reason)
            Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
    except IntegrityError:
        raise ActionRefused("already_reported", _("You have already reported this comment.")) from None


def comment_hide(*, moderator: Any, comment: Comment, reason: str) -> Comment:
    reason = (reason or "").strip()[:300]
    if not reason:
        raise ActionRefused("reason_required", _("Give the reason for hiding: the author and readers will see it."))
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        locked.is_hidden = True
        locked.hidden_reason = reason
        locked.hidden_by = moderator
        locked.hidden_at = timezone.now()
        locked.save(update_fields=["is_hidden", "hidden_reason", "hidden_by", "hidden_at"])
        CommentReport.objects.filter(comment=locked, resolved_at__isnull=True).update(resolved_at=timezone.now())
        audit.record(
            action="moderation.comment_hidden",
            actor=moderator,
            obj=locked,
            community=locked.community,
            summary={"reason": reason, "author": locked.author_id},
        )
    return locked


def comment_restore(*, moderator: Any, comment: Comment) -> Comment:
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        locked.is_hidden = False
        locked.save(update_fields=["is_hidden"])
        audit.record(action="moderation.comment_restored", actor=moderator, obj=locked, community=locked.community)
    return locked


def reports_dismiss(*, moderator: Any, comment: Comment) -> None:
    with transaction.atomic():
        CommentReport.objects.filter(comment=comment, resolved_at__isnull=True).update(resolved_at=timezone.now())
        audit.record(action="moderation.reports_dismissed", actor=moderator, obj=comment, community=comment.community)


def user_block(*, moderator: Any, user: Any, community: Community, reason: str, until: Any = None) -> UserBlock:
    reason = (reason or "").strip()[:300]
    if not reason:
        raise ActionRefused("reason_required", _("Give the reason for blocking."))
    if user.pk == moderator.pk:
        raise ActionRefused("self", _("You cannot block yourself."))
    with transaction.atomic():
        block = UserBlock.objects.create(
            community=community, user=user, reason=reason, blocked_by=moderator, until=until
        )
        audit.record(
            action="moderation.user_blocked",
            actor=moderator,
            obj=block,
            community=community,
            summary={"user": user.pk, "reason": reason, "until": until},
        )
    return block


def user_unblock(*, moderator: Any, block: UserBlock) -> None:
    with transaction.atomic():
        UserBlock.objects.filter(pk=block.pk, lifted_at__isnull=True).update(lifted_at=timezone.now())
        audit.record(action="moderation.user_unblocked", actor=moderator, obj=block, community=block.community)


def moderation_queue(community: Community) -> QuerySet[Comment]:
    """Comments with unresolved reports, most reported first."""
    return (
        Comment.objects.filter(community=community, reports__resolved_at__isnull=True)
        .select_related("author", "target_type")
        .distinct()
        .order_by("-report_count", "created_at")
    )
