from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from rules.contrib.views import permission_required

from uchast.verification.models import Verification


@require_safe
@permission_required("verification.view_own")
def start(request: HttpRequest) -> HttpResponse:
    """The resident's verification status and history, and the ways to confirm residence."""
    community = request.community  # type: ignore[attr-defined]
    user = request.user
    history = Verification.objects.filter(user_id=user.pk, community=community).select_related("district")
    current = next((v for v in history if v.status == "active"), None)
    return render(request, "verification/start.html", {"current": current, "history": history})
