"""``{% moderation_actions obj %}``: the report / hide / restore forms of any registered contribution,
posting to core moderation's routes and coming back to ``#<model>-<pk>`` on the same page."""

from __future__ import annotations

from typing import Any

from django import template

from uchast.core.moderation import kind_of

register = template.Library()


@register.inclusion_tag("core/includes/moderation_actions.html", takes_context=True)
def moderation_actions(context: dict[str, Any], obj: Any, place: str = "") -> dict[str, Any]:
    """``place`` tells apart two sets of forms for one contribution on a page (their ids differ)."""
    request = context["request"]
    user = request.user
    kind = kind_of(obj)
    name = obj._meta.model_name
    signed_in = user.is_authenticated
    return {
        "kind": kind.key,
        "obj": obj,
        "prefix": f"{name}-{obj.pk}{'-' + place if place else ''}",
        "may_report": signed_in and not obj.is_hidden and user.has_perm(kind.report_permission, obj),
        "is_moderator": signed_in and user.has_perm("core.moderate"),
        "next": f"{request.get_full_path()}#{name}-{obj.pk}",
        "csrf_token": context.get("csrf_token"),
    }
