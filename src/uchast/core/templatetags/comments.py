from __future__ import annotations

from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType
from django.db import models

from uchast.core.comments import comment_permission, comments_for, target_community
from uchast.core.moderation import is_blocked
from uchast.core.notifications import is_following
from uchast.core.pagination import keyset_page

register = template.Library()


@register.inclusion_tag("core/includes/comments.html", takes_context=True)
def comments_section(context: dict[str, Any], target: models.Model) -> dict[str, Any]:
    """The moderated comments of ``target`` with the form to add one.

    A page of the top-level comments, oldest first, after the cursor in ``?comments=`` (its own
    parameter: the pages showing comments have lists of their own), and the replies to that page's
    comments only; the heading's total is one count through the index on the target. A discussion
    of thousands of comments under a petition costs what one of ten costs."""
    request = context["request"]
    user = request.user
    thread = comments_for(target)
    page = keyset_page(thread.filter(parent__isnull=True), request, order=("created_at", "pk"), param="comments")
    replies: dict[int | None, list[Any]] = {}
    if page.items:
        for reply in thread.filter(parent_id__in=[c.pk for c in page.items]):
            replies.setdefault(reply.parent_id, []).append(reply)
    for comment in page.items:
        comment.reply_list = replies.get(comment.pk, [])  # type: ignore[attr-defined]
    may_comment = user.is_authenticated and user.has_perm(comment_permission(target), target)
    blocked = user.is_authenticated and is_blocked(user, target_community(target))
    return {
        "request": request,
        "user": user,
        "target": target,
        "comments": page.items,
        "comments_page": page,
        "count": thread.count(),
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
