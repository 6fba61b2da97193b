"""One moderation for every contribution: reports, hiding with a public reason, restoring, blocks.

A module makes a model moderatable in two steps:

1. the model inherits :class:`uchast.core.models.Moderated` (``is_hidden``, ``hidden_reason``,
   ``hidden_by``, ``hidden_at``, ``report_count``) and its pages show ``hidden_reason`` in place of a
   hidden contribution;
2. its ``AppConfig.ready()`` calls :func:`register_moderated` with what core cannot know: who may
   report (a permission checked with the contribution as object), the page where it was posted,
   its community, and the text moderators read.

Core comments register themselves this way; so do consultations' proposals and statements. The
routes are ``/moderation/<kind>/<pk>/report|hide|restore|dismiss/`` with ``kind`` the model's
``app_label.model_name``; the queue at ``/moderation/`` lists contributions with open reports.
Hiding, restoring, dismissing and blocking need ``core.moderate`` (checked by the views) and are on
the audit log as ``moderation.<model>_hidden``, ``moderation.<model>_restored``,
``moderation.reports_dismissed``, ``moderation.user_blocked`` and ``moderation.user_unblocked``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, Min, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from uchast.core import audit, pagination
from uchast.core.errors import ActionRefused
from uchast.core.files import attachments_follow_visibility
from uchast.core.models import Community, Moderated, ModerationReport, UserBlock

MAX_REASON_LENGTH = 300


def _community_attribute(obj: Any) -> Community:
    community: Community = obj.community
    return community


def _author_attribute(obj: Any) -> Any:
    return getattr(obj, "author", None)


@dataclass(frozen=True)
class ModeratedKind:
    """How core moderation handles one registered model."""

    model: type[Moderated]
    #: The permission a person needs to report one (checked with the contribution as object).
    report_permission: str
    #: The page where the contribution was posted, with its anchor, or a link that leads there (a
    #: comment's permalink); "" when there is none. Called for every row of the queue: no query.
    url: Callable[[Any], str]
    #: What moderators read in the queue.
    text: Callable[[Any], str]
    community: Callable[[Any], Community] = _community_attribute
    author: Callable[[Any], Any] = _author_attribute
    #: ``select_related`` paths the queue needs to call the functions above without a query each.
    related: tuple[str, ...] = field(default_factory=tuple)

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    @property
    def label(self) -> Any:
        return self.model._meta.verbose_name


_kinds: dict[str, ModeratedKind] = {}


def register_moderated(
    model: type[Moderated],
    *,
    report_permission: str,
    url: Callable[[Any], str],
    text: Callable[[Any], str],
    community: Callable[[Any], Community] = _community_attribute,
    author: Callable[[Any], Any] = _author_attribute,
    related: tuple[str, ...] = (),
) -> ModeratedKind:
    """Make ``model`` moderatable (call from ``AppConfig.ready()``; registering again replaces)."""
    if not issubclass(model, Moderated):
        raise TypeError(f"{model!r} must inherit uchast.core.models.Moderated to be moderated")
    kind = ModeratedKind(model, report_permission, url, text, community, author, tuple(related))
    _kinds[kind.key] = kind
    return kind


def moderated_kind(key: str) -> ModeratedKind | None:
    """The registered kind named ``app_label.model_name``, or None."""
    return _kinds.get(key)


def kind_of(obj: models.Model) -> ModeratedKind:
    kind = _kinds.get(obj._meta.label_lower)
    if kind is None:
        raise LookupError(f"{obj._meta.label_lower} is not registered for moderation")
    return kind


def moderated_kinds() -> list[ModeratedKind]:
    return list(_kinds.values())


# --- Blocks ------------------------------------------------------------------------------------


def is_blocked(user: Any, community: Community) -> bool:
    """Whether a moderator's block keeps ``user`` from contributing in ``community`` now."""
    if not getattr(user, "is_authenticated", False):
        return False
    now = timezone.now()
    return (
        UserBlock.objects.filter(user=user, community=community, lifted_at__isnull=True)
        .filter(Q(until__isnull=True) | Q(until__gt=now))
        .exists()
    )


def require_not_blocked(user: Any, community: Community) -> None:
    """The check every service that publishes a contribution makes (``blocked`` refusal)."""
    if is_blocked(user, community):
        raise ActionRefused("blocked", _("Your account is blocked from contributing. You can still read everything."))


def user_block(
    *, moderator: Any, user: Any, community: Community, reason: str, until: datetime | None = None
) -> UserBlock:
    text = _reason(reason, _("Give the reason for blocking."))
    if user.pk == moderator.pk:
        raise ActionRefused("self", _("You cannot block yourself."))
    with transaction.atomic():
        block = UserBlock.objects.create(community=community, user=user, reason=text, blocked_by=moderator, until=until)
        audit.record(
            action="moderation.user_blocked",
            actor=moderator,
            obj=block,
            community=community,
            summary={"user": user.pk, "reason": text, "until": until},
        )
    return block


def user_unblock(*, moderator: Any, block: UserBlock) -> None:
    with transaction.atomic():
        UserBlock.objects.filter(pk=block.pk, lifted_at__isnull=True).update(lifted_at=timezone.now())
        audit.record(action="moderation.user_unblocked", actor=moderator, obj=block, community=block.community)


# --- Reports, hiding, restoring ----------------------------------------------------------------


def _reason(reason: str | None, empty_message: str) -> str:
    text = (reason or "").strip()[:MAX_REASON_LENGTH]
    if not text:
        raise ActionRefused("reason_required", empty_message)
    return text


def _reports_of(target: Moderated) -> models.QuerySet[ModerationReport]:
    return ModerationReport.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    )


def contribution_report(*, reporter: Any, target: Moderated, reason: str) -> ModerationReport:
    """Report a contribution to the moderators; once per person. The view checks the kind's
    ``report_permission``; a hidden contribution needs no report."""
    kind = kind_of(target)
    text = _reason(reason, _("Say what is wrong."))
    if target.is_hidden:
        raise ActionRefused("hidden", _("A moderator has already hidden this."))
    try:
        with transaction.atomic():
            report = ModerationReport.objects.create(
                community=kind.community(target),
                target_type=ContentType.objects.get_for_model(target),
                target_id=str(target.pk),
                reporter=reporter,
                reason=text,
            )
            type(target)._default_manager.filter(pk=target.pk).update(report_count=F("report_count") + 1)
    except IntegrityError:
        raise ActionRefused("already_reported", _("You have already reported this.")) from None
    return report


def _attachments_follow_after_commit(target: Moderated) -> None:
    """Once the hiding or showing is committed, move the contribution's files to match its state as
    it is then (re-read, so two moderators acting at once end with the files where the last one left
    the contribution). See ``core.files.attachments_follow_visibility``."""
    model, pk = type(target), target.pk

    def follow() -> None:
        current = model._default_manager.filter(pk=pk).first()
        if current is not None:
            attachments_follow_visibility(current)

    transaction.on_commit(follow, robust=True)  # a failed move is logged; the hiding stands


def contribution_hide(*, moderator: Any, target: Moderated, reason: str) -> Moderated:
    """Hide with a public reason (shown in place of the contribution); its open reports are resolved."""
    kind = kind_of(target)
    text = _reason(reason, _("Give the reason for hiding: the author and readers will see it."))
    now = timezone.now()
    with transaction.atomic():
        locked = type(target)._default_manager.select_for_update().get(pk=target.pk)
        locked.is_hidden, locked.hidden_reason, locked.hidden_by, locked.hidden_at = True, text, moderator, now
        locked.save(update_fields=["is_hidden", "hidden_reason", "hidden_by", "hidden_at"])
        _reports_of(locked).filter(resolved_at__isnull=True).update(resolved_at=now)
        author = kind.author(target)
        _attachments_follow_after_commit(locked)
        audit.record(
            action=f"moderation.{kind.model._meta.model_name}_hidden",
            actor=moderator,
            obj=locked,
            community=kind.community(target),
            summary={"reason": text, "author": author.pk if author is not None else None},
        )
    target.is_hidden, target.hidden_reason, target.hidden_by, target.hidden_at = True, text, moderator, now
    return target


def contribution_restore(*, moderator: Any, target: Moderated) -> Moderated:
    """Show a hidden contribution again (the old reason stays on record, not on the page)."""
    kind = kind_of(target)
    with transaction.atomic():
        type(target)._default_manager.filter(pk=target.pk).update(is_hidden=False)
        _attachments_follow_after_commit(target)
        audit.record(
            action=f"moderation.{kind.model._meta.model_name}_restored",
            actor=moderator,
            obj=target,
            community=kind.community(target),
        )
    target.is_hidden = False
    return target


def reports_dismiss(*, moderator: Any, target: Moderated) -> None:
    """Close the open reports; the contribution stays visible."""
    kind = kind_of(target)
    with transaction.atomic():
        _reports_of(target).filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
        audit.record(
            action="moderation.reports_dismissed", actor=moderator, obj=target, community=kind.community(target)
        )


# --- The queue ---------------------------------------------------------------------------------


@dataclass
class QueueItem:
    """One reported contribution as moderators see it."""

    kind: ModeratedKind
    obj: Any
    reasons: list[str]
    open_reports: int
    first_reported_at: datetime

    @property
    def key(self) -> str:
        return self.kind.key

    @property
    def anchor(self) -> str:
        return f"{self.kind.model._meta.model_name}-{self.obj.pk}"

    @property
    def url(self) -> str:
        return self.kind.url(self.obj)

    @property
    def text(self) -> str:
        return self.kind.text(self.obj)

    @property
    def author(self) -> Any:
        return self.kind.author(self.obj)


#: Reported contributions on one page of the queue (a spam wave reports thousands at once).
QUEUE_PAGE = 50


#: The queue's order: most reported first, then first reported (the kind and id break ties, so the
#: order is total and a cursor can follow it).
QUEUE_ORDER = ("-n", "first", "target_type", "target_id")


def _open_groups(community: Community) -> models.QuerySet[Any, Any]:
    """One row per reported contribution with open reports, in :data:`QUEUE_ORDER`."""
    return (
        ModerationReport.objects.filter(community=community, resolved_at__isnull=True)
        .values("target_type", "target_id")
        .annotate(n=Count("pk"), first=Min("created_at"))
        .order_by(*QUEUE_ORDER)
    )


def _queue_items(community: Community, groups: list[dict[str, Any]]) -> list[QueueItem]:
    """The contributions behind ``groups``, with the reasons of their open reports: a query for the
    reasons and one per kind on the page, whatever the number of reports elsewhere."""
    if not groups:
        return []
    reasons: dict[tuple[int, str], list[str]] = {}
    shown = {(g["target_type"], g["target_id"]) for g in groups}
    types = {type_id for type_id, _target_id in shown}
    rows = (
        ModerationReport.objects.filter(community=community, resolved_at__isnull=True)
        .filter(target_type__in=types, target_id__in={target_id for _type_id, target_id in shown})
        .order_by("created_at", "pk")
        .values_list("target_type", "target_id", "reason")
    )
    for type_id, target_id, reason in rows:
        if (type_id, target_id) in shown:  # the same id under another kind is not on the page
            reasons.setdefault((type_id, target_id), []).append(reason)
    found: dict[tuple[int, str], Any] = {}
    kinds: dict[int, ModeratedKind] = {}
    for type_id in types:
        model = ContentType.objects.get_for_id(type_id).model_class()
        kind = moderated_kind(model._meta.label_lower) if model is not None else None
        if kind is None:
            continue  # a module that is no longer installed: nothing to show
        kinds[type_id] = kind
        ids = [target_id for t, target_id in shown if t == type_id]
        for obj in kind.model._default_manager.select_related(*kind.related).filter(pk__in=ids):
            found[(type_id, str(obj.pk))] = obj
    return [
        QueueItem(kinds[key[0]], found[key], reasons.get(key, []), g["n"], g["first"])
        for g in groups
        if (key := (g["target_type"], g["target_id"])) in found
    ]


def moderation_queue(community: Community, *, size: int = QUEUE_PAGE, offset: int = 0) -> list[QueueItem]:
    """At most ``size`` contributions of registered kinds with open reports, in :data:`QUEUE_ORDER`,
    after skipping ``offset`` (the API's paging). Reads only the reports of the contributions returned."""
    return _queue_items(community, list(_open_groups(community)[offset : offset + size]))


def moderation_queue_page(
    community: Community, request: HttpRequest, *, size: int | None = None, param: str = "after"
) -> pagination.Page[QueueItem]:
    """One page of the queue for the moderators' page (``QUEUE_PAGE`` contributions): a keyset page
    of the grouped reports, with a link to the next."""
    page = pagination.keyset_page(
        _open_groups(community), request, order=QUEUE_ORDER, param=param, size=size or QUEUE_PAGE
    )
    return pagination.Page(items=_queue_items(community, page.items), next_url=page.next_url, first_url=page.first_url)
