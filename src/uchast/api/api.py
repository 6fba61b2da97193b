"""The JSON API: assembled from the core endpoints and each installed module's ``api.router``.

Endpoints return models; the response schemas (``uchast.api.schemas``) say what of them is shown.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Query, Router, Schema

from uchast import __version__
from uchast.accounts import services as account_services
from uchast.accounts.apiauth import AUTHENTICATED, PUBLIC
from uchast.accounts.models import NOTIFICATION_TOPICS, User
from uchast.accounts.throttle import ApiWriteThrottle
from uchast.api.schemas import CommunityOut, ProfileIn, ProfileOut
from uchast.core.api.errors import install_error_handlers, require_permission
from uchast.core.api.operations import PUBLIC_ITEM_ERRORS, SIGNED_IN_ERRORS, lazy_text
from uchast.core.api.pagination import PageIn, page
from uchast.core.api.schemas import Error
from uchast.core.errors import ActionRefused
from uchast.core.models import Community
from uchast.core.registry import StatisticRow, registry
from uchast.core.web import UchastRequest

api = NinjaAPI(
    title="Uchast API",
    # The explorer is our own page (uchast.api.views.docs): ninja's loads Swagger UI from a CDN,
    # which the CSP refuses.
    docs_url=None,
    version=__version__,
    description="Public data and resident actions of the Uchast e-democracy platform.",
    urls_namespace="api",
    # Every write is counted per account and address in the shared store (accounts.throttle).
    throttle=[ApiWriteThrottle()],
    # An operation without an authentication of its own (the public reads) still reads a token
    # sent, by the same rules (accounts.apiauth.PUBLIC says why it is declared here).
    auth=PUBLIC,
)
install_error_handlers(api)


@api.get(
    "/community",
    response={200: CommunityOut, **PUBLIC_ITEM_ERRORS},
    tags=["community"],
    summary=lazy_text(gettext_lazy("The community: name, contacts and districts")),
)
def community_info(request: UchastRequest) -> Community:
    require_permission(request, "core.view_public")
    community = request.community
    if community is None:
        raise ActionRefused("no_community", _("No community is configured yet."), status=404)
    return community


@api.get(
    "/me",
    response={200: ProfileOut, **SIGNED_IN_ERRORS},
    auth=AUTHENTICATED,
    tags=["accounts"],
    summary=lazy_text(gettext_lazy("My profile")),
)
def my_profile(request: UchastRequest) -> User:
    require_permission(request, "accounts.view_profile", request.user)
    return request.user


@api.put(
    "/me",
    response={200: ProfileOut, **SIGNED_IN_ERRORS},
    auth=AUTHENTICATED,
    tags=["accounts"],
    summary=lazy_text(gettext_lazy("Change my profile")),
)
def update_my_profile(request: UchastRequest, payload: ProfileIn) -> User:
    require_permission(request, "accounts.change_profile", request.user)
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
    return account_services.profile_update(
        user=request.user,
        full_name=name,
        preferred_language=payload.preferred_language,
        notifications={t: payload.notification_preferences.get(t, False) for t in NOTIFICATION_TOPICS},
    )


class StatisticOut(Schema):
    module: str
    process: str
    month: str
    measure: str
    value: int


@api.get(
    "/statistics",
    response={200: list[StatisticOut], **PUBLIC_ITEM_ERRORS},
    tags=["open data"],
    summary=lazy_text(gettext_lazy("Statistics per process and month")),
)
def statistics(
    request: UchastRequest, paging: Query[PageIn], module: str = "", process: str = "", month: str = ""
) -> list[StatisticRow]:
    """Participants, proposals, votes online and on paper, signatures and petitions by state, appeals
    received and answered on time or late (and those overdue now), from every
    installed module (``registry.add_statistics``). ``month`` is ``YYYY-MM``, empty for whole-process numbers."""
    require_permission(request, "core.view_public")
    community = request.community
    if community is None:
        raise ActionRefused("no_community", _("No community is configured yet."), status=404)
    rows = [row for provider in registry.statistics for row in provider(community)]
    wanted = [
        r
        for r in rows
        if (not module or r.module == module)
        and (not process or r.process == process)
        and (not month or r.month == month)
    ]
    return page(wanted, paging)


for _app in settings.UCHAST_MODULE_APPS:
    if find_spec(f"{_app}.api") is not None:
        _module = import_module(f"{_app}.api")
        api.add_router(f"/{_app.rsplit('.', 1)[1]}/", _module.router)
# Issue 18, everything scriptable: core's comments, follows and moderation (core names no authentication
# of its own: it sits below accounts), my tokens, my inbox and channels, and the budget's receipt check.
api.add_router("/", import_module("uchast.core.api_ops").router, auth=AUTHENTICATED)
api.add_router("/me/", import_module("uchast.accounts.api").router)
api.add_router("/channels/", import_module("uchast.channels.api").router)
if "uchast.budget" in settings.UCHAST_MODULE_APPS:
    api.add_router("/budget/", import_module("uchast.budget.api_receipt").router)


def _document_throttled_writes(routers: list[tuple[str, Router]]) -> None:
    """Say in the schema that every counted write may answer 429 (those that opt out say ``throttle=[]``)."""
    for _prefix, router in routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                counted = operation.throttle_param != []
                # A single response model is also the success status ninja picks: leave it alone.
                if counted and {"POST", "PUT", "PATCH", "DELETE"} & set(operation.methods):
                    if len(operation.response_models) > 1:
                        operation.response_models.setdefault(429, operation._create_response_model(Error))
        _document_throttled_writes([(p, r) for p, r, _tags in router._routers])


_document_throttled_writes(api._routers)


def _document_optional_token() -> None:
    """Say in the schema that a public operation takes a token but does not need one: ninja lists
    the token methods of :data:`PUBLIC` (its ``_anyone`` is no security scheme), and OpenAPI's empty
    requirement ``{}`` adds "or none". Done on the operations as mounted, after the pass above,
    which the mounted copies took over (so it runs last: it mounts the routers)."""
    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                if list(operation.auth_callbacks) == PUBLIC:  # a copy of it, for the API's own operations
                    # ninja appends a list of ``openapi_extra`` to its own ("security": methods + none).
                    operation.openapi_extra = {**(operation.openapi_extra or {}), "security": [{}]}


_document_optional_token()
