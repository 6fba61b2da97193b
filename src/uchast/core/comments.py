"""Comments on any module object, moderated by core moderation (``uchast.core.moderation``).

A module allows comments on its objects by registering the object-level permission
``"<app_label>.comment_<model_name>"`` in its ``rules.py``; the comment view checks that
permission with the target as the object, and ``comment_create`` the community's blocks.
Reports, hiding and restoring are core moderation's, for comments as for every registered
contribution.

A comment is linked to by its permalink ``/comments/<pk>/`` (:func:`comment_url`), which sends the
reader to the page of comments that shows it (:func:`access_comment`, :func:`comment_location`).
The permalink needs the target's page permission ``"<app_label>.view_<model_name>"`` (checked with
the target, as its page checks it) and ``get_absolute_url``: a target without both has no link.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import rules
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from uchast.core import pagination
from uchast.core.errors import ActionRefused
from uchast.core.models import Comment, Community
from uchast.core.moderation import register_moderated, require_not_blocked

MAX_COMMENT_LENGTH = 2000


def comment_permission(target: models.Model) -> str:
    return f"{target._meta.app_label}.comment_{target._meta.model_name}"


def target_community(target: models.Model) -> Community:
    community = getattr(target, "community", None)
    if not isinstance(community, Community):
        raise TypeError(f"{target!r} has no community; comments need one")
    return community


def comments_for(target: models.Model) -> QuerySet[Comment]:
    content_type = ContentType.objects.get_for_model(target)
    return (
        Comment.objects.filter(target_type=content_type, target_id=str(target.pk))
        .select_related("author", "hidden_by")
        .order_by("created_at", "pk")
    )


def comment_page_cursor(comment: Comment) -> str:
    """The ``?comments=`` cursor of the page of comments that starts at ``comment``'s thread (its
    top-level comment), or "" when the thread is on the first page: where to show a comment just
    written under a discussion longer than a page (one query)."""
    top = comment.parent if comment.parent_id and comment.parent else comment
    earlier = Comment.objects.filter(
        pagination.sorting_after(("-created_at", "-pk"), [top.created_at, top.pk]),
        target_type_id=top.target_type_id,
        target_id=top.target_id,
        parent__isnull=True,
    )
    if len(earlier.values_list("pk", flat=True)[: pagination.PAGE_SIZE]) < pagination.PAGE_SIZE:
        return ""
    # The page after a cursor holds the rows sorting after it: just before ``top`` is ``top``'s own
    # time with the id below its own.
    return pagination.encode_cursor([top.created_at, top.pk - 1])


def comment_create(*, author: Any, target: models.Model, body: str, parent: Comment | None = None) -> Comment:
    """Post a comment. Refused (nothing written) when empty, too long, or the author is blocked.

    The caller has checked ``comment_permission(target)`` (the comment view and module endpoints do)."""
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
    require_not_blocked(author, community)
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


def view_permission(model: type[models.Model]) -> str:
    """The permission of the page of a ``model`` object, which the permalink of its comments checks."""
    return f"{model._meta.app_label}.view_{model._meta.model_name}"


def _linkable(content_type: ContentType) -> type[models.Model] | None:
    """The target model when its objects have a page whose permission is known, else None."""
    model = content_type.model_class()
    if model is None or not hasattr(model, "get_absolute_url") or not rules.perm_exists(view_permission(model)):
        return None
    return model


def comment_url(comment: Comment) -> str:
    """The comment's permalink, or "" when its target's kind has no page to send a reader to.

    No query (the content type comes from Django's cache), so a list of comments links each for free
    (the moderation queue, the API): which page of comments shows it is found when it is followed."""
    if _linkable(ContentType.objects.get_for_id(comment.target_type_id)) is None:
        return ""
    return reverse("core:comment", args=[comment.pk])


def access_comment(user: Any, community: Community | None, pk: int) -> tuple[Comment, models.Model]:
    """The comment and its target, if ``user`` may see the target's page; else 404, the same for a
    comment that does not exist, is another community's, or whose target is gone, has no page or is
    not visible to ``user`` (its page's permission, checked with the target as the page checks it),
    so nothing about a comment leaks through its number. Callers point to the comment, never show it."""
    comment = Comment.objects.filter(pk=pk, community=community).first() if community is not None else None
    if comment is None:
        raise Http404
    content_type = ContentType.objects.get_for_id(comment.target_type_id)
    model = _linkable(content_type)
    if model is None:
        raise Http404
    try:
        target = content_type.get_object_for_this_type(pk=comment.target_id)
    except (ObjectDoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    if not user.has_perm(view_permission(model), target):
        raise Http404
    return comment, target


def comment_location(comment: Comment, target: models.Model) -> str:
    """The target's page at the page of comments showing ``comment`` (a reply: its thread's page),
    scrolled to it: no cursor when that is the first page."""
    url: str = target.get_absolute_url()  # type: ignore[attr-defined]
    return f"{at_comments_page(url, comment_page_cursor(comment))}#comment-{comment.pk}"


def at_comments_page(url: str, cursor: str) -> str:
    """``url`` showing the page of comments at ``cursor`` ("" the first page): its ``?comments=``
    replaced, the rest of its query kept."""
    parts = urlsplit(url)
    query = QueryDict(parts.query, mutable=True)
    query.pop("comments", None)
    if cursor:
        query["comments"] = cursor
    return urlunsplit(parts._replace(query=query.urlencode()))


def register() -> None:
    """Comments take part in core moderation like any module's contributions."""
    register_moderated(
        Comment,
        report_permission="core.report_comment",
        url=comment_url,
        text=lambda comment: comment.body,
        related=("author", "target_type"),
    )
