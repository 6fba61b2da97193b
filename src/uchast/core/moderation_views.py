"""Comment, follow and moderation endpoints shared by every module (plain POST forms), a comment's
permalink, and the queue.

Routes never overlap: comments are added at ``comments/<content type>/<target>/add/``, a comment's
permalink is ``comments/<pk>/``, and every moderation action on any registered contribution is
``moderation/<kind>/<pk>/<action>/`` with ``kind`` = ``app_label.model_name`` (see
``uchast.core.moderation``).
"""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from uchast.core import comments as comment_services
from uchast.core import moderation, notifications
from uchast.core.errors import ActionRefused
from uchast.core.models import Comment, Moderated, UserBlock
from uchast.core.navigation import safe_next
from uchast.core.pagination import keyset_page
from uchast.core.permissions import permission_required
from uchast.core.views import public_view
from uchast.core.web import UchastRequest, post_action


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


def _back(
    request: UchastRequest, target: models.Model, anchor: str, comments: str | None = None
) -> HttpResponseRedirect:
    """Back to the page the form was on, at ``anchor``; ``comments``, when given, is the page of
    comments to show there ("" the first)."""
    candidate = safe_next(request, request.POST.get("next", ""))
    if candidate:
        url = candidate.split("#")[0]
    else:
        url = target.get_absolute_url() if hasattr(target, "get_absolute_url") else "/"
    if comments is not None:
        url = comment_services.at_comments_page(url, comments)
    return HttpResponseRedirect(f"{url}#{anchor}")


@require_POST
def comment_add(request: UchastRequest, content_type_id: int, target_id: str) -> HttpResponse:
    target = _target(content_type_id, target_id, "comment")
    if not request.user.has_perm(comment_services.comment_permission(target), target):
        raise PermissionDenied
    parent_id = request.POST.get("parent", "")
    parent = Comment.objects.filter(pk=parent_id).first() if parent_id.isdigit() else None
    try:
        comment = comment_services.comment_create(
            author=request.user, target=target, body=request.POST.get("body", ""), parent=parent
        )
    except ActionRefused as refused:
        messages.error(request, refused.message)
        # Keep what they wrote: the form shows it again instead of losing it.
        request.session["uchast_comment_draft"] = request.POST.get("body", "")[:4000]
        return _back(request, target, "comment-form")
    request.session.pop("uchast_comment_draft", None)
    messages.success(request, _("Your comment is published."))
    # The page of comments holding the new one, which is not the first under a long discussion.
    return _back(request, target, f"comment-{comment.pk}", comment_services.comment_page_cursor(comment))


@require_safe
@public_view
def comment_permalink(request: UchastRequest, pk: int) -> HttpResponse:
    """A link to a comment (the moderation queue's, the API's): to the page of comments showing it,
    which under a long discussion is not the first. 404 unless the reader may see the target's page."""
    comment, target = comment_services.access_comment(request.user, request.community, pk)
    return HttpResponseRedirect(comment_services.comment_location(comment, target))


@require_POST
def follow_toggle(request: UchastRequest, content_type_id: int, target_id: str) -> HttpResponse:
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


# --- Moderation of any registered contribution -------------------------------------------------


def _contribution(request: UchastRequest, kind_key: str, pk: str) -> tuple[moderation.ModeratedKind, Moderated]:
    """The contribution behind a moderation URL: 404 unless its kind is registered and it belongs
    to the community being served."""
    kind = moderation.moderated_kind(kind_key)
    if kind is None or request.community is None:
        raise Http404
    try:
        target = kind.model._default_manager.select_related(*kind.related).filter(pk=pk).first()
    except (ValueError, ValidationError):
        raise Http404 from None
    if target is None or kind.community(target).pk != request.community.pk:
        raise Http404
    return kind, target


@require_POST
def contribution_report(request: UchastRequest, kind: str, pk: str) -> HttpResponse:
    entry, target = _contribution(request, kind, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(entry.url(target) or "/")
    if not request.user.has_perm(entry.report_permission, target):
        raise PermissionDenied
    return post_action(
        request,
        lambda: moderation.contribution_report(
            reporter=request.user, target=target, reason=request.POST.get("reason", "")
        ),
        success=_("Thank you. Moderators will look at it."),
        to=entry.url(target) or "core:home",
    )


@require_POST
@permission_required("core.moderate")
def contribution_hide(request: UchastRequest, kind: str, pk: str) -> HttpResponse:
    entry, target = _contribution(request, kind, pk)
    return post_action(
        request,
        lambda: moderation.contribution_hide(
            moderator=request.user, target=target, reason=request.POST.get("reason", "")
        ),
        success=_("Hidden; the reason is shown in its place."),
        to=entry.url(target) or "core:moderation",
    )


@require_POST
@permission_required("core.moderate")
def contribution_restore(request: UchastRequest, kind: str, pk: str) -> HttpResponse:
    entry, target = _contribution(request, kind, pk)
    return post_action(
        request,
        lambda: moderation.contribution_restore(moderator=request.user, target=target),
        success=_("It is visible again."),
        to=entry.url(target) or "core:moderation",
    )


@require_POST
@permission_required("core.moderate")
def reports_dismiss(request: UchastRequest, kind: str, pk: str) -> HttpResponse:
    target = _contribution(request, kind, pk)[1]
    return post_action(
        request,
        lambda: moderation.reports_dismiss(moderator=request.user, target=target),
        success=_("The reports are dismissed; it stays visible."),
        to="core:moderation",
    )


@require_POST
@permission_required("core.moderate")
def user_block(request: UchastRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(get_user_model(), pk=user_id)
    return post_action(
        request,
        lambda: moderation.user_block(
            moderator=request.user, user=person, community=request.community, reason=request.POST.get("reason", "")
        ),
        success=_("The account is blocked from contributing."),
        to="core:moderation",
    )


@require_POST
@permission_required("core.moderate")
def user_unblock(request: UchastRequest, block_id: int) -> HttpResponse:
    block = get_object_or_404(UserBlock, pk=block_id, community=request.community)
    return post_action(
        request,
        lambda: moderation.user_unblock(moderator=request.user, block=block),
        success=_("The block is lifted."),
        to="core:moderation",
    )


@require_safe
@permission_required("core.moderate")
def moderation_queue(request: UchastRequest) -> HttpResponse:
    community = request.community
    blocks = UserBlock.objects.filter(community=community, lifted_at__isnull=True).select_related("user", "blocked_by")
    return render(
        request,
        "core/moderation.html",
        {
            "queue": moderation.moderation_queue_page(community, request),
            # Newest first, a bounded page with its own cursor (a spam wave blocks many at once).
            "blocks": keyset_page(blocks, request, order=("-created_at", "-pk"), param="blocks"),
        },
    )
