from __future__ import annotations

from django.db.models import QuerySet

from uchast.accounts.models import ApiToken, Role, User


def user_roles(user: User) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


def role_label(role_name: str) -> str:
    try:
        return str(Role(role_name).label)
    except ValueError:
        return role_name


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def user_for_api_key(key: str) -> User | None:
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key)).first()
    if token is None or not token.user.is_active:
        return None
    return token.user
