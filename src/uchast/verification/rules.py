import rules

from uchast.accounts.predicates import is_administrator, is_official, is_resident

rules.add_perm("verification.view_own", is_resident)
rules.add_perm("verification.review", is_official | is_administrator)
rules.add_perm("verification.revoke", is_official | is_administrator)
