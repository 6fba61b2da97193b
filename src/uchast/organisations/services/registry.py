"""The registry: a verified resident registers an organisation (and becomes its head), staff confirm
or refuse it with a reason, the head invites members by e-mail, an invited person accepts."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from uchast.core import audit, notifications
from uchast.core.errors import ActionRefused
from uchast.core.files import atomic_with_files
from uchast.core.models import Community
from uchast.organisations import edrpou
from uchast.organisations.actions import OrganisationAction
from uchast.organisations.models import (
    NAME_MAX_LENGTH,
    Invitation,
    LegalForm,
    MemberRole,
    Membership,
    Organisation,
    OrganisationStatus,
)
from uchast.organisations.services import uploads
from uchast.verification.selectors import require_eligible

EDRPOU_PROBLEMS = {
    "digits": gettext_noop("The EDRPOU code is made of digits only."),
    "length": gettext_noop("The EDRPOU code has exactly 8 digits."),
    "check_digit": gettext_noop("This EDRPOU code is not valid: its check digit does not match. Check for a typo."),
}


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    name = " ".join(str(values.get("name") or "").split())
    if not name or len(name) > NAME_MAX_LENGTH:
        raise ActionRefused("name_required", _("Give the organisation's full name (at most 300 characters)."))
    code = edrpou.normalise(str(values.get("edrpou") or ""))
    problem = edrpou.problem(code)
    if problem is not None:
        raise ActionRefused("bad_edrpou", _(EDRPOU_PROBLEMS[problem]), details=[{"field": "edrpou"}])
    if values.get("legal_form") not in LegalForm.values:
        raise ActionRefused("bad_legal_form", _("Choose the legal form from the list."))
    registered_on = values.get("registered_on")
    if not isinstance(registered_on, date) or registered_on > timezone.localdate():
        raise ActionRefused("bad_date", _("Give the date of state registration (not in the future)."))
    try:
        validate_email(values.get("email") or "")
    except ValidationError as error:
        raise ActionRefused("bad_email", _("Enter a valid e-mail address.")) from error
    return {**values, "name": name, "edrpou": code}


def organisation_register(
    *, author: Any, community: Community, values: dict[str, Any], logo: Any = None, statute: Any = None
) -> Organisation:
    """A pending organisation with ``author`` as its head. ``values``: the model's fields
    (``districts`` a list of districts); ``logo`` (an image) and ``statute`` (a PDF) optional uploads.
    Refused for a bad code, a code already registered and a file not accepted."""
    values = _clean(values)
    checked_logo = uploads.check_logo(logo) if logo is not None else []
    checked_statute = uploads.check_statute(statute) if statute is not None else []
    require_eligible(author, community, OrganisationAction.REGISTER)
    districts = values.pop("districts", [])
    fields = {k: v for k, v in values.items() if k in _REGISTER_FIELDS}
    try:
        with atomic_with_files():
            organisation = Organisation.objects.create(community=community, registered_by=author, **fields)
            organisation.districts.set(districts)
            Membership.objects.create(organisation=organisation, user=author, role=MemberRole.HEAD)
            files = uploads.set_organisation_files(organisation, logo=checked_logo, statute=checked_statute)
            audit.record(
                action="organisation.registered",
                actor=author,
                obj=organisation,
                community=community,
                summary={"edrpou": organisation.edrpou, **files},
            )
    except IntegrityError as error:
        raise ActionRefused(
            "edrpou_taken", _("An organisation with this EDRPOU code is already registered here."), status=409
        ) from error
    return organisation


_REGISTER_FIELDS = {
    "name", "edrpou", "legal_form", "registered_on", "areas", "description", "works_with_idps", "email",
    "phone", "website",
}  # fmt: skip


def _decide(organisation: Organisation, actor: Any, status: str, reason: str) -> Organisation:
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if locked.status != OrganisationStatus.PENDING:
            raise ActionRefused("already_decided", _("This registration has already been decided."), status=409)
        locked.status, locked.refusal_reason = status, reason
        locked.decided_by, locked.decided_at = actor, timezone.now()
        locked.save(update_fields=["status", "refusal_reason", "decided_by", "decided_at"])
        audit.record(
            action=f"organisation.{status}",
            actor=actor,
            obj=locked,
            community=locked.community,
            summary={"reason": reason} if reason else None,
        )
        heads = [m.user for m in locked.memberships.filter(role=MemberRole.HEAD).select_related("user")]
        notifications.notify(
            recipients=heads,
            topic=None,
            subject=gettext_noop("Registration of «%(name)s»: %(outcome)s"),
            template="organisations/email/decided.txt",
            context={"name": locked.name, "outcome": locked.get_status_display(), "reason": reason},
            url=locked.get_absolute_url(),
        )
    return locked


def organisation_confirm(*, organisation: Organisation, actor: Any) -> Organisation:
    return _decide(organisation, actor, OrganisationStatus.CONFIRMED, "")


def organisation_refuse(*, organisation: Organisation, actor: Any, reason: str) -> Organisation:
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused("reason_required", _("Explain the refusal to the organisation."))
    return _decide(organisation, actor, OrganisationStatus.REFUSED, reason[:2000])


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_send(*, organisation: Organisation, actor: Any, email: str, role: str) -> tuple[Invitation, str]:
    """The head invites someone by e-mail; returns the invitation and its token (e-mailed, not stored)."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ActionRefused("bad_email", _("Enter a valid e-mail address.")) from error
    if role not in MemberRole.values:
        raise ActionRefused("bad_role", _("Choose the role from the list."))
    token = secrets.token_urlsafe(32)
    path = f"/organisations/invitations/{token}/"
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if not locked.is_confirmed:
            raise ActionRefused("not_confirmed", _("Members can be invited once the organisation is confirmed."))
        if not locked.memberships.filter(user=actor, role=MemberRole.HEAD).exists():
            raise ActionRefused("not_head", _("Only the head of the organisation can invite members."), status=403)
        if locked.memberships.filter(user__email__iexact=email).exists():
            raise ActionRefused("already_member", _("This person is already a member."), status=409)
        invitation = Invitation.objects.create(
            organisation=locked, email=email, role=role, token_hash=token_hash(token), invited_by=actor
        )
        audit.record(action="organisation.invited", actor=actor, obj=locked, community=locked.community)
        context = {"name": locked.name, "inviter": actor.display_name}
        url = settings.UCHAST_BASE_URL.rstrip("/") + path
        transaction.on_commit(lambda: _send_invitation(email, context, url), robust=True)
    return invitation, token


def _send_invitation(email: str, context: dict[str, Any], url: str) -> None:
    """A plain e-mail in Ukrainian with an English copy: the invitee may have no account yet."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    parts = []
    subject = ""
    for language in ("uk", "en"):
        with translation.override(language):
            subject = subject or _("Invitation to join «%(name)s»") % context
            parts.append(render_to_string("organisations/email/invitation.txt", {**context, "invitation_url": url}))
    send_mail(
        subject=f"{settings.EMAIL_SUBJECT_PREFIX}{subject}",
        message="\n\n---\n\n".join(parts),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[email],
    )


def invitation_accept(*, token: str, user: Any) -> Organisation:
    """The signed-in person joins; their account must have the invited address verified."""
    from allauth.account.models import EmailAddress

    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(token_hash=token_hash(token)).first()
        if invitation is None:
            raise ActionRefused("invalid_token", _("This invitation link is not valid."), status=404)
        if invitation.accepted_at is not None:
            raise ActionRefused("used_token", _("This invitation has already been accepted."), status=409)
        if not EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists():
            raise ActionRefused(
                "wrong_account",
                _("The invitation was sent to another e-mail address. Sign in with the account that has it verified."),
            )
        organisation = invitation.organisation
        membership, created = Membership.objects.get_or_create(
            organisation=organisation, user=user, defaults={"role": invitation.role}
        )
        if not created:
            raise ActionRefused("already_member", _("This person is already a member."), status=409)
        invitation.accepted_at, invitation.accepted_by = timezone.now(), user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit.record(
            action="organisation.member_joined", actor=user, obj=organisation, community=organisation.community
        )
    return organisation


def anonymise_user(user: Any) -> None:
    """An erased account leaves its organisations; the organisation's record stays (it is public)."""
    Membership.objects.filter(user=user).delete()
