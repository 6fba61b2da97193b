"""The JSON API: assembled from the core endpoints and each installed module's ``api.router``."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from uchast import __version__
from uchast.accounts import selectors as account_selectors
from uchast.accounts import services as account_services
from uchast.accounts.apiauth import AUTHENTICATED
from uchast.accounts.models import NOTIFICATION_TOPICS, User
from uchast.api.schemas import CommunityOut, DistrictOut, ProfileIn, ProfileOut
from uchast.core.api.errors import install_error_handlers
from uchast.core.api.schemas import Error
from uchast.core.errors import ActionRefused
from uchast.core.selectors import districts_of

api = NinjaAPI(
    title="Uchast API",
    version=__version__,
    description="Public data and resident actions of the Uchast e-democracy platform.",
    urls_namespace="api",
)
install_error_handlers(api)


def _require(request: HttpRequest, permission: str, obj: Any = None) -> None:
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied


@api.get("/community", response={200: CommunityOut, 404: Error}, tags=["community"])
def community_info(request: HttpRequest) -> CommunityOut:
    _require(request, "core.view_public")
    community = request.community  # type: ignore[attr-defined]
    if community is None:
        raise ActionRefused("no_community", _("No community is configured yet."), status=404)
    return CommunityOut(
        slug=community.slug,
        name_uk=community.name_uk,
        name_en=community.name_en,
        katottg=community.katottg,
        is_displaced=community.is_displaced,
        host_city_uk=community.host_city_uk,
        host_city_en=community.host_city_en,
        email=community.email,
        phone=community.phone,
        website=community.website,
        districts=[
            DistrictOut(code=d.code, name_uk=d.name_uk, name_en=d.name_en, is_occupied=d.is_occupied)
            for d in districts_of(community)
        ],
    )


def _profile_out(user: User) -> ProfileOut:
    return ProfileOut(
        id=user.pk,
        email=user.email,
        name=user.full_name,
        preferred_language=user.preferred_language,
        roles=account_selectors.user_roles(user),
        notification_preferences={t: user.wants_notification(t) for t in NOTIFICATION_TOPICS},
    )


@api.get("/me", response={200: ProfileOut, 401: Error}, auth=AUTHENTICATED, tags=["accounts"])
def my_profile(request: HttpRequest) -> ProfileOut:
    _require(request, "accounts.view_profile", request.user)
    return _profile_out(request.user)  # type: ignore[arg-type]


@api.put("/me", response={200: ProfileOut, 401: Error, 422: Error}, auth=AUTHENTICATED, tags=["accounts"])
def update_my_profile(request: HttpRequest, payload: ProfileIn) -> ProfileOut:
    _require(request, "accounts.change_profile", request.user)
    name = payload.name.strip()
    if not name or len(name) > 150:
        raise ActionRefused(
            "invalid_input", _("Name must be 1 to 150 characters."), status=422, details=[{"field": "name"}]
        )
    if payload.preferred_language not in {"uk", "en"}:
        raise ActionRefused(
            "invalid_input", _("Language must be uk or en."), status=422, details=[{"field": "preferred_language"}]
        )
    unknown = set(payload.notification_preferences) - set(NOTIFICATION_TOPICS)
    if unknown:
        raise ActionRefused(
            "invalid_input",
            _("Unknown notification topic."),
            status=422,
            details=[{"field": "notification_preferences"}],
        )
    user = account_services.profile_update(
        user=request.user,  # type: ignore[arg-type]
        full_name=name,
        preferred_language=payload.preferred_language,
        notifications={t: payload.notification_preferences.get(t, False) for t in NOTIFICATION_TOPICS},
    )
    return _profile_out(user)


for _app in settings.UCHAST_MODULE_APPS:
    if find_spec(f"{_app}.api") is not None:
        _module = import_module(f"{_app}.api")
        api.add_router(f"/{_app.rsplit('.', 1)[1]}/", _module.router)
