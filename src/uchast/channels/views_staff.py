"""Staff announcements."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from uchast.channels.announcements import announcement_send
from uchast.channels.forms import AnnouncementForm
from uchast.channels.models import Announcement
from uchast.core.permissions import permission_required
from uchast.core.registry import registry
from uchast.core.selectors import districts_of
from uchast.core.web import UchastRequest, form_action


@require_http_methods(["GET", "POST"])
@permission_required("channels.send_announcement")
def announcements(request: UchastRequest) -> HttpResponse:
    community = request.community
    form = AnnouncementForm(
        request.POST or None,
        districts=[(d.code, d.name) for d in districts_of(community)] if community else [],
        bases=registry.audience.bases if registry.audience else [],
    )
    return form_action(
        request,
        form,
        lambda: announcement_send(
            actor=request.user,
            community=community,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            district_code=form.cleaned_data["district_code"],
            basis=form.cleaned_data["basis"],
        ),
        template="channels/announcements.html",
        context={"sent": Announcement.objects.filter(community=community)[:20] if community else []},
        success=_("The announcement is sent."),
        to="channels:announcements",
    )
