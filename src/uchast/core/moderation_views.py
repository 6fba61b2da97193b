"""Comment, report, moderation and follow endpoints shared by every module (plain POST forms)."""

from __future__ import annotations

from typing import Any

import rules
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from uchast.core import comments as comment_services
from uchast.core import notifications
from uchast.core.errors import ActionRefused
from uchast.core.models import Comment, UserBlock
from uchast.core.navigation import safe_next
from uchast.core.permissions import permission_required


def _target(content_type_id: int, target_id: str, action: str) -> models.Model:
    """The object behind a comment/follow URL. Only models whose app registered the permission
    ``<app>.<action>_<model>`` take part (that registration is the opt-in); others are 404."""
    content_type = get_object_or_404(ContentType, pk=content_type_id)
    if not rules.perm_exists(f"{content_type.app_label}.{action}_{content_type.model}"):
        raise Http404
    try:
        return content_type.get_object_for_this_type(pk=target_id)  # type: ignore[no-any-return]
    except (ObjectDoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def _back(request: HttpRequest, target: Any, anchor: str = "comments") -> HttpResponseRedirect:
    candidate = safe_next(request, request.POST.get("next", ""))
    if candidate:
        return HttpResponseRedirect(candidate.split("#")[0] + f"#{anchor}")
    url = target.get_absolute_url() if hasattr(target, "get_absolute_url") else "/"
    return HttpResponseRedirect(f"{url}#{anchor}")


@require_POST
def comment_add(request: HttpRequest, content_type_id: int, target_id: str) -> HttpResponse:
    target = _target(content_type_id, target_id, "comment")
    if not request.user.is_authenticated:
        raise PermissionDenied
    parent = None
    if request.POST.get("parent"):
        parent = Comment.objects.filter(pk=request.POST["parent"]).first() if request.POST["parent"].isdigit() else None
    try:
        comment = comment_services.comment_create(
            author=request.user, target=target, body=request.POST.get("body", ""), parent=parent
        )
    except ActionRefused as refused:
        if refused.code == "not_allowed":
            raise PermissionDenied from None
        messages.error(request, refused.message)
        # Keep what they wrote: the form shows it again instead of losing it.
        request.session["uchast_comment_draft"] = request.POST.get("body", "")[:4000]
        return _back(request, target, "comment-form")
    request.session.pop("uchast_comment_draft", None)
    messages.success(request, _("Your comment is published."))
    return _back(request, target, f"comment-{comment.pk}")


@require_POST
@permission_required("core.report_comment")
def comment_report(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=pk, is_hidden=False)
    try:
        comment_services.comment_report(reporter=request.user, comment=comment, reason=request.POST.get("reason", ""))
        messages.success(request, _("Thank you. A moderator will look at the comment."))
    except ActionRefused as refused:
        messages.error(request, refused.message)
    return _back(request, comment, f"comment-{comment.pk}")


@require_POST
@permission_required("core.moderate")
def comment_hide(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=pk)
    try:
        comment_services.comment_hide(moderator=request.user, comment=comment, reason=request.POST.get("reason", ""))
        messages.success(request, _("The comment is hidden; the reason is shown in its place."))
    except ActionRefused as refused:
        messages.error(request, refused.message)
    return _back(request, comment, f"comment-{comment.pk}")


@require_POST
@permission_required("core.moderate")
def comment_restore(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=pk)
    comment_services.comment_restore(moderator=request.user, comment=comment)
    messages.success(request, _("The comment is visible again."))
    return _back(request, comment, f"comment-{comment.pk}")


@require_POST
@permission_required("core.moderate")
def reports_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=pk)
    comment_services.reports_dismiss(moderator=request.user, comment=comment)
    messages.success(request, _("The reports are dismissed; the comment stays visible."))
    return HttpResponseRedirect("/moderation/")


@require_POST
@permission_required("core.moderate")
def user_block(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(get_user_model(), pk=user_id)
    try:
        comment_services.user_block(
            moderator=request.user, user=person, community=request.community, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("The account is blocked from contributing."))
    except ActionRefused as refused:
        messages.error(request, refused.message)
    return HttpResponseRedirect("/moderation/")


@require_POST
@permission_required("core.moderate")
def user_unblock(request: HttpRequest, block_id: int) -> HttpResponse:
    block = get_object_or_404(UserBlock, pk=block_id)
    comment_services.user_unblock(moderator=request.user, block=block)
    messages.success(request, _("The block is lifted."))
    return HttpResponseRedirect("/moderation/")


@require_safe
@permission_required("core.moderate")
def moderation_queue(request: HttpRequest) -> HttpResponse:
    community = request.community
    blocks = UserBlock.objects.filter(community=community, lifted_at__isnull=True).select_related("user", "blocked_by")
    return render(
        request,
        "core/moderation.html",
        {"queue": comment_services.moderation_queue(community).prefetch_related("reports"), "blocks": blocks},
    )


@require_POST
def follow_toggle(request: HttpRequest, content_type_id: int, target_id: str) -> HttpResponse:
    target = _target(content_type_id, target_id, "follow")
    permission = f"{target._meta.app_label}.follow_{target._meta.model_name}"
    if not request.user.has_perm(permission, target):
        raise PermissionDenied
    if notifications.is_following(request.user, target):
        notifications.unfollow(request.user, target)
        messages.success(request, _("You no longer follow this."))
    else:
        notifications.follow(request.user, target)
        messages.success(request, _("You follow this now: news will come by e-mail."))
    return _back(request, target, "follow")
