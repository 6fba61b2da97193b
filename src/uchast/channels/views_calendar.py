"""The iCalendar feeds and the reset of a person's secret feed URL."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from uchast.channels import calendars
from uchast.core.permissions import permission_required
from uchast.core.web import UchastRequest, post_action


def _ics(body: bytes, *, private: bool) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="uchast.ics"'
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=900"
    if private:
        response["Referrer-Policy"] = "no-referrer"
    return response


@require_safe
@permission_required("core.view_public", raise_exception=True)
def community_feed(request: UchastRequest) -> HttpResponse:
    community = request.community
    name = community.name if community is not None else "Uchast"
    return _ics(calendars.render(str(name), calendars.events(community, None)), private=False)


@require_safe
def personal_feed(request: UchastRequest, key: str) -> HttpResponse:
    """No session: calendar apps fetch it. The secret URL is the credential."""
    user = calendars.user_for_token(key)
    if user is None:
        raise Http404
    with translation.override(user.preferred_language or None):
        body = calendars.render(_("My deadlines and meetings"), calendars.events(request.community, user))
    return _ics(body, private=True)


@require_POST
@permission_required("channels.change_channels", raise_exception=True)
def reset(request: UchastRequest) -> HttpResponse:
    return post_action(
        request,
        lambda: calendars.calendar_reset(user=request.user),
        success=_("Your calendar has a new address; the old one no longer works."),
        to="channels:settings",
    )
