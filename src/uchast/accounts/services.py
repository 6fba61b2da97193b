"""Write use cases of accounts: profile, roles, tokens, data export, deletion."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from uchast.accounts.models import TOKEN_SCOPES, ApiToken, Role, User
from uchast.core import audit
from uchast.core.errors import ActionRefused
from uchast.core.registry import registry


def profile_update(*, user: User, full_name: str, preferred_language: str, notifications: dict[str, bool]) -> User:
    with transaction.atomic():
        user.full_name = full_name
        user.preferred_language = preferred_language
        user.notification_preferences = notifications
        user.save(update_fields=["full_name", "preferred_language", "notification_preferences"])
    return user


def role_grant(*, actor: User | None, user: User, role: Role, community: Any = None) -> None:
    with transaction.atomic():
        group, _ = Group.objects.get_or_create(name=role.value)
        user.groups.add(group)
        audit.record(
            action="accounts.role_granted", actor=actor, obj=user, community=community, summary={"role": role.value}
        )
    user.__dict__.pop("_uchast_roles", None)


def roles_changed(*, actor: Any, user: User, before: set[str], after: set[str], via: str) -> None:
    """Put on the audit log the roles ``user`` gained and lost in an edit made elsewhere (the Django
    admin saves the groups itself); call inside that edit's transaction. Roles are group names;
    ``superuser`` stands for the superuser flag."""
    with transaction.atomic():
        for role in sorted(after - before):
            audit.record(action="accounts.role_granted", actor=actor, obj=user, summary={"role": role, "via": via})
        for role in sorted(before - after):
            audit.record(action="accounts.role_revoked", actor=actor, obj=user, summary={"role": role, "via": via})
    user.__dict__.pop("_uchast_roles", None)


def api_token_create(
    *,
    user: User,
    name: str,
    scopes: tuple[str, ...] = ("read", "participate"),
    second_factor_recent: bool = False,
) -> tuple[ApiToken, str]:
    """Returns the token row and the plain key, which is never stored and shown only now.

    A ``staff`` token acts in its owner's role without a browser, so only staff may have one, and
    only right after confirming their second factor (``second_factor_recent``, from the session)."""
    wanted = tuple(dict.fromkeys(scopes))
    if not wanted or set(wanted) - set(TOKEN_SCOPES):
        raise ActionRefused("invalid_scope", gettext("Choose the token's scopes: read, participate, staff."))
    if "staff" in wanted:
        if not user.groups.filter(name__in=[Role.OFFICIAL, Role.MODERATOR, Role.ADMINISTRATOR]).exists():
            raise ActionRefused("forbidden", gettext("Only staff may create a staff token."), status=403)
        if not second_factor_recent:
            raise ActionRefused(
                "second_factor_required",
                gettext("Confirm your second factor again to create a staff token."),
                status=403,
            )
    key = ApiToken.new_key()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, key_hash=ApiToken.hash_key(key), scopes=" ".join(wanted))
        # The token's name is the person's words: the public log keeps only its id.
        audit.record(action="accounts.api_token_created", actor=user, obj=token)
    return token, key


#: How stale ``ApiToken.last_used_at`` may get: a write at most once an hour per token, not one a request.
TOKEN_USE_RESOLUTION = timedelta(hours=1)


def api_token_mark_used(token: ApiToken) -> None:
    """Record when a token was last used, so its owner can see a token that is still in use (or one
    that should not be). Written only when the recorded moment is older than the resolution, from the
    row already read to authenticate: no extra query on most requests. The ballot fast lane
    (``budget/castpath``) does not call it: a vote adds no write beyond the ballot itself."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOKEN_USE_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def api_token_revoke(*, user: User, token_id: int, actor: Any = None) -> None:
    """Delete one of ``user``'s tokens (by ``actor``, default the owner); refused (``not_found``)
    for a token that is not theirs or is gone."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
        if token is None:
            raise ActionRefused("not_found", gettext("Not found."))
        audit.record(action="accounts.api_token_revoked", actor=actor or user, obj=token)
        token.delete()


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything we hold about this person, as JSON-serialisable data (GDPR-style access right)."""
    data: dict[str, Any] = {
        "account": {
            "id": user.pk,
            "email": user.email,
            "name": user.full_name,
            "joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "preferred_language": user.preferred_language,
            "notification_preferences": user.notification_preferences,
            "roles": sorted(user.groups.values_list("name", flat=True)),
        },
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user)
        ],
        "two_factor_methods": sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True)),
        "api_tokens": [
            {"name": t.name, "created": t.created_at.isoformat()} for t in ApiToken.objects.filter(user=user)
        ],
    }
    for key, exporter in registry.personal_data_exporters.items():
        data[key] = exporter(user)
    return data


def account_delete(*, user: User) -> None:
    """Anonymise the account: contributions and counts stay, nothing identifies the person.

    The user row is kept (contributions and the audit log reference it) but loses e-mail, name,
    password, second factors, tokens and roles. Each module's anonymiser runs in the same transaction.
    """
    with transaction.atomic():
        for anonymise in registry.anonymisers:
            anonymise(user)
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        ApiToken.objects.filter(user=user).delete()
        user.groups.clear()
        user.email = f"deleted-{user.pk}@invalid.uchast"
        user.full_name = ""
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.notification_preferences = {}
        user.anonymised_at = timezone.now()
        user.set_unusable_password()
        user.save()
        audit.record(action="accounts.account_deleted", actor=user, obj=user, summary={})


def unconfirmed_email_resend(*, request: Any, email: str, password: str, new_email: str = "") -> str:
    """Send the confirmation e-mail of a not yet confirmed account again, to ``new_email`` when the
    person corrects the address. Returns the address written to. Refused (``not_waiting``) unless
    the address and password name an account whose address is not confirmed, so nobody can change
    or flood another person's sign-up; attempts are limited per address and client
    (``confirmation_help``). A corrected address that belongs to another account gets allauth's
    "account exists" e-mail instead, and the answer is the same, so addresses cannot be probed."""
    from allauth.account.adapter import get_adapter
    from allauth.account.internal.flows.email_verification import send_verification_email_to_address
    from django.contrib.auth import authenticate

    from uchast.accounts import throttle

    throttle.check("confirmation_help", ip=throttle.client_ip(request), identity=email.strip().lower())
    user = authenticate(request, email=email, password=password)
    waiting = (
        EmailAddress.objects.filter(user=user, verified=False).order_by("-primary", "pk").first() if user else None
    )
    if user is None or waiting is None or EmailAddress.objects.filter(user=user, verified=True).exists():
        raise ActionRefused(
            "not_waiting",
            gettext("The address and password do not match an account waiting for confirmation."),
        )
    new_email = new_email.strip()
    if new_email and new_email.lower() != waiting.email.lower():
        if EmailAddress.objects.filter(email__iexact=new_email).exclude(user=user).exists():
            get_adapter(request).send_account_already_exists_mail(new_email)
            return str(new_email)
        with transaction.atomic():
            EmailAddress.objects.filter(user=user).delete()
            user.email = new_email
            user.save(update_fields=["email"])
            waiting = EmailAddress.objects.create(user=user, email=new_email, primary=True, verified=False)
    if not send_verification_email_to_address(request, waiting):
        raise ActionRefused(
            "sent_recently",
            gettext("An e-mail was sent to this address a few minutes ago. Check the spam folder, or try again later."),
            status=429,
        )
    return str(waiting.email)
