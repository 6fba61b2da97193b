from __future__ import annotations

from ninja import Schema


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


class ProfileOut(Schema):
    id: int
    email: str
    name: str
    preferred_language: str
    roles: list[str]
    notification_preferences: dict[str, bool]


class ProfileIn(Schema):
    name: str
    preferred_language: str
    notification_preferences: dict[str, bool]
