from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from uchast.accounts.models import ApiToken, Role, User
from uchast.accounts.predicates import is_staff_member


def user_roles(user: User) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


def role_label(role_name: str) -> str:
    try:
        return str(Role(role_name).label)
    except ValueError:
        return role_name


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def token_for_api_key(key: str) -> ApiToken | None:
    """The token ``key`` if it is live (not expired) and its owner active, else None."""
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key)).first()
    if token is None or not token.user.is_active or token.expires_at <= timezone.now():
        return None
    return token


def user_for_api_key(key: str) -> User | None:
    token = token_for_api_key(key)
    return token.user if token is not None else None


def staff_without_second_factor(user: object) -> bool:
    """A staff member (official, moderator, administrator) who has not set up TOTP: the site sends
    them to set it up (``StaffTwoFactorMiddleware``) and the API refuses them (``apiauth``)."""
    return bool(
        settings.UCHAST_REQUIRE_STAFF_MFA
        and is_staff_member(user)
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    )
