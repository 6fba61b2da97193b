"""Schemas of the core endpoints (community, profile): what of the returned model the API shows."""

from __future__ import annotations

from typing import Any

from ninja import Schema

from uchast.accounts.models import NOTIFICATION_TOPICS, User
from uchast.accounts.selectors import user_roles
from uchast.core.models import Community
from uchast.core.selectors import districts_of


class DistrictOut(Schema):
    code: str
    name_uk: str
    name_en: str
    is_occupied: bool


class CommunityOut(Schema):
    slug: str
    name_uk: str
    name_en: str
    katottg: str
    is_displaced: bool
    host_city_uk: str
    host_city_en: str
    email: str
    phone: str
    website: str
    districts: list[DistrictOut]

    @staticmethod
    def resolve_districts(community: Community) -> list[Any]:
        return list(districts_of(community))


class ProfileOut(Schema):
    id: int
    email: str
    name: str
    preferred_language: str
    roles: list[str]
    notification_preferences: dict[str, bool]

    @staticmethod
    def resolve_name(user: User) -> str:
        return user.full_name

    @staticmethod
    def resolve_roles(user: User) -> list[str]:
        return user_roles(user)

    @staticmethod
    def resolve_notification_preferences(user: User) -> dict[str, bool]:
        return {topic: user.wants_notification(topic) for topic in NOTIFICATION_TOPICS}


class ProfileIn(Schema):
    name: str
    preferred_language: str
    notification_preferences: dict[str, bool]
