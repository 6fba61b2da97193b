"""Permissions of verification. Participation conditions are not permissions: services ask
``verification.selectors.require_eligible`` so the person is told what is missing."""

import rules

from uchast.accounts.predicates import is_administrator, is_official, is_resident

is_staff_reviewer = is_official | is_administrator

rules.add_perm("verification.view_own", is_resident)
rules.add_perm("verification.review", is_staff_reviewer)
rules.add_perm("verification.revoke", is_staff_reviewer)
rules.add_perm("verification.issue_codes", is_staff_reviewer)
rules.add_perm("verification.import_census", is_staff_reviewer)
rules.add_perm("verification.configure_methods", is_administrator)
rules.add_perm("verification.configure_providers", is_administrator)
