"""Co-authors: the author invites by e-mail while the project is a draft; the invited person accepts
with a verified address; the author may withdraw a waiting invitation."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from uchast.budget.errors import BudgetError
from uchast.budget.models import CoauthorInvitation, Project, ProjectStatus
from uchast.core import audit, notifications

INVITATION_DAYS = 14


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _verified_owner(email: str) -> Any:
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.select_related("user").filter(email__iexact=email, verified=True).first()
    return address.user if address is not None and address.user.is_active else None


def _check_invitable(project: Project, author: Any, email: str) -> Any:
    """Refuse an invitation the author may not send; returns the account owning ``email`` (or None)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    try:
        validate_email(email)
    except ValidationError as error:
        raise BudgetError("bad_email", _("Enter a valid e-mail address.")) from error
    if project.author_id != author.pk:
        raise BudgetError("not_author", _("Only the author can invite co-authors."))
    if project.status != ProjectStatus.DRAFT:
        raise BudgetError("not_draft", _("Co-authors are invited while the project is a draft."))
    invitee = _verified_owner(email)
    if invitee is not None and (invitee.pk == author.pk or project.coauthors.filter(pk=invitee.pk).exists()):
        raise BudgetError("already_coauthor", _("This person is already an author of the project."))
    if CoauthorInvitation.objects.filter(
        project=project, email=email, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).exists():
        raise BudgetError("already_invited", _("An invitation to this address is already waiting."))
    return invitee


def coauthor_invite(*, project: Project, author: Any, email: str) -> tuple[CoauthorInvitation, str]:
    """The author invites a co-author by e-mail; returns the invitation and the token (sent, never
    stored). Existing accounts get a core notification (in their language), other addresses a plain
    e-mail in Ukrainian with an English copy, both after commit."""
    email = email.strip().lower()
    invitee = _check_invitable(project, author, email)
    token = secrets.token_urlsafe(32)
    path = f"/budget/invitations/{token}/"
    context = {"title": project.title, "author": author.display_name, "days": INVITATION_DAYS}
    with transaction.atomic():
        invitation = CoauthorInvitation.objects.create(
            project=project,
            email=email,
            token_hash=invitation_token_hash(token),
            invited_by=author,
            expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        )
        audit.record(
            action="budget.coauthor_invited",
            actor=author,
            obj=project,
            community=project.cycle.community,
            summary={"invitation": invitation.pk, "existing_account": invitee is not None},
        )
        if invitee is not None:
            # The link (with its token) goes in the e-mail only; the stored notification says so.
            notifications.notify(
                recipients=[invitee],
                topic=None,
                subject=gettext_noop("Invitation to co-author the project «%(title)s»"),
                template="budget/email/coauthor_invitation.txt",
                context=context,
                email_context={"invitation_url": settings.UCHAST_BASE_URL.rstrip("/") + path},
            )
        else:
            transaction.on_commit(lambda: _send_invitation_mail(email, context, path))
    return invitation, token


def _send_invitation_mail(email: str, context: dict[str, Any], path: str) -> None:
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    url = settings.UCHAST_BASE_URL.rstrip("/") + path
    parts = []
    subjects = []
    for language in ("uk", "en"):
        with translation.override(language):
            subjects.append(_("Invitation to co-author the project «%(title)s»") % context)
            parts.append(render_to_string("budget/email/coauthor_invitation.txt", {**context, "invitation_url": url}))
    send_mail(
        subject=f"{settings.EMAIL_SUBJECT_PREFIX}{subjects[0]}",
        message="\n\n---\n\n".join(parts),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[email],
    )


def invitation_by_token(token: str) -> CoauthorInvitation:
    invitation = (
        CoauthorInvitation.objects.select_related("project__cycle__community")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )
    if invitation is None:
        raise BudgetError("invalid_token", _("This invitation link is not valid."))
    return invitation


def check_invitation_open(invitation: CoauthorInvitation, *, expired_message: str | None = None) -> None:
    """Refuse an invitation that was accepted, withdrawn by the author or has expired
    (``expired_message`` says what expiry means to the one asking)."""
    if invitation.accepted_at is not None:
        raise BudgetError("used_token", _("This invitation has already been accepted."))
    if invitation.revoked_at is not None:
        raise BudgetError("revoked_token", _("The author has withdrawn this invitation."))
    if invitation.expires_at <= timezone.now():
        raise BudgetError(
            "expired_token", expired_message or _("This invitation has expired. Ask the author for a new one.")
        )


def coauthor_accept(*, token: str, user: Any) -> Project:
    """Accept an invitation: the signed-in account must own the invited address as a verified
    e-mail. Used, withdrawn, expired and unknown tokens are refused and change nothing."""
    from allauth.account.models import EmailAddress

    invitation = invitation_by_token(token)
    with transaction.atomic():
        invitation = CoauthorInvitation.objects.select_for_update().get(pk=invitation.pk)
        check_invitation_open(invitation)
        if not EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists():
            raise BudgetError(
                "wrong_account",
                _("The invitation was sent to another e-mail address. Sign in with the account that has it verified."),
            )
        project = invitation.project
        if project.author_id == user.pk:
            raise BudgetError("already_coauthor", _("This person is already an author of the project."))
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        project.coauthors.add(user)
        audit.record(
            action="budget.coauthor_joined",
            actor=user,
            obj=project,
            community=project.cycle.community,
            summary={"invitation": invitation.pk},
        )
    return project


def coauthor_revoke(*, invitation: CoauthorInvitation, author: Any) -> CoauthorInvitation:
    """The project's author withdraws a pending invitation; its link stops working
    (``revoked_token``). Accepted, expired and already revoked invitations are refused."""
    with transaction.atomic():
        locked = (
            CoauthorInvitation.objects.select_for_update()
            .select_related("project__cycle__community")
            .get(pk=invitation.pk)
        )
        project = locked.project
        if project.author_id != getattr(author, "pk", None):
            raise BudgetError("not_author", _("Only the author can withdraw invitations."))
        check_invitation_open(
            locked, expired_message=_("This invitation has already expired: there is nothing to withdraw.")
        )
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit.record(
            action="budget.coauthor_invitation_revoked",
            actor=author,
            obj=project,
            community=project.cycle.community,
            summary={"invitation": locked.pk},
        )
    return locked
