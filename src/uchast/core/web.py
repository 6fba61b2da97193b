"""What every module's views share: the request type, and the two shapes of a view that acts.

A view that acts calls **one** service. The service either succeeds or raises
:class:`~uchast.core.errors.ActionRefused` (or Django's ``ValidationError`` for a bad file); the
view shows the outcome and follows POST-redirect-GET. The two helpers here are those views:

- :func:`post_action`: a button (POST, no form to show again): message, then redirect to a safe
  ``next`` from the form, else to where the view says;
- :func:`form_action`: a form page (GET shows it; a valid POST calls the service; a refusal goes
  on the form, which is shown again with status 400 so nothing typed is lost).

Permission is checked before either is called (the ``permission_required`` decorator and the
module's ``access_*`` checkpoint); these helpers never decide who may act.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from uchast.core.errors import ActionRefused
from uchast.core.navigation import safe_next

if TYPE_CHECKING:
    from uchast.core.models import Community


class UchastRequest(HttpRequest):
    """The request as our middleware leaves it, for type checking only (never instantiated).

    ``community`` is the community being served (``CurrentCommunityMiddleware``); it is None only
    before an administrator configures one, which public pages handle and staff pages never meet.
    ``user`` is a ``User`` or ``AnonymousUser``: views check permissions before relying on either.
    """

    community: Community
    user: Any


def _refusal_text(error: ActionRefused | ValidationError) -> str:
    return error.message if isinstance(error, ActionRefused) else " ".join(error.messages)


def post_action(
    request: HttpRequest,
    action: Callable[[], object],
    *,
    success: str,
    to: str,
    success_to: str | None = None,
) -> HttpResponse:
    """Call ``action`` (one service call), show its outcome, redirect.

    On success, ``success`` is shown (if not empty) and the person goes to the form's safe ``next``,
    else ``success_to``, else ``to``; on a refusal the message is shown and they go to ``next`` or
    ``to``. ``to`` and ``success_to`` are URLs or URL names that ``redirect`` understands.
    """
    back = safe_next(request, request.POST.get("next", ""))
    try:
        action()
    except (ActionRefused, ValidationError) as error:
        messages.error(request, _refusal_text(error))
        return redirect(back or to)
    if success:
        messages.success(request, success)
    return redirect(back or success_to or to)


def form_action(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[], object],
    *,
    template: str,
    context: dict[str, Any] | None = None,
    success: str = "",
    to: str | Callable[[Any], str],
    error_field: str | None = None,
) -> HttpResponse:
    """A form page: GET renders ``template`` with ``form``; a valid POST calls ``action``.

    On success the message ``success`` is shown and the person is redirected to ``to`` (a URL, or a
    function of what ``action`` returned, e.g. the new object's page). A refusal is added to the
    form (to ``error_field``, else the whole form) and the page is shown again with status 400
    (429 when an attempt limit refused it), as is an invalid form: what the person typed stays.
    """
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            result = action()
        except (ActionRefused, ValidationError) as error:
            form.add_error(error_field, _refusal_text(error))
            if isinstance(error, ActionRefused) and error.status == 429:
                status = 429
        else:
            if success:
                messages.success(request, success)
            return redirect(to(result) if callable(to) else to)
    return render(request, template, {"form": form, **(context or {})}, status=status)
