from __future__ import annotations

from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType
from django.db import models

from uchast.core.comments import comment_permission, comments_for, target_community
from uchast.core.moderation import is_blocked
from uchast.core.notifications import is_following

register = template.Library()


@register.inclusion_tag("core/includes/comments.html", takes_context=True)
def comments_section(context: dict[str, Any], target: models.Model) -> dict[str, Any]:
    """The moderated comments of ``target`` with the form to add one (two queries)."""
    request = context["request"]
    user = request.user
    all_comments = list(comments_for(target))
    top = [c for c in all_comments if c.parent_id is None]
    replies: dict[int, list[Any]] = {}
    for comment in all_comments:
        if comment.parent_id is not None:
            replies.setdefault(comment.parent_id, []).append(comment)
    for comment in top:
        comment.reply_list = replies.get(comment.pk, [])  # type: ignore[attr-defined]
    may_comment = user.is_authenticated and user.has_perm(comment_permission(target), target)
    blocked = user.is_authenticated and is_blocked(user, target_community(target))
    return {
        "request": request,
        "user": user,
        "target": target,
        "comments": top,
        "count": len(all_comments),
        "content_type_id": ContentType.objects.get_for_model(target).pk,
        "may_comment": may_comment and not blocked,
        "blocked": blocked,
        "draft": request.session.pop("uchast_comment_draft", "") if hasattr(request, "session") else "",
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("core/includes/follow.html", takes_context=True)
def follow_button(context: dict[str, Any], target: models.Model) -> dict[str, Any]:
    request = context["request"]
    permission = f"{target._meta.app_label}.follow_{target._meta.model_name}"
    return {
        "may_follow": request.user.is_authenticated and request.user.has_perm(permission, target),
        "following": is_following(request.user, target),
        "content_type_id": ContentType.objects.get_for_model(target).pk,
        "target": target,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
