from __future__ import annotations

from typing import Any

from django import template

from uchast.eligibility import Decision
from uchast.verification.messages import describe_decision, needs_verification

register = template.Library()


@register.inclusion_tag("verification/includes/eligibility_notice.html", takes_context=True)
def eligibility_notice(context: dict[str, Any], decision: Decision, action_label: str = "") -> dict[str, Any]:
    """Tells a resident exactly what is missing before they can take part, and how to get it."""
    request = context.get("request")
    community = getattr(request, "community", None)
    methods = []
    if (
        needs_verification(decision)
        and community is not None
        and getattr(getattr(request, "user", None), "is_authenticated", False)
    ):
        from uchast.verification.methods import method_entries

        methods = method_entries(community)
    return {
        "methods": methods,
        "decision": decision,
        "reasons": describe_decision(decision),
        "needs_verification": needs_verification(decision),
        "action_label": action_label,
        "user": getattr(request, "user", None),
        "next": request.get_full_path() if request else "",
    }
