"""Permissions of verification, and participation conditions exposed as django-rules predicates.

``verification.eligible_<action>`` (e.g. ``verification.eligible_petition_sign``) takes as object
the Community, or any object with ``.community`` and optionally ``.conditions`` (condition text of
that process); it is true when the person meets the conditions.
"""

from typing import Any

import rules

from uchast.accounts.predicates import is_administrator, is_official, is_resident
from uchast.eligibility import ACTIONS


def eligibility_predicate(action: str) -> Any:
    @rules.predicate(name=f"eligible_for_{action}")
    def eligible(user: Any, target: Any = None) -> bool:
        from uchast.core.models import Community
        from uchast.core.selectors import current_community
        from uchast.verification.selectors import participation_decision

        community = target if isinstance(target, Community) else getattr(target, "community", None)
        community = community or current_community()
        if community is None:
            return False
        conditions = None if isinstance(target, Community) else getattr(target, "conditions", None)
        return participation_decision(user, community, action, conditions=conditions).allowed

    return eligible


for _action in sorted(ACTIONS):
    rules.add_perm("verification.eligible_" + _action.replace(".", "_"), eligibility_predicate(_action))

is_staff_reviewer = is_official | is_administrator

rules.add_perm("verification.view_own", is_resident)
rules.add_perm("verification.review", is_staff_reviewer)
rules.add_perm("verification.revoke", is_staff_reviewer)
rules.add_perm("verification.issue_codes", is_staff_reviewer)
rules.add_perm("verification.import_census", is_staff_reviewer)
rules.add_perm("verification.configure_methods", is_administrator)
rules.add_perm("verification.configure_providers", is_administrator)
